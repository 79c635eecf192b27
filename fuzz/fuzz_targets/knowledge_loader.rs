//! Fuzz target: one knowledge file (arbitrary bytes, decoded lossily as UTF-8) through
//! the loader's parser and validator, `KnowledgeBase::from_sources`, the code path of
//! `KnowledgeBase::load`.
//!
//! Invariants: every problem names the file and a line inside it. When the file is
//! valid: every entry is valid, writing its entries back as TOML (`csv::to_toml`,
//! what `csv import --out` writes) loads the same entries without problems, UTF-8 CSV
//! export → import gives them back, importing them next to themselves rejects every
//! row, and a Shift_JIS export either names the row
//! it cannot hold or loses no character and imports to a fixed point (export → import
//! → export is the same bytes).
#![no_main]

use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use madoguchi::knowledge::csv::{self, Encoding};
use madoguchi::knowledge::KnowledgeBase;
use madoguchi_fuzz::{
    assert_shift_jis_round_trip, assert_valid_entry, municipality_name, without_files,
};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let label = PathBuf::from("fuzz/entries.toml");
    let today = chrono::Local::now().date_naive();
    let lines = text.lines().count().max(1);
    let (kb, problems) = KnowledgeBase::from_sources(vec![(label.clone(), text)], Some(today));
    for p in &problems {
        assert_eq!(p.file, label);
        assert!(!p.message.is_empty());
        if let Some(line) = p.line {
            assert!((1..=lines).contains(&line), "line {line} of {lines}: {p}");
        }
    }
    for e in kb.entries() {
        assert_eq!(e.file, label);
    }
    // With problems the file is rejected as a whole (entries parsed so far may be
    // invalid, e.g. a bad id is reported but kept); without, every entry is valid.
    if problems.is_empty() {
        for e in kb.entries() {
            assert_valid_entry(e);
            assert!(e.reviewed <= today);
        }
        check_round_trips(&kb, &label, today);
    }
});

fn check_round_trips(kb: &KnowledgeBase, label: &Path, today: chrono::NaiveDate) {
    let entries = kb.entries();
    let toml = csv::to_toml(entries, Path::new("fuzz.csv"));
    let (again, problems) =
        KnowledgeBase::from_sources(vec![(label.to_path_buf(), toml.clone())], Some(today));
    assert!(
        problems.is_empty(),
        "to_toml output invalid: {problems:?}\n{toml}"
    );
    assert_eq!(again.entries(), entries, "to_toml changed entries:\n{toml}");

    let name = municipality_name;
    for encoding in [Encoding::Utf8Bom, Encoding::Utf8] {
        let bytes = match csv::export(entries, encoding, &name) {
            Ok(b) => b,
            Err(e) => panic!("UTF-8 export failed: {e}"),
        };
        let imported = match csv::import(&bytes, None) {
            Ok(i) => i,
            Err(e) => panic!("import of an export failed: {e}"),
        };
        assert!(imported.problems.is_empty(), "{:?}", imported.problems);
        assert_eq!(imported.entries, without_files(entries));
        let clash = match csv::import(&bytes, Some(kb)) {
            Ok(i) => i,
            Err(e) => panic!("import of an export failed: {e}"),
        };
        assert!(clash.entries.is_empty(), "existing ids imported again");
        assert_eq!(clash.problems.len(), entries.len());
    }
    assert_shift_jis_round_trip(entries);
}
