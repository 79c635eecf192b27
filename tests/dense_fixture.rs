//! Dense retrieval end to end with the committed tiny model: load the model folder
//! through fastembed → embed the knowledge → store the vectors → fused ask. Why: this
//! is the whole plumbing a real model (multilingual-e5) goes through, tested offline.
//! The tiny model knows only a few hand-made "concepts"; it is not a quality model.

mod common;

use madoguchi::engine::Retrievers;
use madoguchi::Engine;

fn open(data: &std::path::Path) -> Engine {
    common::dictionary_dir();
    let mut c = common::config(&common::fixture_kb(), data);
    common::with_tiny_model(&mut c);
    Engine::open(&c, &|_| {}).unwrap().0
}

#[test]
fn a_question_sharing_no_keyword_is_found_by_the_dense_retriever() {
    let data = tempfile::tempdir().unwrap();
    let engine = open(data.path());
    let status = engine.dense_status();
    assert!(status.enabled, "{}", status.reason);
    assert_eq!(status.model.as_deref(), Some("madoguchi-tiny-fixture"));

    // No word of 「病院代が高すぎて払えない」 is in the 高額療養費 entry: keyword alone
    // finds nothing to offer.
    let q = "病院代が高すぎて払えない";
    let keyword = engine
        .rank_with(q, "national", Retrievers::Keyword)
        .unwrap();
    assert!(
        keyword
            .ranked
            .iter()
            .all(|s| s.candidate.id != "fx-kougaku"),
        "keyword retrieval must not find it (else this test proves nothing)"
    );

    let r = engine.ask(q).unwrap();
    assert_eq!(r.sources, ["dense"], "{r:?}");
    assert_eq!(
        r.decision.as_str(),
        "suggest",
        "dense evidence alone never answers"
    );
    assert_eq!(r.suggestions[0].id, "fx-kougaku", "{r:?}");

    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["sources"], serde_json::json!(["dense"]));
}

#[test]
fn dense_candidates_are_fused_into_the_keyword_ranking() {
    let data = tempfile::tempdir().unwrap();
    let engine = open(data.path());
    // 「子どものお金はいつ」: keyword finds the 児童手当 payment entry, but not
    // confidently; dense (concept: children and allowances) agrees, and also brings
    // the 児童手当 amount entry, which shares no keyword with the question.
    let d = engine
        .rank_with("子どものお金はいつ", "national", Retrievers::Hybrid)
        .unwrap();
    assert_eq!(d.sources, ["keyword", "dense"]);
    let top = &d.ranked[0].candidate;
    assert_eq!(top.id, "fx-teate-months");
    assert!(top.found_by.keyword && top.found_by.dense, "{top:?}");
    assert!(top.fused.is_some());
    let amount = d
        .ranked
        .iter()
        .find(|s| s.candidate.id == "fx-teate-amount")
        .expect("the dense-only candidate is in the fused ranking");
    assert!(!amount.candidate.found_by.keyword && amount.candidate.found_by.dense);
    let keyword = engine
        .rank_with("子どものお金はいつ", "national", Retrievers::Keyword)
        .unwrap();
    assert!(keyword
        .ranked
        .iter()
        .all(|s| s.candidate.id != "fx-teate-amount"));
}

#[test]
fn a_confident_keyword_answer_skips_embedding() {
    let data = tempfile::tempdir().unwrap();
    let engine = open(data.path());
    let r = engine
        .ask("マイナンバーカードをなくしたときはどうすればよいですか？")
        .unwrap();
    assert_eq!(r.decision.as_str(), "answer");
    assert_eq!(
        r.sources,
        ["keyword"],
        "keyword was confident: no embedding"
    );
}

#[test]
fn stored_vectors_are_reused_and_only_changed_entries_are_embedded() {
    let data = tempfile::tempdir().unwrap();
    let first = open(data.path());
    let stats = first.dense().unwrap().stats();
    assert_eq!(stats.reused, 0);
    assert_eq!(stats.embedded, first.knowledge().len());
    drop(first);
    let again = open(data.path());
    let stats = again.dense().unwrap().stats();
    assert_eq!((stats.reused, stats.embedded), (again.knowledge().len(), 0));
    assert!(data
        .path()
        .join("dense/madoguchi-tiny-fixture/vectors.f32")
        .is_file());
}
