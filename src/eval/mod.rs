//! Evaluation: runs the golden question sets through the engine and writes the report
//! curators read (`eval/report/index.html` + `report.json`).
//!
//! The report has headline metrics per split, tables per domain, register and tenant,
//! a confusion list (which entries steal which), every failure with its top 3, latency
//! percentiles, a comparison with the previous report, and threshold checks
//! (`eval/thresholds.toml`): a metric below its minimum fails the run.

pub mod conversation;
pub mod golden;
pub mod metrics;
pub mod report;
pub mod retrievers;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use self::golden::{Case, Split};
use self::metrics::{first_rank, Metrics, Outcome, HEADLINE};
use crate::decide::DecisionKind;
use crate::engine::Engine;

/// Errors of the evaluation layer.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("problems in the golden sets:\n  {}", problems.join("\n  "))]
    Golden { problems: Vec<String> },
    #[error("thresholds file {path}: {message}")]
    Thresholds { path: PathBuf, message: String },
}

/// Minimum (or, with a `max_` prefix, maximum) values per split and metric.
#[derive(Debug, Clone, Default)]
pub struct Thresholds(BTreeMap<String, BTreeMap<String, f64>>);

impl Thresholds {
    /// Reads `eval/thresholds.toml`: tables named after splits (`all`, `tune`,
    /// `heldout`) mapping metric names to minimums, or `max_<metric>` to maximums.
    pub fn load(path: &Path) -> Result<Self, EvalError> {
        let err = |message: String| EvalError::Thresholds {
            path: path.to_path_buf(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        let map: BTreeMap<String, BTreeMap<String, f64>> =
            toml::from_str(&text).map_err(|e| err(e.to_string()))?;
        for (split, metrics) in &map {
            if !["all", "tune", "heldout"].contains(&split.as_str()) {
                return Err(err(format!("unknown split [{split}] (all, tune, heldout)")));
            }
            for name in metrics.keys() {
                let metric = name.strip_prefix("max_").unwrap_or(name);
                if !HEADLINE.iter().any(|(m, _, _)| *m == metric) {
                    let known: Vec<_> = HEADLINE.iter().map(|(m, _, _)| *m).collect();
                    return Err(err(format!(
                        "unknown metric `{name}` in [{split}] (one of {})",
                        known.join(", ")
                    )));
                }
            }
        }
        Ok(Thresholds(map))
    }
}

/// One threshold check.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub split: String,
    pub metric: String,
    pub bound: String,
    pub limit: f64,
    pub actual: Option<f64>,
    pub pass: bool,
}

/// Change of one metric against the previous report.
#[derive(Debug, Clone, Serialize)]
pub struct Delta {
    pub split: String,
    pub metric: String,
    pub previous: f64,
    pub current: f64,
    pub delta: f64,
    /// `better`, `worse` or `same`; `changed set` when the split's golden questions
    /// (or conversation cases) are not the ones the previous report measured.
    pub verdict: &'static str,
}

/// Entry pairs where the expected entry lost first place to another.
#[derive(Debug, Clone, Serialize)]
pub struct Confusion {
    pub expected: String,
    pub got: String,
    pub count: usize,
    pub questions: Vec<String>,
}

/// Latency of `rank` over all golden questions, in milliseconds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Latency {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
    /// (upper bound in ms, count) buckets; the last bucket is open-ended.
    pub histogram: Vec<(f64, usize)>,
}

/// The evaluation report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub generated_at: String,
    pub madoguchi_version: &'static str,
    pub knowledge_entries: usize,
    pub splits: BTreeMap<String, Metrics>,
    pub by_domain: BTreeMap<String, Metrics>,
    pub by_register: BTreeMap<String, Metrics>,
    pub by_tenant: BTreeMap<String, Metrics>,
    pub decisions: BTreeMap<String, usize>,
    pub confusion: Vec<Confusion>,
    pub failures: Vec<Outcome>,
    pub latency_ms: Latency,
    pub comparison: Vec<Delta>,
    pub thresholds: Vec<Check>,
    /// Two-turn conversation cases (when a conversation set was given).
    #[serde(default)]
    pub conversations: Vec<conversation::ConvOutcome>,
    /// The dense model used (none: keyword retrieval only).
    pub dense_model: Option<String>,
    /// Keyword / dense / hybrid metrics, when a dense model is loaded.
    pub retrievers: retrievers::Comparison,
    /// Similarity calibration suggested by the tuning split, when a model is loaded.
    pub dense_calibration: Option<retrievers::Calibration>,
}

impl Report {
    /// True when every threshold check passed.
    pub fn passed(&self) -> bool {
        self.thresholds.iter().all(|c| c.pass)
    }
}

/// Runs every case through `engine`, calling `progress(done, total)`.
pub fn run(engine: &Engine, cases: &[Case], progress: &dyn Fn(usize, usize)) -> Vec<Outcome> {
    let mut out = Vec::with_capacity(cases.len());
    for (i, case) in cases.iter().enumerate() {
        let started = Instant::now();
        let result = engine.rank(&case.question, &case.tenant);
        let latency_us = started.elapsed().as_micros() as u64;
        // A single question may also be answered with a clarifying question.
        let asks_back = engine
            .converse(
                &case.question,
                &case.tenant,
                &crate::converse::Context::default(),
            )
            .is_ok_and(|(r, _)| r.decision == DecisionKind::Clarify);
        out.push(outcome(case, result, asks_back, latency_us));
        progress(i + 1, cases.len());
    }
    out
}

/// The outcome of `case` from its ranking (a rejected question counts as an
/// abstain); `asks_back` when a conversation would have asked back instead.
pub(crate) fn outcome(
    case: &Case,
    result: Result<crate::decide::Decision, crate::AskError>,
    asks_back: bool,
    latency_us: u64,
) -> Outcome {
    let (decision, answered, top) = match result {
        Ok(d) => (
            if asks_back {
                DecisionKind::Clarify
            } else {
                d.kind
            },
            d.top.filter(|_| !asks_back).map(|s| s.candidate.id),
            d.ranked
                .iter()
                .take(10)
                .map(|s| (s.candidate.id.clone(), s.confidence))
                .collect::<Vec<_>>(),
        ),
        Err(_) => (DecisionKind::Abstain, None, Vec::new()),
    };
    let ids: Vec<String> = top.iter().map(|(id, _)| id.clone()).collect();
    Outcome {
        rank: first_rank(&ids, &case.expected),
        case: case.clone(),
        decision,
        answered,
        top,
        latency_us,
    }
}

fn group_by(outcomes: &[Outcome], key: impl Fn(&Outcome) -> String) -> BTreeMap<String, Metrics> {
    let mut groups: BTreeMap<String, Vec<&Outcome>> = BTreeMap::new();
    for o in outcomes {
        groups.entry(key(o)).or_default().push(o);
    }
    groups
        .into_iter()
        .map(|(k, v)| (k, Metrics::of(v)))
        .collect()
}

/// Upper bounds of the latency histogram buckets (the last one catches the rest).
const LATENCY_BUCKETS_MS: &[f64] = &[0.1, 0.2, 0.5, 1.0, 2.0, 5.0, f64::MAX];

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// Builds the report from outcomes, comparing with `previous` (an earlier report.json).
pub fn build_report(
    outcomes: &[Outcome],
    conversations: &[conversation::ConvOutcome],
    knowledge_entries: usize,
    thresholds: &Thresholds,
    previous: Option<&serde_json::Value>,
) -> Report {
    let mut splits = BTreeMap::new();
    let with_conversations = |mut m: Metrics, split: Option<Split>| {
        let c = conversation::ConvMetrics::of(
            conversations
                .iter()
                .filter(|o| split.is_none_or(|s| o.case.split == s)),
        );
        m.conversations = c.cases;
        m.conversation_pass = c.conversation_pass;
        m.clarify_success = c.clarify_success;
        m
    };
    splits.insert(
        "all".to_string(),
        with_conversations(Metrics::of(outcomes.iter()), None),
    );
    for split in [Split::Tune, Split::Heldout] {
        splits.insert(
            split.as_str().to_string(),
            with_conversations(
                Metrics::of(outcomes.iter().filter(|o| o.case.split == split)),
                Some(split),
            ),
        );
    }
    let mut decisions = BTreeMap::new();
    for o in outcomes {
        *decisions
            .entry(o.decision.as_str().to_string())
            .or_insert(0) += 1;
    }
    let mut confusion: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for o in outcomes
        .iter()
        .filter(|o| !o.case.is_out_of_scope() && o.rank != Some(1))
    {
        if let Some((got, _)) = o.top.first() {
            confusion
                .entry((o.case.expected[0].clone(), got.clone()))
                .or_default()
                .push(o.case.question.clone());
        }
    }
    let mut confusion: Vec<Confusion> = confusion
        .into_iter()
        .map(|((expected, got), questions)| Confusion {
            expected,
            got,
            count: questions.len(),
            questions,
        })
        .collect();
    confusion.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.expected.cmp(&b.expected))
    });
    let mut lat: Vec<f64> = outcomes
        .iter()
        .map(|o| o.latency_us as f64 / 1000.0)
        .collect();
    lat.sort_by(f64::total_cmp);
    let latency_ms = Latency {
        p50: percentile(&lat, 0.5),
        p90: percentile(&lat, 0.9),
        p99: percentile(&lat, 0.99),
        max: lat.last().copied().unwrap_or(0.0),
        mean: if lat.is_empty() {
            0.0
        } else {
            lat.iter().sum::<f64>() / lat.len() as f64
        },
        histogram: LATENCY_BUCKETS_MS
            .iter()
            .enumerate()
            .map(|(i, &upper)| {
                let lower = if i == 0 {
                    f64::MIN
                } else {
                    LATENCY_BUCKETS_MS[i - 1]
                };
                (
                    upper,
                    lat.iter().filter(|&&l| l > lower && l <= upper).count(),
                )
            })
            .collect(),
    };
    let comparison = compare(&splits, previous);
    let checks = check(&splits, thresholds);
    Report {
        generated_at: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        madoguchi_version: env!("CARGO_PKG_VERSION"),
        knowledge_entries,
        by_domain: group_by(outcomes, |o| o.case.domain.clone()),
        by_register: group_by(outcomes, |o| o.case.register.clone()),
        by_tenant: group_by(outcomes, |o| o.case.tenant.clone()),
        splits,
        decisions,
        confusion,
        failures: outcomes
            .iter()
            .filter(|o| !o.is_correct())
            .cloned()
            .collect(),
        latency_ms,
        comparison,
        thresholds: checks,
        conversations: conversations.to_vec(),
        dense_model: None,
        retrievers: retrievers::Comparison::new(),
        dense_calibration: None,
    }
}

fn compare(splits: &BTreeMap<String, Metrics>, previous: Option<&serde_json::Value>) -> Vec<Delta> {
    let Some(prev) = previous else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (split, m) in splits {
        let before = &prev["splits"][split];
        let count = |key: &str| before[key].as_u64().map(|n| n as usize);
        // Metrics over a different set of cases are not better or worse, only other.
        let questions_changed = count("questions") != Some(m.questions);
        let conversations_changed = count("conversations").unwrap_or(0) != m.conversations;
        for (metric, _, higher_is_better) in HEADLINE {
            let (Some(current), Some(previous)) = (m.get(metric), before[metric].as_f64()) else {
                continue;
            };
            let delta = current - previous;
            let over_conversations = matches!(*metric, "conversation_pass" | "clarify_success");
            let changed = if over_conversations {
                conversations_changed
            } else {
                questions_changed
            };
            let verdict = if changed {
                "changed set"
            } else if delta.abs() < 0.0005 {
                "same"
            } else if (delta > 0.0) == *higher_is_better {
                "better"
            } else {
                "worse"
            };
            out.push(Delta {
                split: split.clone(),
                metric: metric.to_string(),
                previous,
                current,
                delta,
                verdict,
            });
        }
    }
    out
}

fn check(splits: &BTreeMap<String, Metrics>, thresholds: &Thresholds) -> Vec<Check> {
    let mut out = Vec::new();
    for (split, limits) in &thresholds.0 {
        for (name, &limit) in limits {
            let (metric, is_max) = match name.strip_prefix("max_") {
                Some(m) => (m, true),
                None => (name.as_str(), false),
            };
            let actual = splits.get(split).and_then(|m| m.get(metric));
            let pass = actual.is_some_and(|a| if is_max { a <= limit } else { a >= limit });
            out.push(Check {
                split: split.clone(),
                metric: metric.to_string(),
                bound: if is_max { "max" } else { "min" }.to_string(),
                limit,
                actual,
                pass,
            });
        }
    }
    out
}

/// Writes `report.json` and `index.html` into `dir`.
pub fn write(report: &Report, dir: &Path) -> Result<(), EvalError> {
    let werr = |path: PathBuf| move |e| EvalError::Write { path, source: e };
    std::fs::create_dir_all(dir).map_err(werr(dir.to_path_buf()))?;
    let json = serde_json::to_string_pretty(report).map_err(|e| EvalError::Write {
        path: dir.join("report.json"),
        source: std::io::Error::other(e),
    })?;
    std::fs::write(dir.join("report.json"), json + "\n").map_err(werr(dir.join("report.json")))?;
    std::fs::write(dir.join("index.html"), report::html(report))
        .map_err(werr(dir.join("index.html")))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics(questions: usize, conversations: usize, hit: f64, pass: f64) -> Metrics {
        Metrics {
            questions,
            conversations,
            hit_at_1: Some(hit),
            conversation_pass: Some(pass),
            ..Metrics::default()
        }
    }

    fn verdict<'a>(deltas: &'a [Delta], metric: &str) -> &'a str {
        deltas.iter().find(|d| d.metric == metric).unwrap().verdict
    }

    #[test]
    fn the_same_sets_are_compared_and_changed_sets_are_not() {
        let previous = serde_json::json!({"splits": {"tune": {
            "questions": 10, "conversations": 4, "hit_at_1": 0.8, "conversation_pass": 0.5
        }}});
        let same = BTreeMap::from([("tune".to_string(), metrics(10, 4, 0.9, 0.25))]);
        let d = compare(&same, Some(&previous));
        assert_eq!(verdict(&d, "hit_at_1"), "better");
        assert_eq!(verdict(&d, "conversation_pass"), "worse");
        // More questions, same conversations: only the question metrics are other.
        let grown = BTreeMap::from([("tune".to_string(), metrics(12, 4, 0.7, 0.75))]);
        let d = compare(&grown, Some(&previous));
        assert_eq!(verdict(&d, "hit_at_1"), "changed set");
        assert_eq!(verdict(&d, "conversation_pass"), "better");
        // A report from before conversation counts were kept compares as changed.
        let old = serde_json::json!({"splits": {"tune": {
            "questions": 10, "hit_at_1": 0.8, "conversation_pass": 0.5
        }}});
        let d = compare(&same, Some(&old));
        assert_eq!(verdict(&d, "conversation_pass"), "changed set");
    }
}
