//! Why: a public service takes any input. Empty, huge, control-character or emoji-only
//! questions must yield a clear error or an abstain, never a panic.

mod common;

use madoguchi::decide::DecisionKind;
use madoguchi::AskError;

#[test]
fn empty_and_whitespace_are_clear_errors() {
    let (engine, _tmp) = common::engine(&common::fixture_kb());
    for q in ["", "   ", "\n\t　"] {
        assert_eq!(engine.ask(q).unwrap_err(), AskError::Empty, "{q:?}");
    }
    let r = engine.ask_or_explain("", "national");
    assert_eq!(r.decision, DecisionKind::Abstain);
    assert_eq!(r.error.unwrap().code, "empty_question");
}

#[test]
fn very_long_questions_are_rejected_without_work() {
    let (engine, _tmp) = common::engine(&common::fixture_kb());
    let q = "児童手当".repeat(25_000); // 100,000 characters, ~300 KB
    match engine.ask(&q) {
        Err(AskError::TooLong { chars, max }) => assert!(chars > max),
        other => panic!("expected TooLong, got {other:?}"),
    }
    let r = engine.ask_or_explain(&q, "national");
    assert_eq!(r.error.unwrap().code, "question_too_long");
    assert!(
        r.query.chars().count() <= 200,
        "the echoed query is truncated"
    );
}

#[test]
fn control_characters_emoji_and_symbols_abstain_or_answer() {
    let (engine, _tmp) = common::engine(&common::fixture_kb());
    for q in [
        "\u{0}\u{1}\u{7f}",
        "😀😀😀🙏",
        "！？。、・「」",
        "\u{202e}\u{200b}\u{feff}",
        "<script>alert(1)</script>",
        "' OR 1=1; --",
    ] {
        match engine.ask(q) {
            Ok(r) => assert_eq!(r.decision, DecisionKind::Abstain, "{q:?}"),
            Err(e) => assert_eq!(e, AskError::Empty, "{q:?}"),
        }
    }
    // Noise around a real question does not hide it.
    assert_eq!(
        common::answered(&engine, "\u{0}児童手当\u{7}の金額😀は？"),
        "fx-teate-amount"
    );
}
