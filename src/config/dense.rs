//! `[dense]`: dense (embedding) retrieval — which model, where it and the ONNX Runtime
//! library live, and how its results are fused with keyword results.
//!
//! Dense retrieval is on by default but needs a model folder and the runtime library;
//! without them madoguchi answers with keyword retrieval alone and says why (logs,
//! `/readyz`, `madoguchi model check`).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::ConfigError;

/// Dense retrieval settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct DenseConfig {
    /// Use dense retrieval when a model is available (env `MADOGUCHI_DENSE=on|off`).
    pub enabled: bool,
    /// Model: a folder name under `models_dir`, or a path to a model folder (env
    /// `MADOGUCHI_DENSE_MODEL`). `madoguchi model fetch` downloads known models.
    pub model: String,
    /// Folder of model folders (env `MADOGUCHI_MODELS_DIR`); default `<data_dir>/models`.
    pub models_dir: Option<PathBuf>,
    /// The ONNX Runtime shared library (env `MADOGUCHI_ORT_LIBRARY` or
    /// `ORT_DYLIB_PATH`); default `<data_dir>/runtime/libonnxruntime.so`, where
    /// `scripts/setup.sh` puts the one from the PyPI `onnxruntime` wheel.
    pub runtime_library: Option<PathBuf>,
    /// Download the model at start-up when its folder is missing (needs a network; off
    /// by default so that a closed network never waits on a download).
    pub allow_download: bool,
    /// Entries fetched from the vector index.
    pub top_k: usize,
    /// Skip embedding when keyword retrieval already answers with at least this
    /// confidence.
    pub skip_above_confidence: f32,
    /// Reciprocal rank fusion constant (smaller favours the top of each list).
    pub rrf_k: f32,
    /// Weight of the keyword ranking in the fusion.
    pub keyword_weight: f32,
    /// Weight of the dense ranking in the fusion.
    pub dense_weight: f32,
    /// Most confidence that dense similarity alone can give a candidate. Below
    /// `decide.answer_min_confidence`, dense evidence can suggest an entry but never
    /// answers on its own.
    pub max_confidence: f32,
    /// Texts per embedding batch when indexing.
    pub batch_size: usize,
}

impl Default for DenseConfig {
    fn default() -> Self {
        DenseConfig {
            enabled: true,
            model: "multilingual-e5-small".to_string(),
            models_dir: None,
            runtime_library: None,
            allow_download: false,
            top_k: 20,
            skip_above_confidence: 0.8,
            rrf_k: 20.0,
            keyword_weight: 1.0,
            dense_weight: 1.0,
            max_confidence: 0.54,
            batch_size: 32,
        }
    }
}

impl DenseConfig {
    /// The model folder: `model` itself when it names a path, else under `models_dir`.
    pub fn model_dir(&self, data_dir: &Path) -> PathBuf {
        let m = Path::new(&self.model);
        if m.components().count() > 1 || m.is_absolute() {
            m.to_path_buf()
        } else {
            self.models_dir(data_dir).join(m)
        }
    }

    /// The folder of model folders.
    pub fn models_dir(&self, data_dir: &Path) -> PathBuf {
        self.models_dir
            .clone()
            .unwrap_or_else(|| data_dir.join("models"))
    }

    /// The ONNX Runtime library to load.
    pub fn runtime_library(&self, data_dir: &Path) -> PathBuf {
        self.runtime_library
            .clone()
            .unwrap_or_else(|| data_dir.join("runtime").join("libonnxruntime.so"))
    }

    pub(super) fn apply_env(
        &mut self,
        env: &dyn Fn(&str) -> Option<OsString>,
    ) -> Result<(), ConfigError> {
        if let Some(v) = env("MADOGUCHI_DENSE") {
            self.enabled = match v.to_string_lossy().to_ascii_lowercase().as_str() {
                "on" | "true" | "1" | "yes" => true,
                "off" | "false" | "0" | "no" => false,
                other => {
                    return Err(ConfigError::Invalid(vec![format!(
                        "MADOGUCHI_DENSE = {other:?}: must be on or off"
                    )]))
                }
            };
        }
        if let Some(v) = env("MADOGUCHI_DENSE_MODEL") {
            self.model = v.to_string_lossy().into_owned();
        }
        if let Some(v) = env("MADOGUCHI_MODELS_DIR") {
            self.models_dir = Some(v.into());
        }
        if let Some(v) = env("MADOGUCHI_ORT_LIBRARY").or_else(|| env("ORT_DYLIB_PATH")) {
            self.runtime_library = Some(v.into());
        }
        Ok(())
    }

    pub(super) fn validate(&self, p: &mut Vec<String>) {
        if self.model.trim().is_empty() {
            p.push("dense.model must name a model folder, e.g. multilingual-e5-small".into());
        }
        for (name, v) in [
            ("dense.skip_above_confidence", self.skip_above_confidence),
            ("dense.max_confidence", self.max_confidence),
        ] {
            if !(0.0..=1.0).contains(&v) {
                p.push(format!("{name} = {v}: must be between 0 and 1"));
            }
        }
        for (name, v) in [
            ("dense.rrf_k", self.rrf_k),
            ("dense.keyword_weight", self.keyword_weight),
            ("dense.dense_weight", self.dense_weight),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                p.push(format!("{name} = {v}: must be a non-negative number"));
            }
        }
        if self.top_k == 0 || self.top_k > 1000 {
            p.push(format!("dense.top_k = {}: must be 1–1000", self.top_k));
        }
        if self.batch_size == 0 || self.batch_size > 1024 {
            p.push(format!(
                "dense.batch_size = {}: must be 1–1024",
                self.batch_size
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_name_lives_under_the_models_folder_a_path_is_taken_as_is() {
        let mut c = DenseConfig::default();
        assert_eq!(
            c.model_dir(Path::new("data")),
            Path::new("data/models/multilingual-e5-small")
        );
        c.model = "tests/fixtures/tiny-model".into();
        assert_eq!(
            c.model_dir(Path::new("data")),
            Path::new("tests/fixtures/tiny-model")
        );
    }

    #[test]
    fn env_switches_and_rejects_nonsense() {
        let mut c = DenseConfig::default();
        let off = |k: &str| (k == "MADOGUCHI_DENSE").then(|| OsString::from("off"));
        c.apply_env(&off).unwrap();
        assert!(!c.enabled);
        let bad = |k: &str| (k == "MADOGUCHI_DENSE").then(|| OsString::from("maybe"));
        assert!(c
            .apply_env(&bad)
            .unwrap_err()
            .to_string()
            .contains("on or off"));
        let lib = |k: &str| (k == "ORT_DYLIB_PATH").then(|| OsString::from("/x/libonnxruntime.so"));
        c.apply_env(&lib).unwrap();
        assert_eq!(
            c.runtime_library(Path::new("data")),
            Path::new("/x/libonnxruntime.so")
        );
    }

    #[test]
    fn bad_values_are_listed() {
        let c = DenseConfig {
            max_confidence: 2.0,
            top_k: 0,
            rrf_k: -1.0,
            ..DenseConfig::default()
        };
        let mut p = Vec::new();
        c.validate(&mut p);
        assert_eq!(p.len(), 3, "{p:?}");
    }
}
