//! Why: one server answers for many municipalities. A municipality sees national FAQs
//! plus its own, its own entry replaces a national one with the same id, and other
//! municipalities never see it.

mod common;

#[test]
fn local_entries_are_visible_only_to_their_tenant() {
    let (engine, _tmp) = common::engine(&common::fixture_kb());
    let local = engine
        .ask_for("マイナンバーカードの窓口の受付時間", "990001")
        .unwrap();
    assert_eq!(
        local.answer.map(|a| a.entry.id),
        Some("fx-counter-hours".into())
    );
    let national = engine
        .ask_for("マイナンバーカードの窓口の受付時間", "national")
        .unwrap();
    assert!(national.answer.is_none_or(|a| a.id != "fx-counter-hours"));
}

#[test]
fn a_local_entry_overrides_the_national_one() {
    let (engine, _tmp) = common::engine(&common::fixture_kb());
    let a = engine
        .ask_for("児童手当はいつ支給されますか", "990001")
        .unwrap()
        .answer
        .unwrap();
    assert_eq!(
        (a.id.as_str(), a.tenant.as_str()),
        ("fx-teate-months", "990001")
    );
    assert!(a.answer.contains("窓口市"));
    let a = engine
        .ask_for("児童手当はいつ支給されますか", "national")
        .unwrap()
        .answer
        .unwrap();
    assert_eq!(a.tenant, "national");
}
