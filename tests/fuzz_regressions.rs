//! Why: each test here is a bug the fuzz targets in `fuzz/` found (`bash scripts/fuzz.sh`).
//! The comment on each says what the input was and why it broke; the test keeps the
//! fix in place without needing a fuzzing toolchain.

mod common;

use std::path::PathBuf;

use madoguchi::analysis::normalize::normalize;
use madoguchi::converse::Context;
use madoguchi::knowledge::csv::{self, CsvError, Encoding, HEADER};
use madoguchi::knowledge::{KnowledgeBase, NATIONAL};

/// A CSV (UTF-8) with the standard header and one row; `reviewed` and `related` as given.
fn one_row_csv(reviewed: &str, related: &str) -> Vec<u8> {
    let row = [
        "",
        "fx-card-lost",
        "全国",
        "mynumber",
        "マイナンバーカードの紛失",
        "マイナンバーカードをなくしたときは？",
        "フリーダイヤルに電話して一時利用停止をします。",
        "マイナカードを落とした",
        "地方公共団体情報システム機構",
        "https://www.kojinbango-card.go.jp/",
        reviewed,
        related,
    ];
    format!("{}\r\n{}\r\n", HEADER.join(","), row.join(",")).into_bytes()
}

/// fuzz target `csv_import`: a Shift_JIS CSV whose 関連ID cell held a byte pair of the
/// CP932 user-defined area (decoded as U+E3D1, a private-use character). Import accepts
/// it (related ids of rows are only checked once the file joins the knowledge), and a
/// Shift_JIS export then wrote it as the HTML reference `&#58321;` without a word:
/// the character check covered the question, answer, paraphrases, category, source and
/// id, but not `related`, `source_url`, the tenant or its name. Now every cell is
/// checked and the row is named.
#[test]
fn shift_jis_export_refuses_unencodable_related_ids_and_urls() {
    let imported = csv::import(
        &one_row_csv("2026-01-05", "fx-card-reiss\u{e3d1}-fee"),
        None,
    )
    .expect("the CSV is readable");
    assert!(imported.problems.is_empty(), "{:?}", imported.problems);
    assert_eq!(imported.entries.len(), 1);
    let name = |code: &str| format!("自治体{code}");
    let refused = |entries| match csv::export(entries, Encoding::ShiftJis, &name) {
        Err(CsvError::Unencodable { row, message }) => (row, message),
        Ok(bytes) => panic!(
            "exported lossily: {}",
            encoding_rs::SHIFT_JIS.decode(&bytes).0
        ),
        Err(e) => panic!("unexpected error: {e}"),
    };
    let (row, message) = refused(&imported.entries);
    assert_eq!(row, 2);
    assert!(message.contains('\u{e3d1}'), "{message}");

    let mut entries = imported.entries.clone();
    entries[0].related.clear();
    entries[0].source_url = "https://www.kojinbango-card.go.jp/😀".into();
    assert_eq!(refused(&entries).0, 2);
    // UTF-8 holds everything.
    let back = csv::import(
        &csv::export(&entries, Encoding::Utf8Bom, &name).unwrap(),
        None,
    )
    .unwrap();
    assert_eq!(back.entries, entries);
}

/// fuzz target `csv_import`: a row whose 確認日 was `-2026-11-23`. chrono's `%Y` reads
/// a signed year, so the row imported with the year -2026, and `csv import --out`
/// (`csv::to_toml`) wrote `reviewed = -2026-11-23`, which is not TOML: the written
/// file did not load. Dates outside the years 0000–9999 are now rejected, in CSV rows
/// and knowledge files alike.
#[test]
fn signed_year_dates_are_rejected_not_written_as_broken_toml() {
    let imported = csv::import(&one_row_csv("-2026-11-23", ""), None).unwrap();
    assert!(imported.entries.is_empty(), "{:?}", imported.entries);
    assert_eq!(imported.problems.len(), 1);
    assert_eq!(imported.problems[0].row, 2);
    assert!(
        imported.problems[0].message.contains("reviewed"),
        "{:?}",
        imported.problems
    );

    let file = "[[entry]]\nid = \"a\"\ndomain = \"mynumber\"\nquestion = \"q\"\nanswer = \"a\"\n\
                source = \"s\"\nsource_url = \"https://a.example.jp/\"\nreviewed = \"+12026-01-01\"\n";
    let (_, problems) =
        KnowledgeBase::from_sources(vec![(PathBuf::from("k.toml"), file.into())], None);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].field.as_deref(), Some("reviewed"));

    // A valid date still imports, and what `csv import --out` writes loads back.
    let ok = csv::import(&one_row_csv("2026-01-05", ""), None).unwrap();
    assert_eq!(ok.entries.len(), 1, "{:?}", ok.problems);
    let toml = csv::to_toml(&ok.entries, std::path::Path::new("x.csv"));
    let (kb, problems) =
        KnowledgeBase::from_sources(vec![(PathBuf::from("imported.toml"), toml)], None);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(kb.entries()[0].reviewed, ok.entries[0].reviewed);
}

/// fuzz target `normalize_tokenize`: `?`, U+FD3C (an Arabic ligature, NFKC: alef +
/// fathatan U+064B), half-width voicing mark U+FF9E (NFKC: U+3099), variation selector
/// U+FE04, U+FF9E, `ｳ`. NFKC orders marks only up to the selector; dropping the
/// selector afterwards left U+064B before U+3099, out of canonical order, so
/// normalizing the result again reordered them: normalization was not idempotent, and
/// text normalized twice (prepared situations, replies matched against labels) could
/// differ from text normalized once. Now another pass runs whenever the result is not
/// in NFKC. The same held for a dropped mark between a kana and a combining voicing mark.
#[test]
fn normalization_is_idempotent_when_dropped_marks_separate_combining_marks() {
    for input in [
        "?\u{fd3c}\u{ff9e}\u{fe04}\u{ff9e}\u{ff73}",
        // a dropped zero-width space between a kana and a combining voicing mark
        "か\u{200b}\u{3099}",
        // the middle dot (dropped) between them
        "か・\u{3099}",
    ] {
        let once = normalize(input);
        assert_eq!(normalize(&once), once, "input {input:?}");
    }
    assert_eq!(normalize("か\u{200b}\u{3099}"), "が");
}

/// fuzz target `ask_request`: a 724-character question (「あああ…」) sent twice in one
/// session. The first turn found nothing, so the second was also tried together with
/// the first (「previous question」 + 「reply」), and that combined text went through the
/// input limit: 1,447 characters > 1,000, so a question the API had accepted came back
/// as `question_too_long`. The limit now applies to each message only; text the
/// conversation composes is not checked again.
#[test]
fn a_second_message_is_not_rejected_for_the_length_of_both_together() {
    let (engine, _data) = common::engine(&common::fixture_kb());
    let q = "あ".repeat(700);
    let (first, ctx) = engine
        .converse(&q, NATIONAL, &Context::default())
        .expect("a 700-character question is accepted");
    assert_ne!(first.decision.as_str(), "answer");
    assert!(ctx.last_question.is_some(), "the first turn is remembered");
    let (second, _) = engine
        .converse(&q, NATIONAL, &ctx)
        .expect("the second message alone is within the limit");
    assert!(second.error.is_none());
    // Each message is still limited.
    let too_long = "あ".repeat(1001);
    assert!(engine.converse(&too_long, NATIONAL, &ctx).is_err());
}

/// fuzz target `knowledge_loader`: the file `entry = [\n]`. A file without `entry` is
/// reported («no [[entry]] tables — add entries, or remove the file»), but an empty
/// `entry` array passed without a word and contributed nothing; writing its (zero)
/// entries back gave a file that was rejected. Both now get the same problem.
#[test]
fn an_empty_entry_array_is_reported_like_a_file_without_entries() {
    for text in ["entry = [\n]\n", "entry = []", "# nothing\n"] {
        let (kb, problems) =
            KnowledgeBase::from_sources(vec![(PathBuf::from("empty.toml"), text.into())], None);
        assert!(kb.is_empty());
        assert_eq!(problems.len(), 1, "{text:?}: {problems:?}");
        assert_eq!(problems[0].message, "no [[entry]] tables", "{text:?}");
    }
}
