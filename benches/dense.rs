//! Added latency of the fused (keyword + dense) path, with the tiny fixture model.
//!
//! Each question is ranked three ways on the same engine: keyword only, hybrid (the
//! production path: embed the question, exact dot-product search, reciprocal rank
//! fusion, decide) and hybrid on a question keyword already answers confidently (dense
//! is skipped). The tiny model is a single Gather, so the numbers show madoguchi's own
//! overhead (tokenizer, ONNX Runtime call, search, fusion); a real model such as
//! multilingual-e5-small adds its inference time on top.
//!
//! Run: `cargo bench --bench dense` (needs `bash scripts/setup.sh` for ONNX Runtime).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, Criterion};
use madoguchi::engine::Retrievers;
use madoguchi::{Config, Engine};

fn engine() -> (Engine, tempfile::TempDir) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let mut config = Config::default();
    config.paths.tokenizer_dir = root.join("tokenizer-dict");
    config.paths.knowledge_dir = root.join("tests/fixtures/kb");
    config.paths.data_dir = tmp.path().join("data");
    config.dense.model = root
        .join("tests/fixtures/tiny-model")
        .to_string_lossy()
        .into_owned();
    config.dense.runtime_library = Some(
        std::env::var_os("MADOGUCHI_ORT_LIBRARY")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("data/runtime/libonnxruntime.so")),
    );
    let (engine, _) = Engine::open(&config, &|_| {}).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        engine.dense_status().enabled,
        "{} (run bash scripts/setup.sh)",
        engine.dense_status().reason
    );
    (engine, tmp)
}

fn bench_fused(c: &mut Criterion) {
    let (engine, _tmp) = engine();
    let mut group = c.benchmark_group("fused_fixture");
    for (name, q) in [
        ("no_shared_keyword", "病院代が高すぎて払えない"),
        ("weak_keyword", "子どものお金はいつ"),
    ] {
        group.bench_function(format!("{name}/keyword"), |b| {
            b.iter(|| engine.rank_with(black_box(q), "national", Retrievers::Keyword))
        });
        group.bench_function(format!("{name}/hybrid"), |b| {
            b.iter(|| engine.rank_with(black_box(q), "national", Retrievers::Hybrid))
        });
    }
    let confident = "マイナンバーカードをなくしたときはどうすればよいですか？";
    group.bench_function("confident_keyword/hybrid_skips_dense", |b| {
        b.iter(|| engine.rank_with(black_box(confident), "national", Retrievers::Hybrid))
    });
    group.finish();
}

criterion_group!(benches, bench_fused);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
