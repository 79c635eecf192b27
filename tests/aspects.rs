//! Why: sibling entries on one topic differ by what they answer about it — how long
//! a re-issue takes, what it costs — and a resident says which with a cue the entries
//! may not share as a word (「作り直し代は？」「何週間？」). Each entry's aspect is read
//! from its question (and from what several of its alt_questions ask); the question's
//! aspect then puts the matching sibling first. The control at `aspect_bonus = 0`
//! shows the words alone do not. Resemblance is off in both: it tells these two
//! siblings apart as well (see tests/resemblance.rs), and here the aspect is measured.

mod common;

use madoguchi::Engine;

fn engine(aspect_bonus: f32) -> (Engine, tempfile::TempDir) {
    common::dictionary_dir();
    let data = tempfile::tempdir().unwrap();
    let mut c = common::config(&common::repo().join("tests/fixtures/aspects"), data.path());
    c.retrieve.aspect_bonus = aspect_bonus;
    c.retrieve.resemblance_weight = 0.0;
    let (engine, _) = Engine::open(&c, &|_| {}).unwrap();
    (engine, data)
}

fn first(engine: &Engine, q: &str) -> String {
    let d = engine.rank(q, "national").unwrap();
    d.ranked[0].candidate.id.clone()
}

#[test]
fn the_sibling_answering_what_is_asked_comes_first() {
    let (engine, _tmp) = engine(madoguchi::config::RetrieveConfig::default().aspect_bonus);
    assert_eq!(first(&engine, "再交付の代はなんぼ？"), "a-fee");
    assert_eq!(first(&engine, "再交付って何週間？"), "a-time");
}

#[test]
fn without_the_aspect_the_words_cannot_tell_both() {
    let (engine, _tmp) = engine(0.0);
    let fee = first(&engine, "再交付の代はなんぼ？");
    let time = first(&engine, "再交付って何週間？");
    assert_eq!(
        fee, time,
        "the words alone put one sibling first for both questions"
    );
}
