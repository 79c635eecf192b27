//! Helpers for tests of the curation queue against a given store: a server over the
//! fixture knowledge with that store, one-at-a-time asks, the counters as `/metrics`
//! and `/readyz` show them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use madoguchi::server::tenants::Tenants;
use madoguchi::server::{router, AppState};
use madoguchi::store::Store;
use madoguchi::Engine;

use super::http::{get, json, post, send};

const CLIENT: [u8; 4] = [10, 9, 0, 1];

/// A server over the fixture knowledge whose curation events go to `store`.
pub fn server(store: Arc<dyn Store>) -> (Router, Arc<AppState>, tempfile::TempDir) {
    super::dictionary_dir();
    let data = tempfile::tempdir().unwrap();
    let mut config = super::config(&super::fixture_kb(), data.path());
    config.server.rate_limit_burst = 10_000;
    config.curation.watch_knowledge = false;
    let (engine, _) = Engine::open(&config, &|_| {}).unwrap();
    let tenants = Tenants::load(&config.paths.knowledge_dir).unwrap();
    let state = Arc::new(AppState::with_store(
        Arc::new(engine),
        tenants,
        config,
        Some(store),
    ));
    (router(state.clone()), state, data)
}

/// Asks question number `i` (each logs one event) and waits until the writer has
/// handled every accepted event, so each ask is a batch of its own. Returns the status.
pub async fn ask_and_settle(app: &Router, state: &AppState, i: u32) -> u16 {
    let body = format!(r#"{{"q":"ペットの登録は？ {i}"}}"#);
    let (status, _, _) = send(app, post("/v1/ask", &body), CLIENT).await;
    settle(state).await;
    status.as_u16()
}

/// Waits until written + failed = accepted. The limit only guards against a hung
/// writer (a bug); a healthy writer settles in milliseconds.
pub async fn settle(state: &AppState) {
    use std::sync::atomic::Ordering::Relaxed;
    let c = state.curation().expect("curation is on").writer.counters();
    let limit = Instant::now() + Duration::from_secs(120);
    loop {
        let done = c.written.load(Relaxed) + c.failed.load(Relaxed);
        if done >= c.accepted.load(Relaxed) {
            return;
        }
        assert!(
            Instant::now() < limit,
            "the store writer stopped handling events"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// `madoguchi_curation_events_total{outcome=…}` from `/metrics`.
pub async fn events(app: &Router, outcome: &str) -> u64 {
    let (_, _, b) = send(app, get("/metrics"), CLIENT).await;
    let text = String::from_utf8(b).unwrap();
    let name = format!("madoguchi_curation_events_total{{outcome=\"{outcome}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&name))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {text}"))
}

/// The `curation` flag of `/readyz` (and that the server is ready).
pub async fn readyz_curation(app: &Router) -> bool {
    let (s, _, b) = send(app, get("/readyz"), CLIENT).await;
    assert_eq!(s, 200);
    let v = json(&b);
    assert_eq!(v["ready"], true);
    v["curation"].as_bool().unwrap()
}
