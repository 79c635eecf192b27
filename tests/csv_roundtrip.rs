//! Why: municipal staff keep FAQs in Excel, as UTF-8 or Shift_JIS CSV. Export → import
//! must give back the same entries, and a bad row must be reported by its row number
//! and skipped, never silently dropped or allowed to sink the whole file.

mod common;

use madoguchi::knowledge::csv::{self, cp932_forms, Encoding};
use madoguchi::knowledge::{Entry, KnowledgeBase};

fn fixture() -> Vec<Entry> {
    let kb = KnowledgeBase::load(&common::fixture_kb()).unwrap();
    kb.entries()
        .iter()
        .map(|e| Entry {
            file: Default::default(),
            ..e.clone()
        })
        .collect()
}

fn name(code: &str) -> String {
    format!("自治体{code}")
}

#[test]
fn utf8_round_trip_is_exact() {
    let entries = fixture();
    for enc in [Encoding::Utf8Bom, Encoding::Utf8] {
        let bytes = csv::export(&entries, enc, &name).unwrap();
        let back = csv::import(&bytes, None).unwrap();
        assert!(back.problems.is_empty(), "{:?}", back.problems);
        assert_eq!(back.entries, entries);
    }
}

#[test]
fn shift_jis_round_trip_keeps_everything_in_cp932_forms() {
    let mut entries = fixture();
    entries[0].answer.push_str("（受付は9時〜17時）");
    let bytes = csv::export(&entries, Encoding::ShiftJis, &name).unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "really Shift_JIS bytes"
    );
    let back = csv::import(&bytes, None).unwrap();
    assert!(back.problems.is_empty(), "{:?}", back.problems);
    let expected: Vec<Entry> = entries
        .iter()
        .map(|e| Entry {
            answer: cp932_forms(e.answer.trim()),
            ..e.clone()
        })
        .collect();
    assert_eq!(back.entries.len(), expected.len());
    for (b, e) in back.entries.iter().zip(&expected) {
        assert_eq!(b.answer, e.answer);
        assert_eq!(
            (&b.id, &b.question, &b.alt_questions, b.reviewed),
            (&e.id, &e.question, &e.alt_questions, e.reviewed)
        );
    }
}

#[test]
fn text_shift_jis_cannot_hold_is_refused_with_its_row() {
    let mut entries = fixture();
    entries[1].question.push('😀');
    let err = csv::export(&entries, Encoding::ShiftJis, &name)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("row 3:") && err.contains("😀"), "{err}");
}

#[test]
fn bad_rows_are_reported_by_row_and_skipped() {
    let header = csv::HEADER.join(",");
    let good = "990001,x-good,窓口市,mynumber,窓口,受付時間は？,平日です。,\"時間\n何時まで\",窓口市,https://example.jp/a,2026-11-01,";
    let rows = [
        good.to_string(),
        good.replace("x-good", "x-bad-url")
            .replace("https://example.jp/a", "example"),
        good.replace("x-good", "x-no-question")
            .replace("受付時間は？", ""),
        good.replace("x-good", "x-weather")
            .replace(",mynumber,", ",weather,"),
        good.to_string(),          // duplicate of row 2
        ",,,,,,,,,,,".to_string(), // blank row: ignored
        good.replace("x-good", "x-kanji-domain")
            .replace(",mynumber,", ",健康保険,"),
    ];
    let text = format!("{header}\r\n{}\r\n", rows.join("\r\n"));
    let got = csv::import(text.as_bytes(), None).unwrap();
    let ids: Vec<&str> = got.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["x-good", "x-kanji-domain"]);
    assert_eq!(got.entries[0].alt_questions, ["時間", "何時まで"]);
    assert_eq!(got.entries[0].tenant, "990001");
    let rows: Vec<usize> = got.problems.iter().map(|p| p.row).collect();
    assert_eq!(rows, [3, 4, 5, 6], "{:?}", got.problems);
    assert!(got.problems[0].message.contains("source_url"));
    assert!(got.problems[3].message.contains("already used on row 2"));
}

#[test]
fn ids_already_in_the_knowledge_are_rejected_and_headers_checked() {
    let kb = KnowledgeBase::load(&common::fixture_kb()).unwrap();
    let bytes = csv::export(&fixture(), Encoding::Utf8, &name).unwrap();
    let got = csv::import(&bytes, Some(&kb)).unwrap();
    assert!(got.entries.is_empty());
    assert!(got
        .problems
        .iter()
        .all(|p| p.message.contains("already exists")));
    let err = csv::import("question,answer\n".as_bytes(), None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("全国地方公共団体コード"), "{err}");
}
