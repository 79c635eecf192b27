//! The bounded write queue in front of a [`Store`]: `send` never blocks (a full queue
//! drops the event and counts it); one writer thread drains the queue in batches.
//! [`Writer::close`] stops accepting, drains what was accepted, and waits, so every
//! event that `send` acknowledged is written before shutdown completes. The writer
//! thread also purges rows older than the retention period, at start and hourly.
//!
//! A failing store (full disk, read-only folder) never stops the writer: each failed
//! batch is counted (`failed`) and lost, `failing` is set until a write succeeds again,
//! and the error is logged once per burst of failures (plus a reminder at most every
//! [`REMIND_EVERY`]), not once per batch: a full disk must not also fill the log.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{Event, Store};

/// Events written in one transaction at most.
const BATCH: usize = 256;

/// How often old rows are purged.
const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// While writes keep failing, the error is logged again at most this often.
pub const REMIND_EVERY: Duration = Duration::from_secs(300);

/// Counters of a writer, for `/metrics`.
#[derive(Debug, Default)]
pub struct Counters {
    pub accepted: AtomicU64,
    pub written: AtomicU64,
    pub dropped: AtomicU64,
    pub failed: AtomicU64,
    pub purged: AtomicU64,
    /// The latest write failed (and none succeeded since): curation is degraded.
    pub failing: AtomicBool,
}

/// The queue and its writer thread.
pub struct Writer {
    sender: Mutex<Option<SyncSender<Event>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
    counters: Arc<Counters>,
}

impl Writer {
    /// Starts a writer for `store` holding at most `capacity` pending events, purging
    /// asks and feedback older than `retention_days` (0 keeps everything).
    pub fn start(store: Arc<dyn Store>, capacity: usize, retention_days: u32) -> Self {
        let (tx, rx) = mpsc::sync_channel(capacity.max(1));
        let counters = Arc::new(Counters::default());
        let c = Arc::clone(&counters);
        let thread = std::thread::Builder::new()
            .name("madoguchi-store".into())
            .spawn(move || drain(rx, store, c, retention_days))
            .ok();
        if thread.is_none() {
            tracing::error!("cannot start the store writer thread; curation logging is off");
        }
        Writer {
            sender: Mutex::new(thread.as_ref().map(|_| tx)),
            thread: Mutex::new(thread),
            counters,
        }
    }

    /// Queues `event`; returns false (and counts a drop) when the queue is full or closed.
    pub fn send(&self, event: Event) -> bool {
        let Ok(guard) = self.sender.lock() else {
            return false;
        };
        let outcome = match guard.as_ref() {
            Some(tx) => tx.try_send(event),
            None => Err(TrySendError::Disconnected(event)),
        };
        match outcome {
            Ok(()) => {
                self.counters.accepted.fetch_add(1, Ordering::Relaxed);
                true
            }
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
                self.counters.dropped.fetch_add(1, Ordering::Relaxed);
                false
            }
        }
    }

    /// The counters.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Stops accepting events, writes everything accepted, and waits for the writer.
    pub fn close(&self) {
        if let Ok(mut s) = self.sender.lock() {
            s.take();
        }
        let handle = self.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(h) = handle {
            if h.join().is_err() {
                tracing::error!("the store writer thread panicked");
            }
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.close();
    }
}

fn purge(store: &dyn Store, counters: &Counters, retention_days: u32) {
    if retention_days == 0 {
        return;
    }
    match store.purge_older_than(retention_days) {
        Ok(n) => {
            counters.purged.fetch_add(n as u64, Ordering::Relaxed);
            if n > 0 {
                tracing::info!(rows = n, retention_days, "purged old curation rows");
            }
        }
        Err(e) => tracing::error!(error = %e, "purging old curation rows failed"),
    }
}

fn drain(rx: Receiver<Event>, store: Arc<dyn Store>, counters: Arc<Counters>, retention_days: u32) {
    purge(store.as_ref(), &counters, retention_days);
    let mut last_purge = Instant::now();
    let mut burst = Burst::default();
    loop {
        if last_purge.elapsed() >= PURGE_EVERY {
            purge(store.as_ref(), &counters, retention_days);
            last_purge = Instant::now();
        }
        let first = match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(e) => e,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match rx.try_recv() {
                Ok(e) => batch.push(e),
                Err(_) => break,
            }
        }
        let n = batch.len() as u64;
        match store.write(&batch) {
            Ok(()) => {
                counters.written.fetch_add(n, Ordering::Relaxed);
                counters.failing.store(false, Ordering::Relaxed);
                burst.succeeded();
            }
            Err(e) => {
                counters.failed.fetch_add(n, Ordering::Relaxed);
                counters.failing.store(true, Ordering::Relaxed);
                burst.failed(n, &e);
            }
        }
    }
}

/// A run of failed writes, so that it is logged once (with a reminder every
/// [`REMIND_EVERY`]) and its end is logged with how many events it lost.
#[derive(Default)]
struct Burst {
    /// Events lost in the current run; 0 when writes succeed.
    lost: u64,
    last_log: Option<Instant>,
}

impl Burst {
    fn failed(&mut self, events: u64, error: &super::StoreError) {
        let first = self.lost == 0;
        self.lost += events;
        if first {
            tracing::error!(error = %error, events, "curation store write failed; answering goes on, curation logging is degraded (lost events are counted in /metrics as outcome=\"failed\"; further failures are not logged one by one)");
            self.last_log = Some(Instant::now());
        } else if self.last_log.is_none_or(|t| t.elapsed() >= REMIND_EVERY) {
            tracing::error!(error = %error, lost = self.lost, "curation store writes still failing");
            self.last_log = Some(Instant::now());
        }
    }

    fn succeeded(&mut self) {
        if self.lost > 0 {
            tracing::warn!(lost = self.lost, "curation store writes recovered");
            self.lost = 0;
            self.last_log = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::stalled::StalledStore;
    use crate::store::AskRecord;

    fn ask(i: usize) -> Event {
        Event::Ask(AskRecord {
            request_id: i.to_string(),
            at: String::new(),
            tenant: "national".into(),
            query: "q".into(),
            decision: "abstain".into(),
            confidence: 0.0,
            top: Vec::new(),
        })
    }

    #[test]
    fn a_full_queue_drops_and_counts_without_blocking() {
        let store = Arc::new(StalledStore::default());
        let writer = Writer::start(store.clone(), 4, 0);
        let started = std::time::Instant::now();
        let accepted = (0..100).filter(|i| writer.send(ask(*i))).count();
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "send never blocks"
        );
        assert!(accepted <= 4 + BATCH, "{accepted}");
        let c = writer.counters();
        assert_eq!(
            c.accepted.load(Ordering::Relaxed) + c.dropped.load(Ordering::Relaxed),
            100
        );
        assert!(c.dropped.load(Ordering::Relaxed) > 0);
        store.open();
        writer.close();
        assert_eq!(
            store.written() as u64,
            c.accepted.load(Ordering::Relaxed),
            "every accepted event is written"
        );
        assert!(!writer.send(ask(1000)), "closed writers accept nothing");
    }
}
