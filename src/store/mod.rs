//! The curation store: every question we could not answer confidently (abstain,
//! suggest, or an answer below the confidence floor) with its best candidates, every
//! feedback, daily counts per tenant for the trends, and the curators' actions.
//!
//! Writes never slow the ask path: callers hand events to a bounded [`queue::Writer`],
//! which batches them into the store on its own thread; when the queue is full the
//! event is dropped and counted (see `/metrics`), never blocking or failing the ask.
//! Text is redacted (see [`crate::redact`]) before it is queued. The store sits behind
//! the [`Store`] trait; [`sqlite::SqliteStore`] is the default, and a PostgreSQL
//! backend can follow for deployments with several replicas.

pub mod queue;
pub mod sqlite;
pub mod stalled;

use std::collections::HashMap;

use serde::Serialize;

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("curation database {path}: {message}")]
    Database { path: String, message: String },
}

/// A question kept for curation (already redacted).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AskRecord {
    pub request_id: String,
    /// RFC 3339 time (UTC).
    pub at: String,
    pub tenant: String,
    pub query: String,
    /// `answer`, `suggest` or `abstain`.
    pub decision: String,
    /// Confidence of the best candidate (0 when none).
    pub confidence: f32,
    /// Best candidates, best first: (entry id, confidence).
    pub top: Vec<(String, f32)>,
}

/// Feedback on an answer (query and comment already redacted).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedbackRecord {
    pub request_id: String,
    pub at: String,
    pub tenant: String,
    pub query: String,
    pub answer_id: Option<String>,
    pub helpful: bool,
    pub comment: Option<String>,
}

/// Something to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A question kept for curation; also counted in the day's totals.
    Ask(AskRecord),
    /// A confidently answered question: only counted in the day's totals.
    Count {
        at: String,
        tenant: String,
        decision: String,
    },
    Feedback(FeedbackRecord),
}

/// One counter of one day and tenant (`metric` is e.g. `asks`, `answer`, `suggest`,
/// `abstain`, `helpful`, `unhelpful`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DailyCount {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub tenant: String,
    pub metric: String,
    pub n: u64,
}

/// What a curator did with a group of questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Action {
    /// `added`, `drafted` or `dismissed`.
    pub action: String,
    /// The entry id or draft file it went to, if any.
    pub target: Option<String>,
    pub at: String,
}

/// A curation store backend.
pub trait Store: Send + Sync {
    /// Writes events atomically (all or none).
    fn write(&self, events: &[Event]) -> Result<(), StoreError>;
    /// Stored asks, newest first, optionally for one tenant.
    fn asks(&self, tenant: Option<&str>, limit: usize) -> Result<Vec<AskRecord>, StoreError>;
    /// Stored feedback, newest first.
    fn feedback(&self, limit: usize) -> Result<Vec<FeedbackRecord>, StoreError>;
    /// Daily counters from `since_day` (`YYYY-MM-DD`) on.
    fn daily(&self, since_day: &str) -> Result<Vec<DailyCount>, StoreError>;
    /// Records that the questions with these normalized `keys` were acted on.
    fn record_action(&self, keys: &[String], action: &Action) -> Result<(), StoreError>;
    /// Every acted-on normalized key.
    fn actions(&self) -> Result<HashMap<String, Action>, StoreError>;
    /// Deletes asks and feedback older than `days`; returns the number of rows removed.
    fn purge_older_than(&self, days: u32) -> Result<usize, StoreError>;
}

/// The UTC day (`YYYY-MM-DD`) of an RFC 3339 time.
pub fn day_of(at: &str) -> &str {
    at.get(..10).unwrap_or(at)
}
