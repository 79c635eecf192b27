//! Knowledge: FAQ entries loaded from human-edited TOML files under `knowledge/`.
//!
//! Loading validates everything and reports **every** problem at once (file, line of
//! the entry, entry id, field, what to do), never only the first: a curator fixing a
//! batch of entries should see the whole list. See `knowledge/README.md` for the format.

pub mod csv;
mod validate;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

pub use self::validate::Problem;

/// The tenant of national entries.
pub const NATIONAL: &str = "national";

/// Subject area of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Domain {
    /// 子育て
    Childcare,
    /// マイナンバー
    Mynumber,
    /// 健康保険
    HealthInsurance,
}

impl Domain {
    /// All domains, in display order.
    pub const ALL: [Domain; 3] = [Domain::Childcare, Domain::Mynumber, Domain::HealthInsurance];

    /// The identifier used in files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Domain::Childcare => "childcare",
            Domain::Mynumber => "mynumber",
            Domain::HealthInsurance => "health_insurance",
        }
    }

    /// Japanese label for people.
    pub fn label_ja(self) -> &'static str {
        match self {
            Domain::Childcare => "子育て",
            Domain::Mynumber => "マイナンバー",
            Domain::HealthInsurance => "健康保険",
        }
    }

    /// Parses the identifier used in files.
    pub fn parse(s: &str) -> Option<Domain> {
        Domain::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One FAQ entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub id: String,
    pub domain: Domain,
    pub category: String,
    pub question: String,
    pub alt_questions: Vec<String>,
    pub answer: String,
    pub source: String,
    pub source_url: String,
    pub reviewed: NaiveDate,
    pub tenant: String,
    pub related: Vec<String>,
    /// File the entry was loaded from.
    #[serde(skip)]
    pub file: PathBuf,
}

impl Entry {
    /// True when a resident asking as `tenant` sees this entry: it is national or
    /// the tenant's own.
    pub fn visible_to(&self, tenant: &str) -> bool {
        self.tenant == NATIONAL || self.tenant == tenant
    }
}

/// Errors of the knowledge layer.
#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    #[error("knowledge folder {path} does not exist or cannot be read: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no FAQ files (*.toml) found under {path}")]
    Empty { path: PathBuf },
    #[error("{} problem(s) in the knowledge files:\n{}", problems.len(), validate::render(problems))]
    Invalid { problems: Vec<Problem> },
}

/// All loaded entries, national and local.
#[derive(Debug, Clone, Default)]
pub struct KnowledgeBase {
    entries: Vec<Entry>,
    /// Files read, with their content hash, in path order.
    files: BTreeMap<PathBuf, String>,
}

impl KnowledgeBase {
    /// Loads every `*.toml` below `root` (except `tenant.toml` files), validating all.
    pub fn load(root: &Path) -> Result<Self, KnowledgeError> {
        let files = collect_files(root)?;
        if files.is_empty() {
            return Err(KnowledgeError::Empty {
                path: root.to_path_buf(),
            });
        }
        let mut sources = Vec::with_capacity(files.len());
        let mut problems = Vec::new();
        for file in files {
            match std::fs::read_to_string(&file) {
                Ok(text) => sources.push((file, text)),
                Err(e) => problems.push(Problem::file(
                    &file,
                    format!("cannot read the file: {e}"),
                    "check the file's permissions and that it is UTF-8 text",
                )),
            }
        }
        let (kb, more) = Self::from_sources(sources, Some(chrono::Local::now().date_naive()));
        problems.extend(more);
        if problems.is_empty() {
            Ok(kb)
        } else {
            Err(KnowledgeError::Invalid { problems })
        }
    }

    /// Builds a knowledge base from (path, text) pairs; returns it with every problem
    /// found. `today` (if given) rejects `reviewed` dates in the future.
    pub fn from_sources(
        sources: Vec<(PathBuf, String)>,
        today: Option<NaiveDate>,
    ) -> (Self, Vec<Problem>) {
        use sha2::{Digest, Sha256};
        let mut entries = Vec::new();
        let mut problems = Vec::new();
        let mut files = BTreeMap::new();
        for (path, text) in sources {
            files.insert(
                path.clone(),
                format!("{:x}", Sha256::digest(text.as_bytes())),
            );
            validate::parse_file(&path, &text, today, &mut entries, &mut problems);
        }
        validate::check_cross_entry(&entries, &mut problems);
        entries.sort_by(|a, b| (&a.tenant, &a.id).cmp(&(&b.tenant, &b.id)));
        (KnowledgeBase { entries, files }, problems)
    }

    /// All entries, sorted by tenant then id.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry a resident of `tenant` sees under `id`: the tenant's own if it has
    /// one (a local override), else the national one.
    pub fn get(&self, tenant: &str, id: &str) -> Option<&Entry> {
        // Entries are sorted by (tenant, id): a binary search, not a scan, since this
        // runs for every answer and suggestion (linear at 100,000 entries showed).
        let find = |t: &str| {
            let i = self
                .entries
                .partition_point(|e| (e.tenant.as_str(), e.id.as_str()) < (t, id));
            self.entries.get(i).filter(|e| e.tenant == t && e.id == id)
        };
        find(tenant).or_else(|| find(NATIONAL))
    }

    /// A hash over every file's path and content: changes whenever the knowledge does.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for (path, hash) in &self.files {
            h.update(path.to_string_lossy().as_bytes());
            h.update([0]);
            h.update(hash.as_bytes());
        }
        format!("{:x}", h.finalize())
    }
}

/// Folders of drafts written by curation: never loaded (see `knowledge/README.md`).
pub const DRAFTS_DIR: &str = "drafts";

/// Every `*.toml` file below `root`, sorted, skipping `tenant.toml`, hidden folders
/// and `drafts/` folders.
fn collect_files(root: &Path) -> Result<Vec<PathBuf>, KnowledgeError> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let rd = std::fs::read_dir(&dir).map_err(|e| KnowledgeError::Folder {
            path: dir.clone(),
            source: e,
        })?;
        for entry in rd {
            let entry = entry.map_err(|e| KnowledgeError::Folder {
                path: dir.clone(),
                source: e,
            })?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                if name != DRAFTS_DIR {
                    stack.push(path);
                }
            } else if name.ends_with(".toml") && name != "tenant.toml" {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_finds_every_entry_and_prefers_the_tenants_own() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kb");
        let kb = KnowledgeBase::load(&root).unwrap();
        for e in kb.entries() {
            let found = kb.get(&e.tenant, &e.id).unwrap();
            assert_eq!((&found.tenant, &found.id), (&e.tenant, &e.id));
        }
        // fx-teate-months exists nationally and as 990001's override.
        assert_eq!(
            kb.get("990001", "fx-teate-months").unwrap().tenant,
            "990001"
        );
        assert_eq!(
            kb.get(NATIONAL, "fx-teate-months").unwrap().tenant,
            NATIONAL
        );
        let national_only = kb.entries().iter().find(|e| {
            e.tenant == NATIONAL
                && !kb
                    .entries()
                    .iter()
                    .any(|o| o.tenant != NATIONAL && o.id == e.id)
        });
        let n = national_only.unwrap();
        assert_eq!(
            kb.get("990001", &n.id).unwrap().tenant,
            NATIONAL,
            "falls back"
        );
        assert!(kb.get(NATIONAL, "no-such-entry").is_none());
        assert!(kb.get("990001", "fx-counter-hours").is_some());
        assert!(
            kb.get(NATIONAL, "fx-counter-hours").is_none(),
            "local stays local"
        );
    }
}
