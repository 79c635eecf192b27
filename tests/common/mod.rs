//! Shared helpers for integration tests: the repo's dictionary (built once, safely
//! across parallel test processes) and engines over fixture knowledge.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use madoguchi::analysis::{dictionary, Analyzer, AnalyzerFiles};
use madoguchi::{Config, Engine};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Config pointing at the repo's tokenizer-dict, `knowledge`, and a private data dir.
pub fn config(knowledge: &Path, data: &Path) -> Config {
    let mut c = Config::default();
    c.paths.tokenizer_dir = repo().join("tokenizer-dict");
    c.paths.knowledge_dir = knowledge.to_path_buf();
    c.paths.data_dir = data.to_path_buf();
    if let Some(src) = std::env::var_os("MADOGUCHI_IPADIC_SOURCE") {
        c.paths.ipadic_source = src.into();
    }
    c
}

/// Builds the system dictionary if needed (concurrency-safe) and returns its folder.
pub fn dictionary_dir() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let c = config(Path::new("knowledge"), Path::new("data"));
            let dir = c.paths.dictionary_dir();
            dictionary::build_dictionary(&c.paths.ipadic_source, &dir, &|_| {})
                .unwrap_or_else(|e| panic!("tests need the IPADIC sources: {e}"));
            dir
        })
        .clone()
}

/// An analyzer with the repo's user dictionary and synonyms (or without both).
pub fn analyzer(with_user_data: bool) -> Analyzer {
    let dir = dictionary_dir();
    let files = if with_user_data {
        AnalyzerFiles::in_dir(&repo().join("tokenizer-dict"))
    } else {
        AnalyzerFiles::default()
    };
    Analyzer::load(&dir, &files).unwrap()
}

/// Path of the fixture knowledge base.
pub fn fixture_kb() -> PathBuf {
    repo().join("tests/fixtures/kb")
}

/// An engine over `knowledge` with its index in a fresh temporary folder.
pub fn engine(knowledge: &Path) -> (Engine, tempfile::TempDir) {
    dictionary_dir();
    let data = tempfile::tempdir().unwrap();
    let (engine, _) = Engine::open(&config(knowledge, data.path()), &|_| {}).unwrap();
    (engine, data)
}

/// The id answered for `q`, or the decision name when there is no answer.
pub fn answered(engine: &Engine, q: &str) -> String {
    let r = engine.ask(q).unwrap();
    match r.answer {
        Some(a) => a.id,
        None => r.decision.as_str().to_string(),
    }
}
