//! The one error type of the HTTP routes and the one place that turns it into
//! a response. Internal details are logged, never sent.

use shared::{ErrorCode, Refusal};
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
    /// The site has no such channel.
    #[error("this site has no channel {0:?}")]
    UnknownChannel(String),
    /// Refused with this code, and particulars a client says in its
    /// reader's language if any (a role that may not, a missing anti-CSRF
    /// token, a taken id, a limit, a room's refusal); its status is the
    /// code's ([`RouteError::refused`] without particulars).
    #[error("{}", .0.message)]
    Said(Refusal),
    /// A WebSocket route was called without `Upgrade: websocket`.
    #[error("this route only accepts WebSocket upgrades")]
    UpgradeRequired,
    /// The runtime failed; details stay in the log.
    #[error("internal error")]
    Internal(#[from] worker::Error),
}

impl RouteError {
    /// Refused with this code and message, without particulars.
    pub fn refused(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Said(Refusal::new(code, message))
    }

    /// The code; the status is the code's ([`ErrorCode::http_status`]).
    fn code(&self) -> ErrorCode {
        match self {
            Self::NotFound => ErrorCode::NotFound,
            Self::BadRequest(_) => ErrorCode::Malformed,
            Self::UnknownSite(_) => ErrorCode::UnknownSite,
            Self::Unauthorized => ErrorCode::Unauthorized,
            Self::CrossOrigin(_) => ErrorCode::Forbidden,
            Self::UnknownChannel(_) => ErrorCode::UnknownChannel,
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
        match self {
            Self::Said(refusal) => refusal_response(refusal),
            other => refusal_response(Refusal::new(other.code(), other.to_string())),
        }
    }
}

/// The JSON answer that says `refusal`, with its code's status, and
/// `Retry-After` when it says how long to wait.
pub fn refusal_response(refusal: Refusal) -> worker::Result<Response> {
    let (status, wait) = (refusal.code.http_status(), refusal.retry_after());
    let mut resp = Response::from_json(&refusal)?.with_status(status);
    if let Some(seconds) = wait {
        resp.headers_mut().set("Retry-After", &seconds.to_string())?;
    }
    Ok(resp)
}

/// Result of a route.
pub type RouteResult = Result<Response, RouteError>;

/// Wraps any error as a runtime error (for failures that are our bug, such
/// as stored data that no longer parses), so `?` can carry it to the log.
pub fn internal(e: impl std::fmt::Display) -> worker::Error {
    worker::Error::RustError(e.to_string())
}
