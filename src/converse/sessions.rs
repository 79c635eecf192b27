//! Conversation contexts by session id, for the HTTP server: in memory only, expiring
//! when idle, bounded in number. A context holds entry ids, category labels and the
//! redacted previous question — nothing else a resident typed.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::Context;

/// Conversation contexts by session id: in memory, expiring after `ttl` idle, at most
/// `capacity` (the least recently used is dropped).
pub struct Sessions {
    inner: Mutex<HashMap<String, (Instant, Context)>>,
    ttl: Duration,
    capacity: usize,
}

impl Sessions {
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Sessions {
            inner: Mutex::new(HashMap::new()),
            ttl,
            capacity: capacity.max(1),
        }
    }

    /// The context of `session` (fresh when unknown or expired).
    pub fn get(&self, session: &str) -> Context {
        let Ok(map) = self.inner.lock() else {
            return Context::default();
        };
        map.get(session)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, c)| c.clone())
            .unwrap_or_default()
    }

    /// Stores the context of `session`.
    pub fn put(&self, session: &str, ctx: Context) {
        let Ok(mut map) = self.inner.lock() else {
            return;
        };
        if map.len() >= self.capacity && !map.contains_key(session) {
            let ttl = self.ttl;
            map.retain(|_, (at, _)| at.elapsed() < ttl);
            if map.len() >= self.capacity {
                if let Some(oldest) = map
                    .iter()
                    .min_by_key(|(_, (at, _))| *at)
                    .map(|(k, _)| k.clone())
                {
                    map.remove(&oldest);
                }
            }
        }
        map.insert(session.to_string(), (Instant::now(), ctx));
    }

    /// Sessions held.
    pub fn len(&self) -> usize {
        self.inner.lock().map_or(0, |m| m.len())
    }

    /// True when no session is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_expire_and_stay_bounded() {
        let s = Sessions::new(Duration::from_secs(60), 2);
        let ctx = Context {
            rounds: 1,
            ..Context::default()
        };
        s.put("a", ctx.clone());
        s.put("b", ctx.clone());
        s.put("c", ctx.clone());
        assert_eq!(s.len(), 2);
        assert_eq!(s.get("c"), ctx);
        let gone = Sessions::new(Duration::from_millis(0), 2);
        gone.put("a", ctx);
        assert_eq!(gone.get("a"), Context::default());
    }
}
