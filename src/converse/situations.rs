//! Situations in a conversation: which categories (schemes) a message names or
//! means, and how a statement about the resident (「国保です」「会社員で産休をとります」)
//! moves the previous question to another situation or confirms the current one.

use super::clarify_options;
use super::wording::{best_covered, label_parts, names, situation};
use super::{Turn, KIND_WINDOW, SWITCH_MIN_CONFIDENCE};
use crate::analysis::aspects::Aspects;
use crate::decide::Decision;
use crate::engine::{AskError, Engine};
use crate::respond::ClarifyOption;

impl Engine {
    /// The previous question answered within the category the statement `plain`
    /// points to, when that is another category than `last`'s.
    pub(super) fn situation_switch(&self, turn: Turn<'_>) -> Result<Option<Decision>, AskError> {
        let (tenant, last, previous) = (turn.tenant, turn.last, turn.previous);
        let wanted = self.situations_meant(turn.question, tenant, turn.plain);
        // A confirmation (「国保です」 after a 国保 answer), or a statement the answer
        // given fits on its own and that, read with the question, still points first
        // to it (「病院の受付で保険証として使いたい」 after スマホのマイナ保険証): the
        // answer stands.
        let floor = self.config().decide.suggest_min_confidence;
        // (Not when the statement alone is answered by another entry: that one names
        // the situation.)
        let answered_elsewhere = turn.plain.kind == crate::decide::DecisionKind::Answer
            && turn
                .plain
                .top
                .as_ref()
                .is_some_and(|t| t.candidate.id != last.id);
        let fits_alone = !answered_elsewhere
            && turn
                .plain
                .ranked
                .iter()
                .any(|s| s.candidate.id == last.id && s.confidence >= floor);
        let confirms = wanted.contains(&situation(&last.category))
            || fits_alone && {
                let (_, both) =
                    self.run_composed(&format!("{previous} {}", turn.question), tenant)?;
                both.ranked
                    .first()
                    .is_some_and(|s| s.candidate.id == last.id)
            };
        if confirms {
            let (_, first) = self.run_composed(previous, tenant)?;
            return Ok(self.answer_among(&first.ranked, f32::MIN, |s| s.candidate.id == last.id));
        }
        self.fitting_in_situations(previous, tenant, &wanted)
    }

    /// The answer to the earlier `question` among the entries of `situations` (those a
    /// statement means), when it fits there at all (at least [`SWITCH_MIN_CONFIDENCE`]):
    /// 「児童手当はいくら」 has no answer among the entries on lost cards, so
    /// 「財布を落としました」 after it is a new matter. Of several situations, the one
    /// whose label the question covers most of is meant (「カードをなくした」, then
    /// 「マイナカードのほう」: マイナンバーカードの紛失・盗難), and the question's short
    /// forms are spelled out as that label does.
    pub(super) fn fitting_in_situations(
        &self,
        question: &str,
        tenant: &str,
        situations: &[String],
    ) -> Result<Option<Decision>, AskError> {
        let a = self.analyzer();
        let asked = a.prepare(question);
        let parts: Vec<Vec<String>> = situations
            .iter()
            .map(|s| label_parts(s, |p| a.prepare(p)))
            .collect();
        let (question, situations): (String, Vec<&str>) = match best_covered(&asked, &parts) {
            Some(i) if situations.len() > 1 => (
                self.spelled_out(question, &situations[i]),
                vec![situations[i].as_str()],
            ),
            _ => (
                question.to_string(),
                situations.iter().map(String::as_str).collect(),
            ),
        };
        Ok(self
            .best_in_situations(&question, tenant, &situations)?
            .filter(|d| {
                d.top
                    .as_ref()
                    .is_some_and(|t| t.confidence >= SWITCH_MIN_CONFIDENCE)
            }))
    }

    /// The situations a statement means: those it names outright (「国民健康保険に
    /// 入っています」), else the category of its best entry (`plain`, its own decision).
    pub(super) fn situations_meant(
        &self,
        statement: &str,
        tenant: &str,
        plain: &Decision,
    ) -> Vec<String> {
        let floor = self.config().decide.suggest_min_confidence;
        let mut wanted = self.named_situations(statement, tenant);
        if wanted.is_empty() {
            let best = plain
                .ranked
                .first()
                .filter(|s| s.confidence >= floor)
                .and_then(|s| self.category_of(tenant, &s.candidate.id))
                .map(situation);
            wanted.extend(best);
        }
        wanted
    }

    /// True when `question` names a category (a scheme such as 児童手当), so it
    /// carries its own topic and is not a follow-up.
    pub(super) fn names_a_topic(&self, question: &str, tenant: &str) -> bool {
        !self.named_situations(question, tenant).is_empty()
    }

    /// True when `question` names `category` (after normalization and synonyms).
    pub(super) fn names(&self, question: &str, category: &str) -> bool {
        let a = self.analyzer();
        names(&a.prepare(question), &a.prepare(&situation(category)))
    }

    /// The situations (categories) with entries visible to `tenant` that `question`
    /// names, e.g. 国民健康保険料 for 「国保です」.
    pub(super) fn named_situations(&self, question: &str, tenant: &str) -> Vec<String> {
        let q = self.analyzer().prepare(question);
        let visible = |s: &str| {
            self.knowledge()
                .entries()
                .iter()
                .any(|e| e.visible_to(tenant) && situation(&e.category) == s)
        };
        self.situations()
            .iter()
            .filter(|(s, prepared)| names(&q, prepared) && visible(s))
            .map(|(s, _)| s.clone())
            .collect()
    }

    /// Options for a question that names only a kind of scheme: a word of it that is
    /// part of its answer's label and of other strong candidates' labels (手当 of
    /// 児童扶養手当, 児童手当 and 出産手当金 for 「手当の申請は？」) while it names no
    /// scheme itself. The options are the labels holding that word; `None` when fewer
    /// than two do. `words`: the question's analyzed words.
    pub(super) fn kind_options(
        &self,
        question: &str,
        words: &[String],
        tenant: &str,
        decision: &Decision,
    ) -> Option<Vec<ClarifyOption>> {
        if self.names_a_topic(question, tenant) {
            return None;
        }
        let a = self.analyzer();
        let floor = self.config().decide.suggest_min_confidence;
        let all = clarify_options(&decision.ranked, floor, KIND_WINDOW, |id| {
            self.category_of(tenant, id).map(situation)
        })?;
        let top = decision.top.as_ref()?;
        let top_label = situation(self.category_of(tenant, &top.candidate.id)?);
        let parts: Vec<Vec<String>> = all
            .iter()
            .map(|o| label_parts(&o.label, |p| a.prepare(p)))
            .collect();
        // The part of option `i`'s label that `w` is the end of (手当 of 児童手当).
        let holding = |i: usize, w: &str| {
            parts[i]
                .iter()
                .find(|p| p.len() > w.len() && p.trim_end_matches('金').ends_with(w))
                .cloned()
        };
        let top_i = all.iter().position(|o| o.label == top_label)?;
        // One option per scheme the word may mean, the best ranked label for each:
        // labels that all spell カード as マイナンバーカード are one scheme.
        words
            .iter()
            .filter(|w| w.chars().count() >= 2 && holding(top_i, w).is_some())
            .map(|w| {
                let mut seen: Vec<String> = Vec::new();
                let mut kind = Vec::new();
                for (i, o) in all.iter().enumerate() {
                    if let Some(part) = holding(i, w).filter(|p| !seen.contains(p)) {
                        seen.push(part);
                        kind.push(o.clone());
                    }
                }
                kind
            })
            .filter(|kind| kind.len() >= 2)
            .max_by_key(Vec::len)
    }

    /// A question naming another scheme but asking nothing of its own about it
    /// (「電子証明書のほうはどうなりますか」 after 「姓が変わったら番号も変わる？」) asks
    /// the previous question about that scheme: the two together, when they point to
    /// an entry of a scheme it names (`named`, the situations it names). `None`
    /// answers it alone.
    pub(super) fn other_scheme_alike(
        &self,
        turn: Turn<'_>,
        named: &[String],
    ) -> Result<Option<Decision>, AskError> {
        let (question, tenant) = (turn.question, turn.tenant);
        if named.is_empty() || !Aspects::of(&self.analyzer().prepare(question)).is_empty() {
            return Ok(None);
        }
        let (_, both) = self.run_composed(&format!("{} {question}", turn.previous), tenant)?;
        let in_named = both.ranked.first().is_some_and(|t| {
            self.category_of(tenant, &t.candidate.id)
                .is_some_and(|c| named.contains(&situation(c)))
        });
        Ok(if in_named {
            self.first_if_sure(&both.ranked)
        } else {
            None
        })
    }
}
