//! Retrieval and decision metrics over evaluated golden cases. Pure functions; the
//! definitions here are the ones the report explains to curators.
//!
//! Ranking metrics (over in-scope questions, top 10 candidates, any expected id counts):
//! hit@1, hit@3, MRR, nDCG@10 (binary relevance). Decision metrics: answer rate (right
//! answers / in-scope), answer precision (right answers / all answers, out-of-scope
//! answers count as wrong), abstain precision (out-of-scope / abstained) and recall
//! (abstained / out-of-scope), false-abstain rate (in-scope abstained / in-scope).

use serde::{Deserialize, Serialize};

use super::golden::Case;
use crate::decide::DecisionKind;

/// What the engine did with one golden case.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub case: Case,
    pub decision: DecisionKind,
    /// The answered entry, for `answer`.
    pub answered: Option<String>,
    /// Best candidates (id, confidence), best first, at most 10.
    pub top: Vec<(String, f32)>,
    /// 1-based rank of the first expected id within `top`.
    pub rank: Option<usize>,
    pub latency_us: u64,
}

impl Outcome {
    /// True when the decision was right: a right answer for in-scope questions, an
    /// abstain for out-of-scope ones.
    pub fn is_correct(&self) -> bool {
        if self.case.is_out_of_scope() {
            self.decision == DecisionKind::Abstain
        } else {
            self.answered
                .as_ref()
                .is_some_and(|a| self.case.expected.contains(a))
        }
    }
}

/// 1-based rank of the first of `expected` in `ranked`.
pub fn first_rank(ranked: &[String], expected: &[String]) -> Option<usize> {
    ranked
        .iter()
        .position(|id| expected.contains(id))
        .map(|p| p + 1)
}

/// nDCG@k with binary relevance: DCG of the ranking over the ideal DCG.
pub fn ndcg_at(ranked: &[String], expected: &[String], k: usize) -> f64 {
    let dcg: f64 = ranked
        .iter()
        .take(k)
        .enumerate()
        .filter(|(_, id)| expected.contains(id))
        .map(|(i, _)| 1.0 / ((i + 2) as f64).log2())
        .sum();
    let ideal: f64 = (0..expected.len().min(k))
        .map(|i| 1.0 / ((i + 2) as f64).log2())
        .sum();
    if ideal > 0.0 {
        dcg / ideal
    } else {
        0.0
    }
}

/// Aggregate metrics of a group of outcomes. Rates are `None` when undefined (no
/// question in the denominator).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub questions: usize,
    pub in_scope: usize,
    pub out_of_scope: usize,
    pub hit_at_1: Option<f64>,
    pub hit_at_3: Option<f64>,
    pub mrr: Option<f64>,
    pub ndcg_at_10: Option<f64>,
    pub answer_rate: Option<f64>,
    pub answer_precision: Option<f64>,
    pub suggest_rate: Option<f64>,
    pub abstain_precision: Option<f64>,
    pub abstain_recall: Option<f64>,
    pub false_abstain_rate: Option<f64>,
    /// In-scope single questions answered with a clarifying question.
    #[serde(default)]
    pub clarify_rate: Option<f64>,
    /// Conversation cases (two turns) in the group.
    #[serde(default)]
    pub conversations: usize,
    /// Conversation cases (two turns) ending with the right answer.
    #[serde(default)]
    pub conversation_pass: Option<f64>,
    /// Clarifying questions (in conversation cases) that led to the right answer.
    #[serde(default)]
    pub clarify_success: Option<f64>,
}

fn ratio(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

fn mean(values: impl Iterator<Item = f64>, den: usize) -> Option<f64> {
    (den > 0).then(|| values.sum::<f64>() / den as f64)
}

impl Metrics {
    /// Computes the metrics of `outcomes`.
    pub fn of<'a>(outcomes: impl IntoIterator<Item = &'a Outcome> + Clone) -> Metrics {
        let all: Vec<&Outcome> = outcomes.into_iter().collect();
        let ins: Vec<&&Outcome> = all.iter().filter(|o| !o.case.is_out_of_scope()).collect();
        let oos = all.len() - ins.len();
        let n = ins.len();
        let ranked = |o: &Outcome| o.top.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>();
        let answers = all
            .iter()
            .filter(|o| o.decision == DecisionKind::Answer)
            .count();
        let right_answers = ins.iter().filter(|o| o.is_correct()).count();
        let abstained = all
            .iter()
            .filter(|o| o.decision == DecisionKind::Abstain)
            .count();
        let oos_abstained = all
            .iter()
            .filter(|o| o.case.is_out_of_scope() && o.decision == DecisionKind::Abstain)
            .count();
        Metrics {
            questions: all.len(),
            in_scope: n,
            out_of_scope: oos,
            hit_at_1: ratio(ins.iter().filter(|o| o.rank == Some(1)).count(), n),
            hit_at_3: ratio(
                ins.iter()
                    .filter(|o| o.rank.is_some_and(|r| r <= 3))
                    .count(),
                n,
            ),
            mrr: mean(
                ins.iter().map(|o| o.rank.map_or(0.0, |r| 1.0 / r as f64)),
                n,
            ),
            ndcg_at_10: mean(
                ins.iter()
                    .map(|o| ndcg_at(&ranked(o), &o.case.expected, 10)),
                n,
            ),
            answer_rate: ratio(right_answers, n),
            answer_precision: ratio(right_answers, answers),
            suggest_rate: ratio(
                all.iter()
                    .filter(|o| o.decision == DecisionKind::Suggest)
                    .count(),
                all.len(),
            ),
            abstain_precision: ratio(oos_abstained, abstained),
            abstain_recall: ratio(oos_abstained, oos),
            false_abstain_rate: ratio(
                ins.iter()
                    .filter(|o| o.decision == DecisionKind::Abstain)
                    .count(),
                n,
            ),
            clarify_rate: ratio(
                ins.iter()
                    .filter(|o| o.decision == DecisionKind::Clarify)
                    .count(),
                n,
            ),
            conversations: 0,
            conversation_pass: None,
            clarify_success: None,
        }
    }

    /// The metric named `name` (as in the JSON report), if defined.
    pub fn get(&self, name: &str) -> Option<f64> {
        match name {
            "hit_at_1" => self.hit_at_1,
            "hit_at_3" => self.hit_at_3,
            "mrr" => self.mrr,
            "ndcg_at_10" => self.ndcg_at_10,
            "answer_rate" => self.answer_rate,
            "answer_precision" => self.answer_precision,
            "suggest_rate" => self.suggest_rate,
            "abstain_precision" => self.abstain_precision,
            "abstain_recall" => self.abstain_recall,
            "false_abstain_rate" => self.false_abstain_rate,
            "clarify_rate" => self.clarify_rate,
            "conversation_pass" => self.conversation_pass,
            "clarify_success" => self.clarify_success,
            _ => None,
        }
    }
}

/// Headline metrics, in report order, with whether higher is better.
pub const HEADLINE: &[(&str, &str, bool)] = &[
    ("hit_at_1", "hit@1", true),
    ("hit_at_3", "hit@3", true),
    ("mrr", "MRR", true),
    ("ndcg_at_10", "nDCG@10", true),
    ("answer_rate", "answer rate", true),
    ("answer_precision", "answer precision", true),
    ("abstain_precision", "abstain precision", true),
    ("abstain_recall", "abstain recall", true),
    ("false_abstain_rate", "false abstain", false),
    ("suggest_rate", "suggest rate", false),
    ("clarify_rate", "clarify rate", false),
    ("conversation_pass", "conversation pass", true),
    ("clarify_success", "clarify → right", true),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::golden::Split;

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn outcome(expected: &[&str], decision: DecisionKind, top: &[&str]) -> Outcome {
        let top = ids(top);
        let expected = ids(expected);
        Outcome {
            rank: first_rank(&top, &expected),
            answered: (decision == DecisionKind::Answer).then(|| top[0].clone()),
            top: top.into_iter().map(|t| (t, 0.5)).collect(),
            decision,
            latency_us: 100,
            case: Case {
                file: "t.tsv".into(),
                line: 2,
                question: "q".into(),
                expected,
                register: "polite".into(),
                split: Split::Tune,
                tenant: "national".into(),
                domain: "childcare".into(),
            },
        }
    }

    #[test]
    fn ranks_and_ndcg() {
        assert_eq!(first_rank(&ids(&["a", "b", "c"]), &ids(&["c"])), Some(3));
        assert_eq!(first_rank(&ids(&["a"]), &ids(&["z"])), None);
        assert!((ndcg_at(&ids(&["x", "a"]), &ids(&["a"]), 10) - 1.0 / 3f64.log2()).abs() < 1e-9);
        assert_eq!(ndcg_at(&ids(&["a", "b"]), &ids(&["a", "b"]), 10), 1.0);
        assert_eq!(ndcg_at(&ids(&[]), &ids(&["a"]), 10), 0.0);
    }

    #[test]
    fn aggregate_metrics() {
        use DecisionKind::*;
        let o = [
            outcome(&["a"], Answer, &["a", "b"]), // right answer
            outcome(&["b"], Answer, &["a", "b"]), // wrong answer, found at rank 2
            outcome(&["c"], Suggest, &["c"]),     // hit@1 but no answer
            outcome(&[], Abstain, &[]),           // right abstain
            outcome(&[], Answer, &["a"]),         // out-of-scope answered: wrong
        ];
        let m = Metrics::of(o.iter());
        assert_eq!((m.questions, m.in_scope, m.out_of_scope), (5, 3, 2));
        assert_eq!(m.hit_at_1, Some(2.0 / 3.0));
        assert_eq!(m.hit_at_3, Some(1.0));
        assert_eq!(m.mrr, Some((1.0 + 0.5 + 1.0) / 3.0));
        assert_eq!(m.answer_rate, Some(1.0 / 3.0));
        assert_eq!(m.answer_precision, Some(1.0 / 3.0));
        assert_eq!(m.abstain_precision, Some(1.0));
        assert_eq!(m.abstain_recall, Some(0.5));
        assert_eq!(m.false_abstain_rate, Some(0.0));
        assert!(o[0].is_correct() && !o[1].is_correct() && o[3].is_correct() && !o[4].is_correct());
    }

    #[test]
    fn empty_groups_have_undefined_rates() {
        let m = Metrics::of(std::iter::empty::<&Outcome>());
        assert_eq!(m.hit_at_1, None);
        assert_eq!(m.abstain_recall, None);
    }
}
