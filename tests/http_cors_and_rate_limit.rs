//! Why: the widget runs on municipal sites. Only each tenant's listed origins may call
//! the API from a browser, and one client cannot flood the service: past its burst it
//! gets 429 with Retry-After while other clients are still served.

mod common;

use axum::body::Body;
use axum::http::Request;
use common::http::{app, json, post, send};

fn preflight(origin: &str) -> Request<Body> {
    Request::options("/v1/ask")
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn cors_allows_listed_origins_only() {
    let (app, _, _tmp) = app(|_| {});
    let (_, h, _) = send(
        &app,
        preflight("https://www.city.madoguchi.example"),
        [10, 0, 1, 1],
    )
    .await;
    assert_eq!(
        h.get("access-control-allow-origin").unwrap(),
        "https://www.city.madoguchi.example"
    );
    let (_, h, _) = send(&app, preflight("https://evil.example"), [10, 0, 1, 1]).await;
    assert!(h.get("access-control-allow-origin").is_none());
    // An allowed origin may ask for its own tenant.
    let req = Request::post("/v1/ask")
        .header("content-type", "application/json")
        .header("origin", "https://www.city.madoguchi.example")
        .body(Body::from(r#"{"q":"児童手当はいつ","tenant":"990001"}"#))
        .unwrap();
    let (s, h, _) = send(&app, req, [10, 0, 1, 1]).await;
    assert_eq!(s, 200);
    assert_eq!(
        h.get("access-control-allow-origin").unwrap(),
        "https://www.city.madoguchi.example"
    );
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after_per_client() {
    let (app, _, _tmp) = app(|c| {
        c.server.rate_limit_per_second = 1;
        c.server.rate_limit_burst = 3;
    });
    let flooder = [10, 0, 2, 1];
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let (s, h, b) = send(&app, post("/v1/ask", r#"{"q":"児童手当"}"#), flooder).await;
        statuses.push(s.as_u16());
        if s == 429 {
            assert_eq!(json(&b)["error"]["code"], "rate_limited");
            assert!(
                h.get("retry-after")
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .parse::<u64>()
                    .unwrap()
                    >= 1
            );
        }
    }
    assert_eq!(&statuses[..3], [200, 200, 200]);
    assert_eq!(&statuses[3..], [429, 429]);
    let (s, _, _) = send(&app, post("/v1/ask", r#"{"q":"児童手当"}"#), [10, 0, 2, 2]).await;
    assert_eq!(s, 200, "another client is still served");
}
