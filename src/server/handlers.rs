//! Request handlers. Each is thin: validate, call the engine, shape the JSON.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::{check_json_content_type, decode_json, ApiError, ApiJson};
use super::feedback::RecentAsk;
use super::tenants::{Tenant, Tenants};
use super::AppState;
use crate::decide::DecisionKind;
use crate::knowledge::NATIONAL;
use crate::redact::redact;
use crate::respond::{EntryView, Response as Answer};
use crate::store::{sqlite, AskRecord, Event, FeedbackRecord};

/// A resident's question.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AskRequest {
    /// The question, as typed.
    pub q: String,
    /// Municipality code; national FAQs only when absent.
    #[serde(default)]
    pub tenant: Option<String>,
    /// Conversation id chosen by the client (at most 128 characters).
    #[serde(default)]
    pub session: Option<String>,
}

impl AskRequest {
    /// Decodes a `/v1/ask` body as the server does (content type, JSON, then
    /// [`AskRequest::check`]); the tenant and origin checks need the live state. Pure,
    /// for tests and fuzzing.
    pub fn decode(content_type: Option<&str>, body: &[u8]) -> Result<AskRequest, ApiError> {
        check_json_content_type(content_type)?;
        let req: AskRequest = decode_json(body)?;
        req.check()?;
        Ok(req)
    }

    /// Limits on the fields that the JSON shape does not express.
    pub fn check(&self) -> Result<(), ApiError> {
        if self
            .session
            .as_ref()
            .is_some_and(|s| s.chars().count() > MAX_SESSION_CHARS)
        {
            return Err(ApiError::InvalidJson(format!(
                "session must be at most {MAX_SESSION_CHARS} characters"
            )));
        }
        Ok(())
    }
}

/// The answer, with the id to send feedback about it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AskResponse {
    pub request_id: String,
    #[serde(flatten)]
    pub answer: Answer,
}

/// Feedback on one answer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    pub request_id: String,
    pub helpful: bool,
    #[serde(default)]
    pub comment: Option<String>,
}

/// `?tenant=` of the FAQ endpoint.
#[derive(Debug, Deserialize)]
pub struct TenantQuery {
    #[serde(default)]
    pub tenant: Option<String>,
}

/// Readiness.
#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    pub ready: bool,
    pub entries: usize,
    pub tenants: usize,
    /// Questions are being logged for curation: false when curation is off, or while
    /// the store's writes fail (full disk, read-only folder; see `/metrics`).
    pub curation: bool,
    /// Dense (embedding) retrieval: on with its model, or off and why.
    pub dense: crate::retrieve::dense::DenseStatus,
}

/// Longest `session` id accepted.
pub const MAX_SESSION_CHARS: usize = 128;
const MAX_COMMENT_CHARS: usize = 2000;

/// Best candidates kept with a logged question.
const LOGGED_CANDIDATES: usize = 3;

/// The entries a response offered (answer, suggestions or clarify options), best
/// first, with their confidence (0 for options), for the curation log.
fn candidates_of(r: &Answer) -> Vec<(String, f32)> {
    let mut top: Vec<(String, f32)> = r.answer.iter().map(|a| (a.id.clone(), a.score)).collect();
    top.extend(r.suggestions.iter().map(|s| (s.id.clone(), s.score)));
    if let Some(c) = &r.clarify {
        top.extend(
            c.options
                .iter()
                .flat_map(|o| o.ids.iter().map(|id| (id.clone(), 0.0))),
        );
    }
    top.truncate(LOGGED_CANDIDATES);
    top
}

fn tenant_of(tenants: &Tenants, code: Option<&str>) -> Result<String, ApiError> {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(NATIONAL.to_string()),
        Some(NATIONAL) => Ok(NATIONAL.to_string()),
        Some(code) if tenants.get(code).is_some() => Ok(code.to_string()),
        Some(code) => Err(ApiError::UnknownTenant(code.chars().take(40).collect())),
    }
}

/// A cross-origin request must come from an origin the tenant allows; same-origin
/// requests (the demo page) always may.
fn check_origin(tenants: &Tenants, headers: &HeaderMap, tenant: &str) -> Result<(), ApiError> {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let same_origin = origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest == host);
    let allowed = match tenants.get(tenant) {
        Some(t) => t.allowed_origins.iter().any(|o| o == origin),
        None => tenants.allows_origin(origin),
    };
    if same_origin || allowed {
        Ok(())
    } else {
        Err(ApiError::OriginNotAllowed(
            origin.chars().take(100).collect(),
        ))
    }
}

#[utoipa::path(post, path = "/v1/ask", request_body = AskRequest,
    responses((status = 200, body = AskResponse), (status = 400, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody), (status = 404, body = super::error::ErrorBody), (status = 429, body = super::error::ErrorBody)))]
pub async fn ask(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<AskRequest>,
) -> Result<Json<AskResponse>, ApiError> {
    let live = state.live();
    let tenant = tenant_of(&live.tenants, req.tenant.as_deref())?;
    check_origin(&live.tenants, &headers, &tenant)?;
    req.check()?;
    let started = Instant::now();
    // Embedding a question takes milliseconds of CPU: with dense retrieval on, answer
    // off the async runtime so other requests are not held up.
    let (answer, top) = if live.engine.dense_status().enabled {
        let (state, engine, tenant) = (state.clone(), live.engine.clone(), tenant.clone());
        let (q, session) = (req.q.clone(), req.session.clone());
        tokio::task::spawn_blocking(move || {
            answer_question(&state, &engine, &q, &tenant, session.as_deref())
        })
        .await
        .map_err(|e| ApiError::Internal(format!("answering task failed: {e}")))??
    } else {
        answer_question(
            &state,
            &live.engine,
            &req.q,
            &tenant,
            req.session.as_deref(),
        )?
    };
    state
        .metrics
        .ask(answer.decision, started.elapsed().as_secs_f64());
    let request_id = super::feedback::new_request_id();
    let query = redact(&req.q);
    if let Some(c) = state.curation() {
        let at = sqlite::now();
        let confidence = top.first().map_or(0.0, |t| t.1);
        let confident = answer.decision == DecisionKind::Answer
            && answer.answer.as_ref().map_or(0.0, |a| a.score)
                >= state.config.curation.log_below_confidence;
        let event = if confident {
            Event::Count {
                at,
                tenant: tenant.clone(),
                decision: answer.decision.as_str().to_string(),
            }
        } else {
            Event::Ask(AskRecord {
                request_id: request_id.clone(),
                at,
                tenant: tenant.clone(),
                query: query.clone(),
                decision: answer.decision.as_str().to_string(),
                confidence,
                top,
            })
        };
        // A full queue drops and counts the event (see /metrics); the ask goes on.
        c.writer.send(event);
    }
    state.recent.remember(
        &request_id,
        RecentAsk {
            tenant: tenant.clone(),
            query,
            decision: answer.decision.as_str(),
            answer_id: answer.answer.as_ref().map(|a| a.id.clone()),
        },
    );
    Ok(Json(AskResponse { request_id, answer }))
}

/// The answer (and the candidates to log): with a session the question is one turn
/// of a conversation (it may be asked back, or read in the context of the previous
/// answer); without, it stands alone.
fn answer_question(
    state: &AppState,
    engine: &crate::Engine,
    q: &str,
    tenant: &str,
    session: Option<&str>,
) -> Result<(Answer, Vec<(String, f32)>), ApiError> {
    match session.filter(|s| !s.is_empty()) {
        Some(session) => {
            let key = format!("{tenant}\u{0}{session}");
            let (answer, next) = engine.converse(q, tenant, &state.sessions.get(&key))?;
            state.sessions.put(&key, next);
            let top = candidates_of(&answer);
            Ok((answer, top))
        }
        None => Ok(engine.ask_with_candidates(q, tenant, LOGGED_CANDIDATES)?),
    }
}

#[utoipa::path(get, path = "/v1/faqs/{id}", params(("id" = String, Path), ("tenant" = Option<String>, Query)),
    responses((status = 200, body = EntryView), (status = 404, body = super::error::ErrorBody)))]
pub async fn faq(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(q): Query<TenantQuery>,
) -> Result<Json<EntryView>, ApiError> {
    let live = state.live();
    let tenant = tenant_of(&live.tenants, q.tenant.as_deref())?;
    let e = live
        .engine
        .knowledge()
        .get(&tenant, &id)
        .ok_or_else(|| ApiError::UnknownFaq(id.chars().take(80).collect()))?;
    Ok(Json(EntryView::of(e)))
}

#[utoipa::path(get, path = "/v1/tenants/{code}", params(("code" = String, Path)),
    responses((status = 200, body = Tenant), (status = 404, body = super::error::ErrorBody)))]
pub async fn tenant(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
) -> Result<Json<Tenant>, ApiError> {
    state
        .live()
        .tenants
        .get(&code)
        .cloned()
        .map(Json)
        .ok_or_else(|| ApiError::UnknownTenant(code.chars().take(40).collect()))
}

#[utoipa::path(post, path = "/v1/feedback", request_body = FeedbackRequest,
    responses((status = 200, body = serde_json::Value), (status = 404, body = super::error::ErrorBody)))]
pub async fn feedback(
    State(state): State<Arc<AppState>>,
    ApiJson(req): ApiJson<FeedbackRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let comment = req
        .comment
        .as_deref()
        .map(|c| redact(&c.chars().take(MAX_COMMENT_CHARS).collect::<String>()));
    let ask = state
        .recent
        .get(&req.request_id)
        .ok_or(ApiError::UnknownRequest)?;
    if let Some(c) = state.curation() {
        let event = Event::Feedback(FeedbackRecord {
            request_id: req.request_id.chars().take(64).collect(),
            at: sqlite::now(),
            tenant: ask.tenant,
            query: ask.query,
            answer_id: ask.answer_id,
            helpful: req.helpful,
            comment,
        });
        // Like asks: a full queue drops and counts the event (see /metrics).
        c.writer.send(event);
    }
    state.metrics.feedback(req.helpful);
    Ok(Json(serde_json::json!({ "ok": true })))
}

#[utoipa::path(get, path = "/healthz", responses((status = 200, body = serde_json::Value)))]
pub async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

#[utoipa::path(get, path = "/readyz", responses((status = 200, body = Readiness)))]
pub async fn readyz(State(state): State<Arc<AppState>>) -> Json<Readiness> {
    let live = state.live();
    Json(Readiness {
        ready: true,
        entries: live.engine.knowledge().len(),
        tenants: live.tenants.len(),
        curation: state.curation().is_some_and(|c| {
            !c.writer
                .counters()
                .failing
                .load(std::sync::atomic::Ordering::Relaxed)
        }),
        dense: live.engine.dense_status().clone(),
    })
}

#[utoipa::path(get, path = "/metrics", responses((status = 200, body = String, content_type = "text/plain")))]
pub async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render() + &state.curation_metrics(),
    )
        .into_response()
}

/// The widget script, embeddable with one `<script>` tag.
pub async fn widget_js() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/javascript; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        include_str!("../../assets/widget.js"),
    )
        .into_response()
}

/// The demo page: a mock municipal site with the widget.
pub async fn demo_page() -> Html<&'static str> {
    Html(include_str!("../../assets/demo.html"))
}
