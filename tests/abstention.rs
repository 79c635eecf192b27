//! Why: saying "we don't know, ask the counter" is better than a wrong official answer.
//! Questions outside our domains must abstain, not surface the least-bad FAQ.

mod common;

use madoguchi::decide::DecisionKind;

#[test]
fn out_of_scope_questions_abstain() {
    let (engine, _tmp) = common::engine(&common::fixture_kb());
    for q in [
        "今日の天気は？",
        "粗大ごみの出し方を教えて",
        "こんにちは",
        "ありがとう",
        "図書館は何時まで開いていますか",
        "asdfghjkl",
        "ああああ",
    ] {
        let r = engine.ask(q).unwrap();
        assert_eq!(
            r.decision,
            DecisionKind::Abstain,
            "{q}: {:?}",
            r.suggestions.iter().map(|s| &s.id).collect::<Vec<_>>()
        );
        assert!(r.answer.is_none() && r.suggestions.is_empty());
        assert!(
            r.message.as_deref().is_some_and(|m| m.contains("窓口")),
            "abstain must say where to ask"
        );
    }
}
