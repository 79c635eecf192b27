//! Without a model, madoguchi answers with keyword retrieval alone and says why — in
//! `/readyz` and in every response's `sources` — instead of failing. Why: a fresh
//! install and most closed networks start without a model.

mod common;

use common::http::{app, get, json, post, send};

#[tokio::test]
async fn no_model_means_keyword_only_and_readyz_says_why() {
    // The default config: dense retrieval on, but no model folder in the data dir.
    let (app, state, _data) = app(|c| {
        c.dense.runtime_library = Some(common::ort_library());
    });
    let engine = state.live().engine.clone();
    assert!(!engine.dense_status().enabled);
    assert!(engine.dense().is_none());

    let (status, _, body) = send(&app, get("/readyz"), [10, 0, 0, 1]).await;
    assert_eq!(status, 200);
    let ready = json(&body);
    assert_eq!(ready["ready"], true);
    assert_eq!(ready["dense"]["enabled"], false);
    let reason = ready["dense"]["reason"].as_str().unwrap();
    assert!(reason.contains("keyword retrieval only"), "{reason}");
    assert!(
        reason.contains("multilingual-e5-small"),
        "names the missing model: {reason}"
    );
    assert!(reason.contains("model fetch"), "says what to do: {reason}");

    let (status, _, body) = send(
        &app,
        post("/v1/ask", r#"{"q":"児童手当はいつ支給されますか"}"#),
        [10, 0, 0, 1],
    )
    .await;
    assert_eq!(status, 200);
    let r = json(&body);
    assert_eq!(r["decision"], "answer");
    assert_eq!(r["sources"], serde_json::json!(["keyword"]));

    // A question only a model could place still gets an ordinary, honest reply.
    let (status, _, body) = send(
        &app,
        post("/v1/ask", r#"{"q":"病院代が高すぎて払えない"}"#),
        [10, 0, 0, 1],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(json(&body)["decision"], "abstain");
}
