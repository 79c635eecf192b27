//! Fuzz target: the `/v1/ask` request decoder (`AskRequest::decode`: content type,
//! JSON body, field limits — the handler's code path) and, for accepted requests, the
//! engine's input checks and the engine itself (single questions and two turns of a
//! conversation) over the repository's knowledge.
//!
//! Input: the first byte picks the content type (a few fixed ones, or the bytes up to
//! the first newline), the rest is the body.
//!
//! Invariants: only `invalid_json` (400) and `unsupported_media_type` (415) reject a
//! body, and JSON content types are never 415; an accepted body is a JSON object with
//! only the known keys (or serde's positional array form), whose `q` is the decoded
//! question; the question is rejected
//! exactly when it is blank or too long, with the API's codes; an accepted question
//! always gets a decision (never `internal`) whose scores are in 0–1 and whose JSON
//! serializes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use madoguchi::converse::Context;
use madoguchi::decide::DecisionKind;
use madoguchi::engine::{check_question, AskError};
use madoguchi::knowledge::NATIONAL;
use madoguchi::respond::Response;
use madoguchi::server::error::ApiError;
use madoguchi::server::handlers::{AskRequest, MAX_SESSION_CHARS};

/// Content types the first input byte chooses from (`None`: no header); a sixth choice
/// takes the content type from the input.
const CONTENT_TYPES: [Option<&str>; 5] = [
    Some("application/json"),
    Some("application/json; charset=utf-8"),
    Some("application/vnd.api+json"),
    None,
    Some("text/plain"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (content_type, body, json_type) = match CONTENT_TYPES.get(usize::from(selector % 6)) {
        Some(ct) => (ct.map(str::to_string), rest, selector % 6 < 3),
        None => {
            let cut = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            let ct = String::from_utf8_lossy(&rest[..cut]).into_owned();
            (Some(ct), rest.get(cut + 1..).unwrap_or(&[]), false)
        }
    };
    let decoded = AskRequest::decode(content_type.as_deref(), body);
    let req = match decoded {
        Ok(req) => req,
        Err(e) => {
            let (code, status) = e.code_and_status();
            assert!(
                matches!(code, "invalid_json" | "unsupported_media_type"),
                "unexpected rejection {code}"
            );
            assert!(!(json_type && e == ApiError::UnsupportedMediaType));
            assert!(status.is_client_error() && !e.message().is_empty());
            return;
        }
    };
    if selector % 6 < 5 {
        assert!(json_type, "accepted {content_type:?}");
    }
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => panic!("accepted a body that is not JSON: {e}"),
    };
    // serde's derived structs also accept the fields as an array, in order
    // (`["児童手当", null, "s1"]`): known, left as is (see the fuzzing notes).
    let q = match &value {
        serde_json::Value::Object(object) => {
            assert!(object
                .keys()
                .all(|k| matches!(k.as_str(), "q" | "tenant" | "session")));
            object.get("q")
        }
        serde_json::Value::Array(fields) => {
            assert!((1..=3).contains(&fields.len()), "{} fields", fields.len());
            fields.first()
        }
        other => panic!("accepted a body that is neither object nor array: {other}"),
    };
    assert_eq!(q.and_then(|q| q.as_str()), Some(req.q.as_str()));
    assert!(req
        .session
        .as_ref()
        .is_none_or(|s| s.chars().count() <= MAX_SESSION_CHARS));

    let engine = madoguchi_fuzz::engine();
    let max = engine.config().limits.max_question_chars;
    let chars = req.q.chars().count();
    match check_question(&req.q, max) {
        Ok(()) => assert!(chars <= max && !req.q.trim().is_empty()),
        Err(e) => {
            match &e {
                AskError::TooLong { .. } => assert!(chars > max),
                AskError::Empty => assert!(req.q.trim().is_empty()),
                AskError::Internal(d) => panic!("input check failed internally: {d}"),
            }
            let api = ApiError::from(e);
            assert!(matches!(
                api.code_and_status().0,
                "empty_question" | "question_too_long"
            ));
            return;
        }
    }
    let tenant = match req.tenant.as_deref().map(str::trim) {
        Some(t) if engine.knowledge().entries().iter().any(|e| e.tenant == t) => t,
        _ => NATIONAL,
    };
    match engine.ask_with_candidates(&req.q, tenant, 3) {
        Ok((response, top)) => {
            check_response(&response);
            assert!(top.iter().all(|(_, c)| (0.0..=1.0).contains(c)));
        }
        Err(e) => panic!("ask failed on an accepted question: {e:?}"),
    }
    let first = match engine.converse(&req.q, tenant, &Context::default()) {
        Ok((response, next)) => {
            check_response(&response);
            next
        }
        Err(e) => panic!("converse failed on an accepted question: {e:?}"),
    };
    match engine.converse(&req.q, tenant, &first) {
        Ok((response, _)) => check_response(&response),
        Err(e) => panic!("second turn failed: {e:?}"),
    }
});

fn check_response(r: &Response) {
    assert_eq!(r.decision == DecisionKind::Answer, r.answer.is_some());
    assert_eq!(r.decision == DecisionKind::Clarify, r.clarify.is_some());
    assert!(r.error.is_none());
    for score in r
        .answer
        .iter()
        .map(|a| a.score)
        .chain(r.suggestions.iter().map(|s| s.score))
    {
        assert!((0.0..=1.0).contains(&score), "score {score}");
    }
    if let Err(e) = serde_json::to_string(r) {
        panic!("response does not serialize: {e}");
    }
}
