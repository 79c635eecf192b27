//! Why: after an answer, a message naming another scheme either starts a new matter
//! or asks the same thing about that scheme — it is never answered from the old
//! topic. 「マイナンバーカードの申請はどうやるの」 after 児童手当 must not come back
//! as 児童手当の申請 (the old topic's entry for 申請), and 「電子証明書のほうは
//! どうなりますか」 after 「名字が変わったらマイナンバーも変わりますか」 asks what a
//! change of name does to the certificate.

mod common;

use madoguchi::respond::Response;

fn ids(r: &Response) -> Vec<String> {
    r.answer
        .iter()
        .map(|a| a.entry.id.clone())
        .chain(r.suggestions.iter().map(|s| s.id.clone()))
        .collect()
}

#[test]
fn a_question_naming_another_scheme_is_not_answered_from_the_old_topic() {
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (r1, r2) = common::two_turns(
        &engine,
        "児童手当の金額は？",
        "マイナンバーカードの申請はどうやるの",
    );
    assert_eq!(
        common::answer_id(&r1),
        Some("childcare-jidou-teate-amount"),
        "{r1:?}"
    );
    // What is shown first is about the card; nothing shown is from the old topic
    // (a weaker runner-up may come from another scheme that speaks of the card).
    let offered = ids(&r2);
    assert!(
        offered
            .first()
            .is_some_and(|id| id.starts_with("mynumber-")),
        "{offered:?}"
    );
    assert!(
        offered.iter().all(|id| !id.starts_with("childcare-")),
        "{offered:?}"
    );
}

#[test]
fn naming_another_scheme_alone_asks_the_previous_question_about_it() {
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (_, r2) = common::two_turns(
        &engine,
        "結婚して名字が変わったら、マイナンバーも変わりますか",
        "電子証明書のほうはどうなりますか",
    );
    assert_eq!(
        common::answer_id(&r2),
        Some("mynumber-ecert-shimei-henkou"),
        "{r2:?}"
    );
}
