//! A model folder that is incomplete or says the wrong dimension turns dense
//! retrieval off with the folder and the problem named, and answers go on with
//! keyword retrieval. Why: model folders are copied by hand onto closed networks.

mod common;

use madoguchi::Engine;

fn copy_model(to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(common::tiny_model()).unwrap().flatten() {
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn open_with_model(dir: &std::path::Path, data: &std::path::Path) -> Engine {
    common::dictionary_dir();
    let mut c = common::config(&common::fixture_kb(), data);
    common::with_tiny_model(&mut c);
    c.dense.model = dir.to_string_lossy().into_owned();
    Engine::open(&c, &|_| {}).unwrap().0
}

#[test]
fn a_missing_tokenizer_is_named() {
    let data = tempfile::tempdir().unwrap();
    let model = data.path().join("copied-model");
    copy_model(&model);
    std::fs::remove_file(model.join("tokenizer.json")).unwrap();
    let engine = open_with_model(&model, data.path());
    let s = engine.dense_status();
    assert!(!s.enabled);
    assert!(
        s.reason.contains("tokenizer.json is missing"),
        "{}",
        s.reason
    );
    assert_eq!(
        engine.ask("児童手当はいつ支給されますか").unwrap().sources,
        ["keyword"]
    );
}

#[test]
fn a_wrong_dimension_in_the_spec_is_caught_before_indexing() {
    let data = tempfile::tempdir().unwrap();
    let model = data.path().join("copied-model");
    copy_model(&model);
    let spec = std::fs::read_to_string(model.join("madoguchi-model.toml")).unwrap();
    std::fs::write(
        model.join("madoguchi-model.toml"),
        spec.replace("dim = 16", "dim = 384"),
    )
    .unwrap();
    let engine = open_with_model(&model, data.path());
    let s = engine.dense_status();
    assert!(!s.enabled);
    assert!(
        s.reason.contains("dim = 384 but the model produces 16"),
        "{}",
        s.reason
    );
    assert!(
        !data.path().join("dense").exists(),
        "nothing stored for a bad model"
    );
}
