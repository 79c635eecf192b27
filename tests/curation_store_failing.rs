//! Why: when the curation store's writes start failing (full disk, read-only folder),
//! answering must not notice, and the degradation must be loud but not noisy: every
//! ask still gets 200, the lost events are counted in /metrics (`outcome="failed"`),
//! /readyz shows `curation: false` while writes fail, the error is logged once for the
//! whole burst (not once per failed batch, which under a trickle of asks is once per
//! question), and when the store recovers, logging resumes and the recovery is logged
//! with the number of events lost.

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::curation::{ask_and_settle, events, readyz_curation, server};
use madoguchi::store::{Action, AskRecord, DailyCount, Event, FeedbackRecord, Store, StoreError};

/// A store whose writes fail while `failing` is set, as SQLite's do on a full disk.
#[derive(Default)]
struct FlakyStore {
    failing: AtomicBool,
    written: AtomicUsize,
}

impl Store for FlakyStore {
    fn write(&self, events: &[Event]) -> Result<(), StoreError> {
        if self.failing.load(Ordering::SeqCst) {
            return Err(StoreError::Database {
                path: "flaky".into(),
                message: "database or disk is full".into(),
            });
        }
        self.written.fetch_add(events.len(), Ordering::SeqCst);
        Ok(())
    }
    fn asks(&self, _: Option<&str>, _: usize) -> Result<Vec<AskRecord>, StoreError> {
        Ok(Vec::new())
    }
    fn feedback(&self, _: usize) -> Result<Vec<FeedbackRecord>, StoreError> {
        Ok(Vec::new())
    }
    fn daily(&self, _: &str) -> Result<Vec<DailyCount>, StoreError> {
        Ok(Vec::new())
    }
    fn record_action(&self, _: &[String], _: &Action) -> Result<(), StoreError> {
        Ok(())
    }
    fn actions(&self) -> Result<HashMap<String, Action>, StoreError> {
        Ok(HashMap::new())
    }
    fn purge_older_than(&self, _: u32) -> Result<usize, StoreError> {
        Ok(0)
    }
}

/// Everything logged by any thread (the writer logs from its own).
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn count(&self, needle: &str) -> usize {
        String::from_utf8_lossy(&self.0.lock().unwrap())
            .matches(needle)
            .count()
    }
}

#[tokio::test]
async fn failing_writes_are_counted_and_logged_once_per_burst_while_asks_answer() {
    let log = Captured::default();
    let sink = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let store = Arc::new(FlakyStore::default());
    let (app, state, _data) = server(store.clone());

    for i in 0..3 {
        assert_eq!(ask_and_settle(&app, &state, i).await, 200);
    }
    assert_eq!(events(&app, "written").await, 3);
    assert!(readyz_curation(&app).await, "healthy store: curation on");

    store.failing.store(true, Ordering::SeqCst);
    for i in 3..13 {
        assert_eq!(
            ask_and_settle(&app, &state, i).await,
            200,
            "ask {i} while the store fails"
        );
    }
    assert_eq!(events(&app, "failed").await, 10, "ten batches failed");
    assert_eq!(events(&app, "written").await, 3);
    assert!(
        !readyz_curation(&app).await,
        "/readyz shows curation degraded"
    );
    assert_eq!(
        log.count("curation store write failed"),
        1,
        "one error for ten failed batches"
    );
    assert!(
        log.count("database or disk is full") >= 1,
        "the cause is logged"
    );

    store.failing.store(false, Ordering::SeqCst);
    for i in 13..15 {
        assert_eq!(ask_and_settle(&app, &state, i).await, 200);
    }
    assert_eq!(events(&app, "written").await, 5, "logging resumed");
    assert_eq!(events(&app, "failed").await, 10);
    assert!(readyz_curation(&app).await, "curation back on");
    assert_eq!(log.count("curation store writes recovered"), 1);
    assert_eq!(log.count("lost=10"), 1, "the recovery says what was lost");

    state.close();
    assert_eq!(store.written.load(Ordering::SeqCst), 5);
    assert_eq!(log.count("curation store write failed"), 1);
}
