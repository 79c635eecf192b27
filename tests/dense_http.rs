//! With a model loaded, `/readyz` names it and `/v1/ask` answers through the fused
//! path (embedding runs off the async runtime). Why: operators check `/readyz` to
//! know dense retrieval is really on, and residents must see no difference but
//! better answers.

mod common;

use common::http::{app, get, json, post, send};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_reports_the_model_and_answers_carry_their_sources() {
    let (app, _state, _data) = app(common::with_tiny_model);
    let (status, _, body) = send(&app, get("/readyz"), [10, 0, 0, 2]).await;
    assert_eq!(status, 200);
    let ready = json(&body);
    assert_eq!(ready["dense"]["enabled"], true, "{ready}");
    assert_eq!(ready["dense"]["model"], "madoguchi-tiny-fixture");

    let (status, _, body) = send(
        &app,
        post("/v1/ask", r#"{"q":"病院代が高すぎて払えない"}"#),
        [10, 0, 0, 2],
    )
    .await;
    assert_eq!(status, 200);
    let r = json(&body);
    assert_eq!(r["sources"], serde_json::json!(["dense"]), "{r}");
    assert_eq!(r["suggestions"][0]["id"], "fx-kougaku");

    // Conversations go through the same path.
    let (status, _, body) = send(
        &app,
        post(
            "/v1/ask",
            r#"{"q":"子どものお金はいつ","session":"dense-test"}"#,
        ),
        [10, 0, 0, 2],
    )
    .await;
    assert_eq!(status, 200);
    let sources = json(&body)["sources"].clone();
    assert!(
        sources.as_array().unwrap().iter().any(|s| s == "dense"),
        "{sources}"
    );
}
