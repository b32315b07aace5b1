//! One error type for every handler, and how each becomes a response: a status, a JSON
//! body `{"error": <code>, "message": <what is wrong, naming the field or header>}`, and
//! the headers the status calls for (`Retry-After` on 429 and 503, `WWW-Authenticate` on
//! 401, the current version's `ETag` on 412).
//!
//! Invariant: a database that cannot be reached is a 503 with `Retry-After`, never a 500,
//! so clients retry; nothing here leaks SQL or stack details to the client.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// Deleted: the message, and the tombstone's ETag (a `PUT` with it restores).
    #[error("{0}")]
    Gone(String, Option<String>),
    #[error("{0}")]
    Conflict(String),
    /// The `If-Match` did not match: the body carries the current version (its ETag,
    /// its JSON, and who made it: `sub`, name).
    #[error("{message}")]
    PreconditionFailed { message: String, current: Option<(String, String, (String, String))> },
    #[error("this server requires If-Match on PUT and DELETE (AA_REQUIRE_IF_MATCH)")]
    PreconditionRequired,
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("too many requests for this token: at most {0} a second")]
    TooManyRequests(u32),
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        use ApiError::*;
        match self {
            BadRequest(_) => (StatusCode::BAD_REQUEST, "bad-request"),
            Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            NotFound(_) => (StatusCode::NOT_FOUND, "not-found"),
            Gone(..) => (StatusCode::GONE, "gone"),
            Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            PreconditionFailed { .. } => (StatusCode::PRECONDITION_FAILED, "precondition-failed"),
            PreconditionRequired => (StatusCode::PRECONDITION_REQUIRED, "precondition-required"),
            UnsupportedMediaType(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type"),
            PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large"),
            TooManyRequests(_) => (StatusCode::TOO_MANY_REQUESTS, "too-many-requests"),
            Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let ApiError::Internal(detail) = &self {
            tracing::error!("internal error: {detail}");
        }
        let mut body = json!({"error": code, "message": self.to_string()});
        let mut etag = None;
        if let ApiError::PreconditionFailed { current: Some((tag, text, by)), .. } = &self {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
                body["current"] = v;
            }
            body["etag"] = json!(tag);
            body["by"] = json!({"sub": by.0, "name": by.1});
            etag = HeaderValue::from_str(tag).ok();
        }
        let mut res = (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response();
        let h = res.headers_mut();
        match &self {
            ApiError::Unavailable(_) => {
                h.insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
            }
            ApiError::TooManyRequests(_) => {
                h.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            ApiError::Unauthorized(_) => {
                h.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"article-annotator\""));
            }
            _ => {}
        }
        if let ApiError::Gone(_, Some(tag)) = &self {
            body["etag"] = json!(tag);
            etag = HeaderValue::from_str(tag).ok();
        }
        if let Some(tag) = etag {
            h.insert(header::ETAG, tag);
        }
        res
    }
}

impl From<deadpool_postgres::PoolError> for ApiError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        ApiError::Unavailable(e.to_string())
    }
}

impl From<tokio_postgres::Error> for ApiError {
    fn from(e: tokio_postgres::Error) -> Self {
        match e.code() {
            // Class 08: connection exceptions; 57P01-57P03: the server shutting down or starting.
            Some(c) if c.code().starts_with("08") || c.code().starts_with("57P") => ApiError::Unavailable(e.to_string()),
            Some(_) => ApiError::Internal(e.to_string()),
            // No SQLSTATE: the connection failed or closed (an I/O error underneath), or
            // the query itself was wrong (a bug: a 500).
            None if e.is_closed() => ApiError::Unavailable("connection closed".into()),
            None => {
                let io = std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>());
                if io || e.to_string().starts_with("error connecting") {
                    ApiError::Unavailable(e.to_string())
                } else {
                    ApiError::Internal(e.to_string())
                }
            }
        }
    }
}
