//! Per-retriever comparison: the golden questions ranked by keyword retrieval alone,
//! dense retrieval alone, and the hybrid the service uses — whenever a model is loaded.
//! Curators see what the model adds (or costs) before turning it on for residents.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::golden::{Case, Split};
use super::metrics::{Metrics, Outcome};
use super::report::esc;
use crate::engine::{Engine, Retrievers};

/// Metrics per retriever (`keyword`, `dense`, `hybrid`) and split (`all`, `tune`,
/// `heldout`).
pub type Comparison = BTreeMap<String, BTreeMap<String, Metrics>>;

/// Metrics shown in the comparison.
const SHOWN: &[(&str, &str)] = &[
    ("hit_at_1", "hit@1"),
    ("hit_at_3", "hit@3"),
    ("mrr", "MRR"),
    ("ndcg_at_10", "nDCG@10"),
    ("answer_precision", "answer precision"),
    ("abstain_recall", "abstain recall"),
    ("false_abstain_rate", "false abstain"),
];

/// Ranks every case with each retriever; empty when no dense model is loaded.
pub fn compare(engine: &Engine, cases: &[Case]) -> Comparison {
    let mut out = Comparison::new();
    if engine.dense().is_none() {
        return out;
    }
    for (name, retrievers) in [
        ("keyword", Retrievers::Keyword),
        ("dense", Retrievers::Dense),
        ("hybrid", Retrievers::Hybrid),
    ] {
        let outcomes: Vec<Outcome> = cases
            .iter()
            .map(|case| {
                let started = std::time::Instant::now();
                let d = engine.rank_with(&case.question, &case.tenant, retrievers);
                let latency_us = started.elapsed().as_micros() as u64;
                super::outcome(case, d, false, latency_us)
            })
            .collect();
        let mut splits = BTreeMap::new();
        splits.insert("all".to_string(), Metrics::of(outcomes.iter()));
        for split in [Split::Tune, Split::Heldout] {
            splits.insert(
                split.as_str().to_string(),
                Metrics::of(outcomes.iter().filter(|o| o.case.split == split)),
            );
        }
        out.insert(name.to_string(), splits);
    }
    out
}

/// Similarity calibration suggested by the tuning split (never the held-out one):
/// the floor sits above 90% of out-of-scope questions' best similarity, so dense
/// evidence alone rarely lifts an out-of-scope question; full confidence is the median
/// best similarity of in-scope questions whose nearest entry is right.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Calibration {
    pub similarity_floor: f32,
    pub similarity_full: f32,
    /// The model's current values (`madoguchi-model.toml`).
    pub current_floor: f32,
    pub current_full: f32,
    pub out_of_scope_questions: usize,
    pub right_in_scope_questions: usize,
}

/// Suggests `similarity_floor` / `similarity_full` for the loaded model; `None` without
/// a model or without enough tuning questions.
pub fn calibrate(engine: &Engine, cases: &[Case]) -> Option<Calibration> {
    let dense = engine.dense()?;
    let entries = engine.knowledge().entries();
    let (mut oos, mut right) = (Vec::new(), Vec::new());
    for case in cases.iter().filter(|c| c.split == Split::Tune) {
        let Ok(hits) = dense.search(&case.question, &case.tenant, 1) else {
            continue;
        };
        let Some(best) = hits.first() else { continue };
        if case.is_out_of_scope() {
            oos.push(best.similarity);
        } else if case.expected.contains(&entries[best.entry].id) {
            right.push(best.similarity);
        }
    }
    if oos.len() < 5 || right.len() < 5 {
        return None;
    }
    oos.sort_by(f32::total_cmp);
    right.sort_by(f32::total_cmp);
    let floor = oos[((oos.len() - 1) as f32 * 0.9).round() as usize];
    let full = right[right.len() / 2].max(floor + 0.02).min(1.0);
    let round = |x: f32| (x * 1000.0).round() / 1000.0;
    Some(Calibration {
        similarity_floor: round(floor.min(full - 0.01)),
        similarity_full: round(full),
        current_floor: dense.spec().similarity_floor,
        current_full: dense.spec().similarity_full,
        out_of_scope_questions: oos.len(),
        right_in_scope_questions: right.len(),
    })
}

/// The report section (empty without a comparison).
pub fn html(c: &Comparison, model: Option<&str>, calibration: Option<&Calibration>) -> String {
    if c.is_empty() {
        return "<h2>Retrievers</h2><p class=\"muted\">Keyword retrieval only: no dense model was loaded (see <code>madoguchi model check</code>), so there is nothing to compare.</p>".to_string();
    }
    let mut s = format!(
        "<h2>Retrievers</h2><p>Each golden question ranked by keyword retrieval alone, by the dense model <b>{}</b> alone, and by the hybrid the service runs (keyword first, dense only when keyword is not confident, fused by reciprocal rank). Decisions use the same thresholds; dense-only confidence is not capped here.</p>",
        esc(model.unwrap_or("?"))
    );
    for split in ["heldout", "tune"] {
        let _ = write!(s, "<h3>{split}</h3><table><tr><th>retriever</th>");
        for (_, label) in SHOWN {
            let _ = write!(s, "<th>{label}</th>");
        }
        s.push_str("</tr>");
        for retriever in ["keyword", "dense", "hybrid"] {
            let _ = write!(s, "<tr><td>{retriever}</td>");
            for (metric, _) in SHOWN {
                let v = c
                    .get(retriever)
                    .and_then(|m| m.get(split))
                    .and_then(|m| m.get(metric));
                let cell = v.map_or("–".to_string(), |v| format!("{:.1}%", v * 100.0));
                let _ = write!(s, "<td class=\"n\">{cell}</td>");
            }
            s.push_str("</tr>");
        }
        s.push_str("</table>");
    }
    if let Some(k) = calibration {
        let _ = write!(
            s,
            "<p>Suggested calibration from the tuning split ({} out-of-scope, {} rightly placed questions): <code>similarity_floor = {}</code>, <code>similarity_full = {}</code> in the model's <code>madoguchi-model.toml</code> (now {} and {}).</p>",
            k.out_of_scope_questions, k.right_in_scope_questions, k.similarity_floor, k.similarity_full, k.current_floor, k.current_full
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_model_the_section_says_so() {
        let s = html(&Comparison::new(), None, None);
        assert!(s.contains("no dense model was loaded"));
    }

    #[test]
    fn every_retriever_gets_a_row_per_split() {
        let mut c = Comparison::new();
        for r in ["keyword", "dense", "hybrid"] {
            let mut splits = BTreeMap::new();
            for sp in ["all", "tune", "heldout"] {
                splits.insert(sp.to_string(), Metrics::of(std::iter::empty::<&Outcome>()));
            }
            c.insert(r.to_string(), splits);
        }
        let s = html(&c, Some("<tiny>"), None);
        assert_eq!(s.matches("<tr><td>hybrid</td>").count(), 2);
        assert!(s.contains("&lt;tiny&gt;"), "model name escaped");
    }
}
