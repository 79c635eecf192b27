//! Why: over HTTP, a municipality's own entry replaces the national one with the same
//! id, for that municipality only, both in answers and in the FAQ endpoint.

mod common;

use common::http::{app, get, json, post, send};

#[tokio::test]
async fn local_entry_overrides_national_for_its_tenant_only() {
    let (app, _, _tmp) = app(|_| {});
    let me = [10, 0, 3, 1];
    let (_, _, b) = send(
        &app,
        post(
            "/v1/ask",
            r#"{"q":"児童手当はいつ支給されますか","tenant":"990001"}"#,
        ),
        me,
    )
    .await;
    let v = json(&b);
    assert_eq!(v["answer"]["tenant"], "990001");
    assert!(v["answer"]["answer"].as_str().unwrap().contains("窓口市"));
    let (_, _, b) = send(
        &app,
        post("/v1/ask", r#"{"q":"児童手当はいつ支給されますか"}"#),
        me,
    )
    .await;
    assert_eq!(json(&b)["answer"]["tenant"], "national");
    let (_, _, b) = send(&app, get("/v1/faqs/fx-teate-months?tenant=990001"), me).await;
    assert_eq!(json(&b)["tenant"], "990001");
    let (_, _, b) = send(&app, get("/v1/faqs/fx-teate-months"), me).await;
    assert_eq!(json(&b)["tenant"], "national");
}
