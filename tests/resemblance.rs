//! Why: siblings on one topic share their words, so word coverage scores them alike;
//! what tells them apart is how the resident's wording, typos and inflections included,
//! resembles one entry's phrasings character by character. The resemblance must favour
//! the entry whose phrasings the question resembles, and lift it to first place where
//! the words alone put a sibling first.

mod common;

use madoguchi::Engine;

fn engine(knowledge: &std::path::Path, weight: f32) -> (Engine, tempfile::TempDir) {
    common::dictionary_dir();
    let data = tempfile::tempdir().unwrap();
    let mut c = common::config(knowledge, data.path());
    c.retrieve.resemblance_weight = weight;
    let (engine, _) = Engine::open(&c, &|_| {}).unwrap();
    (engine, data)
}

fn default_weight() -> f32 {
    madoguchi::config::RetrieveConfig::default().resemblance_weight
}

/// Each candidate's resemblance, by id.
fn resemblance(engine: &Engine, q: &str) -> Vec<(String, f32)> {
    engine
        .rank(q, "national")
        .unwrap()
        .ranked
        .into_iter()
        .map(|s| (s.candidate.id, s.candidate.resemblance))
        .collect()
}

/// The id ranked first, whatever the decision.
fn first(engine: &Engine, q: &str) -> String {
    let d = engine.rank(q, "national").unwrap();
    d.ranked.first().expect("a candidate").candidate.id.clone()
}

fn of(scores: &[(String, f32)], id: &str) -> f32 {
    scores
        .iter()
        .find(|(i, _)| i == id)
        .map(|(_, r)| *r)
        .unwrap_or_else(|| panic!("{id} not among {scores:?}"))
}

#[test]
fn the_entry_whose_phrasings_the_question_resembles_scores_highest() {
    let (engine, _tmp) = engine(
        &common::repo().join("tests/fixtures/resemblance"),
        default_weight(),
    );
    let typo = resemblance(&engine, "通知カード無くしちゃった。再発光してもらえる？");
    assert!(of(&typo, "r-lost") > 0.9, "{typo:?}");
    let ended = resemblance(&engine, "通知カードってもう廃止されたんですか");
    assert!(of(&ended, "r-ended") > 0.9, "{ended:?}");
    // A distribution over the candidates.
    let sum: f32 = typo.iter().map(|(_, r)| r).sum();
    assert!((sum - 1.0).abs() < 1e-4, "{typo:?}");
}

#[test]
fn characters_no_entry_has_neither_help_nor_hurt() {
    let (engine, _tmp) = engine(
        &common::repo().join("tests/fixtures/resemblance"),
        default_weight(),
    );
    // No gram of ☃ is indexed: they say nothing about which entry is meant.
    let plain = resemblance(&engine, "通知カードの再発行");
    let noisy = resemblance(&engine, "通知カードの再発行☃☃☃");
    for (id, r) in &plain {
        assert!((of(&noisy, id) - r).abs() < 1e-4, "{plain:?} vs {noisy:?}");
    }
    assert!(of(&plain, "r-lost") > of(&plain, "r-ended"), "{plain:?}");
}

#[test]
fn resemblance_puts_the_right_sibling_first_where_words_do_not() {
    // On the shipped knowledge: leaving a spouse's dependants (扶養) means joining an
    // insurance of one's own, while 後期高齢者医療's entry on dependants shares the
    // words 扶養 and 保険. Only the phrasing tells them apart.
    let q = "旦那の扶養から抜けることになった。保険どうする？";
    let knowledge = common::repo().join("knowledge");
    let (with, _a) = engine(&knowledge, default_weight());
    assert_eq!(first(&with, q), "health-kokuho-fuyou-hazureta");
    // The control: without resemblance the sibling comes first, so the assertion above
    // measures the resemblance and not an accident of the knowledge.
    let (without, _b) = engine(&knowledge, 0.0);
    assert_ne!(first(&without, q), "health-kokuho-fuyou-hazureta");
    assert!(resemblance(&without, q).iter().all(|(_, r)| *r == 0.0));
}
