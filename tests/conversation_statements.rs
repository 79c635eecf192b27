//! Why: after a clarification or an answer, residents often reply with a statement
//! about themselves (「けがで仕事を休んでいる会社員です」), not a question. A counter
//! clerk hears it as the missing situation for the question already asked — unless
//! the statement is a new matter of its own (「マイナンバーカードをなくしました」).
//! And a longer follow-up whose best match is on the conversation's topic stays on it,
//! in the topic's own category when a related entry of another fits as well.
//! A reply may name an option in its own (kana) words; a kana statement is read
//! after synonyms, so the どの inside かーどの does not make it a question.

mod common;

use madoguchi::converse::Context;
use madoguchi::respond::Response;

#[test]
fn a_statement_after_a_clarification_is_the_reply_not_a_new_question() {
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (r1, r2) = common::two_turns(
        &engine,
        "手当って月いくら？",
        "けがで仕事を休んでいる会社員です",
    );
    assert!(r1.clarify.is_some(), "{r1:?}");
    // The reply alone is answered by 傷病手当金's overview; read as the reply, it is
    // the amount (what the first question asked) of 傷病手当金 (what the reply tells).
    assert_eq!(common::answer_id(&r2), Some("health-shoubyou-teate-amount"));
}

#[test]
fn a_statement_after_an_answer_switches_the_situation_of_the_same_question() {
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (r1, r2) = common::two_turns(
        &engine,
        "手当の申請はどうすればいいですか",
        "病気で会社を休んでいて給料が出ません",
    );
    let category = |r: &Response| r.answer.as_ref().map(|a| a.entry.category.clone());
    assert_ne!(category(&r1).as_deref(), Some("傷病手当金"), "{r1:?}");
    assert_eq!(category(&r2).as_deref(), Some("傷病手当金"), "{r2:?}");
}

#[test]
fn a_statement_that_is_a_new_matter_is_answered_as_one() {
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (r1, r2) = common::two_turns(
        &engine,
        "児童手当はいくらもらえますか",
        "マイナンバーカードをなくしました",
    );
    assert_eq!(common::answer_id(&r1), Some("childcare-jidou-teate-amount"));
    assert_eq!(common::answer_id(&r2), Some("mynumber-card-lost"));
}

#[test]
fn a_longer_follow_up_whose_best_match_is_on_topic_stays_on_it() {
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (alone, _) = engine
        .converse(
            "届いたカードの有効期限は何年ですか",
            "national",
            &Context::default(),
        )
        .unwrap();
    assert_ne!(
        common::answer_id(&alone),
        Some("mynumber-child-validity"),
        "alone it is not about a child's card"
    );
    let (r1, r2) = common::two_turns(
        &engine,
        "赤ちゃんのマイナンバーカードの作り方を教えて",
        "届いたカードの有効期限は何年ですか",
    );
    assert_eq!(common::answer_id(&r1), Some("mynumber-child-newborn"));
    assert_eq!(common::answer_id(&r2), Some("mynumber-child-validity"));
}

#[test]
fn a_follow_up_as_close_to_a_related_entry_stays_in_the_topics_own_category() {
    // 個人番号通知書 is related to 通知カードの廃止 and matches the words as well as
    // 通知カードの利用 does; the conversation is about 通知カード.
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (r1, r2) = common::two_turns(
        &engine,
        "通知カードは廃止されたのですか",
        "家に残っているものは番号の証明に使えますか",
    );
    assert_eq!(common::answer_id(&r1), Some("mynumber-tsuchi-card-haishi"));
    assert_eq!(common::answer_id(&r2), Some("mynumber-tsuchi-card-riyou"));
}

#[test]
fn a_reply_naming_one_option_in_kana_chooses_it() {
    // 「まいなんばーかーどのほう」 names the option マイナンバーカードの紛失・盗難 once the
    // synonyms have read it; neither its label nor a number was typed.
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (r1, r2) = common::two_turns(
        &engine,
        "カード落としたっぽいんだけど、どうしたらいい？",
        "まいなんばーかーどのほう",
    );
    assert!(r1.clarify.is_some(), "{r1:?}");
    assert_eq!(common::answer_id(&r2), Some("mynumber-card-lost"));
}

#[test]
fn a_kana_statement_is_not_taken_for_a_question() {
    // かーどのほう holds どの: read raw, the statement looked like a question and was
    // answered on its own topic. Read after synonyms it is the statement it is, the
    // reply to the clarification (落とした is 紛失, and which カード is unclear).
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (r1, r2) = common::two_turns(
        &engine,
        "カード落としちゃったかも、どうすれば？",
        "まいなかーどのほうです",
    );
    assert!(r1.clarify.is_some(), "{r1:?}");
    assert_eq!(common::answer_id(&r2), Some("mynumber-card-lost"));
}

#[test]
fn a_statement_that_fits_the_answer_given_confirms_it() {
    // 「病院の受付で保険証として使いたい」 alone is best answered by the entry on
    // registering the card as 保険証; read with the question, it still points first
    // to the smartphone entry already given, so it confirms that answer.
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (r1, r2) = common::two_turns(
        &engine,
        "スマホで代わりになる？",
        "病院の受付で保険証として使いたい",
    );
    assert_eq!(
        common::answer_id(&r1),
        Some("health-myna-smartphone"),
        "{r1:?}"
    );
    assert_eq!(
        common::answer_id(&r2),
        Some("health-myna-smartphone"),
        "{r2:?}"
    );
}

#[test]
fn a_statement_after_an_unplaced_question_completes_it() {
    // The first question names no subject; the statement does. Alone, the statement
    // is best answered by the application-fee entry (初めて作る); read with the
    // question, it asks how long a first card takes.
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (r1, r2) = common::two_turns(
        &engine,
        "申し込んでから実物が来るまで何日くらい？",
        "初めてマイナンバーカードを作ります",
    );
    assert!(r1.answer.is_none(), "{r1:?}");
    assert_eq!(
        common::answer_id(&r2),
        Some("mynumber-issue-time"),
        "{r2:?}"
    );
}

#[test]
fn a_statement_after_suggestions_completes_the_question() {
    // Suggestions are not an answer: a statement after them (here the resident's own
    // situation) is read with the question they were offered for, as after a
    // question we could not place — not taken as confirming the first suggestion.
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (r1, r2) = common::two_turns(
        &engine,
        "75歳を迎えると、保険まわりで何が変わりますか",
        "夫がもうすぐ75で、わたしは夫の会社の保険の扶養に入ってます",
    );
    assert_eq!(
        r1.decision,
        madoguchi::decide::DecisionKind::Suggest,
        "{r1:?}"
    );
    assert_eq!(
        common::answer_id(&r2),
        Some("health-kouki-dependants"),
        "{r2:?}"
    );
}

#[test]
fn a_statement_answered_by_another_scheme_moves_the_question_there() {
    // 「辞めた会社の健康保険にそのまま入り続けたい」 is answered on its own by 任意継続;
    // after an answer on joining 国保 it does not confirm that answer but moves the
    // question (what to do after leaving the job, by when) to 任意継続.
    let (engine, _data) = common::engine(&common::repo().join("knowledge"));
    let (r1, r2) = common::two_turns(
        &engine,
        "退職したあとの保険の手続き、いつまでにやればいい？",
        "辞めた会社の健康保険にそのまま入り続けたい",
    );
    assert_eq!(
        common::answer_id(&r1),
        Some("health-kokuho-taishoku-kanyu"),
        "{r1:?}"
    );
    let category = r2.answer.as_ref().map(|a| a.entry.category.as_str());
    assert_eq!(category, Some("任意継続"), "{r2:?}");
}
