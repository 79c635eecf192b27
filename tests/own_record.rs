//! Why: 「私の児童手当って、先月何日に振り込まれた？」 looks like a question about
//! payment months, and answering with the general schedule would read as if we had
//! looked the person up. Only the municipality can see one person's record, so we say
//! so — while a rule asked about 「うちの子」 is still answered. In a conversation too
//! (the widget always sends a session): the topic of the last answer must not turn
//! such a question back into the general answer.

mod common;

use madoguchi::converse::Context;
use madoguchi::decide::DecisionKind;
use madoguchi::respond::OWN_RECORD_MESSAGE;

#[test]
fn a_question_about_ones_own_record_is_sent_to_the_counter() {
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    for q in [
        "私の児童手当って、先月何日に振り込まれた？",
        "先月申請した私のマイナンバーカードはもうできあがっていますか？",
    ] {
        let r = engine.ask_for(q, "national").unwrap();
        assert_eq!(r.decision, DecisionKind::Abstain, "{q}: {r:?}");
        assert!(r.answer.is_none() && r.suggestions.is_empty(), "{q}: {r:?}");
        assert_eq!(r.message.as_deref(), Some(OWN_RECORD_MESSAGE), "{q}");
    }
}

#[test]
fn a_rule_asked_about_ones_child_is_still_answered() {
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let r = engine
        .ask_for("うちの子は何歳まで児童手当をもらえますか", "national")
        .unwrap();
    assert_eq!(r.decision, DecisionKind::Answer, "{r:?}");
}

#[test]
fn in_a_conversation_the_topic_does_not_answer_it_either() {
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (r1, ctx) = engine
        .converse(
            "児童手当はいつ振り込まれますか",
            "national",
            &Context::default(),
        )
        .unwrap();
    assert_eq!(r1.decision, DecisionKind::Answer, "{r1:?}");
    let (r2, after) = engine
        .converse(
            "私の児童手当って、先月何日に振り込まれた？",
            "national",
            &ctx,
        )
        .unwrap();
    assert_eq!(r2.decision, DecisionKind::Abstain, "{r2:?}");
    assert_eq!(r2.message.as_deref(), Some(OWN_RECORD_MESSAGE));
    assert_eq!(after, ctx, "the conversation is left as it was");
}
