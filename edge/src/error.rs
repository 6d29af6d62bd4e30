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
    /// Another origin than the service's own pages, or a site's allowed ones.
    #[error("{0}")]
    CrossOrigin(String),
    /// A limit was reached; the message says when to try again.
    #[error("{0}")]
    RateLimited(String),
    /// The site has no such channel.
    #[error("this site has no channel {0:?}")]
    UnknownChannel(String),
    /// Refused with this code (the Directory's answers, a role that may
    /// not, a missing anti-CSRF token, a taken id); its status is the code's.
    #[error("{1}")]
    Refused(ErrorCode, String),
    /// Refused with particulars a client says in its reader's language
    /// (a room's refusal, a file's size limit); its status is the code's.
    #[error("{}", .0.message)]
    Said(shared::Refusal),
    /// A WebSocket route was called without `Upgrade: websocket`.
    #[error("this route only accepts WebSocket upgrades")]
    UpgradeRequired,
    /// The runtime failed; details stay in the log.
    #[error("internal error")]
    Internal(#[from] worker::Error),
}

impl RouteError {
    /// The code; the status is the code's ([`ErrorCode::http_status`]).
    fn code(&self) -> ErrorCode {
        match self {
            Self::NotFound => ErrorCode::NotFound,
            Self::BadRequest(_) => ErrorCode::Malformed,
            Self::UnknownSite(_) => ErrorCode::UnknownSite,
            Self::Unauthorized => ErrorCode::Unauthorized,
            Self::RateLimited(_) => ErrorCode::RateLimited,
            Self::CrossOrigin(_) => ErrorCode::Forbidden,
            Self::UnknownChannel(_) => ErrorCode::UnknownChannel,
            Self::Refused(code, _) => *code,
            Self::Said(r) => r.code,
            Self::UpgradeRequired => ErrorCode::UpgradeRequired,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The JSON response for this error.
    pub fn into_response(self) -> worker::Result<Response> {
        if let Self::Internal(e) = &self {
            worker::console_error!("internal error: {e}");
        }
        let code = self.code();
        let detail = match &self {
            Self::Said(r) => r.detail.clone(),
            _ => None,
        };
        let body = ApiError { code, message: self.to_string(), detail };
        Ok(Response::from_json(&body)?.with_status(code.http_status()))
    }
}

/// Result of a route.
pub type RouteResult = Result<Response, RouteError>;

/// Wraps any error as a runtime error (for failures that are our bug, such
/// as stored data that no longer parses), so `?` can carry it to the log.
pub fn internal(e: impl std::fmt::Display) -> worker::Error {
    worker::Error::RustError(e.to_string())
}
