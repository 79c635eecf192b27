//! Why: after options are offered, the reply picks the situation and the first
//! question says what is asked about it — but when the first question fits several
//! entries of that situation alike, the details in the reply are what tell them
//! apart. 「出産するとき保険料は免除される？」 fits the 国民年金 exemption for the
//! self-employed as well as the one for employees; 「会社員で産休をとります」 says which.

mod common;

#[test]
fn the_replys_details_choose_among_entries_the_first_question_fits_alike() {
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (r1, r2) = common::two_turns(
        &engine,
        "出産するとき保険料は免除される？",
        "会社員で産休をとります",
    );
    assert!(r1.clarify.is_some(), "{r1:?}");
    assert_eq!(
        common::answer_id(&r2),
        Some("health-shakaihoken-sankyu-menjo"),
        "{r2:?}"
    );
}
