//! Why: logging for curation must never slow or break answering. When the store
//! cannot keep up and the queue is full, asks still answer at once, the dropped
//! events are counted in /metrics, and everything accepted is written at shutdown.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::http::{get, post, send};
use madoguchi::server::tenants::Tenants;
use madoguchi::server::{router, AppState};
use madoguchi::store::stalled::StalledStore;
use madoguchi::Engine;

fn metric(text: &str, name: &str) -> u64 {
    text.lines()
        .find(|l| l.starts_with(name))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {text}"))
}

#[tokio::test]
async fn a_full_queue_drops_and_counts_but_never_blocks_an_ask() {
    common::dictionary_dir();
    let data = tempfile::tempdir().unwrap();
    let mut config = common::config(&common::fixture_kb(), data.path());
    config.curation.queue_capacity = 4;
    config.server.rate_limit_burst = 1000;
    let (engine, _) = Engine::open(&config, &|_| {}).unwrap();
    let tenants = Tenants::load(&config.paths.knowledge_dir).unwrap();
    let store = Arc::new(StalledStore::default());
    let state = Arc::new(AppState::with_store(
        Arc::new(engine),
        tenants,
        config,
        Some(store.clone()),
    ));
    let app = router(state.clone());
    let started = Instant::now();
    for i in 0..60u32 {
        let q = format!(r#"{{"q":"ペットの登録は？ {i}"}}"#);
        let (s, _, _) = send(&app, post("/v1/ask", &q), [10, 5, 0, 1]).await;
        assert_eq!(s, 200, "ask {i} failed while the store was stalled");
    }
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "asks waited for the store"
    );
    let (_, _, b) = send(&app, get("/metrics"), [10, 5, 0, 2]).await;
    let text = String::from_utf8(b).unwrap();
    let accepted = metric(
        &text,
        "madoguchi_curation_events_total{outcome=\"accepted\"}",
    );
    let dropped = metric(
        &text,
        "madoguchi_curation_events_total{outcome=\"dropped\"}",
    );
    assert_eq!(accepted + dropped, 60);
    assert!(dropped > 0, "the queue never filled: {text}");
    store.open();
    state.close();
    assert_eq!(
        store.written() as u64,
        accepted,
        "every accepted event was written"
    );
}
