//! Replies to a clarification: which option (or other situation) a reply chooses,
//! and which entry of it answers the first question — or the reply, when the reply
//! is a question of its own.

use super::wording::{best_covered, label_parts, named_option, situation};
use super::{Pending, TIE};
use crate::decide::{Decision, DecisionKind, Scored};
use crate::engine::{AskError, Engine};
use crate::respond::ClarifyOption;

/// Entries the first question fits within this rank of the best (plus what
/// resemblance can add, `retrieve.resemblance_weight`) fit it alike: the reply's own
/// words choose among them (「会社員で産休をとります」 picks the employees'
/// exemption of the two that 「出産するとき保険料は免除される？」 fits).
const ALIKE: f32 = 0.15;

impl Engine {
    /// Reads `reply` as the answer to a pending clarification: the decision for the
    /// first question and the reply together, or `None` for a new question. `asks`:
    /// the reply asks something ([`Engine::asks`]) rather than states.
    pub(super) fn reply(
        &self,
        reply: &str,
        asks: bool,
        tenant: &str,
        p: &Pending,
        plain: &Decision,
    ) -> Result<Option<Decision>, AskError> {
        let (_, combined) = self.run_composed(&format!("{} {reply}", p.question), tenant)?;
        let label_of = |s: &Scored| self.category_of(tenant, &s.candidate.id).map(situation);
        let in_options =
            |s: &Scored| label_of(s).is_some_and(|l| p.options.iter().any(|o| o.label == l));
        // The reply tells the situation (which category); the first question tells
        // what is asked about it, so the entry is chosen by the first question within
        // the category (by both texts when the first alone finds none there), its short
        // forms spelled out as the category's label does (カード → マイナンバーカード).
        // Among the entries the first question fits alike ([`ALIKE`]), both texts
        // choose — unless that drops the aspect the first question asks (いくら).
        let floor = self.config().decide.suggest_min_confidence;
        // Resemblance spreads ranks by up to its weight; entries that close are alike.
        let alike_window = ALIKE + self.config().retrieve.resemblance_weight;
        let within = |label: &str| -> Result<Option<Decision>, AskError> {
            let keep = |s: &Scored| label_of(s).as_deref() == Some(label);
            let question = self.spelled_out(&p.question, label);
            let first = self.best_in_situations(&question, tenant, &[label])?;
            let both = self.best_in_situations(&format!("{question} {reply}"), tenant, &[label])?;
            let alike = |d: &Decision| {
                let id = d.top.as_ref().map(|t| t.candidate.id.as_str());
                let aspect = |d: &Decision| d.top.as_ref().is_some_and(|t| t.candidate.same_aspect);
                first.as_ref().is_some_and(|f| {
                    let best = f.ranked.first().map_or(0.0, |s| s.rank);
                    if aspect(f) && !aspect(d) {
                        return false;
                    }
                    f.ranked
                        .iter()
                        .take_while(|s| s.rank >= best - alike_window)
                        .any(|s| Some(s.candidate.id.as_str()) == id)
                })
            };
            Ok(both
                .filter(alike)
                .or(first)
                .or_else(|| self.answer_among(&combined.ranked, floor, keep)))
        };
        if let Some(i) = named_option(reply, &p.options) {
            return within(&p.options[i].label);
        }
        // A reply naming exactly one option in its own words, after synonyms
        // (「まいなんばーのかーどのほう」 for マイナンバーカードの紛失・盗難), chooses it.
        let named: Vec<&ClarifyOption> = p
            .options
            .iter()
            .filter(|o| self.names(reply, &o.label))
            .collect();
        if let [only] = named.as_slice() {
            return within(&only.label);
        }
        if named.len() > 1 {
            let a = self.analyzer();
            let asked = a.prepare(&p.question);
            let labels: Vec<Vec<String>> = named
                .iter()
                .map(|o| label_parts(&o.label, |p| a.prepare(p)))
                .collect();
            if let Some(i) = best_covered(&asked, &labels) {
                return within(&named[i].label);
            }
        }
        // A statement (「会社員です」) describes the situation, whatever it matches alone.
        let new_question = asks
            && plain.kind == DecisionKind::Answer
            && plain.top.as_ref().is_some_and(|t| !in_options(t))
            && combined.ranked.first().map(|s| &s.candidate.id)
                == plain.top.as_ref().map(|t| &t.candidate.id);
        if new_question {
            return Ok(None);
        }
        // A question of its own answered within one of the options (「何回間違えると
        // ロックされる？」 after 暗証番号 or 有効期限) takes that option and is what is
        // asked now; the first question only led to it.
        if asks && plain.kind == DecisionKind::Answer && plain.top.as_ref().is_some_and(&in_options)
        {
            return Ok(Some(plain.clone()));
        }
        // A question fitting one option's entry as surely as anything else, though not
        // answered alone (「1日あたりいくら？」 fits 出産手当金 and 傷病手当金 alike; only
        // the second was offered), chooses that option.
        if asks {
            let sure = self.config().decide.answer_min_confidence;
            let best = plain.ranked.first().map_or(0.0, |s| s.confidence);
            let offered = plain
                .ranked
                .iter()
                .take_while(|s| s.confidence >= best - TIE)
                .find(|s| in_options(s) && s.confidence >= sure);
            if let Some(label) = offered.and_then(label_of) {
                let both = format!("{} {reply}", p.question);
                return Ok(self
                    .best_in_situations(&both, tenant, &[label.as_str()])?
                    .or(Some(combined)));
            }
        }
        // The situation the resident described picks the category, among the options
        // or beyond them.
        if let Some(first) = combined.ranked.first() {
            if let Some(label) = label_of(first) {
                if asks && in_options(first) && first.confidence >= floor {
                    let keep = |s: &Scored| label_of(s).as_deref() == Some(label.as_str());
                    return Ok(self.answer_among(&combined.ranked, floor, keep));
                }
                if in_options(first) || combined.kind == DecisionKind::Answer {
                    return Ok(within(&label)?.or(Some(combined)));
                }
            }
        }
        // Nothing sure yet: a statement still tells the situation it names or is best
        // answered in (「はがきが届いたのでマイナンバーカードを受け取りに行きます」).
        if !asks {
            let wanted = self.situations_meant(reply, tenant, plain);
            if let Some(d) = self.fitting_in_situations(&p.question, tenant, &wanted)? {
                return Ok(Some(d));
            }
        }
        Ok(Some(combined))
    }
}
