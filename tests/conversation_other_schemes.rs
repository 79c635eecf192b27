//! Why: after an answer, a message naming another scheme either starts a new matter
//! or asks the same thing about that scheme — it is never answered from the old
//! topic. 「マイナンバーカードの申請はどうやるの」 after 児童手当 must not come back
//! as 児童手当の申請 (the old topic's entry for 申請), and 「電子証明書のほうは
//! どうなりますか」 after 「名字が変わったらマイナンバーも変わりますか」 asks what a
//! change of name does to the certificate.

mod common;

use madoguchi::converse::Context;
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
    let (r1, ctx) = engine
        .converse("児童手当の金額は？", "national", &Context::default())
        .unwrap();
    assert_eq!(
        common::answer_id(&r1),
        Some("childcare-jidou-teate-amount"),
        "{r1:?}"
    );
    let (r2, _) = engine
        .converse("マイナンバーカードの申請はどうやるの", "national", &ctx)
        .unwrap();
    let offered = ids(&r2);
    assert!(!offered.is_empty(), "{r2:?}");
    assert!(
        offered.iter().all(|id| id.starts_with("mynumber-")),
        "{offered:?}"
    );
}

#[test]
fn naming_another_scheme_alone_asks_the_previous_question_about_it() {
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (_, ctx) = engine
        .converse(
            "結婚して名字が変わったら、マイナンバーも変わりますか",
            "national",
            &Context::default(),
        )
        .unwrap();
    let (r2, _) = engine
        .converse("電子証明書のほうはどうなりますか", "national", &ctx)
        .unwrap();
    assert_eq!(
        common::answer_id(&r2),
        Some("mynumber-ecert-shimei-henkou"),
        "{r2:?}"
    );
}
