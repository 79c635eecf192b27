//! Situations in a conversation: which categories (schemes) a message names or
//! means, and how a statement about the resident (「国保です」「会社員で産休をとります」)
//! moves the previous question to another situation or confirms the current one.

use super::wording::{best_covered, label_parts, names, situation};
use super::{Turn, SWITCH_MIN_CONFIDENCE};
use crate::decide::Decision;
use crate::engine::{AskError, Engine};

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
        let fits_alone = turn
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
}
