//! Why: clients branch on error codes. Every error the API can return has a stable
//! `code`, the status from the one table, and the JSON shape — including errors raised
//! by framework layers (unknown route, wrong method, body limit).

mod common;

use axum::body::Body;
use axum::http::Request;
use common::http::{app, get, json, post, send};

const ME: [u8; 4] = [10, 0, 0, 2];

async fn expect(app: &axum::Router, req: Request<Body>, status: u16, code: &str) {
    let (s, h, b) = send(app, req, ME).await;
    assert_eq!(s.as_u16(), status, "{}", String::from_utf8_lossy(&b));
    assert!(h["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let v = json(&b);
    assert_eq!(v["error"]["code"], code, "{v}");
    assert!(!v["error"]["message"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn every_error_code() {
    let (app, _, _tmp) = app(|c| c.server.body_limit_bytes = 2048);
    expect(
        &app,
        post("/v1/ask", r#"{"q":"   "}"#),
        400,
        "empty_question",
    )
    .await;
    let long = format!(r#"{{"q":"{}"}}"#, "あ".repeat(600));
    let (app_short, _, _t2) = common::http::app(|c| c.limits.max_question_chars = 100);
    expect(&app_short, post("/v1/ask", &long), 400, "question_too_long").await;
    expect(&app, post("/v1/ask", r#"{"q": 1}"#), 400, "invalid_json").await;
    expect(
        &app,
        post("/v1/ask", r#"{"q":"a","extra":true}"#),
        400,
        "invalid_json",
    )
    .await;
    expect(&app, post("/v1/ask", "{not json"), 400, "invalid_json").await;
    let plain = Request::post("/v1/ask")
        .header("content-type", "text/plain")
        .body(Body::from("児童手当"))
        .unwrap();
    expect(&app, plain, 415, "unsupported_media_type").await;
    let big = format!(r#"{{"q":"{}"}}"#, "x".repeat(4096));
    expect(&app, post("/v1/ask", &big), 413, "payload_too_large").await;
    expect(
        &app,
        post("/v1/ask", r#"{"q":"児童手当","tenant":"999999"}"#),
        404,
        "unknown_tenant",
    )
    .await;
    expect(&app, get("/v1/tenants/999999"), 404, "unknown_tenant").await;
    expect(&app, get("/v1/faqs/no-such-entry"), 404, "unknown_faq").await;
    expect(
        &app,
        post("/v1/feedback", r#"{"request_id":"nope","helpful":true}"#),
        404,
        "unknown_request",
    )
    .await;
    let foreign = Request::post("/v1/ask")
        .header("content-type", "application/json")
        .header("origin", "https://evil.example")
        .header("host", "madoguchi.example")
        .body(Body::from(r#"{"q":"児童手当","tenant":"990001"}"#))
        .unwrap();
    expect(&app, foreign, 403, "origin_not_allowed").await;
    expect(&app, get("/v2/nothing"), 404, "not_found").await;
    expect(&app, get("/v1/ask"), 405, "method_not_allowed").await;
}

#[tokio::test]
async fn internal_details_never_reach_clients() {
    use axum::response::IntoResponse;
    use madoguchi::server::error::ApiError;
    let res = ApiError::Internal("secret path /etc/madoguchi".into()).into_response();
    let body = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    let text = String::from_utf8(body.to_vec()).unwrap();
    assert!(
        text.contains("\"internal\"") && !text.contains("/etc/madoguchi"),
        "{text}"
    );
}
