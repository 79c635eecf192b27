//! Hot reload: `POST /admin/reload` and a watch on the knowledge folder rebuild the
//! engine in the background and swap it in atomically ([`arc_swap::ArcSwap`]).
//!
//! Invariants: a request takes one snapshot ([`Live`]) and uses only it, so in-flight
//! asks finish on the engine they started with and no response mixes two knowledge
//! versions; reloads run one at a time; when the new knowledge is invalid the old
//! engine keeps serving and the error is logged and shown on the dashboard.
//!
//! The watch polls (path, size, modification time) of every file under the knowledge
//! folder: portable, no extra thread per folder, and a change is picked up within one
//! interval (`curation.watch_interval_ms`).

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;

use super::tenants::Tenants;
use super::AppState;
use crate::engine::Engine;

/// One consistent version of what the server answers from.
pub struct Live {
    pub engine: Arc<Engine>,
    pub tenants: Tenants,
}

/// The outcome of the latest reload.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReloadStatus {
    /// When it finished (RFC 3339); `None` before the first reload.
    pub at: Option<String>,
    /// What started it (`admin`, `file change`).
    pub trigger: String,
    pub ok: bool,
    /// Why it failed (the old knowledge kept serving).
    pub error: Option<String>,
    /// Entries served after it.
    pub entries: usize,
}

/// Reload bookkeeping of one server.
#[derive(Default)]
pub struct Reloader {
    running: tokio::sync::Mutex<()>,
    status: Mutex<ReloadStatus>,
    pub succeeded: AtomicU64,
    pub failed: AtomicU64,
}

impl Reloader {
    /// The latest outcome.
    pub fn status(&self) -> ReloadStatus {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

/// Rebuilds the engine and tenants from the configured folders and swaps them in;
/// on failure keeps the current ones. Returns the new entry count or the error.
pub async fn reload(state: &Arc<AppState>, trigger: &str) -> Result<usize, String> {
    let reloader = &state.reloader;
    let _one_at_a_time = reloader.running.lock().await;
    let config = state.config.clone();
    let built = tokio::task::spawn_blocking(move || -> Result<Live, String> {
        let (engine, _) = Engine::open(&config, &|_| {}).map_err(|e| e.to_string())?;
        let tenants = Tenants::load(&config.paths.knowledge_dir).map_err(|e| e.to_string())?;
        Ok(Live {
            engine: Arc::new(engine),
            tenants,
        })
    })
    .await
    .map_err(|e| format!("the reload task failed: {e}"))
    .and_then(|r| r);
    let outcome = match built {
        Ok(live) => {
            let entries = live.engine.knowledge().len();
            state.live.store(Arc::new(live));
            reloader.succeeded.fetch_add(1, Ordering::Relaxed);
            tracing::info!(trigger, entries, "knowledge reloaded");
            Ok(entries)
        }
        Err(e) => {
            reloader.failed.fetch_add(1, Ordering::Relaxed);
            tracing::error!(trigger, error = %e, "reload failed; the previous knowledge keeps serving");
            Err(e)
        }
    };
    if let Ok(mut s) = reloader.status.lock() {
        *s = ReloadStatus {
            at: Some(crate::store::sqlite::now()),
            trigger: trigger.to_string(),
            ok: outcome.is_ok(),
            error: outcome.as_ref().err().cloned(),
            entries: state.live().engine.knowledge().len(),
        };
    }
    outcome
}

/// A stamp of every file below `dir` (path, size, modification time): changes when
/// any file is added, removed or written. Unreadable parts are part of the stamp.
pub fn stamp(dir: &Path) -> String {
    use sha2::{Digest, Sha256};
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        match std::fs::read_dir(&d) {
            Ok(rd) => {
                for e in rd.flatten() {
                    let path = e.path();
                    match e.metadata() {
                        Ok(m) if m.is_dir() => stack.push(path),
                        Ok(m) => {
                            let mtime = m
                                .modified()
                                .ok()
                                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                                .map_or(0, |d| d.as_nanos());
                            files.push(format!("{}\0{}\0{mtime}", path.display(), m.len()));
                        }
                        Err(err) => files.push(format!("{}\0{err}", path.display())),
                    }
                }
            }
            Err(err) => files.push(format!("{}\0{err}", d.display())),
        }
    }
    files.sort();
    let mut h = Sha256::new();
    for f in files {
        h.update(f.as_bytes());
        h.update([0]);
    }
    format!("{:x}", h.finalize())
}

/// Watches the knowledge folder and reloads on change, until the server stops.
pub async fn watch(state: Arc<AppState>) {
    let dir = state.config.paths.knowledge_dir.clone();
    let interval = Duration::from_millis(state.config.curation.watch_interval_ms);
    let compute = |dir: std::path::PathBuf| async move {
        tokio::task::spawn_blocking(move || stamp(&dir))
            .await
            .unwrap_or_default()
    };
    let mut last = compute(dir.clone()).await;
    loop {
        tokio::time::sleep(interval).await;
        let now = compute(dir.clone()).await;
        if now == last {
            continue;
        }
        // Let a save that touches several files finish before reloading.
        tokio::time::sleep(Duration::from_millis(300)).await;
        last = compute(dir.clone()).await;
        // The outcome is logged and kept in the status by `reload`.
        let _ = reload(&state, "file change").await;
    }
}
