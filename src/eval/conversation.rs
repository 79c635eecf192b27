//! Conversation cases (`eval/conversations.tsv`): two turns in one session.
//!
//! Columns: `kind  turn1  turn1_expected  turn2  expected  tenant  split`.
//! - `clarify`: turn 1 is ambiguous (the right entry depends on the resident's
//!   situation); turn 2 is the resident's reply; `expected` answers both together.
//! - `followup`: turn 1 is answered by `turn1_expected`; turn 2 is a follow-up without
//!   a topic (「いつまで？」); `expected` answers it in turn 1's context.
//!
//! A case passes when the answer after turn 2 is `expected`. For `clarify` cases the
//! report also gives how often turn 1 asked back and how often that led to the right
//! answer.

use std::path::Path;

use serde::Serialize;

use super::golden::Split;
use super::EvalError;
use crate::converse::Context;
use crate::decide::DecisionKind;
use crate::engine::Engine;
use crate::knowledge::KnowledgeBase;

/// One two-turn case.
#[derive(Debug, Clone, Serialize)]
pub struct ConvCase {
    pub kind: String,
    pub turn1: String,
    pub turn1_expected: String,
    pub turn2: String,
    pub expected: String,
    pub tenant: String,
    pub split: Split,
    pub line: usize,
}

/// What happened in one case.
#[derive(Debug, Clone, Serialize)]
pub struct ConvOutcome {
    pub case: ConvCase,
    pub turn1_decision: DecisionKind,
    /// Turn 1's answer, or its options' labels when it asked back.
    pub turn1_result: Vec<String>,
    pub final_decision: DecisionKind,
    pub final_answer: Option<String>,
    pub pass: bool,
}

/// Pass rates of conversation cases.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ConvMetrics {
    pub cases: usize,
    /// Cases whose final answer is right.
    pub conversation_pass: Option<f64>,
    /// `clarify` cases in which turn 1 asked back.
    pub clarified: usize,
    /// Of those, the share that ended with the right answer.
    pub clarify_success: Option<f64>,
}

impl ConvMetrics {
    pub fn of<'a>(outcomes: impl IntoIterator<Item = &'a ConvOutcome>) -> Self {
        let all: Vec<&ConvOutcome> = outcomes.into_iter().collect();
        let clarified: Vec<&&ConvOutcome> = all
            .iter()
            .filter(|o| o.case.kind == "clarify" && o.turn1_decision == DecisionKind::Clarify)
            .collect();
        let rate = |n: usize, d: usize| (d > 0).then(|| n as f64 / d as f64);
        ConvMetrics {
            cases: all.len(),
            conversation_pass: rate(all.iter().filter(|o| o.pass).count(), all.len()),
            clarified: clarified.len(),
            clarify_success: rate(clarified.iter().filter(|o| o.pass).count(), clarified.len()),
        }
    }
}

/// Loads the cases, checking ids against `kb`; reports every bad line.
pub fn load(path: &Path, kb: &KnowledgeBase) -> Result<Vec<ConvCase>, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|e| EvalError::Read {
        path: path.to_path_buf(),
        source: e,
    })?;
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    let header = "kind\tturn1\tturn1_expected\tturn2\texpected\ttenant\tsplit";
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if n == 1 {
            if line.trim_end() != header {
                problems.push(format!(
                    "{}:1: the header must be `{header}`",
                    path.display()
                ));
            }
            continue;
        }
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').map(str::trim).collect();
        let at = format!("{}:{n}", path.display());
        if f.len() != 7 {
            problems.push(format!("{at}: {} columns, expected 7", f.len()));
            continue;
        }
        let (kind, tenant) = (f[0], f[5]);
        if kind != "clarify" && kind != "followup" {
            problems.push(format!("{at}: kind `{kind}` (clarify or followup)"));
        }
        let known = |id: &str| kb.get(tenant, id).is_some_and(|e| e.visible_to(tenant));
        for id in [f[2], f[4]] {
            if id != "clarify" && !known(id) {
                problems.push(format!("{at}: unknown entry `{id}` for tenant {tenant}"));
            }
        }
        let Some(split) = Split::parse(f[6]) else {
            problems.push(format!("{at}: split `{}` (tune or heldout)", f[6]));
            continue;
        };
        cases.push(ConvCase {
            kind: kind.to_string(),
            turn1: f[1].to_string(),
            turn1_expected: f[2].to_string(),
            turn2: f[3].to_string(),
            expected: f[4].to_string(),
            tenant: tenant.to_string(),
            split,
            line: n,
        });
    }
    if problems.is_empty() {
        Ok(cases)
    } else {
        Err(EvalError::Golden { problems })
    }
}

/// Runs every case as a fresh two-turn conversation.
pub fn run(engine: &Engine, cases: &[ConvCase]) -> Vec<ConvOutcome> {
    cases
        .iter()
        .map(|case| {
            let first = engine.converse(&case.turn1, &case.tenant, &Context::default());
            let (turn1_decision, turn1_result, ctx) = match first {
                Ok((r, ctx)) => {
                    let result = match (&r.answer, &r.clarify) {
                        (Some(a), _) => vec![a.id.clone()],
                        (None, Some(c)) => c.options.iter().map(|o| o.label.clone()).collect(),
                        (None, None) => Vec::new(),
                    };
                    (r.decision, result, ctx)
                }
                Err(_) => (DecisionKind::Abstain, Vec::new(), Context::default()),
            };
            let (final_decision, final_answer) =
                match engine.converse(&case.turn2, &case.tenant, &ctx) {
                    Ok((r, _)) => (r.decision, r.answer.map(|a| a.entry.id)),
                    Err(_) => (DecisionKind::Abstain, None),
                };
            ConvOutcome {
                pass: final_answer.as_deref() == Some(case.expected.as_str()),
                case: case.clone(),
                turn1_decision,
                turn1_result,
                final_decision,
                final_answer,
            }
        })
        .collect()
}
