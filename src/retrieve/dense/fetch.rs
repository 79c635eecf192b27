//! Downloading a known model into a model folder, where a network exists (feature
//! `online`). Files come from the Hugging Face hub through `hf-hub`, the client
//! fastembed itself uses, with the repository and ONNX file fastembed lists for the
//! model; madoguchi then writes `madoguchi-model.toml` beside them. The finished
//! folder can be copied onto a closed network as is.

use std::path::{Path, PathBuf};

use fastembed::{EmbeddingModel, TextEmbedding};

use super::model::{self, ModelSpec, PoolingKind, MODEL_FILES, SPEC_FILE};
use super::DenseError;

/// A model madoguchi knows how to use: fastembed's entry plus our settings.
#[derive(Debug, Clone)]
pub struct KnownModel {
    pub name: &'static str,
    pub model: EmbeddingModel,
    pub query_prefix: &'static str,
    pub passage_prefix: &'static str,
    /// Starting points for the similarity calibration (e5 similarities of unrelated
    /// Japanese texts sit around 0.75–0.8); tune them with `madoguchi eval`.
    pub similarity_floor: f32,
    pub similarity_full: f32,
}

/// Models `madoguchi model fetch` can download.
pub fn known() -> Vec<KnownModel> {
    vec![
        KnownModel {
            name: "multilingual-e5-small",
            model: EmbeddingModel::MultilingualE5Small,
            query_prefix: "query: ",
            passage_prefix: "passage: ",
            similarity_floor: 0.80,
            similarity_full: 0.92,
        },
        KnownModel {
            name: "multilingual-e5-base",
            model: EmbeddingModel::MultilingualE5Base,
            query_prefix: "query: ",
            passage_prefix: "passage: ",
            similarity_floor: 0.80,
            similarity_full: 0.92,
        },
    ]
}

/// Downloads model `name` into `dir` (replacing an incomplete folder; a complete one
/// is left alone unless `force`). Shows download progress when `progress`.
pub fn fetch(name: &str, dir: &Path, force: bool, progress: bool) -> Result<PathBuf, DenseError> {
    let known = known();
    let Some(k) = known.iter().find(|k| k.name == name) else {
        return Err(DenseError::Download(format!(
            "unknown model `{name}`; known: {}. Any other ONNX sentence-embedding model works when its folder is copied in with a {SPEC_FILE}",
            known.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
        )));
    };
    if !force && model::folder_problems(dir).is_empty() {
        return Ok(dir.to_path_buf());
    }
    let info =
        TextEmbedding::get_model_info(&k.model).map_err(|e| DenseError::Download(e.to_string()))?;
    let parent = dir.parent().unwrap_or(Path::new("."));
    let cache = parent.join(".hub-cache");
    let api = hf_hub::api::sync::ApiBuilder::new()
        .with_cache_dir(cache)
        .with_progress(progress)
        .build()
        .map_err(|e| DenseError::Download(e.to_string()))?;
    let repo = api.model(info.model_code.clone());
    let tmp = crate::fsutil::temp_sibling(dir);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e: std::io::Error| DenseError::Download(format!("{}: {e}", path.display()))
    };
    // Download everything first (into the hub cache), then assemble the folder.
    let mut got = Vec::new();
    for file in MODEL_FILES {
        let remote = if file == "model.onnx" {
            info.model_file.as_str()
        } else {
            file
        };
        let path = repo
            .get(remote)
            .map_err(|e| DenseError::Download(format!("{}/{remote}: {e}", info.model_code)))?;
        got.push((file, path));
    }
    std::fs::create_dir_all(&tmp).map_err(io(&tmp))?;
    for (file, path) in got {
        std::fs::copy(&path, tmp.join(file)).map_err(io(&tmp.join(file)))?;
    }
    let spec = ModelSpec {
        name: k.name.to_string(),
        dim: info.dim,
        pooling: PoolingKind::Mean,
        query_prefix: k.query_prefix.to_string(),
        passage_prefix: k.passage_prefix.to_string(),
        max_length: 512,
        similarity_floor: k.similarity_floor,
        similarity_full: k.similarity_full,
    };
    let text = toml::to_string(&spec).map_err(|e| DenseError::Download(e.to_string()))?;
    let header = format!(
        "# How madoguchi uses this model ({}, downloaded by `madoguchi model fetch`).\n",
        info.model_code
    );
    std::fs::write(tmp.join(SPEC_FILE), header + &text).map_err(io(&tmp.join(SPEC_FILE)))?;
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(io(dir))?;
    }
    std::fs::rename(&tmp, dir).map_err(io(dir))?;
    Ok(dir.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_model_is_refused_with_the_known_ones_listed() {
        let dir = tempfile::tempdir().unwrap();
        let err = fetch("no-such-model", &dir.path().join("m"), false, false).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("multilingual-e5-small"), "{msg}");
        assert!(!dir.path().join("m").exists());
    }

    #[test]
    fn a_complete_folder_is_not_downloaded_again() {
        // The tiny fixture is a complete folder: no network is touched.
        let fixture =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny-model");
        let out = fetch("multilingual-e5-small", &fixture, false, false).unwrap();
        assert_eq!(out, fixture);
    }

    #[test]
    fn known_models_exist_in_fastembed() {
        for k in known() {
            let info = TextEmbedding::get_model_info(&k.model).unwrap();
            assert!(
                info.model_code.starts_with("intfloat/"),
                "{}",
                info.model_code
            );
            assert!(k.similarity_floor < k.similarity_full);
        }
    }
}
