//! The HTTP service (`madoguchi serve`): the JSON API, the embeddable widget and its
//! demo page, health, readiness, metrics and the OpenAPI document.
//!
//! Layers, outermost first: per-client rate limit (429 + Retry-After) → request
//! timeout (408) → CORS (each tenant's allowed origins) → compression → body limit
//! (413) → request metrics → plain errors turned into the JSON error shape. Handlers
//! return [`error::ApiError`], which maps through one code → status table.

pub mod error;
mod feedback;
pub mod handlers;
mod metrics;
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

use self::error::ApiError;
use self::feedback::FeedbackLog;
use self::metrics::Metrics;
use self::tenants::Tenants;
use crate::config::Config;
use crate::engine::Engine;

/// Everything the handlers share.
pub struct AppState {
    pub engine: Arc<Engine>,
    pub tenants: Tenants,
    pub config: Config,
    metrics: Metrics,
    feedback: FeedbackLog,
}

impl AppState {
    /// State for `engine`, the tenants and the config.
    pub fn new(engine: Arc<Engine>, tenants: Tenants, config: Config) -> Self {
        AppState {
            feedback: FeedbackLog::new(&config.paths.data_dir),
            engine,
            tenants,
            config,
            metrics: Metrics::default(),
        }
    }

    /// The file feedback is appended to.
    pub fn feedback_path(&self) -> &std::path::Path {
        self.feedback.path()
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
        handlers::DenseState,
        tenants::Tenant,
        tenants::Contact,
        error::ErrorBody,
        error::ErrorDetail,
        crate::respond::Response,
        crate::respond::AnswerView,
        crate::respond::SuggestionView,
        crate::respond::ErrorView,
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

/// Turns error responses produced without our JSON body (unknown route, wrong method,
/// body limit, timeout) into the JSON error shape, so clients see one format.
async fn json_errors(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if (status.is_client_error() || status.is_server_error()) && !is_json {
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
    let origins: Vec<HeaderValue> = state
        .tenants
        .all_origins()
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
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
        .layer(middleware::from_fn(json_errors))
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
    on_ready(listener.local_addr()?);
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
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
