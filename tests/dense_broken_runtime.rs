//! A file that is not an ONNX Runtime library (a wrong `ORT_DYLIB_PATH`, a truncated
//! copy) turns dense retrieval off with a message naming the file; it never panics
//! and never stops answering. Why: ONNX Runtime itself panics on a bad library, and
//! operators on closed networks copy these files by hand. (Its own test binary: the
//! runtime is loaded once per process.)

mod common;

use madoguchi::Engine;

#[test]
fn a_bad_runtime_library_means_keyword_only_with_a_clear_reason() {
    common::dictionary_dir();
    let data = tempfile::tempdir().unwrap();
    let bogus = data.path().join("libonnxruntime.so");
    std::fs::write(&bogus, b"not a shared library").unwrap();
    let mut c = common::config(&common::fixture_kb(), data.path());
    c.dense.model = common::tiny_model().to_string_lossy().into_owned();
    c.dense.runtime_library = Some(bogus.clone());
    let (engine, report) = Engine::open(&c, &|_| {}).unwrap();
    assert!(!report.dense.enabled);
    let reason = &engine.dense_status().reason;
    assert!(reason.contains(&bogus.display().to_string()), "{reason}");
    assert!(
        reason.contains("scripts/setup.sh"),
        "says how to fix it: {reason}"
    );
    let r = engine.ask("児童手当はいつ支給されますか").unwrap();
    assert_eq!(r.sources, ["keyword"]);
    assert_eq!(r.decision.as_str(), "answer");
}
