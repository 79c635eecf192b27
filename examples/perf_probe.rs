//! Helper of `scripts/perf-report.sh` (not a user command).
//!
//! - `perf_probe grow SRC OUT N`: writes a knowledge folder of N national entries grown
//!   from the real base in SRC by copying entries with mutated ids and questions (a
//!   paraphrase swapped in as the question, as `benches/ask.rs` does), plus SRC's
//!   tenant overlays unchanged. Files hold 1,000 entries each.
//! - `perf_probe latency GOLDEN CONVERSATIONS ROUNDS`: opens the real engine with the
//!   usual configuration (environment: `MADOGUCHI_KNOWLEDGE_DIR`, `MADOGUCHI_DATA_DIR`,
//!   …), asks every golden question ROUNDS times after a warm-up pass and times each
//!   ask, grouped by the decision it got (answer / suggest / abstain); then times the
//!   conversational turns of the `clarify` cases: the first turn when it asks back, and
//!   the reply that settles it. Prints one JSON object of p50/p99 per path.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use madoguchi::converse::Context;
use madoguchi::decide::DecisionKind;
use madoguchi::knowledge::{KnowledgeBase, KnowledgeError};
#[path = "../benches/support/grow.rs"]
mod grow;

use madoguchi::{AskError, Config, Engine};

/// Entries per generated file.
const PER_FILE: usize = 1000;

/// Errors of the probe.
#[derive(Debug, thiserror::Error)]
enum ProbeError {
    #[error(
        "usage: perf_probe grow SRC OUT N | perf_probe latency GOLDEN_DIR CONVERSATIONS_TSV ROUNDS"
    )]
    Usage,
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Knowledge(#[from] KnowledgeError),
    #[error(transparent)]
    Config(#[from] madoguchi::config::ConfigError),
    #[error(transparent)]
    Engine(#[from] madoguchi::engine::EngineError),
    #[error(transparent)]
    Ask(#[from] AskError),
    #[error("{path}: {message}")]
    Data { path: PathBuf, message: String },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ProbeError + '_ {
    move |source| ProbeError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Copies `from` into `to`, recursively.
fn copy_dir(from: &Path, to: &Path) -> Result<(), ProbeError> {
    std::fs::create_dir_all(to).map_err(io(to))?;
    for e in std::fs::read_dir(from).map_err(io(from))? {
        let p = e.map_err(io(from))?.path();
        let target = to.join(p.file_name().unwrap_or_default());
        if p.is_dir() {
            copy_dir(&p, &target)?;
        } else {
            std::fs::copy(&p, &target).map_err(io(&p))?;
        }
    }
    Ok(())
}

fn grow(src: &Path, out: &Path, target: usize) -> Result<(), ProbeError> {
    let kb = KnowledgeBase::load(src)?;
    let base: Vec<_> = kb
        .entries()
        .iter()
        .filter(|e| e.tenant == "national")
        .collect();
    if base.is_empty() {
        return Err(ProbeError::Data {
            path: src.to_path_buf(),
            message: "no national entries to grow from".into(),
        });
    }
    let national = out.join("national");
    std::fs::create_dir_all(&national).map_err(io(&national))?;
    let tenants = src.join("tenants");
    if tenants.is_dir() {
        copy_dir(&tenants, &out.join("tenants"))?;
    }
    let mut text = String::new();
    for i in 0..target {
        let e = base[i % base.len()];
        text.push_str(&grow::entry_toml(e, i / base.len()));
        if (i + 1) % PER_FILE == 0 || i + 1 == target {
            let path = national.join(format!("grown-{:04}.toml", i / PER_FILE));
            std::fs::write(&path, &text).map_err(io(&path))?;
            text.clear();
        }
    }
    Ok(())
}

/// Rows of a TSV file with a header, as (column → value) maps.
fn tsv(path: &Path) -> Result<Vec<std::collections::HashMap<String, String>>, ProbeError> {
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    Ok(lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            header
                .iter()
                .zip(l.split('\t'))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect())
}

/// p50 and p99 (milliseconds) of `samples`, and their count, as JSON.
fn summary(mut samples: Vec<f64>) -> serde_json::Value {
    if samples.is_empty() {
        return serde_json::json!({"n": 0});
    }
    samples.sort_by(f64::total_cmp);
    let p = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    serde_json::json!({"n": samples.len(), "p50": p(0.5), "p99": p(0.99), "max": p(1.0)})
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn latency(golden: &Path, conversations: &Path, rounds: usize) -> Result<(), ProbeError> {
    let config = Config::load(None)?;
    let (engine, report) = Engine::open(&config, &|_| {})?;
    let mut questions: Vec<(String, String)> = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(golden)
        .map_err(io(golden))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
        .collect();
    files.sort();
    for f in &files {
        let name = f.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let tenant = name
            .strip_prefix("tenant-")
            .unwrap_or("national")
            .to_string();
        for row in tsv(f)? {
            if let Some(q) = row.get("question") {
                questions.push((q.clone(), tenant.clone()));
            }
        }
    }
    let mut by_kind: [Vec<f64>; 4] = Default::default();
    for round in 0..=rounds {
        for (q, tenant) in &questions {
            let t = Instant::now();
            let r = engine.ask_for(q, tenant)?;
            let took = ms(t);
            if round > 0 {
                let i = match r.decision {
                    DecisionKind::Answer => 0,
                    DecisionKind::Suggest => 1,
                    DecisionKind::Abstain => 2,
                    DecisionKind::Clarify => 3,
                };
                by_kind[i].push(took);
            }
        }
    }
    let cases: Vec<_> = tsv(conversations)?
        .into_iter()
        .filter(|r| r.get("kind").is_some_and(|k| k == "clarify"))
        .collect();
    let (mut asked_back, mut replies) = (Vec::new(), Vec::new());
    for round in 0..=rounds {
        for c in &cases {
            let get = |k: &str| c.get(k).map_or("", String::as_str);
            let tenant = Some(get("tenant"))
                .filter(|t| !t.is_empty())
                .unwrap_or("national");
            let t = Instant::now();
            let (r, ctx) = engine.converse(get("turn1"), tenant, &Context::default())?;
            let first = ms(t);
            if r.decision != DecisionKind::Clarify {
                continue;
            }
            let t = Instant::now();
            engine.converse(get("turn2"), tenant, &ctx)?;
            let second = ms(t);
            if round > 0 {
                asked_back.push(first);
                replies.push(second);
            }
        }
    }
    // A single ask never clarifies (only `converse` does): the fourth group stays empty.
    let [answer, suggest, abstain, _] = by_kind;
    let out = serde_json::json!({
        "entries": report.entries,
        "questions": questions.len(),
        "rounds": rounds,
        "answer": summary(answer),
        "suggest": summary(suggest),
        "abstain": summary(abstain),
        "clarify_turn": summary(asked_back),
        "clarify_reply": summary(replies),
    });
    println!("{out}");
    Ok(())
}

fn run() -> Result<(), ProbeError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |s: &str| s.parse::<usize>().map_err(|_| ProbeError::Usage);
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["grow", src, out, n] => grow(Path::new(src), Path::new(out), num(n)?),
        ["latency", golden, conv, rounds] => {
            latency(Path::new(golden), Path::new(conv), num(rounds)?)
        }
        _ => Err(ProbeError::Usage),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("perf_probe: {e}");
            ExitCode::FAILURE
        }
    }
}
