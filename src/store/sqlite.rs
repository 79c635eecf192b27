//! SQLite store: one file (`<data_dir>/curation.sqlite3`), WAL journal, migrations
//! embedded in the binary and tracked with `PRAGMA user_version`.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection};

use std::collections::HashMap;

use super::{day_of, Action, AskRecord, DailyCount, Event, FeedbackRecord, Store, StoreError};

/// Schema migrations, in order; `user_version` counts how many have run.
const MIGRATIONS: &[&str] = &["CREATE TABLE asks (
        id INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL UNIQUE,
        at TEXT NOT NULL,
        tenant TEXT NOT NULL,
        query TEXT NOT NULL,
        decision TEXT NOT NULL,
        confidence REAL NOT NULL,
        top TEXT NOT NULL
    );
    CREATE INDEX asks_tenant_at ON asks (tenant, at);
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL,
        at TEXT NOT NULL,
        tenant TEXT NOT NULL,
        query TEXT NOT NULL,
        answer_id TEXT,
        helpful INTEGER NOT NULL,
        comment TEXT
    );
    CREATE INDEX feedback_at ON feedback (at);
    CREATE TABLE daily (
        day TEXT NOT NULL,
        tenant TEXT NOT NULL,
        metric TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (day, tenant, metric)
    );
    CREATE TABLE actions (
        key TEXT PRIMARY KEY,
        action TEXT NOT NULL,
        target TEXT,
        at TEXT NOT NULL
    );"];

/// The current time as stored: RFC 3339, UTC, milliseconds (sorts as text).
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The SQLite store.
pub struct SqliteStore {
    conn: Mutex<Connection>,
    path: String,
}

impl SqliteStore {
    /// Opens (creating and migrating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let name = path.display().to_string();
        let err = |e: rusqlite::Error| StoreError::Database {
            path: name.clone(),
            message: e.to_string(),
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Database {
                path: name.clone(),
                message: e.to_string(),
            })?;
        }
        let conn = Connection::open(path).map_err(err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(err)?;
        let version: usize = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(err)?;
        if version > MIGRATIONS.len() {
            return Err(StoreError::Database {
                path: name,
                message: format!(
                    "schema version {version} is newer than this madoguchi ({}); upgrade madoguchi",
                    MIGRATIONS.len()
                ),
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            conn.execute_batch(&format!(
                "BEGIN; {sql}; PRAGMA user_version = {}; COMMIT;",
                i + 1
            ))
            .map_err(err)?;
        }
        Ok(SqliteStore {
            conn: Mutex::new(conn),
            path: name,
        })
    }

    fn err(&self, e: impl std::fmt::Display) -> StoreError {
        StoreError::Database {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }
}

impl Store for SqliteStore {
    fn write(&self, events: &[Event]) -> Result<(), StoreError> {
        let mut conn = self.conn.lock().map_err(|e| self.err(e))?;
        let tx = conn.transaction().map_err(|e| self.err(e))?;
        let mut counts: HashMap<(String, String, &str), u64> = HashMap::new();
        let mut count = |at: &str, tenant: &str, metric: &'static str| {
            *counts
                .entry((day_of(at).to_string(), tenant.to_string(), metric))
                .or_insert(0) += 1;
        };
        for event in events {
            match event {
                Event::Count {
                    at,
                    tenant,
                    decision,
                } => {
                    count(at, tenant, "asks");
                    count(at, tenant, decision_metric(decision));
                }
                Event::Ask(a) => {
                    count(&a.at, &a.tenant, "asks");
                    count(&a.at, &a.tenant, decision_metric(&a.decision));
                    let top = serde_json::to_string(&a.top).map_err(|e| self.err(e))?;
                    tx.execute(
                        "INSERT OR IGNORE INTO asks (request_id, at, tenant, query, decision, confidence, top) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        params![a.request_id, a.at, a.tenant, a.query, a.decision, a.confidence, top],
                    )
                    .map_err(|e| self.err(e))?;
                }
                Event::Feedback(f) => {
                    count(
                        &f.at,
                        &f.tenant,
                        if f.helpful { "helpful" } else { "unhelpful" },
                    );
                    tx.execute(
                        "INSERT INTO feedback (request_id, at, tenant, query, answer_id, helpful, comment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        params![f.request_id, f.at, f.tenant, f.query, f.answer_id, f.helpful, f.comment],
                    )
                    .map_err(|e| self.err(e))?;
                }
            }
        }
        for ((day, tenant, metric), n) in counts {
            tx.execute(
                "INSERT INTO daily (day, tenant, metric, n) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (day, tenant, metric) DO UPDATE SET n = n + excluded.n",
                params![day, tenant, metric, n as i64],
            )
            .map_err(|e| self.err(e))?;
        }
        tx.commit().map_err(|e| self.err(e))
    }

    fn asks(&self, tenant: Option<&str>, limit: usize) -> Result<Vec<AskRecord>, StoreError> {
        let conn = self.conn.lock().map_err(|e| self.err(e))?;
        let mut stmt = conn
            .prepare("SELECT request_id, at, tenant, query, decision, confidence, top FROM asks WHERE (?1 IS NULL OR tenant = ?1) ORDER BY at DESC, id DESC LIMIT ?2")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![tenant, limit as i64], |r| {
                let top: String = r.get(6)?;
                Ok(AskRecord {
                    request_id: r.get(0)?,
                    at: r.get(1)?,
                    tenant: r.get(2)?,
                    query: r.get(3)?,
                    decision: r.get(4)?,
                    confidence: r.get(5)?,
                    // Written by us as JSON; an unreadable value (hand-edited database)
                    // shows as "no candidates" rather than hiding the question.
                    top: serde_json::from_str(&top).unwrap_or_default(),
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    fn feedback(&self, limit: usize) -> Result<Vec<FeedbackRecord>, StoreError> {
        let conn = self.conn.lock().map_err(|e| self.err(e))?;
        let mut stmt = conn
            .prepare("SELECT request_id, at, tenant, query, answer_id, helpful, comment FROM feedback ORDER BY at DESC, id DESC LIMIT ?1")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![limit as i64], |r| {
                Ok(FeedbackRecord {
                    request_id: r.get(0)?,
                    at: r.get(1)?,
                    tenant: r.get(2)?,
                    query: r.get(3)?,
                    answer_id: r.get(4)?,
                    helpful: r.get(5)?,
                    comment: r.get(6)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    fn daily(&self, since_day: &str) -> Result<Vec<DailyCount>, StoreError> {
        let conn = self.conn.lock().map_err(|e| self.err(e))?;
        let mut stmt = conn
            .prepare("SELECT day, tenant, metric, n FROM daily WHERE day >= ?1 ORDER BY day DESC, tenant, metric")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![since_day], |r| {
                Ok(DailyCount {
                    day: r.get(0)?,
                    tenant: r.get(1)?,
                    metric: r.get(2)?,
                    n: r.get::<_, i64>(3)?.max(0) as u64,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    fn record_action(&self, keys: &[String], action: &Action) -> Result<(), StoreError> {
        let mut conn = self.conn.lock().map_err(|e| self.err(e))?;
        let tx = conn.transaction().map_err(|e| self.err(e))?;
        for key in keys {
            tx.execute(
                "INSERT OR REPLACE INTO actions (key, action, target, at) VALUES (?1, ?2, ?3, ?4)",
                params![key, action.action, action.target, action.at],
            )
            .map_err(|e| self.err(e))?;
        }
        tx.commit().map_err(|e| self.err(e))
    }

    fn actions(&self) -> Result<HashMap<String, Action>, StoreError> {
        let conn = self.conn.lock().map_err(|e| self.err(e))?;
        let mut stmt = conn
            .prepare("SELECT key, action, target, at FROM actions")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    Action {
                        action: r.get(1)?,
                        target: r.get(2)?,
                        at: r.get(3)?,
                    },
                ))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<HashMap<_, _>, _>>()
            .map_err(|e| self.err(e))
    }

    fn purge_older_than(&self, days: u32) -> Result<usize, StoreError> {
        let cutoff = (chrono::Utc::now() - chrono::Duration::days(i64::from(days)))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let conn = self.conn.lock().map_err(|e| self.err(e))?;
        let a = conn
            .execute("DELETE FROM asks WHERE at < ?1", params![cutoff])
            .map_err(|e| self.err(e))?;
        let f = conn
            .execute("DELETE FROM feedback WHERE at < ?1", params![cutoff])
            .map_err(|e| self.err(e))?;
        Ok(a + f)
    }
}

/// The daily counter a decision adds to.
fn decision_metric(decision: &str) -> &'static str {
    match decision {
        "answer" => "answer",
        "suggest" => "suggest",
        "abstain" => "abstain",
        "clarify" => "clarify",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(id: &str, at: &str, decision: &str) -> Event {
        Event::Ask(AskRecord {
            request_id: id.into(),
            at: at.into(),
            tenant: "990001".into(),
            query: format!("q{id}"),
            decision: decision.into(),
            confidence: 0.2,
            top: vec![("fx-a".into(), 0.2)],
        })
    }

    #[test]
    fn writes_reads_counts_purges_and_reopens_at_the_same_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        let store = SqliteStore::open(&path).unwrap();
        let today = now();
        store
            .write(&[
                ask("1", "2000-01-01T00:00:00.000Z", "abstain"),
                ask("2", &today, "suggest"),
                Event::Count {
                    at: today.clone(),
                    tenant: "990001".into(),
                    decision: "answer".into(),
                },
            ])
            .unwrap();
        let asks = store.asks(Some("990001"), 10).unwrap();
        assert_eq!(asks.len(), 2);
        assert_eq!(asks[0].request_id, "2", "newest first");
        assert_eq!(asks[0].top, vec![("fx-a".to_string(), 0.2)]);
        let daily = store.daily(day_of(&today)).unwrap();
        let n = |m: &str| daily.iter().find(|d| d.metric == m).map_or(0, |d| d.n);
        assert_eq!(
            (n("asks"), n("answer"), n("suggest"), n("abstain")),
            (2, 1, 1, 0)
        );
        assert_eq!(store.purge_older_than(90).unwrap(), 1);
        assert_eq!(store.asks(None, 10).unwrap().len(), 1);
        let act = Action {
            action: "dismissed".into(),
            target: None,
            at: today,
        };
        store.record_action(&["k".into()], &act).unwrap();
        drop(store);
        let again = SqliteStore::open(&path).unwrap();
        assert_eq!(again.actions().unwrap().get("k"), Some(&act));
    }

    #[test]
    fn a_newer_schema_is_refused_with_a_hint() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        let msg = SqliteStore::open(&path).err().unwrap().to_string();
        assert!(msg.contains("upgrade madoguchi"), "{msg}");
    }
}
