//! Why: 「カードをなくした」 is the counter's classic ambiguous question, and the
//! natural reply 「マイナンバーカードです」 names two options at once
//! (マイナンバーカードの申請 and マイナンバーカードの紛失・盗難). The first question
//! says 紛失, so the second is meant; and within it the resident's カード
//! is the label's マイナンバーカード, so the answer is what to do when the card is
//! lost — not whichever sibling happens to repeat the bare word カード. The same holds
//! for a statement after an answer that names many situations (「マイナカードのほう」).

mod common;

use madoguchi::converse::Context;

#[test]
fn a_reply_naming_two_options_is_read_with_the_first_question() {
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (r1, ctx) = engine
        .converse("カードをなくした", "national", &Context::default())
        .unwrap();
    let options: Vec<&str> = r1
        .clarify
        .as_ref()
        .map(|c| c.options.iter().map(|o| o.label.as_str()).collect())
        .unwrap_or_default();
    assert!(options.contains(&"マイナンバーカードの申請"), "{r1:?}");
    assert!(
        options.contains(&"マイナンバーカードの紛失・盗難"),
        "{r1:?}"
    );
    let (r2, _) = engine
        .converse("マイナンバーカードです", "national", &ctx)
        .unwrap();
    let id = r2.answer.as_ref().map(|a| a.entry.id.as_str());
    assert_eq!(id, Some("mynumber-card-lost"), "{r2:?}");
}

#[test]
fn a_statement_naming_many_situations_keeps_the_one_the_question_is_about() {
    // After an answer on the lost health-insurance card, 「マイナカードのほう」 names
    // every マイナンバーカード situation (申請, 受け取り, 紛失・盗難 …); the question
    // said 紛失, so it moves to マイナンバーカードの紛失・盗難 — not to whichever
    // マイナンバーカード entry the question's other words happen to fit.
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (r1, ctx) = engine
        .converse(
            "保険証をなくしたかも、どうすれば？",
            "national",
            &Context::default(),
        )
        .unwrap();
    let category =
        |r: &madoguchi::respond::Response| r.answer.as_ref().map(|a| a.entry.category.clone());
    assert_ne!(
        category(&r1).as_deref(),
        Some("マイナンバーカードの紛失・盗難"),
        "{r1:?}"
    );
    let (r2, _) = engine
        .converse("まいなかーどのほうです", "national", &ctx)
        .unwrap();
    assert_eq!(
        r2.answer.as_ref().map(|a| a.entry.id.as_str()),
        Some("mynumber-card-lost"),
        "{r2:?}"
    );
}
