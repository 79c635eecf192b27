//! Feedback on answers (「解決しましたか？」). The server remembers recent answers
//! (bounded, in memory) so feedback can name the question and answer it refers to, and
//! appends each feedback as one JSON line to `<data_dir>/feedback.jsonl`. Everything a
//! resident typed is redacted (see [`crate::redact`]) before it is kept or written.

use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rand::RngCore;
use serde::Serialize;

use super::error::ApiError;

/// Recent answers kept for feedback.
const REMEMBERED: usize = 10_000;

/// What we keep about one answered question (already redacted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecentAsk {
    pub tenant: String,
    pub query: String,
    pub decision: &'static str,
    pub answer_id: Option<String>,
}

/// A new random request id (128 bits, hex).
pub fn new_request_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Default)]
struct Recent {
    map: HashMap<String, RecentAsk>,
    order: VecDeque<String>,
}

/// One written feedback record.
#[derive(Debug, Serialize)]
struct Record<'a> {
    at: String,
    request_id: &'a str,
    helpful: bool,
    comment: Option<String>,
    #[serde(flatten)]
    ask: &'a RecentAsk,
}

/// The feedback log of one server.
pub struct FeedbackLog {
    recent: Mutex<Recent>,
    path: PathBuf,
    write: Mutex<()>,
}

impl FeedbackLog {
    /// A log appending to `<data_dir>/feedback.jsonl`.
    pub fn new(data_dir: &Path) -> Self {
        FeedbackLog {
            recent: Mutex::new(Recent::default()),
            path: data_dir.join("feedback.jsonl"),
            write: Mutex::new(()),
        }
    }

    /// The file feedback is appended to.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Remembers an answered question for later feedback.
    pub fn remember(&self, request_id: &str, ask: RecentAsk) {
        let Ok(mut r) = self.recent.lock() else {
            return;
        };
        r.map.insert(request_id.to_string(), ask);
        r.order.push_back(request_id.to_string());
        while r.order.len() > REMEMBERED {
            if let Some(old) = r.order.pop_front() {
                r.map.remove(&old);
            }
        }
    }

    /// Appends feedback for a remembered answer.
    pub fn record(
        &self,
        request_id: &str,
        helpful: bool,
        comment: Option<String>,
    ) -> Result<(), ApiError> {
        let ask = {
            let r = self
                .recent
                .lock()
                .map_err(|_| ApiError::Internal("feedback memory poisoned".into()))?;
            r.map
                .get(request_id)
                .cloned()
                .ok_or(ApiError::UnknownRequest)?
        };
        let record = Record {
            at: chrono::Utc::now().to_rfc3339(),
            request_id,
            helpful,
            comment,
            ask: &ask,
        };
        let line = serde_json::to_string(&record).map_err(|e| ApiError::Internal(e.to_string()))?;
        let _guard = self
            .write
            .lock()
            .map_err(|_| ApiError::Internal("feedback writer poisoned".into()))?;
        let write = || -> std::io::Result<()> {
            if let Some(dir) = self.path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)?;
            writeln!(f, "{line}")
        };
        write().map_err(|e| ApiError::Internal(format!("writing {}: {e}", self.path.display())))
    }
}
