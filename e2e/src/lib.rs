//! Test harness for black-box tests against the real Worker: start and stop
//! `wrangler dev` (workerd) and speak the protocol over real sockets.
//!
//! # Layout
//! - [`accounts`]: the seeded demo organisation and signed-in console users.
//! - [`wrangler`]: the `wrangler dev` process (also used by `cargo xtask`).
//! - [`client`]: HTTP calls and a blocking WebSocket client that speaks the
//!   `shared` protocol.
//! - [`identity`]: a site's server signing its logged-in customer.
//! - [`hooks`]: a webhook receiver that checks signatures and counts.
//!
//! Tests in `tests/` read the Worker's address from `E2E_BASE_URL` (set by
//! `cargo xtask test`, which starts one Worker for them); `tests/restart.rs`
//! starts its own Worker because it kills it.

pub mod accounts;
pub mod bench;
pub mod chaos;
pub mod client;
pub mod deployment;
pub mod files;
pub mod hooks;
pub mod identity;
pub mod scale;
pub mod week;
pub mod wrangler;

/// A 429's body, once it is checked to say how long to wait alike in
/// `Retry-After` and in its `detail` (whole seconds, at least 1).
pub fn too_fast(r: ureq::Response) -> shared::api::ApiError {
    let after = r.header("Retry-After").expect("a 429 says Retry-After").parse::<u64>().expect("whole seconds");
    let e: shared::api::ApiError = r.into_json().unwrap();
    assert_eq!(
        (e.code, e.detail.clone()),
        (shared::ErrorCode::RateLimited, Some(shared::Detail::Wait { seconds: after }))
    );
    assert!(after >= 1);
    e
}

/// Address of the Worker under test, from `E2E_BASE_URL`.
pub fn base_url() -> String {
    std::env::var("E2E_BASE_URL")
        .expect("E2E_BASE_URL is not set: run these tests with `cargo xtask test`, which starts the Worker")
}
