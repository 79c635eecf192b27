//! Why: Japanese compounds are single tokens, so a resident who writes the short form
//! (「カードを紛失した」) shares no word カード with an entry that only ever says
//! マイナンバーカード. Without credit for the compound, that entry covers half the
//! question and cannot be answered; with it, the short form counts as (most of) a
//! match while an entry that merely says カード still lacks the question's 紛失.

mod common;

use madoguchi::Engine;

fn engine(compound_credit: f32) -> (Engine, tempfile::TempDir) {
    common::dictionary_dir();
    let data = tempfile::tempdir().unwrap();
    let mut c = common::config(
        &common::repo().join("tests/fixtures/compounds"),
        data.path(),
    );
    c.retrieve.compound_credit = compound_credit;
    let (engine, _) = Engine::open(&c, &|_| {}).unwrap();
    (engine, data)
}

/// The word coverage of entry `id` for question `q`.
fn coverage(engine: &Engine, q: &str, id: &str) -> f32 {
    let d = engine.rank(q, "national").unwrap();
    d.ranked
        .iter()
        .find(|s| s.candidate.id == id)
        .map(|s| s.candidate.word_coverage)
        .unwrap_or_else(|| panic!("{q}: {id} not among the candidates"))
}

#[test]
fn a_short_form_matches_the_compound_of_the_entry() {
    let credit = madoguchi::config::RetrieveConfig::default().compound_credit;
    let (engine, _tmp) = engine(credit);
    let q = "カードを紛失してしまいました";
    let lost = coverage(&engine, q, "c-lost");
    assert!(lost > 0.9, "c-lost covers only {lost}");
    assert!(lost > coverage(&engine, q, "c-design"));
    let r = engine.ask(q).unwrap();
    assert_eq!(r.answer.map(|a| a.entry.id).as_deref(), Some("c-lost"));
}

#[test]
fn without_compound_credit_the_short_form_is_missing() {
    // The control: the same question covers the entry only partly when compounds earn
    // nothing, so the test above measures the compound credit.
    let (engine, _tmp) = engine(0.0);
    let lost = coverage(&engine, "カードを紛失してしまいました", "c-lost");
    assert!(lost < 0.9, "c-lost covers {lost} without compound credit");
}
