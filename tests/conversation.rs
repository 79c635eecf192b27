//! Why: many questions have different right answers for different people. A counter
//! clerk asks one short question back, then answers; and reads 「いつまで？」 in the
//! context of what was just discussed. This drives the shipped knowledge through the
//! engine's conversation API and through `POST /v1/ask` with a `session`.

mod common;

use common::http::{app_over, json, post, send};
use madoguchi::converse::{Context, MAX_ROUNDS};
use madoguchi::decide::DecisionKind;

fn shipped() -> std::path::PathBuf {
    common::repo().join("knowledge")
}

#[test]
fn an_ambiguous_question_is_asked_back_and_the_reply_decides() {
    let (engine, _data) = common::engine(&shipped());
    let (r, ctx) = engine
        .converse("保険料はいくらですか", "national", &Context::default())
        .unwrap();
    assert_eq!(r.decision, DecisionKind::Clarify, "{r:?}");
    assert!(r.answer.is_none() && r.suggestions.is_empty());
    let options = &r.clarify.as_ref().unwrap().options;
    assert!((2..=4).contains(&options.len()), "{options:?}");
    assert!(
        options.iter().any(|o| o.label == "後期高齢者医療制度"),
        "{options:?}"
    );
    // A reply in the resident's own words.
    let (r2, _) = engine
        .converse("75歳の母のことです", "national", &ctx)
        .unwrap();
    assert_eq!(
        r2.answer.map(|a| a.entry.id).as_deref(),
        Some("health-kouki-premium")
    );
    // Or the option's label, as the widget sends it.
    let (r3, _) = engine
        .converse("後期高齢者医療制度", "national", &ctx)
        .unwrap();
    assert_eq!(
        r3.answer.map(|a| a.entry.id).as_deref(),
        Some("health-kouki-premium")
    );
}

#[test]
fn a_follow_up_is_read_in_the_context_of_the_last_answer() {
    let (engine, _data) = common::engine(&shipped());
    let (r, ctx) = engine
        .converse("高額療養費の申請方法", "national", &Context::default())
        .unwrap();
    assert_eq!(r.decision, DecisionKind::Answer);
    let (alone, _) = engine
        .converse("いつまで？", "national", &Context::default())
        .unwrap();
    assert_ne!(
        alone.decision,
        DecisionKind::Answer,
        "without context it cannot be answered"
    );
    let (r2, _) = engine.converse("いつまで？", "national", &ctx).unwrap();
    assert_eq!(
        r2.answer.map(|a| a.entry.id).as_deref(),
        Some("health-kougaku-deadline")
    );
}

#[test]
fn a_clear_question_is_never_asked_back_and_rounds_are_bounded() {
    let (engine, _data) = common::engine(&shipped());
    let (r, _) = engine
        .converse(
            "マイナンバーカードを紛失しました",
            "national",
            &Context::default(),
        )
        .unwrap();
    assert_eq!(r.decision, DecisionKind::Answer);
    let mut ctx = Context {
        rounds: MAX_ROUNDS,
        ..Context::default()
    };
    ctx.pending = None;
    let (r, _) = engine
        .converse("保険料はいくらですか", "national", &ctx)
        .unwrap();
    assert_ne!(
        r.decision,
        DecisionKind::Clarify,
        "no more than {MAX_ROUNDS} rounds"
    );
}

#[tokio::test]
async fn http_sessions_carry_the_conversation_and_requests_without_one_stand_alone() {
    let (app, _, _tmp) = app_over(&shipped(), |_| {});
    let ask = |q: &str, session: Option<&str>| {
        let body = match session {
            Some(s) => format!(r#"{{"q":"{q}","session":"{s}"}}"#),
            None => format!(r#"{{"q":"{q}"}}"#),
        };
        post("/v1/ask", &body)
    };
    let (_, _, b) = send(
        &app,
        ask("保険料はいくらですか", Some("s-1")),
        [10, 4, 0, 1],
    )
    .await;
    let v = json(&b);
    assert_eq!(v["decision"], "clarify", "{v}");
    assert!(v["clarify"]["options"].as_array().unwrap().len() >= 2);
    let (_, _, b) = send(&app, ask("後期高齢者医療制度", Some("s-1")), [10, 4, 0, 1]).await;
    assert_eq!(json(&b)["answer"]["id"], "health-kouki-premium");
    // Another session knows nothing of it.
    let (_, _, b) = send(&app, ask("いつまで？", Some("s-2")), [10, 4, 0, 1]).await;
    assert_ne!(json(&b)["decision"], "answer");
    // Without a session there is no asking back.
    let (_, _, b) = send(&app, ask("保険料はいくらですか", None), [10, 4, 0, 1]).await;
    assert_ne!(json(&b)["decision"], "clarify");
}
