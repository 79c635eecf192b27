//! `ask` latency on the keyword path at ~1,000 entries.
//!
//! The knowledge base is the shipped one, grown to 1,000 entries by copying entries
//! with mutated ids and questions (as the performance report will do at larger sizes).
//! Criterion measures each query kind; afterwards a percentile pass over a mixed
//! workload prints p50/p90/p99, which criterion does not report.
//!
//! Run: `cargo bench --bench ask` (needs the dictionary: `madoguchi dict build`).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use criterion::{criterion_group, Criterion};
use madoguchi::knowledge::KnowledgeBase;
#[path = "support/grow.rs"]
mod grow;

use madoguchi::{Config, Engine};

const TARGET_ENTRIES: usize = 1000;

const QUERIES: &[(&str, &str)] = &[
    ("answer", "マイナンバーカードを紛失しました"),
    ("hiragana", "じどうてあて いつ ふりこまれる"),
    ("abstain", "今日の天気は？"),
    ("keywords", "高額療養費 限度額 申請"),
    ("long", "会社を退職したので国民健康保険に入りたいのですが、手続きはいつまでに、どこで、何を持っていけばいいですか"),
];

/// Writes the shipped knowledge, grown to `target` entries, into `dir`.
fn grow_knowledge(dir: &Path, target: usize) -> usize {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let kb = KnowledgeBase::load(&root.join("knowledge")).unwrap_or_else(|e| panic!("{e}"));
    let base: Vec<_> = kb
        .entries()
        .iter()
        .filter(|e| e.tenant == "national")
        .collect();
    let mut out = String::new();
    for i in 0..target {
        out.push_str(&grow::entry_toml(base[i % base.len()], i / base.len()));
    }
    std::fs::write(dir.join("grown.toml"), out).unwrap();
    target
}

fn engine() -> (Engine, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let kdir = tmp.path().join("knowledge");
    std::fs::create_dir_all(&kdir).unwrap();
    grow_knowledge(&kdir, TARGET_ENTRIES);
    let mut config = Config::default();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    config.paths.tokenizer_dir = root.join("tokenizer-dict");
    config.paths.knowledge_dir = kdir;
    config.paths.data_dir = tmp.path().join("data");
    let (engine, report) = Engine::open(&config, &|_| {}).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "engine: {} entries, opened in {} ms",
        report.entries, report.elapsed_ms
    );
    (engine, tmp)
}

fn bench_ask(c: &mut Criterion) {
    let (engine, _tmp) = engine();
    let mut group = c.benchmark_group("ask_1k");
    for (name, q) in QUERIES {
        group.bench_function(*name, |b| b.iter(|| engine.ask(black_box(q)).unwrap()));
    }
    group.finish();
}

fn percentiles() {
    let (engine, _tmp) = engine();
    let rounds = 2000;
    let mut samples: Vec<f64> = Vec::with_capacity(rounds * QUERIES.len());
    for _ in 0..50 {
        for (_, q) in QUERIES {
            black_box(engine.ask(q).unwrap());
        }
    }
    for _ in 0..rounds {
        for (_, q) in QUERIES {
            let t = Instant::now();
            black_box(engine.ask(q).unwrap());
            samples.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    samples.sort_by(f64::total_cmp);
    let p = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "ask latency over {} mixed asks at {} entries: p50 {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        samples.len(), TARGET_ENTRIES, p(0.5), p(0.9), p(0.99), p(1.0)
    );
}

criterion_group!(benches, bench_ask);

fn main() {
    benches();
    // Under `cargo test --all-targets` criterion runs each bench once as a smoke test;
    // the percentile pass is only for real `cargo bench` runs.
    if std::env::args().any(|a| a == "--bench") {
        percentiles();
    }
    Criterion::default().configure_from_args().final_summary();
}
