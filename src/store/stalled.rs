//! A store that holds every write until it is opened: for tests of back-pressure (a
//! full queue) without timing tricks. Reads return nothing.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use super::{Action, AskRecord, DailyCount, Event, FeedbackRecord, Store, StoreError};

/// See the module docs.
#[derive(Debug, Default)]
pub struct StalledStore {
    open: AtomicBool,
    written: AtomicUsize,
}

impl StalledStore {
    /// Lets held and future writes through.
    pub fn open(&self) {
        self.open.store(true, Ordering::SeqCst);
    }

    /// Events written so far.
    pub fn written(&self) -> usize {
        self.written.load(Ordering::SeqCst)
    }
}

impl Store for StalledStore {
    fn write(&self, events: &[Event]) -> Result<(), StoreError> {
        while !self.open.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(5));
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
