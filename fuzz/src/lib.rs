//! Shared set-up of the fuzz targets: the repository's dictionary and knowledge, loaded
//! once per fuzzing process, and checks that more than one target asserts.
//!
//! Set-up failures panic on purpose: they are harness errors (a missing dictionary
//! source, say), reported by libFuzzer before any input runs.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use madoguchi::analysis::Analyzer;
use madoguchi::knowledge::{Entry, KnowledgeBase};
use madoguchi::{Config, Engine};

/// The repository root (the fuzz crate lives in `fuzz/`).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("fuzz/ has a parent")
        .to_path_buf()
}

/// The engine over the repository's `knowledge/` (national and 窓口市 entries), with
/// its dictionary built from the IPADIC sources if needed and its index under
/// `fuzz/target/fuzz-data` (git-ignored). Opened once.
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut c = Config::default();
        c.paths.tokenizer_dir = repo().join("tokenizer-dict");
        c.paths.knowledge_dir = repo().join("knowledge");
        c.paths.data_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-data");
        if let Some(src) = std::env::var_os("MADOGUCHI_IPADIC_SOURCE") {
            c.paths.ipadic_source = src.into();
        }
        match Engine::open(&c, &|_| {}) {
            Ok((engine, _)) => engine,
            Err(e) => panic!("fuzz set-up: cannot open the engine: {e}"),
        }
    })
}

/// The engine's analyzer: dictionary, user dictionary, synonyms and the reading
/// lexicon built from the knowledge, exactly as `Engine::open` sets it up.
pub fn analyzer() -> &'static Analyzer {
    engine().analyzer()
}

/// The fixture knowledge base (`tests/fixtures/kb`), loaded once.
pub fn fixture_kb() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(
        || match KnowledgeBase::load(&repo().join("tests/fixtures/kb")) {
            Ok(kb) => kb,
            Err(e) => panic!("fuzz set-up: cannot load the fixture knowledge: {e}"),
        },
    )
}

/// `entries` without the file each was read from (import and files differ only there).
pub fn without_files(entries: &[Entry]) -> Vec<Entry> {
    entries
        .iter()
        .map(|e| Entry {
            file: PathBuf::new(),
            ..e.clone()
        })
        .collect()
}

/// The invariants of every valid entry, whatever it was read from.
pub fn assert_valid_entry(e: &Entry) {
    let slug = |s: &str| {
        !s.is_empty()
            && s.len() <= 80
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-')
            && !s.ends_with('-')
    };
    assert!(slug(&e.id), "invalid id accepted: {:?}", e.id);
    assert!(slug(&e.tenant), "invalid tenant accepted: {:?}", e.tenant);
    for (name, text) in [
        ("question", &e.question),
        ("answer", &e.answer),
        ("source", &e.source),
        ("source_url", &e.source_url),
    ] {
        assert!(!text.is_empty(), "empty {name} accepted");
        assert_eq!(text.trim(), text, "{name} not trimmed");
    }
    assert_eq!(e.category.trim(), e.category, "category not trimmed");
    for a in e.alt_questions.iter().chain(&e.related) {
        assert!(!a.is_empty() && a.trim() == a, "list item {a:?} accepted");
    }
}

/// A Shift_JIS export succeeded: then every text of every entry must be representable
/// in Shift_JIS (after the CP932 look-alikes), or the export silently replaced it.
pub fn assert_shift_jis_lossless(entries: &[Entry]) {
    for e in entries {
        let reviewed = e.reviewed.to_string();
        let texts = [
            &e.id,
            &e.tenant,
            &e.category,
            &e.question,
            &e.answer,
            &e.source,
            &e.source_url,
            &reviewed,
        ]
        .into_iter()
        .chain(&e.alt_questions)
        .chain(&e.related);
        for text in texts {
            let forms = madoguchi::knowledge::csv::cp932_forms(text);
            let (_, _, replaced) = encoding_rs::SHIFT_JIS.encode(&forms);
            assert!(
                !replaced,
                "Shift_JIS export replaced characters of {text:?} ({})",
                e.id
            );
        }
    }
}

/// The municipality name the targets export with.
pub fn municipality_name(code: &str) -> String {
    format!("自治体{code}")
}

/// Shift_JIS export either names the row it cannot hold, or loses nothing and
/// round-trips: export → import → export gives the same bytes.
pub fn assert_shift_jis_round_trip(entries: &[Entry]) {
    use madoguchi::knowledge::csv::{self, CsvError, Encoding};
    match csv::export(entries, Encoding::ShiftJis, &municipality_name) {
        Ok(bytes) => {
            assert_shift_jis_lossless(entries);
            let imported = match csv::import(&bytes, None) {
                Ok(i) => i,
                Err(e) => panic!("import of a Shift_JIS export failed: {e}"),
            };
            assert!(imported.problems.is_empty(), "{:?}", imported.problems);
            assert_eq!(imported.entries.len(), entries.len());
            let again = match csv::export(&imported.entries, Encoding::ShiftJis, &municipality_name)
            {
                Ok(b) => b,
                Err(e) => panic!("re-export as Shift_JIS failed: {e}"),
            };
            assert!(again == bytes, "Shift_JIS export → import → export changed");
        }
        Err(CsvError::Unencodable { row, .. }) => {
            assert!((2..=entries.len() + 1).contains(&row), "row {row}");
        }
        Err(e) => panic!("Shift_JIS export failed: {e}"),
    }
}
