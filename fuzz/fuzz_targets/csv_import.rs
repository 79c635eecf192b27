//! Fuzz target: `knowledge::csv::decode` and `import` on arbitrary bytes (UTF-8 with or
//! without BOM, Shift_JIS/CP932, garbage).
//!
//! Invariants: decoding UTF-8 is the identity (minus one BOM); every problem names a
//! data row; imported entries are valid and unique per tenant. When rows import:
//! UTF-8 export → import gives the same entries, the TOML `csv import --out` writes
//! loads them back, importing next to a knowledge base only drops rows it already has,
//! and a Shift_JIS export either names the row
//! it cannot hold or loses no character and imports to a fixed point (export → import
//! → export is the same bytes).
#![no_main]

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use madoguchi::knowledge::csv::{self, Encoding};
use madoguchi::knowledge::KnowledgeBase;
use madoguchi_fuzz::{
    assert_shift_jis_round_trip, assert_valid_entry, fixture_kb, municipality_name, without_files,
};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = csv::decode(data) {
        let plain = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
        if let Ok(utf8) = std::str::from_utf8(plain) {
            assert_eq!(text, utf8, "UTF-8 decoded differently");
        }
    }
    let imported = match csv::import(data, None) {
        Ok(i) => i,
        Err(_) => return,
    };
    let mut keys = HashSet::new();
    for e in &imported.entries {
        assert_valid_entry(e);
        assert!(
            keys.insert((e.tenant.clone(), e.id.clone())),
            "duplicate {}",
            e.id
        );
    }
    for p in &imported.problems {
        assert!(p.row >= 2, "problem on the header row: {p:?}");
    }
    let Ok(clash) = csv::import(data, Some(fixture_kb())) else {
        panic!("import failed only because of existing entries");
    };
    let exists = |e: &madoguchi::knowledge::Entry| {
        fixture_kb()
            .entries()
            .iter()
            .any(|k| k.tenant == e.tenant && k.id == e.id)
    };
    let kept: Vec<_> = imported
        .entries
        .iter()
        .filter(|e| !exists(e))
        .cloned()
        .collect();
    assert_eq!(clash.entries, kept, "existing knowledge changed other rows");
    if !imported.entries.is_empty() {
        check_round_trips(&imported.entries);
    }
});

fn check_round_trips(entries: &[madoguchi::knowledge::Entry]) {
    let name = municipality_name;
    for encoding in [Encoding::Utf8Bom, Encoding::Utf8] {
        let bytes = match csv::export(entries, encoding, &name) {
            Ok(b) => b,
            Err(e) => panic!("UTF-8 export failed: {e}"),
        };
        let again = match csv::import(&bytes, None) {
            Ok(i) => i,
            Err(e) => panic!("import of an export failed: {e}"),
        };
        assert!(again.problems.is_empty(), "{:?}", again.problems);
        assert_eq!(again.entries, entries, "export → import changed entries");
    }

    let label = PathBuf::from("imported.toml");
    let toml = csv::to_toml(entries, Path::new("fuzz.csv"));
    let (kb, problems) = KnowledgeBase::from_sources(
        vec![(label, toml.clone())],
        Some(chrono::Local::now().date_naive()),
    );
    // Imports may name related ids of entries that are not in the file (they are
    // checked when the file joins the knowledge); everything else must load.
    let problems: Vec<_> = problems
        .iter()
        .filter(|p| !(p.field.as_deref() == Some("related") && p.message.contains("is not the id")))
        .collect();
    assert!(
        problems.is_empty(),
        "to_toml output invalid: {problems:?}\n{toml}"
    );
    let mut sorted = entries.to_vec();
    sorted.sort_by(|a, b| (&a.tenant, &a.id).cmp(&(&b.tenant, &b.id)));
    assert_eq!(
        without_files(kb.entries()),
        sorted,
        "to_toml changed entries"
    );

    assert_shift_jis_round_trip(entries);
}
