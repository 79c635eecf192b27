//! Model folders and the ONNX Runtime library: what a folder must hold, how madoguchi
//! uses it (`madoguchi-model.toml`), loading it through fastembed's user-defined model
//! API, and checking everything beforehand so that nothing panics.
//!
//! A model folder holds `model.onnx`, `tokenizer.json`, `config.json`,
//! `special_tokens_map.json`, `tokenizer_config.json` and `madoguchi-model.toml`
//! (name, dimension, pooling, prefixes, similarity calibration). It can be copied onto
//! a closed network as is. `madoguchi model fetch` writes such folders.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use fastembed::{
    InitOptionsUserDefined, Pooling, TextEmbedding, TokenizerFiles, UserDefinedEmbeddingModel,
};
use serde::{Deserialize, Serialize};

use super::{DenseError, Embedder};

/// How madoguchi uses a model folder.
pub const SPEC_FILE: &str = "madoguchi-model.toml";
/// Files fastembed needs besides the spec.
pub const MODEL_FILES: [&str; 5] = [
    "model.onnx",
    "tokenizer.json",
    "config.json",
    "special_tokens_map.json",
    "tokenizer_config.json",
];
/// The oldest ONNX Runtime our `ort` accepts (it is built against API 24).
pub const MIN_RUNTIME: &str = "1.24";
/// The runtime version `scripts/setup.sh` installs from PyPI.
pub const PINNED_RUNTIME: &str = "1.24.4";

/// Token pooling of a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PoolingKind {
    Mean,
    Cls,
}

/// `madoguchi-model.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// Name stored with the vectors (a different name re-embeds everything).
    pub name: String,
    /// Embedding dimension.
    pub dim: usize,
    #[serde(default = "mean")]
    pub pooling: PoolingKind,
    /// Prepended to questions (e5: `"query: "`).
    #[serde(default)]
    pub query_prefix: String,
    /// Prepended to question + answer passages (e5: `"passage: "`).
    #[serde(default)]
    pub passage_prefix: String,
    /// Longest input in tokens.
    #[serde(default = "max_length")]
    pub max_length: usize,
    /// Cosine similarity that counts as no evidence at all (confidence 0).
    #[serde(default)]
    pub similarity_floor: f32,
    /// Cosine similarity that counts as full evidence (confidence `dense.max_confidence`).
    #[serde(default = "one")]
    pub similarity_full: f32,
}

fn mean() -> PoolingKind {
    PoolingKind::Mean
}
fn max_length() -> usize {
    512
}
fn one() -> f32 {
    1.0
}

impl ModelSpec {
    /// Reads and checks `<dir>/madoguchi-model.toml`.
    pub fn read(dir: &Path) -> Result<ModelSpec, DenseError> {
        let path = dir.join(SPEC_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| DenseError::ModelFolder {
            dir: dir.to_path_buf(),
            problem: format!("cannot read {SPEC_FILE}: {e}"),
        })?;
        let spec: ModelSpec = toml::from_str(&text).map_err(|e| DenseError::ModelFolder {
            dir: dir.to_path_buf(),
            problem: format!("{SPEC_FILE} is invalid: {e}"),
        })?;
        let bad = |problem: String| DenseError::ModelFolder {
            dir: dir.to_path_buf(),
            problem,
        };
        if spec.dim == 0 || spec.dim > 8192 {
            return Err(bad(format!(
                "{SPEC_FILE}: dim = {} must be 1–8192",
                spec.dim
            )));
        }
        if !(spec.similarity_floor < spec.similarity_full
            && (-1.0..=1.0).contains(&spec.similarity_floor)
            && (-1.0..=1.0).contains(&spec.similarity_full))
        {
            return Err(bad(format!(
                "{SPEC_FILE}: need -1 ≤ similarity_floor ({}) < similarity_full ({}) ≤ 1",
                spec.similarity_floor, spec.similarity_full
            )));
        }
        Ok(spec)
    }

    /// Confidence (0–`max`) that a cosine similarity stands for.
    pub fn calibrate(&self, similarity: f32, max: f32) -> f32 {
        let t =
            (similarity - self.similarity_floor) / (self.similarity_full - self.similarity_floor);
        t.clamp(0.0, 1.0) * max
    }
}

/// The problem of a model folder that is not there at all (the normal state of a
/// fresh install).
pub const ABSENT: &str = "the folder does not exist";
/// The problem of a runtime library that is not there at all.
pub const NOT_FOUND: &str = "file not found";

/// Everything wrong with a model folder, for `madoguchi model check` and the logs.
pub fn folder_problems(dir: &Path) -> Vec<String> {
    if !dir.is_dir() {
        return vec![ABSENT.to_string()];
    }
    let mut p: Vec<String> = MODEL_FILES
        .iter()
        .chain(std::iter::once(&SPEC_FILE))
        .filter(|f| !dir.join(f).is_file())
        .map(|f| format!("{f} is missing"))
        .collect();
    if p.is_empty() {
        if let Err(e) = ModelSpec::read(dir) {
            p.push(e.to_string());
        }
    }
    p
}

/// Loads the ONNX Runtime library once per process (later calls return the first
/// outcome). Checked here, with its version, because a missing or too-old library
/// would otherwise make ONNX Runtime panic on first use.
pub fn init_runtime(library: &Path) -> Result<(), DenseError> {
    static OUTCOME: OnceLock<Result<(), String>> = OnceLock::new();
    let missing = || DenseError::Runtime {
        library: library.to_path_buf(),
        problem: NOT_FOUND.into(),
    };
    if OUTCOME.get().is_none() && !library.is_file() {
        return Err(missing());
    }
    OUTCOME
        .get_or_init(|| {
            // Loads the library and checks its version; sessions create the
            // environment themselves.
            ort::init_from(library).map(drop).map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|problem| DenseError::Runtime {
            library: library.to_path_buf(),
            problem,
        })
}

/// A fastembed model loaded from a folder.
pub struct FastEmbedder {
    model: Mutex<TextEmbedding>,
    spec: ModelSpec,
    fingerprint: String,
}

impl std::fmt::Debug for FastEmbedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FastEmbedder")
            .field("spec", &self.spec)
            .finish()
    }
}

impl FastEmbedder {
    /// Loads `dir` (the runtime must be initialised). Loaded models are shared: opening
    /// the same unchanged folder again (a knowledge reload) reuses the loaded model.
    pub fn load(dir: &Path) -> Result<Arc<FastEmbedder>, DenseError> {
        static LOADED: Mutex<Option<(PathBuf, String, Arc<FastEmbedder>)>> = Mutex::new(None);
        let problems = folder_problems(dir);
        if let Some(first) = problems.into_iter().next() {
            return Err(DenseError::ModelFolder {
                dir: dir.to_path_buf(),
                problem: first,
            });
        }
        let spec = ModelSpec::read(dir)?;
        let fingerprint = fingerprint(dir, &spec)?;
        let mut cache = LOADED.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((d, f, m)) = cache.as_ref() {
            if d == dir && *f == fingerprint {
                return Ok(m.clone());
            }
        }
        let read = |name: &str| {
            std::fs::read(dir.join(name)).map_err(|e| DenseError::ModelFolder {
                dir: dir.to_path_buf(),
                problem: format!("cannot read {name}: {e}"),
            })
        };
        let files = TokenizerFiles {
            tokenizer_file: read("tokenizer.json")?,
            config_file: read("config.json")?,
            special_tokens_map_file: read("special_tokens_map.json")?,
            tokenizer_config_file: read("tokenizer_config.json")?,
        };
        let pooling = match spec.pooling {
            PoolingKind::Mean => Pooling::Mean,
            PoolingKind::Cls => Pooling::Cls,
        };
        let model =
            UserDefinedEmbeddingModel::new(read("model.onnx")?, files).with_pooling(pooling);
        let options = InitOptionsUserDefined::new().with_max_length(spec.max_length);
        // ONNX Runtime may still panic on a broken graph: keep that from the caller.
        let loaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            TextEmbedding::try_new_from_user_defined(model, options)
        }))
        .map_err(|_| DenseError::Model("ONNX Runtime panicked while loading the model".into()))?
        .map_err(|e| DenseError::Model(format!("{}: {e}", dir.display())))?;
        let embedder = Arc::new(FastEmbedder {
            model: Mutex::new(loaded),
            spec,
            fingerprint: fingerprint.clone(),
        });
        let probe = embedder.embed(&["probe".to_string()])?;
        if probe.first().map(Vec::len) != Some(embedder.spec.dim) {
            return Err(DenseError::ModelFolder {
                dir: dir.to_path_buf(),
                problem: format!(
                    "{SPEC_FILE} says dim = {} but the model produces {}",
                    embedder.spec.dim,
                    probe.first().map_or(0, Vec::len)
                ),
            });
        }
        *cache = Some((dir.to_path_buf(), fingerprint, embedder.clone()));
        Ok(embedder)
    }
}

impl Embedder for FastEmbedder {
    fn spec(&self) -> &ModelSpec {
        &self.spec
    }

    fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, DenseError> {
        let mut model = self.model.lock().unwrap_or_else(|p| p.into_inner());
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            model.embed(texts, Some(texts.len().max(1)))
        }))
        .map_err(|_| DenseError::Embed("ONNX Runtime panicked while embedding".into()))?
        .map_err(|e| DenseError::Embed(e.to_string()))?;
        Ok(out)
    }
}

/// Identifies a model folder's content cheaply (sizes and modification times of its
/// files, plus the spec): a changed model re-embeds the knowledge.
fn fingerprint(dir: &Path, spec: &ModelSpec) -> Result<String, DenseError> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(format!("{spec:?}").as_bytes());
    for name in MODEL_FILES {
        let meta = std::fs::metadata(dir.join(name)).map_err(|e| DenseError::ModelFolder {
            dir: dir.to_path_buf(),
            problem: format!("{name}: {e}"),
        })?;
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        h.update(format!("{name}:{}:{modified}", meta.len()).as_bytes());
    }
    Ok(format!("{:x}", h.finalize()))
}
