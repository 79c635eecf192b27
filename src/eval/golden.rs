//! Golden question sets: `eval/golden/*.tsv`, columns `question  expected  register
//! split`. `expected` is `abstain` or entry ids separated by `|`. A file named
//! `tenant-<code>.tsv` is asked as that tenant; every other file as `national`.
//! Loading checks every row and reports all problems with file and line.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::EvalError;
use crate::knowledge::{KnowledgeBase, NATIONAL};

/// Registers a golden question may be written in.
pub const REGISTERS: &[&str] = &[
    "polite",
    "casual",
    "keywords",
    "hiragana",
    "halfwidth",
    "typo",
    "english",
    "situation",
    "nonsense",
    "chitchat",
];

/// Which split a case belongs to. `heldout` is never used to tune thresholds, synonyms
/// or the dictionary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Split {
    Tune,
    Heldout,
}

impl Split {
    pub fn as_str(self) -> &'static str {
        match self {
            Split::Tune => "tune",
            Split::Heldout => "heldout",
        }
    }

    /// Parses `tune` or `heldout`.
    pub fn parse(s: &str) -> Option<Split> {
        match s {
            "tune" => Some(Split::Tune),
            "heldout" => Some(Split::Heldout),
            _ => None,
        }
    }
}

/// One golden question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    pub file: String,
    pub line: usize,
    pub question: String,
    /// Acceptable entry ids; empty means the right decision is to abstain.
    pub expected: Vec<String>,
    pub register: String,
    pub split: Split,
    pub tenant: String,
    /// Domain of the first expected entry, or `out_of_scope`.
    pub domain: String,
}

impl Case {
    /// True for out-of-scope questions (expected: abstain).
    pub fn is_out_of_scope(&self) -> bool {
        self.expected.is_empty()
    }
}

/// Loads every `*.tsv` in `dir`, checking ids against `kb`.
pub fn load(dir: &Path, kb: &KnowledgeBase) -> Result<Vec<Case>, EvalError> {
    let read_err = |e| EvalError::Read {
        path: dir.to_path_buf(),
        source: e,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read_err)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).map_err(|e| EvalError::Read {
            path: path.clone(),
            source: e,
        })?;
        parse(path, &text, kb, &mut cases, &mut problems);
    }
    if cases.is_empty() && problems.is_empty() {
        problems.push(format!(
            "{}: no golden questions (*.tsv) found",
            dir.display()
        ));
    }
    if problems.is_empty() {
        Ok(cases)
    } else {
        Err(EvalError::Golden { problems })
    }
}

fn parse(
    path: &Path,
    text: &str,
    kb: &KnowledgeBase,
    cases: &mut Vec<Case>,
    problems: &mut Vec<String>,
) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tenant = name
        .strip_prefix("tenant-")
        .and_then(|r| r.strip_suffix(".tsv"))
        .unwrap_or(NATIONAL)
        .to_string();
    let mut seen = BTreeSet::new();
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, header))
            if header.trim_start_matches('\u{feff}').trim()
                == "question\texpected\tregister\tsplit" => {}
        _ => {
            problems.push(format!(
                "{name}:1: the header must be `question<TAB>expected<TAB>register<TAB>split`"
            ));
            return;
        }
    }
    for (idx, raw) in lines {
        let line = idx + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let at = format!("{name}:{line}");
        let cols: Vec<&str> = raw.split('\t').collect();
        if cols.len() != 4 {
            problems.push(format!(
                "{at}: expected 4 tab-separated columns, found {}",
                cols.len()
            ));
            continue;
        }
        let (question, expected, register, split) = (
            cols[0].trim(),
            cols[1].trim(),
            cols[2].trim(),
            cols[3].trim(),
        );
        if question.is_empty() {
            problems.push(format!("{at}: empty question"));
            continue;
        }
        if !seen.insert(question.to_string()) {
            problems.push(format!("{at}: duplicate question 「{question}」"));
        }
        if !REGISTERS.contains(&register) {
            problems.push(format!(
                "{at}: unknown register `{register}` (one of {})",
                REGISTERS.join(", ")
            ));
        }
        let split = match split {
            "tune" => Split::Tune,
            "heldout" => Split::Heldout,
            other => {
                problems.push(format!("{at}: unknown split `{other}` (tune or heldout)"));
                continue;
            }
        };
        let expected: Vec<String> = if expected == "abstain" {
            Vec::new()
        } else {
            expected
                .split('|')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        if expected.is_empty() && cols[1].trim() != "abstain" {
            problems.push(format!(
                "{at}: `expected` must be `abstain` or entry ids separated by |"
            ));
            continue;
        }
        let mut domain = "out_of_scope".to_string();
        for (i, id) in expected.iter().enumerate() {
            match kb.get(&tenant, id) {
                Some(e) if i == 0 => domain = e.domain.as_str().to_string(),
                Some(_) => {}
                None => problems.push(format!(
                    "{at}: `{id}` is not an entry visible to tenant `{tenant}`"
                )),
            }
        }
        cases.push(Case {
            file: name.clone(),
            line,
            question: question.to_string(),
            expected,
            register: register.to_string(),
            split,
            tenant: tenant.clone(),
            domain,
        });
    }
}
