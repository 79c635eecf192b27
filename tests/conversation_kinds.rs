//! Why: 「手当の申請は？」 names only a *kind* of scheme. 児童手当, 児童扶養手当 and
//! 出産手当金 are all 手当, and the one whose entry repeats the bare word most is
//! not thereby the one the resident gets: a counter clerk asks which. Conversely a
//! question that spells one scheme out in full (国保料 → 国民健康保険料) is not
//! ambiguous because a shorter label (国民健康保険の加入・脱退) shares its head.

mod common;

use madoguchi::converse::Context;
use madoguchi::respond::Response;

fn labels(r: &Response) -> Vec<String> {
    r.clarify
        .as_ref()
        .map(|c| c.options.iter().map(|o| o.label.clone()).collect())
        .unwrap_or_default()
}

#[test]
fn a_question_naming_only_a_kind_of_allowance_is_asked_which() {
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (r1, r2) = common::two_turns(&engine, "手当の申請はどうすればいいですか", "出産手当金");
    let options = labels(&r1);
    for scheme in ["児童手当", "児童扶養手当", "出産手当金"] {
        assert!(options.iter().any(|o| o == scheme), "{scheme}: {r1:?}");
    }
    assert_eq!(
        common::answer_id(&r2),
        Some("childcare-shussan-teate-apply"),
        "{r2:?}"
    );
}

#[test]
fn a_question_naming_its_scheme_is_answered_at_once() {
    // The same question with the scheme named needs no clarification.
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (r, _) = engine
        .converse(
            "児童扶養手当の申請はどうすればいいですか",
            "national",
            &Context::default(),
        )
        .unwrap();
    assert!(r.clarify.is_none(), "{r:?}");
    assert_eq!(
        common::answer_id(&r),
        Some("childcare-jidou-fuyou-teate-apply"),
        "{r:?}"
    );
}

#[test]
fn a_question_spelling_one_scheme_out_in_full_is_not_asked_back() {
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (r, _) = engine
        .converse("国保料の払い方を教えて", "national", &Context::default())
        .unwrap();
    assert!(r.clarify.is_none(), "{r:?}");
}
