//! Why: curators edit knowledge files and expect the next `ask` to see the change; an
//! index that silently kept old answers would be worse than none.

mod common;

use madoguchi::retrieve::keyword::IndexState;
use madoguchi::Engine;

#[test]
fn index_is_reused_when_fresh_and_rebuilt_when_knowledge_changes() {
    common::dictionary_dir();
    let kb = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let file = kb.path().join("k.toml");
    let fixture =
        std::fs::read_to_string(common::fixture_kb().join("national/fixture.toml")).unwrap();
    std::fs::write(&file, &fixture).unwrap();
    let config = common::config(kb.path(), data.path());

    let (_, first) = Engine::open(&config, &|_| {}).unwrap();
    assert_eq!(first.index_state, IndexState::Rebuilt);
    let (_, second) = Engine::open(&config, &|_| {}).unwrap();
    assert_eq!(second.index_state, IndexState::Opened);

    std::fs::write(
        &file,
        fixture.replace("暗証番号を何回間違えると", "ＰＩＮを何回間違えると"),
    )
    .unwrap();
    let (engine, third) = Engine::open(&config, &|_| {}).unwrap();
    assert_eq!(third.index_state, IndexState::Rebuilt);
    assert_eq!(
        common::answered(&engine, "PINを何回間違えるとロック"),
        "fx-pin-lock"
    );
}
