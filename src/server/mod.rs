//! The HTTP service (`madoguchi serve`): the JSON API, the embeddable widget and its
//! demo page, health, readiness, metrics and the OpenAPI document.
//!
//! Layers, outermost first: per-client rate limit (429 + Retry-After) → request
//! timeout (408) → CORS (each tenant's allowed origins) → compression → body limit
//! (413) → request metrics → plain errors turned into the JSON error shape. Handlers
//! return [`error::ApiError`], which maps through one code → status table.
//!
//! What the server answers from (engine and tenants) is one [`reload::Live`] snapshot
//! behind an `ArcSwap`: each request loads it once, reloads swap it whole. Questions
//! that need curation go through the bounded write queue of [`crate::store`]; the
//! `/admin/` dashboard ([`admin`]) is served only when an admin token is configured.

mod admin;
mod admin_page;
pub mod error;
mod feedback;
pub mod handlers;
mod metrics;
pub mod reload;
pub mod tenants;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::PeerIpKeyExtractor;
use tower_governor::{GovernorError, GovernorLayer};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;
use utoipa::OpenApi;

use arc_swap::ArcSwap;

use self::error::ApiError;
use self::feedback::RecentAsks;
use self::metrics::Metrics;
use self::reload::{Live, Reloader};
use self::tenants::Tenants;
use crate::config::Config;
use crate::engine::Engine;
use crate::store::queue::Writer;
use crate::store::sqlite::SqliteStore;
use crate::store::{Store, StoreError};

/// Idle time after which a conversation is forgotten.
const SESSION_TTL: Duration = Duration::from_secs(30 * 60);
/// Conversations remembered at most (the least recently used is dropped).
const MAX_SESSIONS: usize = 10_000;

/// The curation store and the queue in front of it.
pub struct Curation {
    pub store: Arc<dyn Store>,
    pub writer: Writer,
}

/// Everything the handlers share.
pub struct AppState {
    live: ArcSwap<Live>,
    pub config: Config,
    metrics: Metrics,
    recent: RecentAsks,
    curation: Option<Curation>,
    reloader: Reloader,
    admin: Option<admin::Admin>,
    /// Conversation contexts of clients that send a `session`.
    sessions: crate::converse::Sessions,
}

impl AppState {
    /// State for `engine`, the tenants and the config; opens the curation database
    /// (`<data_dir>/curation.sqlite3`) unless curation is disabled.
    pub fn new(engine: Arc<Engine>, tenants: Tenants, config: Config) -> Result<Self, StoreError> {
        let store: Option<Arc<dyn Store>> = if config.curation.enabled {
            Some(Arc::new(SqliteStore::open(&config.paths.curation_db())?))
        } else {
            None
        };
        Ok(Self::with_store(engine, tenants, config, store))
    }

    /// State with the given curation store (`None`: nothing is logged), e.g. another
    /// backend.
    pub fn with_store(
        engine: Arc<Engine>,
        tenants: Tenants,
        config: Config,
        store: Option<Arc<dyn Store>>,
    ) -> Self {
        let c = &config.curation;
        let curation = store.map(|store| {
            let writer = Writer::start(Arc::clone(&store), c.queue_capacity, c.retention_days);
            Curation { store, writer }
        });
        let admin = c.admin_token.as_ref().map(|t| admin::Admin::new(&t.0));
        AppState {
            live: ArcSwap::from_pointee(Live { engine, tenants }),
            config,
            metrics: Metrics::default(),
            recent: RecentAsks::default(),
            curation,
            reloader: Reloader::default(),
            admin,
            sessions: crate::converse::Sessions::new(SESSION_TTL, MAX_SESSIONS),
        }
    }

    /// The current engine and tenants; hold on to it for the whole request.
    pub fn live(&self) -> Arc<Live> {
        self.live.load_full()
    }

    /// The curation store and queue (`None` when curation is disabled).
    pub fn curation(&self) -> Option<&Curation> {
        self.curation.as_ref()
    }

    /// The latest reload's outcome.
    pub fn reload_status(&self) -> reload::ReloadStatus {
        self.reloader.status()
    }

    /// Stops accepting curation events and writes every accepted one. Called when
    /// the server stops; safe to call more than once.
    pub fn close(&self) {
        if let Some(c) = &self.curation {
            c.writer.close();
        }
    }

    /// Curation and reload counters in the Prometheus text format.
    fn curation_metrics(&self) -> String {
        use std::fmt::Write;
        use std::sync::atomic::Ordering::Relaxed;
        let mut s = String::new();
        if let Some(c) = &self.curation {
            let n = c.writer.counters();
            s.push_str("# HELP madoguchi_curation_events_total Curation log events by outcome (dropped: queue full).\n# TYPE madoguchi_curation_events_total counter\n");
            for (outcome, v) in [
                ("accepted", &n.accepted),
                ("written", &n.written),
                ("dropped", &n.dropped),
                ("failed", &n.failed),
            ] {
                let _ = writeln!(
                    s,
                    "madoguchi_curation_events_total{{outcome=\"{outcome}\"}} {}",
                    v.load(Relaxed)
                );
            }
            let _ = writeln!(s, "# HELP madoguchi_curation_purged_rows_total Rows deleted by the retention purge.\n# TYPE madoguchi_curation_purged_rows_total counter\nmadoguchi_curation_purged_rows_total {}", n.purged.load(Relaxed));
        }
        s.push_str("# HELP madoguchi_reloads_total Knowledge reloads by outcome.\n# TYPE madoguchi_reloads_total counter\n");
        let _ = writeln!(
            s,
            "madoguchi_reloads_total{{outcome=\"ok\"}} {}",
            self.reloader.succeeded.load(Relaxed)
        );
        let _ = writeln!(
            s,
            "madoguchi_reloads_total{{outcome=\"failed\"}} {}",
            self.reloader.failed.load(Relaxed)
        );
        s
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "madoguchi",
        description = "FAQ answering for Japanese residents: national FAQs plus each municipality's own."
    ),
    paths(
        handlers::ask,
        handlers::faq,
        handlers::tenant,
        handlers::feedback,
        handlers::healthz,
        handlers::readyz,
        handlers::metrics
    ),
    components(schemas(
        handlers::AskRequest,
        handlers::AskResponse,
        handlers::FeedbackRequest,
        crate::respond::EntryView,
        handlers::Readiness,
        crate::retrieve::dense::DenseStatus,
        tenants::Tenant,
        tenants::Contact,
        error::ErrorBody,
        error::ErrorDetail,
        crate::respond::Response,
        crate::respond::AnswerView,
        crate::respond::SuggestionView,
        crate::respond::ErrorView,
        crate::respond::ClarifyView,
        crate::respond::ClarifyOption,
        crate::decide::DecisionKind
    ))
)]
struct ApiDoc;

/// The OpenAPI document, generated from the handlers' annotations.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi())
}

/// Counts requests by route template and status.
async fn count_requests(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_string();
    let response = next.run(req).await;
    state.metrics.request(&route, response.status().as_u16());
    response
}

/// Largest total size of request headers (names and values) accepted.
const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Refuses requests whose headers are larger than [`MAX_HEADER_BYTES`] (431).
async fn limit_headers(req: Request, next: Next) -> Response {
    let size: usize = req
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len())
        .sum();
    if size > MAX_HEADER_BYTES {
        return ApiError::HeadersTooLarge.into_response();
    }
    next.run(req).await
}

/// Turns error responses produced without our JSON body (unknown route, wrong method,
/// body limit, timeout) into the JSON error shape, so clients see one format.
async fn json_errors(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    // Our own bodies (JSON errors, admin HTML pages) are kept; bare or plain-text
    // bodies from layers and the router are replaced.
    let ours = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| {
            v.as_bytes().starts_with(b"application/json") || v.as_bytes().starts_with(b"text/html")
        });
    if (status.is_client_error() || status.is_server_error()) && !ours {
        return ApiError::from_status(status).into_response();
    }
    response
}

/// The router with every route and layer. Requests must carry `ConnectInfo<SocketAddr>`
/// (serve with `into_make_service_with_connect_info`) for the per-client rate limit.
pub fn router(state: Arc<AppState>) -> Router {
    let srv = &state.config.server;
    let period_ms = (1000 / u64::from(srv.rate_limit_per_second.max(1))).max(1);
    let governor = GovernorConfigBuilder::default()
        .key_extractor(PeerIpKeyExtractor)
        .per_millisecond(period_ms)
        .burst_size(srv.rate_limit_burst)
        .finish()
        .map(Arc::new);
    // Origins are read from the live tenants, so a reload that changes a tenant's
    // allowed origins takes effect at once.
    let cors_state = Arc::clone(&state);
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin: &HeaderValue, _| {
            origin
                .to_str()
                .is_ok_and(|o| cors_state.live().tenants.allows_origin(o))
        }))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE])
        .expose_headers([header::RETRY_AFTER])
        .max_age(Duration::from_secs(600));
    let api = Router::new()
        .route("/v1/ask", post(handlers::ask))
        .route("/v1/faqs/{id}", get(handlers::faq))
        .route("/v1/tenants/{code}", get(handlers::tenant))
        .route("/v1/feedback", post(handlers::feedback))
        .route("/healthz", get(handlers::healthz))
        .route("/readyz", get(handlers::readyz))
        .route("/metrics", get(handlers::metrics))
        .route("/openapi.json", get(openapi_json))
        .route("/widget.js", get(handlers::widget_js))
        .route("/", get(handlers::demo_page))
        .merge(admin::routes())
        .layer(middleware::from_fn(json_errors))
        .layer(middleware::from_fn(limit_headers))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            count_requests,
        ))
        .layer(DefaultBodyLimit::max(srv.body_limit_bytes))
        .layer(CompressionLayer::new())
        .layer(cors)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_millis(srv.request_timeout_ms),
        ))
        .with_state(state.clone());
    match governor {
        Some(config) => api.layer(GovernorLayer::new(config).error_handler(|e| {
            match e {
                GovernorError::TooManyRequests { wait_time, .. } => ApiError::RateLimited {
                    retry_after_secs: wait_time,
                }
                .into_response(),
                GovernorError::UnableToExtractKey => {
                    ApiError::Internal("no client address for rate limiting".into()).into_response()
                }
                other => ApiError::Internal(other.to_string()).into_response(),
            }
        })),
        None => api,
    }
}

/// Serves on `addr` until SIGTERM or Ctrl-C, then finishes in-flight requests.
pub async fn serve(
    state: Arc<AppState>,
    addr: SocketAddr,
    on_ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let watcher = state
        .config
        .curation
        .watch_knowledge
        .then(|| tokio::spawn(reload::watch(Arc::clone(&state))));
    on_ready(listener.local_addr()?);
    let served = axum::serve(
        listener,
        router(Arc::clone(&state)).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await;
    if let Some(w) = watcher {
        w.abort();
    }
    // Every curation event acknowledged before the stop is written before we return.
    let closing = Arc::clone(&state);
    if let Err(e) = tokio::task::spawn_blocking(move || closing.close()).await {
        tracing::error!(error = %e, "flushing the curation log failed");
    }
    served
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
