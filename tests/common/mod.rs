//! Shared helpers for integration tests: the repo's dictionary (built once, safely
//! across parallel test processes) and engines over fixture knowledge.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use madoguchi::analysis::{dictionary, Analyzer, AnalyzerFiles};
use madoguchi::{Config, Engine};

pub mod curation;

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Config pointing at the repo's tokenizer-dict, `knowledge`, and a private data dir.
pub fn config(knowledge: &Path, data: &Path) -> Config {
    let mut c = Config::default();
    c.paths.tokenizer_dir = repo().join("tokenizer-dict");
    c.paths.knowledge_dir = knowledge.to_path_buf();
    c.paths.data_dir = data.to_path_buf();
    if let Some(src) = std::env::var_os("MADOGUCHI_IPADIC_SOURCE") {
        c.paths.ipadic_source = src.into();
    }
    c
}

/// Builds the system dictionary if needed (concurrency-safe) and returns its folder.
pub fn dictionary_dir() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let c = config(Path::new("knowledge"), Path::new("data"));
            let dir = c.paths.dictionary_dir();
            dictionary::build_dictionary(&c.paths.ipadic_source, &dir, &|_| {})
                .unwrap_or_else(|e| panic!("tests need the IPADIC sources: {e}"));
            dir
        })
        .clone()
}

/// An analyzer with the repo's user dictionary and synonyms (or without both).
pub fn analyzer(with_user_data: bool) -> Analyzer {
    let dir = dictionary_dir();
    let files = if with_user_data {
        AnalyzerFiles::in_dir(&repo().join("tokenizer-dict"))
    } else {
        AnalyzerFiles::default()
    };
    Analyzer::load(&dir, &files).unwrap()
}

/// Path of the fixture knowledge base.
pub fn fixture_kb() -> PathBuf {
    repo().join("tests/fixtures/kb")
}

/// The ONNX Runtime library installed by `scripts/setup.sh` (or named by
/// `MADOGUCHI_ORT_LIBRARY` / `ORT_DYLIB_PATH`). Dense tests need it and fail, rather
/// than pass silently, without it.
pub fn ort_library() -> PathBuf {
    let lib = std::env::var_os("MADOGUCHI_ORT_LIBRARY")
        .or_else(|| std::env::var_os("ORT_DYLIB_PATH"))
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("data/runtime/libonnxruntime.so"));
    assert!(
        lib.is_file(),
        "dense retrieval tests need the ONNX Runtime library at {}: run `bash scripts/setup.sh`",
        lib.display()
    );
    lib
}

/// The committed tiny embedding model (tests/fixtures/tiny-model; proves the
/// plumbing, not a quality model).
pub fn tiny_model() -> PathBuf {
    repo().join("tests/fixtures/tiny-model")
}

/// Turns on dense retrieval with the tiny fixture model.
pub fn with_tiny_model(c: &mut Config) {
    c.dense.enabled = true;
    c.dense.model = tiny_model().to_string_lossy().into_owned();
    c.dense.runtime_library = Some(ort_library());
}

/// An engine over `knowledge` with its index in a fresh temporary folder.
pub fn engine(knowledge: &Path) -> (Engine, tempfile::TempDir) {
    dictionary_dir();
    let data = tempfile::tempdir().unwrap();
    let (engine, _) = Engine::open(&config(knowledge, data.path()), &|_| {}).unwrap();
    (engine, data)
}

/// The id answered for `q`, or the decision name when there is no answer.
pub fn answered(engine: &Engine, q: &str) -> String {
    let r = engine.ask(q).unwrap();
    match r.answer {
        Some(a) => a.entry.id,
        None => r.decision.as_str().to_string(),
    }
}

/// Two turns of a national conversation from a fresh context: both responses.
pub fn two_turns(
    engine: &Engine,
    first: &str,
    second: &str,
) -> (madoguchi::respond::Response, madoguchi::respond::Response) {
    let (r1, ctx) = engine
        .converse(first, "national", &madoguchi::converse::Context::default())
        .unwrap();
    let (r2, _) = engine.converse(second, "national", &ctx).unwrap();
    (r1, r2)
}

/// The id of the entry a response answers with, if any.
pub fn answer_id(r: &madoguchi::respond::Response) -> Option<&str> {
    r.answer.as_ref().map(|a| a.entry.id.as_str())
}

/// HTTP helpers: the real router, driven in-process.
pub mod http {
    use std::net::SocketAddr;
    use std::sync::Arc;

    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use axum::http::{Request, StatusCode};
    use axum::Router;
    use http_body_util::BodyExt;
    use madoguchi::server::tenants::Tenants;
    use madoguchi::server::{router, AppState};
    use madoguchi::{Config, Engine};
    use tower::ServiceExt;

    /// The admin token of test servers that enable the dashboard.
    pub const TOKEN: &str = "test-admin-token-0123456789";

    /// A server over the fixture knowledge, with `adjust` applied to its config.
    pub fn app(adjust: impl FnOnce(&mut Config)) -> (Router, Arc<AppState>, tempfile::TempDir) {
        app_over(&super::fixture_kb(), adjust)
    }

    /// A copy of the fixture knowledge in a temporary folder, for tests that edit it.
    pub fn fixture_copy() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let mut stack = vec![super::fixture_kb()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                let rel = p.strip_prefix(super::fixture_kb()).unwrap();
                if p.is_dir() {
                    std::fs::create_dir_all(dir.path().join(rel)).unwrap();
                    stack.push(p);
                } else {
                    std::fs::copy(&p, dir.path().join(rel)).unwrap();
                }
            }
        }
        dir
    }

    /// A server over the knowledge in `kb`, with `adjust` applied to its config.
    pub fn app_over(
        kb: &std::path::Path,
        adjust: impl FnOnce(&mut Config),
    ) -> (Router, Arc<AppState>, tempfile::TempDir) {
        super::dictionary_dir();
        let data = tempfile::tempdir().unwrap();
        let mut config = super::config(kb, data.path());
        adjust(&mut config);
        let (engine, _) = Engine::open(&config, &|_| {}).unwrap();
        let tenants = Tenants::load(&config.paths.knowledge_dir).unwrap();
        let state = Arc::new(AppState::new(Arc::new(engine), tenants, config).unwrap());
        (router(state.clone()), state, data)
    }

    /// Sends one request from `client` and returns status, headers and body.
    pub async fn send(
        app: &Router,
        mut req: Request<Body>,
        client: [u8; 4],
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((client, 40000))));
        let res = app.clone().oneshot(req).await.unwrap();
        let (parts, body) = res.into_parts();
        (
            parts.status,
            parts.headers,
            body.collect().await.unwrap().to_bytes().to_vec(),
        )
    }

    /// A JSON POST.
    pub fn post(uri: &str, json: &str) -> Request<Body> {
        Request::post(uri)
            .header("content-type", "application/json")
            .body(Body::from(json.to_string()))
            .unwrap()
    }

    /// A GET.
    pub fn get(uri: &str) -> Request<Body> {
        Request::get(uri).body(Body::empty()).unwrap()
    }

    /// `req` with `Authorization: Bearer <token>`.
    pub fn bearer(mut req: Request<Body>, token: &str) -> Request<Body> {
        req.headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        req
    }

    /// A form POST (`application/x-www-form-urlencoded`).
    pub fn form(uri: &str, body: &str) -> Request<Body> {
        Request::post(uri)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body.to_string()))
            .unwrap()
    }

    /// Parses a JSON body.
    pub fn json(body: &[u8]) -> serde_json::Value {
        serde_json::from_slice(body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(body)))
    }
}
