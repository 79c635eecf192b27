//! Typed configuration: defaults → file (`madoguchi.toml`) → environment, validated
//! once at start-up with messages that say which setting is wrong and what is allowed.
//!
//! Environment variables: `MADOGUCHI_CONFIG` (file), `MADOGUCHI_KNOWLEDGE_DIR`,
//! `MADOGUCHI_DATA_DIR`, `MADOGUCHI_TOKENIZER_DIR`, `MADOGUCHI_IPADIC_SOURCE`,
//! `MADOGUCHI_ADDR`, `MADOGUCHI_ADMIN_TOKEN`; dense retrieval: `MADOGUCHI_DENSE`
//! (`on`/`off`), `MADOGUCHI_DENSE_MODEL`, `MADOGUCHI_MODELS_DIR`, and
//! `MADOGUCHI_ORT_LIBRARY` or `ORT_DYLIB_PATH` (the ONNX Runtime library).

mod dense;

pub use dense::DenseConfig;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Errors of configuration loading.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path} is invalid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("invalid configuration:\n  {}", .0.join("\n  "))]
    Invalid(Vec<String>),
}

/// The whole configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub paths: Paths,
    pub retrieve: RetrieveConfig,
    pub decide: DecideConfig,
    pub limits: Limits,
    pub server: ServerConfig,
    pub curation: CurationConfig,
    pub dense: DenseConfig,
}

/// A secret (the admin token): never shown by `Debug` or serialization.
#[derive(Clone, Default, Deserialize, PartialEq)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("***")
    }
}

/// The curation loop: what is logged, for how long, the admin dashboard, hot reload.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct CurationConfig {
    /// Log questions for curation (to `<data_dir>/curation.sqlite3`).
    pub enabled: bool,
    /// Answers below this confidence are logged too (abstain and suggest always are).
    pub log_below_confidence: f32,
    /// Events waiting to be written at most; beyond, they are dropped and counted.
    pub queue_capacity: usize,
    /// Logged questions and feedback older than this are deleted (0 = keep forever).
    pub retention_days: u32,
    /// Bearer token of the `/admin/` dashboard (env `MADOGUCHI_ADMIN_TOKEN`); no
    /// token, no dashboard.
    pub admin_token: Option<Secret>,
    /// Rebuild and swap the engine when files under the knowledge folder change.
    pub watch_knowledge: bool,
    /// How often the knowledge folder is checked for changes.
    pub watch_interval_ms: u64,
    /// The latest eval report, linked from the dashboard.
    pub eval_report: PathBuf,
}

impl Default for CurationConfig {
    fn default() -> Self {
        CurationConfig {
            enabled: true,
            log_below_confidence: 0.7,
            queue_capacity: 10_000,
            retention_days: 90,
            admin_token: None,
            watch_knowledge: true,
            watch_interval_ms: 2000,
            eval_report: PathBuf::from("eval/report/index.html"),
        }
    }
}

/// HTTP server settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to listen on (env `MADOGUCHI_ADDR`).
    pub addr: String,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// Requests taking longer are answered with 408.
    pub request_timeout_ms: u64,
    /// Sustained requests per second allowed per client IP.
    pub rate_limit_per_second: u32,
    /// Requests a client IP may burst above the sustained rate.
    pub rate_limit_burst: u32,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            addr: "127.0.0.1:8080".to_string(),
            body_limit_bytes: 16 * 1024,
            request_timeout_ms: 10_000,
            rate_limit_per_second: 20,
            rate_limit_burst: 40,
        }
    }
}

/// Where things live. Relative paths are relative to the working directory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Paths {
    /// FAQ files.
    pub knowledge_dir: PathBuf,
    /// User dictionary, synonyms, and (git-ignored) the built IPADIC dictionary.
    pub tokenizer_dir: PathBuf,
    /// IPADIC sources (Debian `mecab-ipadic`).
    pub ipadic_source: PathBuf,
    /// Generated data: the search index and the curation database.
    pub data_dir: PathBuf,
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            knowledge_dir: PathBuf::from("knowledge"),
            tokenizer_dir: PathBuf::from("tokenizer-dict"),
            ipadic_source: PathBuf::from(crate::analysis::dictionary::DEFAULT_IPADIC_SOURCE),
            data_dir: PathBuf::from("data"),
        }
    }
}

impl Paths {
    /// Folder of the built system dictionary.
    pub fn dictionary_dir(&self) -> PathBuf {
        self.tokenizer_dir.join("ipadic")
    }
    /// The analyzer's data files found in the tokenizer folder.
    pub fn analyzer_files(&self) -> crate::analysis::AnalyzerFiles {
        crate::analysis::AnalyzerFiles::in_dir(&self.tokenizer_dir)
    }
    /// The curation database.
    pub fn curation_db(&self) -> PathBuf {
        self.data_dir.join("curation.sqlite3")
    }
    /// Folder of the keyword index.
    pub fn index_dir(&self) -> PathBuf {
        self.data_dir.join("index")
    }
}

/// Keyword retrieval settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct RetrieveConfig {
    /// Candidates fetched from the index before deciding.
    pub top_k: usize,
    /// BM25 boost of the main question field.
    pub boost_question: f32,
    /// BM25 boost of the paraphrase (alt_questions + category) field.
    pub boost_alt: f32,
    /// BM25 boost of the answer field.
    pub boost_answer: f32,
    /// BM25 boost of the reading-bigram field.
    pub boost_kana: f32,
    /// Credit (0–1) for a question word found only in an entry's answer.
    pub answer_credit: f32,
    /// Weight of the normalized BM25 score in the ranking (the rest is confidence).
    pub rank_bm25_weight: f32,
    /// Share (0–1) of that retrieval evidence taken from the entry's best single
    /// phrasing instead of its pooled BM25 score; it tells neighbouring entries apart.
    pub phrasing_weight: f32,
    /// Ranking bonus (0–1) for the asking municipality's own entries over national
    /// ones: local answers (counters, local rules) are more useful when close.
    pub local_bonus: f32,
    /// Ranking bonus (0–1) for an entry whose own question asks about the same aspect
    /// as the resident's (cost, duration, date, place, way, documents, who): siblings on
    /// one topic differ by what they answer about it.
    pub aspect_bonus: f32,
    /// Weight (0–1) in the ranking of how much the question resembles an entry's
    /// phrasings, character by character (see [`crate::retrieve::resemblance`]).
    pub resemblance_weight: f32,
    /// Most credit (0–1) for a question word matched only by its reading n-grams.
    pub fuzzy_word_credit: f32,
    /// Credit (0–1) for a question word found only as the start or end of a longer
    /// word of the entry (カード in an entry that says マイナンバーカード).
    pub compound_credit: f32,
}

impl Default for RetrieveConfig {
    fn default() -> Self {
        RetrieveConfig {
            top_k: 20,
            boost_question: 1.5,
            boost_alt: 1.0,
            boost_answer: 0.3,
            boost_kana: 0.3,
            answer_credit: 0.5,
            rank_bm25_weight: 0.3,
            phrasing_weight: 0.5,
            fuzzy_word_credit: 0.7,
            compound_credit: 0.85,
            local_bonus: 0.2,
            aspect_bonus: 0.03,
            resemblance_weight: 0.15,
        }
    }
}

/// Decision thresholds (answer / suggest / abstain).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct DecideConfig {
    /// Minimum confidence of the top candidate to answer directly.
    pub answer_min_confidence: f32,
    /// Minimum lead of the top candidate's ranking score over the next one to answer.
    pub answer_min_margin: f32,
    /// Minimum confidence for a candidate to be suggested; below it for all → abstain.
    pub suggest_min_confidence: f32,
    /// At most this many suggestions.
    pub max_suggestions: usize,
    /// Weight of reading (kana) evidence for questions with no hiragana.
    pub kana_weight_base: f32,
    /// Weight of reading (kana) evidence for all-hiragana questions.
    pub kana_weight_hiragana: f32,
}

impl Default for DecideConfig {
    fn default() -> Self {
        DecideConfig {
            answer_min_confidence: 0.55,
            answer_min_margin: 0.04,
            suggest_min_confidence: 0.42,
            max_suggestions: 3,
            kana_weight_base: 0.15,
            kana_weight_hiragana: 0.8,
        }
    }
}

/// Input limits.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Longest question accepted, in characters.
    pub max_question_chars: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_question_chars: 1000,
        }
    }
}

impl Config {
    /// Defaults, then `file` (or `$MADOGUCHI_CONFIG`, or `./madoguchi.toml` if present),
    /// then environment variables; validated.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        let explicit = file
            .map(Path::to_path_buf)
            .or_else(|| env("MADOGUCHI_CONFIG").map(PathBuf::from));
        let mut config = match explicit {
            Some(path) => Self::from_file(&path)?,
            None if Path::new("madoguchi.toml").is_file() => {
                Self::from_file(Path::new("madoguchi.toml"))?
            }
            None => Config::default(),
        };
        if let Some(v) = env("MADOGUCHI_KNOWLEDGE_DIR") {
            config.paths.knowledge_dir = v.into();
        }
        if let Some(v) = env("MADOGUCHI_DATA_DIR") {
            config.paths.data_dir = v.into();
        }
        if let Some(v) = env("MADOGUCHI_TOKENIZER_DIR") {
            config.paths.tokenizer_dir = v.into();
        }
        if let Some(v) = env("MADOGUCHI_ADDR") {
            config.server.addr = v.to_string_lossy().into_owned();
        }
        if let Some(v) = env("MADOGUCHI_ADMIN_TOKEN") {
            config.curation.admin_token = Some(Secret(v.to_string_lossy().into_owned()));
        }
        if let Some(v) = env("MADOGUCHI_IPADIC_SOURCE") {
            config.paths.ipadic_source = v.into();
        }
        config.dense.apply_env(&env)?;
        config.validate()?;
        Ok(config)
    }

    /// Reads a config file (missing keys keep their defaults).
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.into(),
            source: e,
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.into(),
            message: e.to_string(),
        })
    }

    /// Checks ranges and relations between settings; lists every problem.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut p = Vec::new();
        let unit = |name: &str, v: f32, p: &mut Vec<String>| {
            if !(0.0..=1.0).contains(&v) {
                p.push(format!("{name} = {v}: must be between 0 and 1"));
            }
        };
        let d = &self.decide;
        unit(
            "decide.answer_min_confidence",
            d.answer_min_confidence,
            &mut p,
        );
        unit("decide.answer_min_margin", d.answer_min_margin, &mut p);
        unit(
            "decide.suggest_min_confidence",
            d.suggest_min_confidence,
            &mut p,
        );
        unit("decide.kana_weight_base", d.kana_weight_base, &mut p);
        unit(
            "decide.kana_weight_hiragana",
            d.kana_weight_hiragana,
            &mut p,
        );
        unit(
            "retrieve.answer_credit",
            self.retrieve.answer_credit,
            &mut p,
        );
        unit(
            "retrieve.rank_bm25_weight",
            self.retrieve.rank_bm25_weight,
            &mut p,
        );
        unit(
            "retrieve.compound_credit",
            self.retrieve.compound_credit,
            &mut p,
        );
        unit("retrieve.local_bonus", self.retrieve.local_bonus, &mut p);
        unit("retrieve.aspect_bonus", self.retrieve.aspect_bonus, &mut p);
        unit(
            "retrieve.resemblance_weight",
            self.retrieve.resemblance_weight,
            &mut p,
        );
        unit(
            "retrieve.phrasing_weight",
            self.retrieve.phrasing_weight,
            &mut p,
        );
        if d.suggest_min_confidence > d.answer_min_confidence {
            p.push(format!(
                "decide.suggest_min_confidence ({}) must not exceed decide.answer_min_confidence ({})",
                d.suggest_min_confidence, d.answer_min_confidence
            ));
        }
        if d.max_suggestions == 0 || d.max_suggestions > 10 {
            p.push(format!(
                "decide.max_suggestions = {}: must be 1–10",
                d.max_suggestions
            ));
        }
        let r = &self.retrieve;
        if r.top_k == 0 || r.top_k > 1000 {
            p.push(format!("retrieve.top_k = {}: must be 1–1000", r.top_k));
        }
        for (name, v) in [
            ("retrieve.boost_question", r.boost_question),
            ("retrieve.boost_alt", r.boost_alt),
            ("retrieve.boost_answer", r.boost_answer),
            ("retrieve.boost_kana", r.boost_kana),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                p.push(format!("{name} = {v}: must be a non-negative number"));
            }
        }
        if self.limits.max_question_chars == 0 || self.limits.max_question_chars > 100_000 {
            p.push(format!(
                "limits.max_question_chars = {}: must be 1–100000",
                self.limits.max_question_chars
            ));
        }
        let srv = &self.server;
        if srv.addr.parse::<std::net::SocketAddr>().is_err() {
            p.push(format!("server.addr = {:?}: must be HOST:PORT with an IP host, e.g. 127.0.0.1:8080 or 0.0.0.0:8080", srv.addr));
        }
        if !(1024..=10 * 1024 * 1024).contains(&srv.body_limit_bytes) {
            p.push(format!(
                "server.body_limit_bytes = {}: must be 1024–10485760",
                srv.body_limit_bytes
            ));
        }
        if !(100..=600_000).contains(&srv.request_timeout_ms) {
            p.push(format!(
                "server.request_timeout_ms = {}: must be 100–600000",
                srv.request_timeout_ms
            ));
        }
        if srv.rate_limit_per_second == 0 || srv.rate_limit_burst == 0 {
            p.push(
                "server.rate_limit_per_second and server.rate_limit_burst must be at least 1"
                    .to_string(),
            );
        }
        let c = &self.curation;
        unit(
            "curation.log_below_confidence",
            c.log_below_confidence,
            &mut p,
        );
        if !(1..=1_000_000).contains(&c.queue_capacity) {
            p.push(format!(
                "curation.queue_capacity = {}: must be 1–1000000",
                c.queue_capacity
            ));
        }
        if !(100..=3_600_000).contains(&c.watch_interval_ms) {
            p.push(format!(
                "curation.watch_interval_ms = {}: must be 100–3600000",
                c.watch_interval_ms
            ));
        }
        if let Some(Secret(t)) = &c.admin_token {
            if t.chars().count() < 16 || t.chars().any(|ch| ch.is_whitespace() || ch.is_control()) {
                p.push("curation.admin_token (or MADOGUCHI_ADMIN_TOKEN): must be at least 16 characters without spaces, e.g. `openssl rand -hex 24`".to_string());
            }
        }
        self.dense.validate(&mut p);
        if p.is_empty() {
            Ok(())
        } else {
            Err(ConfigError::Invalid(p))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        Config::default().validate().unwrap();
    }

    #[test]
    fn every_bad_setting_is_listed() {
        let mut c = Config::default();
        c.decide.answer_min_confidence = 1.5;
        c.decide.max_suggestions = 0;
        c.retrieve.top_k = 0;
        let msg = c.validate().unwrap_err().to_string();
        assert!(msg.contains("answer_min_confidence"), "{msg}");
        assert!(msg.contains("max_suggestions"), "{msg}");
        assert!(msg.contains("top_k"), "{msg}");
    }

    #[test]
    fn file_overrides_defaults_and_rejects_typos() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("m.toml");
        std::fs::write(&f, "[decide]\nanswer_min_confidence = 0.7\n").unwrap();
        let c = Config::from_file(&f).unwrap();
        assert_eq!(c.decide.answer_min_confidence, 0.7);
        assert_eq!(
            c.decide.max_suggestions,
            DecideConfig::default().max_suggestions
        );
        std::fs::write(&f, "[decide]\nanswer_min_confidense = 0.7\n").unwrap();
        assert!(Config::from_file(&f)
            .unwrap_err()
            .to_string()
            .contains("answer_min_confidense"));
    }
}
