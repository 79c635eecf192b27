//! API errors: one enum, one table from error code to HTTP status, one JSON shape
//! `{"error": {"code": "...", "message": "..."}}`. Internal details are logged once,
//! here, and never sent to clients.

use axum::extract::rejection::JsonRejection;
use axum::extract::FromRequest;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::engine::AskError;

/// Every error the API returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    EmptyQuestion,
    QuestionTooLong {
        chars: usize,
        max: usize,
    },
    InvalidJson(String),
    UnsupportedMediaType,
    PayloadTooLarge,
    HeadersTooLarge,
    UnknownTenant(String),
    UnknownFaq(String),
    UnknownRequest,
    OriginNotAllowed(String),
    RateLimited {
        retry_after_secs: u64,
    },
    NotFound,
    MethodNotAllowed,
    Timeout,
    /// `/admin/` without a valid token or session.
    Unauthorized,
    /// An admin form without the right CSRF token.
    CsrfFailed,
    UnknownGroup(String),
    /// A curation action that could not be carried out (message for the curator).
    CurationFailed(String),
    Internal(String),
}

impl ApiError {
    /// The error table: stable code and HTTP status of each error.
    pub fn code_and_status(&self) -> (&'static str, StatusCode) {
        use ApiError::*;
        match self {
            EmptyQuestion => ("empty_question", StatusCode::BAD_REQUEST),
            QuestionTooLong { .. } => ("question_too_long", StatusCode::BAD_REQUEST),
            InvalidJson(_) => ("invalid_json", StatusCode::BAD_REQUEST),
            UnsupportedMediaType => ("unsupported_media_type", StatusCode::UNSUPPORTED_MEDIA_TYPE),
            PayloadTooLarge => ("payload_too_large", StatusCode::PAYLOAD_TOO_LARGE),
            HeadersTooLarge => (
                "headers_too_large",
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ),
            UnknownTenant(_) => ("unknown_tenant", StatusCode::NOT_FOUND),
            UnknownFaq(_) => ("unknown_faq", StatusCode::NOT_FOUND),
            UnknownRequest => ("unknown_request", StatusCode::NOT_FOUND),
            OriginNotAllowed(_) => ("origin_not_allowed", StatusCode::FORBIDDEN),
            RateLimited { .. } => ("rate_limited", StatusCode::TOO_MANY_REQUESTS),
            NotFound => ("not_found", StatusCode::NOT_FOUND),
            MethodNotAllowed => ("method_not_allowed", StatusCode::METHOD_NOT_ALLOWED),
            Timeout => ("timeout", StatusCode::REQUEST_TIMEOUT),
            Unauthorized => ("unauthorized", StatusCode::UNAUTHORIZED),
            CsrfFailed => ("csrf_failed", StatusCode::FORBIDDEN),
            UnknownGroup(_) => ("unknown_group", StatusCode::NOT_FOUND),
            CurationFailed(_) => ("curation_failed", StatusCode::UNPROCESSABLE_ENTITY),
            Internal(_) => ("internal", StatusCode::INTERNAL_SERVER_ERROR),
        }
    }

    /// The message shown to people (Japanese first: residents read it in the widget).
    pub fn message(&self) -> String {
        use ApiError::*;
        match self {
            EmptyQuestion => "質問が空です。知りたいことを入力してください。".into(),
            QuestionTooLong { chars, max } => {
                format!("質問が長すぎます（{chars} 文字）。{max} 文字以内で入力してください。")
            }
            InvalidJson(detail) => {
                format!("リクエストの形式が正しくありません (invalid JSON: {detail})")
            }
            UnsupportedMediaType => "Content-Type: application/json で送信してください。".into(),
            PayloadTooLarge => "リクエストが大きすぎます。".into(),
            HeadersTooLarge => "リクエストのヘッダーが大きすぎます。".into(),
            UnknownTenant(code) => format!("自治体コード `{code}` は登録されていません。"),
            UnknownFaq(id) => format!("FAQ `{id}` は見つかりません。"),
            UnknownRequest => {
                "この回答は見つかりません（時間が経ちすぎた可能性があります）。".into()
            }
            OriginNotAllowed(origin) => {
                format!("このサイト ({origin}) からの利用は許可されていません。")
            }
            RateLimited { retry_after_secs } => format!(
                "リクエストが多すぎます。{retry_after_secs} 秒ほど待ってからお試しください。"
            ),
            NotFound => "ページが見つかりません。".into(),
            MethodNotAllowed => "このメソッドは使えません。".into(),
            Timeout => "時間内に処理できませんでした。もう一度お試しください。".into(),
            Unauthorized => "管理画面のトークンが必要です (Authorization: Bearer …)。".into(),
            CsrfFailed => "フォームの有効期限が切れました。ページを開き直してください。".into(),
            UnknownGroup(id) => format!(
                "グループ `{id}` はありません（処理済みの可能性があります）。一覧を開き直してください。"
            ),
            CurationFailed(detail) => format!("操作できませんでした: {detail}"),
            Internal(_) => "内部エラーが発生しました。時間をおいてお試しください。".into(),
        }
    }

    /// The error for a plain status produced by a layer or the router.
    pub fn from_status(status: StatusCode) -> Self {
        match status {
            StatusCode::NOT_FOUND => ApiError::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
            StatusCode::REQUEST_TIMEOUT => ApiError::Timeout,
            StatusCode::UNAUTHORIZED => ApiError::Unauthorized,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
            StatusCode::TOO_MANY_REQUESTS => ApiError::RateLimited {
                retry_after_secs: 1,
            },
            s if s.is_client_error() => ApiError::InvalidJson(s.to_string()),
            s => ApiError::Internal(s.to_string()),
        }
    }
}

/// The JSON error body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// Code and message of an error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code (see the table in `server/error.rs`).
    pub code: String,
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (code, status) = self.code_and_status();
        if let ApiError::Internal(detail) = &self {
            tracing::error!(error = %detail, "internal error");
        }
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_string(),
                message: self.message(),
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        if self == ApiError::Unauthorized {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"madoguchi-admin\""),
            );
        }
        if let ApiError::RateLimited { retry_after_secs } = self {
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.max(1).to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType,
            r if r.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
            r => ApiError::InvalidJson(r.body_text()),
        }
    }
}

impl From<crate::curate::CurateError> for ApiError {
    fn from(e: crate::curate::CurateError) -> Self {
        use crate::curate::CurateError;
        match e {
            CurateError::UnknownGroup(id) => ApiError::UnknownGroup(id),
            CurateError::Store(e) => ApiError::Internal(e.to_string()),
            other => ApiError::CurationFailed(other.to_string()),
        }
    }
}

impl From<AskError> for ApiError {
    fn from(e: AskError) -> Self {
        match e {
            AskError::Empty => ApiError::EmptyQuestion,
            AskError::TooLong { chars, max } => ApiError::QuestionTooLong { chars, max },
            AskError::Internal(detail) => ApiError::Internal(detail),
        }
    }
}

/// `Json` whose rejection is an [`ApiError`]: the content type is checked before the
/// body is read (a wrong type is 415 even when the body is too large), then the body is
/// decoded by [`decode_json`].
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        check_json_content_type(content_type)?;
        let body = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|r| match r.status() {
                StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
                _ => ApiError::InvalidJson(r.body_text()),
            })?;
        decode_json(&body).map(ApiJson)
    }
}

/// Accepts `application/json` and `application/*+json` (parameters allowed), like
/// axum's `Json`; anything else, or no content type, is 415.
pub fn check_json_content_type(content_type: Option<&str>) -> Result<(), ApiError> {
    let json = content_type
        .and_then(|c| c.parse::<mime::Mime>().ok())
        .is_some_and(|m| {
            m.type_() == "application"
                && (m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json"))
        });
    if json {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType)
    }
}

/// Decodes a JSON request body into `T` with the API's rejection mapping (syntax,
/// type and unknown-field errors are all `invalid_json`). Pure, for tests and fuzzing.
pub fn decode_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    axum::Json::<T>::from_bytes(body)
        .map(|axum::Json(value)| value)
        .map_err(ApiError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_statuses_map_to_codes() {
        for (status, code) in [
            (StatusCode::REQUEST_TIMEOUT, "timeout"),
            (StatusCode::NOT_FOUND, "not_found"),
            (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            (StatusCode::BAD_GATEWAY, "internal"),
        ] {
            let e = ApiError::from_status(status);
            assert_eq!(e.code_and_status().0, code, "{status}");
        }
    }

    #[test]
    fn codes_are_unique() {
        let all = [
            ApiError::EmptyQuestion,
            ApiError::QuestionTooLong { chars: 1, max: 1 },
            ApiError::InvalidJson(String::new()),
            ApiError::UnsupportedMediaType,
            ApiError::PayloadTooLarge,
            ApiError::HeadersTooLarge,
            ApiError::UnknownTenant(String::new()),
            ApiError::UnknownFaq(String::new()),
            ApiError::UnknownRequest,
            ApiError::OriginNotAllowed(String::new()),
            ApiError::RateLimited {
                retry_after_secs: 1,
            },
            ApiError::NotFound,
            ApiError::MethodNotAllowed,
            ApiError::Timeout,
            ApiError::Unauthorized,
            ApiError::CsrfFailed,
            ApiError::UnknownGroup(String::new()),
            ApiError::CurationFailed(String::new()),
            ApiError::Internal(String::new()),
        ];
        let mut codes: Vec<_> = all.iter().map(|e| e.code_and_status().0).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }
}
