//! The curators' `/admin/` area: dashboard, curation actions, reload, JSON API.
//!
//! Never open by default: without `curation.admin_token` (or `MADOGUCHI_ADMIN_TOKEN`)
//! every `/admin/` path answers 404. With it, a request is let in by
//! `Authorization: Bearer <token>` (scripts, curl) or by a session cookie obtained by
//! typing the token into the login form (browsers). Cookie sessions are `HttpOnly`,
//! `SameSite=Strict`, and every form they post must carry the session's CSRF token;
//! bearer requests need none (a browser never adds that header cross-site).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::admin_page::{self, Dashboard};
use super::error::ApiError;
use super::{AppState, Curation};
use crate::curate::{self, Curator};

const COOKIE: &str = "madoguchi_admin";
const SESSION_TTL: Duration = Duration::from_secs(12 * 3600);
const MAX_SESSIONS: usize = 1000;
/// Days of trends shown.
const TREND_DAYS: i64 = 14;
/// Groups shown on the dashboard.
const GROUPS_SHOWN: usize = 50;

struct Session {
    created: Instant,
    csrf: String,
}

/// The admin secret and the browser sessions.
pub struct Admin {
    token_hash: [u8; 32],
    sessions: Mutex<HashMap<String, Session>>,
}

fn hash(s: &str) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(s.as_bytes()).into()
}

impl Admin {
    pub fn new(token: &str) -> Self {
        Admin {
            token_hash: hash(token),
            sessions: Mutex::new(HashMap::new()),
        }
    }

    /// Constant-time comparison (of hashes, so the length leaks nothing either).
    fn token_ok(&self, given: &str) -> bool {
        let h = hash(given);
        h.iter()
            .zip(self.token_hash.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }

    fn new_session(&self) -> Result<(String, String), ApiError> {
        let sid = super::feedback::new_request_id();
        let csrf = super::feedback::new_request_id();
        let mut s = self
            .sessions
            .lock()
            .map_err(|_| ApiError::Internal("admin sessions poisoned".into()))?;
        s.retain(|_, v| v.created.elapsed() < SESSION_TTL);
        if s.len() >= MAX_SESSIONS {
            if let Some(oldest) = s
                .iter()
                .min_by_key(|(_, v)| v.created)
                .map(|(k, _)| k.clone())
            {
                s.remove(&oldest);
            }
        }
        s.insert(
            sid.clone(),
            Session {
                created: Instant::now(),
                csrf: csrf.clone(),
            },
        );
        Ok((sid, csrf))
    }

    fn session_csrf(&self, sid: &str) -> Option<String> {
        let s = self.sessions.lock().ok()?;
        s.get(sid)
            .filter(|v| v.created.elapsed() < SESSION_TTL)
            .map(|v| v.csrf.clone())
    }

    fn end_session(&self, sid: &str) {
        if let Ok(mut s) = self.sessions.lock() {
            s.remove(sid);
        }
    }
}

/// How a request proved it may use the admin area.
enum Who {
    Bearer,
    Session { sid: String, csrf: String },
}

fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

fn admin(state: &AppState) -> Result<&Admin, ApiError> {
    state.admin.as_ref().ok_or(ApiError::NotFound)
}

fn who(state: &AppState, headers: &HeaderMap) -> Result<Who, ApiError> {
    let admin = admin(state)?;
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let given = auth.to_str().ok().and_then(|v| v.strip_prefix("Bearer "));
        return match given {
            Some(t) if admin.token_ok(t.trim()) => Ok(Who::Bearer),
            _ => Err(ApiError::Unauthorized),
        };
    }
    let sid = cookie(headers).ok_or(ApiError::Unauthorized)?;
    let csrf = admin.session_csrf(&sid).ok_or(ApiError::Unauthorized)?;
    Ok(Who::Session { sid, csrf })
}

/// Fields of an admin form.
fn form(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// Authorizes a state-changing request: bearer, or a session whose form carries the
/// session's CSRF token.
fn authorize_change(
    state: &AppState,
    headers: &HeaderMap,
    fields: &HashMap<String, String>,
) -> Result<Who, ApiError> {
    let who = who(state, headers)?;
    if let Who::Session { csrf, .. } = &who {
        if fields.get("csrf") != Some(csrf) {
            return Err(ApiError::CsrfFailed);
        }
    }
    Ok(who)
}

/// The answer to a change: JSON for bearer clients, back to the dashboard for people.
fn done(who: &Who, result: Result<serde_json::Value, ApiError>) -> Response {
    match (who, result) {
        (Who::Bearer, Ok(v)) => Json(v).into_response(),
        (Who::Bearer, Err(e)) => e.into_response(),
        (Who::Session { .. }, outcome) => {
            let notice = match outcome {
                Ok(v) => v["message"].as_str().unwrap_or("OK").to_string(),
                Err(e) => e.message(),
            };
            let q: String = url::form_urlencoded::byte_serialize(notice.as_bytes()).collect();
            Redirect::to(&format!("/admin/?notice={q}")).into_response()
        }
    }
}

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/admin", get(|| async { Redirect::permanent("/admin/") }))
        .route("/admin/", get(dashboard))
        .route("/admin/login", post(login))
        .route("/admin/logout", post(logout))
        .route("/admin/reload", post(reload))
        .route("/admin/eval", get(eval_report))
        .route("/admin/groups/{id}/{action}", post(group_action))
        .route("/admin/api/groups", get(api_groups))
        .route("/admin/api/trends", get(api_trends))
        .route("/admin/api/feedback", get(api_feedback))
        .route("/admin/api/status", get(api_status))
}

#[derive(Debug, Deserialize)]
pub struct DashboardQuery {
    #[serde(default)]
    tenant: Option<String>,
    #[serde(default)]
    notice: Option<String>,
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        ],
        body,
    )
        .into_response()
}

fn curator(state: &AppState) -> Result<Curator, ApiError> {
    let c = state.curation().ok_or_else(|| {
        ApiError::CurationFailed("curation is disabled (curation.enabled = false)".into())
    })?;
    Ok(Curator::new(
        Arc::clone(&c.store),
        &state.config.paths.knowledge_dir,
    ))
}

fn tenant_filter(t: Option<&str>) -> Option<String> {
    t.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| t.chars().take(40).collect())
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(format!("admin task failed: {e}")))?
}

async fn dashboard(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<DashboardQuery>,
) -> Response {
    let csrf = match who(&state, &headers) {
        Ok(Who::Session { csrf, .. }) => csrf,
        Ok(Who::Bearer) => String::new(),
        Err(ApiError::Unauthorized) => {
            return html(StatusCode::UNAUTHORIZED, admin_page::login(None))
        }
        Err(e) => return e.into_response(),
    };
    let tenant = tenant_filter(q.tenant.as_deref());
    let st = Arc::clone(&state);
    let t = tenant.clone();
    let data = blocking(move || {
        let live = st.live();
        let curator = curator(&st)?;
        let mut groups = curator.groups(t.as_deref(), Some(live.engine.knowledge()))?;
        groups.truncate(GROUPS_SHOWN);
        let trends = match st.curation() {
            Some(c) => recent_trends(c)?,
            None => Vec::new(),
        };
        Ok((groups, trends, live.tenants.codes()))
    })
    .await;
    match data {
        Ok((groups, trends, tenants)) => {
            let page = admin_page::dashboard(&Dashboard {
                csrf: &csrf,
                notice: q.notice.as_deref(),
                tenant: tenant.as_deref(),
                tenants: &tenants,
                groups: &groups,
                trends: &trends,
                reload: &state.reload_status(),
                queue: state.curation().map(|c| c.writer.counters()),
                eval_report: state.config.curation.eval_report.is_file(),
            });
            html(StatusCode::OK, page)
        }
        Err(e) => e.into_response(),
    }
}

async fn login(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let admin = match admin(&state) {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    let fields = form(&body);
    let token = fields.get("token").map(|t| t.trim()).unwrap_or("");
    if !admin.token_ok(token) {
        tracing::warn!("admin login with a wrong token");
        return html(
            StatusCode::UNAUTHORIZED,
            admin_page::login(Some("トークンが違います。")),
        );
    }
    match admin.new_session() {
        Ok((sid, _)) => {
            let mut res = Redirect::to("/admin/").into_response();
            let cookie = format!(
                "{COOKIE}={sid}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age={}",
                SESSION_TTL.as_secs()
            );
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                res.headers_mut().insert(header::SET_COOKIE, v);
            }
            res
        }
        Err(e) => e.into_response(),
    }
}

async fn logout(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    match authorize_change(&state, &headers, &form(&body)) {
        Ok(Who::Session { sid, .. }) => {
            if let Ok(a) = admin(&state) {
                a.end_session(&sid);
            }
            let mut res = Redirect::to("/admin/").into_response();
            res.headers_mut().insert(
                header::SET_COOKIE,
                HeaderValue::from_static(
                    "madoguchi_admin=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0",
                ),
            );
            res
        }
        Ok(Who::Bearer) => Json(serde_json::json!({"ok": true})).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn reload(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let who = match authorize_change(&state, &headers, &form(&body)) {
        Ok(w) => w,
        Err(e) => return e.into_response(),
    };
    let outcome = match super::reload::reload(&state, "admin").await {
        Ok(entries) => Ok(serde_json::json!({
            "ok": true, "entries": entries,
            "message": format!("再読み込みしました（{entries} 件）。"),
        })),
        Err(e) => Err(ApiError::CurationFailed(format!(
            "the knowledge is invalid; the previous version keeps serving:\n{e}"
        ))),
    };
    done(&who, outcome)
}

async fn group_action(
    State(state): State<Arc<AppState>>,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fields = form(&body);
    let who = match authorize_change(&state, &headers, &fields) {
        Ok(w) => w,
        Err(e) => return e.into_response(),
    };
    let st = Arc::clone(&state);
    // (message, whether a knowledge file changed)
    let outcome = blocking(move || {
        let curator = curator(&st)?;
        match action.as_str() {
            "add-alt" => {
                let given = |k: &str| fields.get(k).map(|e| e.trim()).filter(|e| !e.is_empty());
                let entry = given("entry_other")
                    .or_else(|| given("entry"))
                    .ok_or_else(|| {
                        ApiError::CurationFailed(
                            "choose the entry the question belongs to (entry)".into(),
                        )
                    })?;
                let file = curator.add_alt(&id, entry, fields.get("text").map(String::as_str))?;
                Ok((
                    format!("{entry} に質問を追加しました（{}）。", file.display()),
                    true,
                ))
            }
            "draft" => {
                let path = curator.draft(&id)?;
                Ok((format!("下書きを作りました: {}", path.display()), false))
            }
            "dismiss" => {
                curator.dismiss(&id)?;
                Ok(("対象外にしました。".to_string(), false))
            }
            _ => Err(ApiError::NotFound),
        }
    })
    .await;
    // A changed knowledge file is served at once (the file watch would also see it).
    let outcome = match outcome {
        Ok((message, true)) => match super::reload::reload(&state, "admin").await {
            Ok(n) => Ok(format!("{message} 再読み込みしました（{n} 件）。")),
            Err(e) => Err(ApiError::CurationFailed(format!(
                "{message} but the reload failed: {e}"
            ))),
        },
        Ok((message, false)) => Ok(message),
        Err(e) => Err(e),
    };
    done(
        &who,
        outcome.map(|m| serde_json::json!({"ok": true, "message": m})),
    )
}

async fn eval_report(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Err(e) = who(&state, &headers) {
        return e.into_response();
    }
    let path = state.config.curation.eval_report.clone();
    match tokio::task::spawn_blocking({
        let p = path.clone();
        move || std::fs::read_to_string(p)
    })
    .await
    .unwrap_or_else(|e| Err(std::io::Error::other(e)))
    {
        Ok(text) => html(StatusCode::OK, text),
        Err(e) => html(
            StatusCode::NOT_FOUND,
            admin_page::message(&format!(
                "評価レポートがありません ({}: {e})。`madoguchi eval` で作成してください。",
                path.display()
            )),
        ),
    }
}

/// A read-only JSON endpoint: authorize, run `read` off the async threads, answer.
async fn json_read<T: serde::Serialize + Send + 'static>(
    state: Arc<AppState>,
    headers: &HeaderMap,
    read: impl FnOnce(&AppState, &Curation) -> Result<T, ApiError> + Send + 'static,
) -> Response {
    if let Err(e) = who(&state, headers) {
        return e.into_response();
    }
    let result = blocking(move || {
        let c = state
            .curation()
            .ok_or_else(|| ApiError::CurationFailed("curation is disabled".into()))?;
        read(&state, c)
    })
    .await;
    match result {
        Ok(v) => Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}

fn store_err(e: crate::store::StoreError) -> ApiError {
    ApiError::Internal(e.to_string())
}

/// The trends of the last [`TREND_DAYS`] days.
fn recent_trends(c: &Curation) -> Result<Vec<curate::TrendRow>, ApiError> {
    let since = (chrono::Utc::now() - chrono::Duration::days(TREND_DAYS))
        .format("%Y-%m-%d")
        .to_string();
    Ok(curate::trends(c.store.daily(&since).map_err(store_err)?))
}

async fn api_groups(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<DashboardQuery>,
) -> Response {
    let tenant = tenant_filter(q.tenant.as_deref());
    json_read(state, &headers, move |st, _| {
        let live = st.live();
        Ok(curator(st)?.groups(tenant.as_deref(), Some(live.engine.knowledge()))?)
    })
    .await
}

async fn api_trends(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    json_read(state, &headers, |_, c| recent_trends(c)).await
}

async fn api_feedback(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    json_read(state, &headers, |_, c| {
        c.store.feedback(200).map_err(store_err)
    })
    .await
}

async fn api_status(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Err(e) = who(&state, &headers) {
        return e.into_response();
    }
    use std::sync::atomic::Ordering::Relaxed;
    let queue = state.curation().map(|c| {
        let n = c.writer.counters();
        serde_json::json!({
            "accepted": n.accepted.load(Relaxed), "written": n.written.load(Relaxed),
            "dropped": n.dropped.load(Relaxed), "failed": n.failed.load(Relaxed),
        })
    });
    Json(serde_json::json!({
        "reload": state.reload_status(),
        "entries": state.live().engine.knowledge().len(),
        "queue": queue,
    }))
    .into_response()
}
