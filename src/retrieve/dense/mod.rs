//! Dense (embedding) retrieval: finds entries whose meaning is close to the question
//! even when they share no word with it (「病院代が高すぎて払えない」 → 高額療養費).
//!
//! - [`model`]: model folders (`madoguchi-model.toml` + ONNX + tokenizer files), the
//!   ONNX Runtime library check, loading through fastembed's user-defined model API.
//! - [`vectors`]: the vector index (exact dot product, behind [`vectors::VectorIndex`])
//!   and its on-disk store, re-embedding only changed entries.
//! - [`fetch`]: downloading a known model into a model folder (feature `online`).
//!
//! [`DenseRetriever::open`] never takes the service down: when the model or the
//! runtime is missing or broken, the caller gets an error to report and answers with
//! keyword retrieval alone.

#[cfg(feature = "online")]
pub mod fetch;
pub mod model;
pub mod vectors;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use crate::config::DenseConfig;
use crate::knowledge::{KnowledgeBase, NATIONAL};
use model::{FastEmbedder, ModelSpec};
use vectors::{BuildStats, EntryTexts, ExactIndex, VectorIndex};

/// Errors of dense retrieval. None of them reaches a resident: the engine falls back
/// to keyword retrieval and reports the error in logs and `/readyz`.
#[derive(Debug, thiserror::Error)]
pub enum DenseError {
    #[error("dense retrieval is turned off (dense.enabled = false or MADOGUCHI_DENSE=off)")]
    Disabled,
    #[error("ONNX Runtime library {library}: {problem}. Run `bash scripts/setup.sh` (installs it from the PyPI onnxruntime=={pinned} wheel into data/runtime/), or point MADOGUCHI_ORT_LIBRARY / ORT_DYLIB_PATH at libonnxruntime.so {min} or newer", pinned = model::PINNED_RUNTIME, min = model::MIN_RUNTIME)]
    Runtime { library: PathBuf, problem: String },
    #[error("model folder {dir}: {problem}. Run `madoguchi model check`; `madoguchi model fetch` downloads a model where a network exists, or copy a model folder there")]
    ModelFolder { dir: PathBuf, problem: String },
    #[error("the embedding model failed to load: {0}")]
    Model(String),
    #[error("embedding failed: {0}")]
    Embed(String),
    #[error("vector store {path}: {problem}")]
    Store { path: PathBuf, problem: String },
    #[error("download failed: {0}")]
    Download(String),
}

impl DenseError {
    /// True when dense retrieval is off because something is simply not there (turned
    /// off, no runtime library, no model folder), as on a fresh install; false when
    /// something present is broken.
    pub fn is_absence(&self) -> bool {
        match self {
            DenseError::Disabled => true,
            DenseError::Runtime { problem, .. } => problem == model::NOT_FOUND,
            DenseError::ModelFolder { problem, .. } => problem == model::ABSENT,
            _ => false,
        }
    }
}

/// Something that turns texts into vectors (fastembed in production; anything in
/// tests).
pub trait Embedder: Send + Sync + std::fmt::Debug {
    /// How the model is used (prefixes, dimension, calibration).
    fn spec(&self) -> &ModelSpec;
    /// Changes whenever the model does (stored with the vectors).
    fn fingerprint(&self) -> &str;
    /// One vector per text.
    fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, DenseError>;
}

/// Progress of embedding the knowledge: texts done of total.
pub type Progress<'a> = &'a dyn Fn(usize, usize);

/// A dense hit: an entry of the knowledge base (by its position) and its similarity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DenseHit {
    pub entry: usize,
    pub similarity: f32,
}

/// A loaded model with the knowledge's vectors.
#[derive(Debug)]
pub struct DenseRetriever {
    embedder: Arc<dyn Embedder>,
    index: Box<dyn VectorIndex>,
    /// (tenant, id) of each entry, in knowledge order.
    keys: Vec<(String, String)>,
    /// Ids each tenant overrides locally (their national entries are hidden).
    local_ids: HashMap<String, HashSet<String>>,
    stats: BuildStats,
}

impl DenseRetriever {
    /// Loads the configured model and embeds the knowledge (only what changed since
    /// the stored vectors were made).
    pub fn open(
        cfg: &DenseConfig,
        data_dir: &std::path::Path,
        kb: &KnowledgeBase,
        progress: Progress<'_>,
    ) -> Result<DenseRetriever, DenseError> {
        if !cfg.enabled {
            return Err(DenseError::Disabled);
        }
        model::init_runtime(&cfg.runtime_library(data_dir))?;
        let dir = cfg.model_dir(data_dir);
        #[cfg(feature = "online")]
        if cfg.allow_download && !model::folder_problems(&dir).is_empty() {
            fetch::fetch(&cfg.model, &dir, false, false)?;
        }
        let embedder: Arc<dyn Embedder> = FastEmbedder::load(&dir)?;
        Self::with_embedder(embedder, cfg, data_dir, kb, progress)
    }

    /// Like [`DenseRetriever::open`] with a given embedder.
    pub fn with_embedder(
        embedder: Arc<dyn Embedder>,
        cfg: &DenseConfig,
        data_dir: &std::path::Path,
        kb: &KnowledgeBase,
        progress: Progress<'_>,
    ) -> Result<DenseRetriever, DenseError> {
        let spec = embedder.spec().clone();
        let texts: Vec<EntryTexts> = kb
            .entries()
            .iter()
            .map(|e| {
                let mut texts: Vec<String> = std::iter::once(&e.question)
                    .chain(&e.alt_questions)
                    .map(|q| format!("{}{q}", spec.query_prefix))
                    .collect();
                let answer: String = e.answer.trim().chars().take(400).collect();
                texts.push(format!("{}{}\n{answer}", spec.passage_prefix, e.question));
                EntryTexts {
                    key: format!("{}/{}", e.tenant, e.id),
                    texts,
                }
            })
            .collect();
        let dir = data_dir.join("dense").join(safe_name(&spec.name));
        let (index, stats): (ExactIndex, BuildStats) = vectors::open_or_build(
            &dir,
            &spec.name,
            embedder.fingerprint(),
            spec.dim,
            &texts,
            cfg.batch_size,
            &|t| embedder.embed(t),
            progress,
        )?;
        let mut local_ids: HashMap<String, HashSet<String>> = HashMap::new();
        for e in kb.entries().iter().filter(|e| e.tenant != NATIONAL) {
            local_ids
                .entry(e.tenant.clone())
                .or_default()
                .insert(e.id.clone());
        }
        Ok(DenseRetriever {
            embedder,
            index: Box::new(index),
            keys: kb
                .entries()
                .iter()
                .map(|e| (e.tenant.clone(), e.id.clone()))
                .collect(),
            local_ids,
            stats,
        })
    }

    /// How the model is used.
    pub fn spec(&self) -> &ModelSpec {
        self.embedder.spec()
    }

    /// Vectors held.
    pub fn rows(&self) -> usize {
        self.index.rows()
    }

    /// What opening did (reused / embedded entries).
    pub fn stats(&self) -> BuildStats {
        self.stats
    }

    /// The best `k` entries for `question` visible to `tenant` (national entries
    /// plus the tenant's, a local entry hiding the national one with its id).
    pub fn search(
        &self,
        question: &str,
        tenant: &str,
        k: usize,
    ) -> Result<Vec<DenseHit>, DenseError> {
        let text = format!("{}{}", self.spec().query_prefix, question.trim());
        let query = self
            .embedder
            .embed(&[text])?
            .into_iter()
            .next()
            .ok_or_else(|| DenseError::Embed("the model returned no vector".into()))?;
        let query = vectors::normalise(query);
        let hidden = self.local_ids.get(tenant);
        let visible = |i: usize| {
            let (t, id) = &self.keys[i];
            if t == NATIONAL {
                !hidden.is_some_and(|h| h.contains(id))
            } else {
                t == tenant
            }
        };
        Ok(self
            .index
            .top_k(&query, k, &visible)
            .into_iter()
            .map(|(entry, similarity)| DenseHit { entry, similarity })
            .collect())
    }
}

/// A model name as a folder name.
fn safe_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Whether dense retrieval is on, and why not — for `/readyz`, logs and `model check`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct DenseStatus {
    pub enabled: bool,
    /// The model in use (when enabled).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// What is going on, in a sentence.
    pub reason: String,
}

impl DenseStatus {
    /// Status of an opened retriever.
    pub fn on(d: &DenseRetriever) -> Self {
        DenseStatus {
            enabled: true,
            model: Some(d.spec().name.clone()),
            reason: format!(
                "dense retrieval on: model {} (dimension {}), {} vectors; fused with keyword retrieval",
                d.spec().name,
                d.spec().dim,
                d.rows()
            ),
        }
    }

    /// Status when opening failed: keyword retrieval alone.
    pub fn off(why: &DenseError) -> Self {
        DenseStatus {
            enabled: false,
            model: None,
            reason: format!("answering with keyword retrieval only: {why}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_things_are_absences_broken_things_are_not() {
        let dir = std::env::temp_dir().join("madoguchi-no-such-model-folder");
        let missing_model = FastEmbedder::load(&dir).unwrap_err();
        assert!(missing_model.is_absence(), "{missing_model}");
        assert_eq!(
            missing_model
                .to_string()
                .matches("madoguchi-no-such-model-folder")
                .count(),
            1,
            "the folder is named once: {missing_model}"
        );
        let missing_runtime = model::init_runtime(&dir.join("libonnxruntime.so")).unwrap_err();
        assert!(missing_runtime.is_absence());
        assert!(DenseError::Disabled.is_absence());
        assert!(!DenseError::Embed("boom".into()).is_absence());
        let incomplete = DenseError::ModelFolder {
            dir,
            problem: "tokenizer.json is missing".into(),
        };
        assert!(!incomplete.is_absence());
    }
}
