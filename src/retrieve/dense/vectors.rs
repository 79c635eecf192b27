//! The vector index: exact top-k by dot product over L2-normalised vectors, stored
//! beside the keyword index with the model it was made with.
//!
//! Rows are one flat `Vec<f32>` (row-major, `dim` floats per row), which the compiler
//! vectorises; each row belongs to one entry (an entry has several rows: its question,
//! each paraphrase, and question + answer), and an entry scores the best of its rows.
//! Exact search is fine up to ~100k rows; [`VectorIndex`] is the seam for an ANN index.
//!
//! On disk (`<data_dir>/dense/<model>/`): `manifest.json` (format, model name and
//! fingerprint, dimension, and per entry its key, a hash of its texts and its row
//! count) and `vectors.f32` (little-endian floats). Opening re-embeds only entries
//! whose texts changed; files are written to temporary names and renamed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::DenseError;

const FORMAT: u32 = 1;
const MANIFEST: &str = "manifest.json";
const VECTORS: &str = "vectors.f32";

/// Nearest-neighbour search over entries.
pub trait VectorIndex: Send + Sync + std::fmt::Debug {
    /// Rows (vectors) held.
    fn rows(&self) -> usize;
    /// The best `k` entries for the normalised `query`, best first, among entries for
    /// which `visible` holds: (entry number, cosine similarity).
    fn top_k(&self, query: &[f32], k: usize, visible: &dyn Fn(usize) -> bool) -> Vec<(usize, f32)>;
}

/// Exact search over all rows.
#[derive(Debug, Clone, PartialEq)]
pub struct ExactIndex {
    dim: usize,
    data: Vec<f32>,
    /// Entry number of each row.
    owner: Vec<u32>,
    entries: usize,
}

impl ExactIndex {
    /// An index of `rows` (each `dim` long) owned by entries `owner` (0..entries).
    pub fn new(dim: usize, data: Vec<f32>, owner: Vec<u32>, entries: usize) -> Self {
        debug_assert_eq!(data.len(), owner.len() * dim);
        ExactIndex {
            dim,
            data,
            owner,
            entries,
        }
    }
}

impl VectorIndex for ExactIndex {
    fn rows(&self) -> usize {
        self.owner.len()
    }

    fn top_k(&self, query: &[f32], k: usize, visible: &dyn Fn(usize) -> bool) -> Vec<(usize, f32)> {
        if query.len() != self.dim || self.dim == 0 {
            return Vec::new();
        }
        let mut best = vec![f32::NEG_INFINITY; self.entries];
        for (row, &owner) in self.data.chunks_exact(self.dim).zip(&self.owner) {
            let dot: f32 = row.iter().zip(query).map(|(a, b)| a * b).sum();
            let slot = &mut best[owner as usize];
            if dot > *slot {
                *slot = dot;
            }
        }
        let mut out: Vec<(usize, f32)> = best
            .into_iter()
            .enumerate()
            .filter(|&(i, s)| s.is_finite() && visible(i))
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out.truncate(k);
        out
    }
}

/// What one entry contributes: a stable key, the texts to embed (already prefixed).
#[derive(Debug, Clone)]
pub struct EntryTexts {
    pub key: String,
    pub texts: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Manifest {
    format: u32,
    model: String,
    fingerprint: String,
    dim: usize,
    entries: Vec<StoredEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct StoredEntry {
    key: String,
    hash: String,
    rows: usize,
}

/// Turns a batch of texts into one vector each.
pub type EmbedFn<'a> = &'a dyn Fn(&[String]) -> Result<Vec<Vec<f32>>, DenseError>;

/// How an index was obtained.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuildStats {
    /// Entries whose stored vectors were reused.
    pub reused: usize,
    /// Entries embedded now.
    pub embedded: usize,
    /// Texts embedded now.
    pub texts: usize,
}

/// Opens the stored vectors in `dir` and embeds whatever is missing or changed, in
/// batches of `batch`, reporting `progress(done, total)` in texts.
#[allow(clippy::too_many_arguments)]
pub fn open_or_build(
    dir: &Path,
    model: &str,
    fingerprint: &str,
    dim: usize,
    entries: &[EntryTexts],
    batch: usize,
    embed: EmbedFn<'_>,
    progress: &dyn Fn(usize, usize),
) -> Result<(ExactIndex, BuildStats), DenseError> {
    let old = load(dir).ok().filter(|(m, _)| {
        m.format == FORMAT && m.model == model && m.fingerprint == fingerprint && m.dim == dim
    });
    let mut reuse: HashMap<(&str, &str), &[f32]> = HashMap::new();
    if let Some((m, data)) = &old {
        let mut at = 0;
        for e in &m.entries {
            let len = e.rows * dim;
            if let Some(rows) = data.get(at..at + len) {
                reuse.insert((e.key.as_str(), e.hash.as_str()), rows);
            }
            at += len;
        }
    }
    let hashes: Vec<String> = entries.iter().map(|e| hash_texts(&e.texts)).collect();
    let todo: Vec<usize> = (0..entries.len())
        .filter(|&i| !reuse.contains_key(&(entries[i].key.as_str(), hashes[i].as_str())))
        .collect();
    let pending: Vec<&String> = todo.iter().flat_map(|&i| &entries[i].texts).collect();
    let total = pending.len();
    let mut fresh: Vec<Vec<f32>> = Vec::with_capacity(total);
    for chunk in pending.chunks(batch.max(1)) {
        let texts: Vec<String> = chunk.iter().map(|t| (*t).clone()).collect();
        let vectors = embed(&texts)?;
        if vectors.len() != texts.len() || vectors.iter().any(|v| v.len() != dim) {
            return Err(DenseError::Embed(format!(
                "the model returned {} vectors for {} texts (expected dimension {dim})",
                vectors.len(),
                texts.len()
            )));
        }
        fresh.extend(vectors.into_iter().map(normalised));
        progress(fresh.len(), total);
    }
    let mut fresh = fresh.into_iter();
    let mut data = Vec::new();
    let mut owner = Vec::new();
    let mut stored = Vec::with_capacity(entries.len());
    let mut stats = BuildStats::default();
    for (i, e) in entries.iter().enumerate() {
        match reuse.get(&(e.key.as_str(), hashes[i].as_str())) {
            Some(rows) => {
                data.extend_from_slice(rows);
                stats.reused += 1;
            }
            None => {
                for _ in &e.texts {
                    if let Some(v) = fresh.next() {
                        data.extend(v);
                    }
                }
                stats.embedded += 1;
                stats.texts += e.texts.len();
            }
        }
        owner.extend(std::iter::repeat_n(i as u32, e.texts.len()));
        stored.push(StoredEntry {
            key: e.key.clone(),
            hash: hashes[i].clone(),
            rows: e.texts.len(),
        });
    }
    let manifest = Manifest {
        format: FORMAT,
        model: model.to_string(),
        fingerprint: fingerprint.to_string(),
        dim,
        entries: stored,
    };
    if old.as_ref().map(|(m, _)| m) != Some(&manifest) {
        save(dir, &manifest, &data)?;
    }
    Ok((ExactIndex::new(dim, data, owner, entries.len()), stats))
}

fn normalised(mut v: Vec<f32>) -> Vec<f32> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 && norm.is_finite() {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

/// Normalises a query vector (models usually do; cheap to make sure).
pub fn normalise(v: Vec<f32>) -> Vec<f32> {
    normalised(v)
}

fn hash_texts(texts: &[String]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for t in texts {
        h.update(t.as_bytes());
        h.update([0u8]);
    }
    format!("{:x}", h.finalize())
}

fn load(dir: &Path) -> Result<(Manifest, Vec<f32>), DenseError> {
    let io = |path: PathBuf| {
        move |e: std::io::Error| DenseError::Store {
            path,
            problem: e.to_string(),
        }
    };
    let text = std::fs::read_to_string(dir.join(MANIFEST)).map_err(io(dir.join(MANIFEST)))?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| DenseError::Store {
        path: dir.join(MANIFEST),
        problem: e.to_string(),
    })?;
    let bytes = std::fs::read(dir.join(VECTORS)).map_err(io(dir.join(VECTORS)))?;
    let rows: usize = manifest.entries.iter().map(|e| e.rows).sum();
    if bytes.len() != rows * manifest.dim * 4 {
        return Err(DenseError::Store {
            path: dir.join(VECTORS),
            problem: format!(
                "{} bytes, expected {}",
                bytes.len(),
                rows * manifest.dim * 4
            ),
        });
    }
    let data = bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    Ok((manifest, data))
}

fn save(dir: &Path, manifest: &Manifest, data: &[f32]) -> Result<(), DenseError> {
    let err = |path: &Path| {
        let path = path.to_path_buf();
        move |e: std::io::Error| DenseError::Store {
            path,
            problem: format!("{e}. Check that the data folder is writable (MADOGUCHI_DATA_DIR)"),
        }
    };
    std::fs::create_dir_all(dir).map_err(err(dir))?;
    let mut bytes = Vec::with_capacity(data.len() * 4);
    for x in data {
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    let text = serde_json::to_string(manifest).map_err(|e| DenseError::Store {
        path: dir.join(MANIFEST),
        problem: e.to_string(),
    })?;
    // Vectors first, manifest last: a crash in between leaves a manifest that does not
    // match the vectors' length, which `load` rejects (and everything is re-embedded).
    for (name, content) in [(VECTORS, bytes.as_slice()), (MANIFEST, text.as_bytes())] {
        let path = dir.join(name);
        let tmp = crate::fsutil::temp_sibling(&path);
        std::fs::write(&tmp, content).map_err(err(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(err(&path))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn unit(v: &[f32]) -> Vec<f32> {
        normalised(v.to_vec())
    }

    #[test]
    fn an_entry_scores_its_best_row_and_filters_apply() {
        // Entry 0 has two rows, entry 1 one row.
        let data = [unit(&[1.0, 0.0]), unit(&[0.0, 1.0]), unit(&[1.0, 1.0])].concat();
        let idx = ExactIndex::new(2, data, vec![0, 0, 1], 2);
        let q = unit(&[0.1, 1.0]);
        let all = idx.top_k(&q, 5, &|_| true);
        assert_eq!(all[0].0, 0, "entry 0's second row is nearly parallel");
        assert!(all[0].1 > all[1].1);
        let only_1 = idx.top_k(&q, 5, &|i| i == 1);
        assert_eq!(only_1.len(), 1);
        assert_eq!(
            idx.top_k(&[1.0, 0.0, 0.0], 5, &|_| true),
            vec![],
            "wrong dimension"
        );
    }

    #[test]
    fn only_changed_entries_are_embedded_again() {
        let dir = tempfile::tempdir().unwrap();
        let calls = Cell::new(0usize);
        let embed = |texts: &[String]| -> Result<Vec<Vec<f32>>, DenseError> {
            calls.set(calls.get() + texts.len());
            Ok(texts.iter().map(|t| vec![t.len() as f32, 1.0]).collect())
        };
        let entries = |second: &str| {
            vec![
                EntryTexts {
                    key: "national/a".into(),
                    texts: vec!["aa".into(), "a".into()],
                },
                EntryTexts {
                    key: "national/b".into(),
                    texts: vec![second.into()],
                },
            ]
        };
        // Opens (or builds) the store for `model` with the second entry's text.
        let open = |model: &str, second: &str| {
            open_or_build(
                dir.path(),
                model,
                "f",
                2,
                &entries(second),
                1,
                &embed,
                &|_, _| {},
            )
            .unwrap()
        };
        let (idx, stats) = open("m", "bbb");
        assert_eq!((stats.embedded, stats.reused, calls.get()), (2, 0, 3));
        assert_eq!(idx.rows(), 3);
        let (again, stats) = open("m", "bbb");
        assert_eq!((stats.embedded, stats.reused, calls.get()), (0, 2, 3));
        assert_eq!(again, idx, "vectors read back as written");
        let (_, stats) = open("m", "b");
        assert_eq!((stats.embedded, stats.reused, calls.get()), (1, 1, 4));
        let (_, stats) = open("other-model", "b");
        assert_eq!(stats.embedded, 2, "another model re-embeds everything");
    }

    #[test]
    fn a_truncated_vector_file_is_rebuilt_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let embed = |t: &[String]| -> Result<Vec<Vec<f32>>, DenseError> {
            Ok(t.iter().map(|_| vec![1.0, 0.0]).collect())
        };
        let e = vec![EntryTexts {
            key: "k".into(),
            texts: vec!["x".into()],
        }];
        open_or_build(dir.path(), "m", "f", 2, &e, 8, &embed, &|_, _| {}).unwrap();
        std::fs::write(dir.path().join(VECTORS), [0u8; 3]).unwrap();
        let (_, stats) = open_or_build(dir.path(), "m", "f", 2, &e, 8, &embed, &|_, _| {}).unwrap();
        assert_eq!(stats.embedded, 1);
    }

    #[test]
    fn a_model_returning_the_wrong_dimension_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let embed = |t: &[String]| -> Result<Vec<Vec<f32>>, DenseError> {
            Ok(t.iter().map(|_| vec![1.0]).collect())
        };
        let e = vec![EntryTexts {
            key: "k".into(),
            texts: vec!["x".into()],
        }];
        let err = open_or_build(dir.path(), "m", "f", 2, &e, 8, &embed, &|_, _| {}).unwrap_err();
        assert!(err.to_string().contains("dimension 2"), "{err}");
    }
}
