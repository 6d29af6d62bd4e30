//! The one error type of the HTTP routes and the one place that turns it into
//! a response. Internal details are logged, never sent.

use shared::api::ApiError;
use shared::ErrorCode;
use worker::Response;

/// Why a route refused or failed a request.
#[derive(Debug, thiserror::Error)]
pub enum RouteError {
    /// No such route.
    #[error("no such route")]
    NotFound,
    /// The body or a parameter is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// The site id is not one this deployment serves.
    #[error("no site has the id {0:?}")]
    UnknownSite(String),
    /// Missing or wrong credentials.
    #[error("missing or wrong credentials")]
    Unauthorized,
    /// The visitor is banned (the notice says until when).
    #[error("{0}")]
    Banned(String),
    /// Another origin than the service's own pages, or a site's allowed ones.
    #[error("{0}")]
    CrossOrigin(String),
    /// A limit was reached; the message says when to try again.
    #[error("{0}")]
    RateLimited(String),
    /// The site has no such channel.
    #[error("this site has no channel {0:?}")]
    UnknownChannel(String),
    /// Refused with this status and code (the Directory's answers, a role
    /// that may not, a missing anti-CSRF token, a taken id).
    #[error("{2}")]
    Refused(u16, ErrorCode, String),
    /// A WebSocket route was called without `Upgrade: websocket`.
    #[error("this route only accepts WebSocket upgrades")]
    UpgradeRequired,
    /// The runtime failed; details stay in the log.
    #[error("internal error")]
    Internal(#[from] worker::Error),
}

impl RouteError {
    fn status_and_code(&self) -> (u16, ErrorCode) {
        match self {
            Self::NotFound => (404, ErrorCode::Malformed),
            Self::BadRequest(_) => (400, ErrorCode::Malformed),
            Self::UnknownSite(_) => (404, ErrorCode::UnknownSite),
            Self::Unauthorized => (401, ErrorCode::Unauthorized),
            Self::Banned(_) => (403, ErrorCode::Banned),
            Self::RateLimited(_) => (429, ErrorCode::RateLimited),
            Self::CrossOrigin(_) => (403, ErrorCode::Forbidden),
            Self::UnknownChannel(_) => (404, ErrorCode::UnknownChannel),
            Self::Refused(status, code, _) => (*status, *code),
            Self::UpgradeRequired => (426, ErrorCode::Malformed),
            Self::Internal(_) => (500, ErrorCode::Internal),
        }
    }

    /// The JSON response for this error.
    pub fn into_response(self) -> worker::Result<Response> {
        if let Self::Internal(e) = &self {
            worker::console_error!("internal error: {e}");
        }
        let (status, code) = self.status_and_code();
        let body = ApiError { code, message: self.to_string() };
        Ok(Response::from_json(&body)?.with_status(status))
    }
}

/// Result of a route.
pub type RouteResult = Result<Response, RouteError>;

/// Wraps any error as a runtime error (for failures that are our bug, such
/// as stored data that no longer parses), so `?` can carry it to the log.
pub fn internal(e: impl std::fmt::Display) -> worker::Error {
    worker::Error::RustError(e.to_string())
}
