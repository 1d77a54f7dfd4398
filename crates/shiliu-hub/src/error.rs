//! The hub's one error type; each variant has a stable code and an HTTP status, and is sent to
//! clients as `{code, message}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shiliu_sync::SyncError;
use shiliu_sync::api::ErrorReply;

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// The bundle or a certificate failed a check (shape, school, signature, trust).
    #[error(transparent)]
    Bundle(#[from] SyncError),

    /// A request without a valid device signature.
    #[error("the request is not signed by an enrolled device: {reason}")]
    Unauthorized { reason: String },

    /// A bundle built on more than the hub holds (the hub lost data, or a stale client).
    #[error("the bundle builds on changes this hub does not hold; ask the hub what it holds and export again")]
    BaseNotCovered,

    #[error("no {what} {key}")]
    NotFound { what: &'static str, key: String },

    #[error("bad request: {0}")]
    BadRequest(String),

    /// The database behind the hub failed.
    #[error("the hub's storage failed: {0}")]
    Storage(String),

    /// Starting the hub failed (address in use, database unreachable).
    #[error("cannot start the hub: {0}")]
    Start(String),
}

impl HubError {
    pub fn code(&self) -> &'static str {
        match self {
            HubError::Bundle(e) => e.code(),
            HubError::Unauthorized { .. } => "hub.unauthorized",
            HubError::BaseNotCovered => "hub.base_not_covered",
            HubError::NotFound { .. } => "hub.not_found",
            HubError::BadRequest(_) => "hub.bad_request",
            HubError::Storage(_) => "hub.storage",
            HubError::Start(_) => "hub.start",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            HubError::Bundle(e) => match e.code() {
                "sync.bad_signature" | "sync.unknown_device" | "sync.revoked_device" | "sync.bad_certificate" => {
                    StatusCode::FORBIDDEN
                }
                _ => StatusCode::BAD_REQUEST,
            },
            HubError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            HubError::BaseNotCovered => StatusCode::CONFLICT,
            HubError::NotFound { .. } => StatusCode::NOT_FOUND,
            HubError::BadRequest(_) => StatusCode::BAD_REQUEST,
            HubError::Storage(_) | HubError::Start(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub(crate) fn storage(e: impl std::fmt::Display) -> HubError {
        HubError::Storage(e.to_string())
    }

    /// A database error with its causes ("error connecting to server: No such file or
    /// directory"), which its own message leaves out.
    pub(crate) fn with_causes(e: &(dyn std::error::Error + 'static)) -> String {
        let mut text = e.to_string();
        let mut source = e.source();
        while let Some(cause) = source {
            let more = cause.to_string();
            if !text.contains(&more) {
                text = format!("{text}: {more}");
            }
            source = cause.source();
        }
        text
    }

    pub(crate) fn unauthorized(reason: impl Into<String>) -> HubError {
        HubError::Unauthorized { reason: reason.into() }
    }
}

impl IntoResponse for HubError {
    fn into_response(self) -> Response {
        let body = ErrorReply { code: self.code().to_owned(), message: self.to_string() };
        (self.status(), axum::Json(body)).into_response()
    }
}

pub type Result<T, E = HubError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hub_code_is_namespaced_and_distinct() {
        let all = [
            HubError::unauthorized("x"),
            HubError::BaseNotCovered,
            HubError::NotFound { what: "bundle", key: "x".into() },
            HubError::BadRequest("x".into()),
            HubError::storage("x"),
            HubError::Start("x".into()),
        ];
        let mut codes: Vec<_> = all.iter().map(HubError::code).collect();
        assert!(codes.iter().all(|c| c.starts_with("hub.")));
        assert!(all.iter().all(|e| e.to_string().starts_with(char::is_lowercase)));
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        assert_eq!(HubError::BaseNotCovered.status(), StatusCode::CONFLICT);
    }
}
