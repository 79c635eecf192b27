//! Why: the widget and municipal systems rely on every endpoint's shape. Each endpoint
//! is exercised through the real router (all layers), in-process.

mod common;

use common::http::{app, get, json, post, send};

const ME: [u8; 4] = [10, 0, 0, 1];

#[tokio::test]
async fn ask_returns_the_answer_contract_with_a_request_id() {
    let (app, _, _tmp) = app(|_| {});
    let (status, _, body) = send(
        &app,
        post(
            "/v1/ask",
            r#"{"q":"マイナンバーカードを紛失しました","session":"s1"}"#,
        ),
        ME,
    )
    .await;
    assert_eq!(status, 200);
    let v = json(&body);
    assert_eq!(v["decision"], "answer");
    assert_eq!(v["answer"]["id"], "fx-card-lost");
    assert_eq!(v["request_id"].as_str().unwrap().len(), 32);
    for key in ["query", "suggestions", "message", "tenant", "sources"] {
        assert!(v.get(key).is_some(), "{key}");
    }
}

#[tokio::test]
async fn faq_tenant_health_ready_metrics_openapi_widget_and_demo() {
    let (app, _, _tmp) = app(|_| {});
    let (s, _, b) = send(&app, get("/v1/faqs/fx-kougaku"), ME).await;
    assert_eq!(
        (s.as_u16(), json(&b)["domain"].as_str()),
        (200, Some("health_insurance"))
    );
    let (s, _, b) = send(&app, get("/v1/tenants/990001"), ME).await;
    let t = json(&b);
    assert_eq!(
        (
            s.as_u16(),
            t["name"].as_str(),
            t["contact"]["department"].as_str()
        ),
        (200, Some("窓口市"), Some("市民課"))
    );
    assert!(
        t.get("allowed_origins").is_none(),
        "origins are not public config"
    );
    let (s, _, b) = send(&app, get("/healthz"), ME).await;
    assert_eq!((s.as_u16(), json(&b)["status"].as_str()), (200, Some("ok")));
    let (s, _, b) = send(&app, get("/readyz"), ME).await;
    let r = json(&b);
    assert_eq!(
        (
            s.as_u16(),
            r["ready"].as_bool(),
            r["dense"]["enabled"].as_bool()
        ),
        (200, Some(true), Some(false))
    );
    send(&app, post("/v1/ask", r#"{"q":"今日の天気は？"}"#), ME).await;
    let (s, h, b) = send(&app, get("/metrics"), ME).await;
    let text = String::from_utf8(b).unwrap();
    assert_eq!(s, 200);
    assert!(h["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    assert!(
        text.contains("madoguchi_decisions_total{decision=\"abstain\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("madoguchi_http_requests_total{route=\"/v1/ask\",status=\"200\"} 1"),
        "{text}"
    );
    assert!(text.contains("madoguchi_ask_duration_seconds_count 1"));
    let (s, _, b) = send(&app, get("/openapi.json"), ME).await;
    let doc = json(&b);
    assert_eq!(s, 200);
    for path in [
        "/v1/ask",
        "/v1/faqs/{id}",
        "/v1/tenants/{code}",
        "/v1/feedback",
        "/healthz",
        "/readyz",
        "/metrics",
    ] {
        assert!(doc["paths"].get(path).is_some(), "openapi lacks {path}");
    }
    let (s, h, b) = send(&app, get("/widget.js"), ME).await;
    assert_eq!(s, 200);
    assert!(h["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/javascript"));
    assert!(String::from_utf8(b)
        .unwrap()
        .contains("customElements.define"));
    let (s, _, b) = send(&app, get("/"), ME).await;
    assert_eq!(s, 200);
    assert!(String::from_utf8(b)
        .unwrap()
        .contains("data-tenant=\"990001\""));
}

#[tokio::test]
async fn feedback_is_recorded_redacted() {
    let (app, state, _tmp) = app(|_| {});
    let (_, _, b) = send(
        &app,
        post(
            "/v1/ask",
            r#"{"q":"児童手当の金額 私の番号は123456789012です"}"#,
        ),
        ME,
    )
    .await;
    let id = json(&b)["request_id"].as_str().unwrap().to_string();
    let body = format!(
        r#"{{"request_id":"{id}","helpful":false,"comment":"電話は090-1234-5678、mail a@b.jp"}}"#
    );
    let (s, _, b) = send(&app, post("/v1/feedback", &body), ME).await;
    assert_eq!((s.as_u16(), json(&b)["ok"].as_bool()), (200, Some(true)));
    state.close();
    let stored = state.curation().unwrap().store.feedback(10).unwrap();
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].helpful);
    assert_eq!(stored[0].request_id, id);
    let log = serde_json::to_string(&stored).unwrap();
    for secret in ["123456789012", "090-1234-5678", "a@b.jp"] {
        assert!(
            !log.contains(secret),
            "{secret} reached the feedback store: {log}"
        );
    }
    assert!(log.contains("[個人番号]") && log.contains("[電話番号]") && log.contains("[メール]"));
}
