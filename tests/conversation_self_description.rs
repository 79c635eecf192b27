//! Why: after an answer, a resident often says who they are rather than asking again
//! (「フリーランスで国保に入ってます」 after the 後期高齢者医療 way to pay). Such a
//! statement can match some entry fully on its own words (国保 + フリーランス is the
//! entry on 傷病手当金 for the self-employed), yet it asks nothing: when the previous
//! question fits the situation it names about as surely, the question moves there.

mod common;

#[test]
fn a_statement_describing_the_resident_moves_the_question_to_their_situation() {
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    for statement in [
        "フリーランスで国保に入ってます",
        "自営業をしていて国民健康保険に加入しています",
    ] {
        // Alone, the statement is answered by an entry that asks nothing of payment.
        let alone = engine.ask(statement).unwrap();
        let own = common::answer_id(&alone);
        assert!(
            own.is_some() && own != Some("health-kokuho-premium-payment-methods"),
            "{alone:?}"
        );
        let (r1, r2) = common::two_turns(&engine, "保険料はどうやって納めるの？", statement);
        assert_eq!(
            common::answer_id(&r1),
            Some("health-kouki-premium-payment"),
            "{r1:?}"
        );
        assert_eq!(
            common::answer_id(&r2),
            Some("health-kokuho-premium-payment-methods"),
            "{statement}: {r2:?}"
        );
    }
}
