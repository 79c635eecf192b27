//! Feedback on answers (「解決しましたか？」). The server remembers recent answers
//! (bounded, in memory) so that feedback, which names only the request id, can be
//! stored with the question and answer it is about (see [`crate::store`]). What is
//! remembered is already redacted.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use rand::RngCore;
use serde::Serialize;

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
struct Inner {
    map: HashMap<String, RecentAsk>,
    order: VecDeque<String>,
}

/// The recent answers of one server.
#[derive(Default)]
pub struct RecentAsks {
    inner: Mutex<Inner>,
}

impl RecentAsks {
    /// Remembers an answered question for later feedback (forgetting the oldest).
    pub fn remember(&self, request_id: &str, ask: RecentAsk) {
        let Ok(mut r) = self.inner.lock() else {
            tracing::error!(
                "recent-answers memory poisoned; feedback for this answer will be refused"
            );
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

    /// The remembered question of `request_id`.
    pub fn get(&self, request_id: &str) -> Option<RecentAsk> {
        self.inner.lock().ok()?.map.get(request_id).cloned()
    }
}
