//! Why: once options are on screen, a resident may answer with a question of their
//! own rather than by picking one. When one option answers that question alone
//! (「何回間違えるとロックされる？」 after 暗証番号 / 有効期限), it is what they now
//! want answered; when only read with the first question does it point into an
//! option (「家族が代わりに行ってもいい？」 after 「暗証番号を忘れました」), the two
//! together choose the entry — the first question alone would only repeat the
//! general answer. A question fitting an offered option's entry as surely as any
//! other chooses that option (the others were not offered).

mod common;

#[test]
fn a_question_in_reply_to_options_is_answered_itself() {
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (r1, r2) = common::two_turns(
        &engine,
        "暗証番号って何種類あるの？",
        "何回間違えるとロックされる？",
    );
    if r1.clarify.is_none() {
        // Without a clarification there is no reply to read; the follow-up path is
        // covered elsewhere. The answer must still be the kinds of PIN.
        assert_eq!(common::answer_id(&r1), Some("mynumber-pin-types"), "{r1:?}");
        return;
    }
    assert_eq!(
        common::answer_id(&r2),
        Some("mynumber-pin-lockout"),
        "{r2:?}"
    );
}

#[test]
fn a_question_in_reply_is_read_with_the_first_when_it_needs_it() {
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (r1, r2) = common::two_turns(
        &engine,
        "暗証番号を忘れました",
        "家族が代わりに行ってもいい？",
    );
    assert!(r1.clarify.is_some(), "{r1:?}");
    assert_eq!(
        common::answer_id(&r2),
        Some("mynumber-pin-reset-counter"),
        "{r2:?}"
    );
}

#[test]
fn a_question_in_reply_fitting_one_offered_option_as_well_as_any_chooses_it() {
    // 「1日あたりいくらくらい？」 fits 出産手当金 and 傷病手当金 alike; only 傷病手当金
    // was offered, so it is meant, and the amount is what is asked.
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (r1, r2) = common::two_turns(
        &engine,
        "週末のスポーツで骨折して2週間仕事を休みます。給料が出ない分、保険から何か出る？",
        "1日あたりいくらくらい？",
    );
    let offered: Vec<&str> = r1
        .clarify
        .as_ref()
        .map(|c| c.options.iter().map(|o| o.label.as_str()).collect())
        .unwrap_or_default();
    assert!(offered.contains(&"傷病手当金"), "{r1:?}");
    assert!(!offered.contains(&"出産手当金"), "{r1:?}");
    assert_eq!(
        common::answer_id(&r2),
        Some("health-shoubyou-teate-amount"),
        "{r2:?}"
    );
}
