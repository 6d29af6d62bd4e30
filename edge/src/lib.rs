//! The Cloudflare Worker: one `fetch` entry point, one router, one module per
//! route group and one module per Durable Object class.
//!
//! # Layout
//! - [`router`]: maps method + path to a route function; everything under
//!   `/api/` and `/demo` runs here, every other path is a static asset.
//! - [`routes`]: one module per resource (conversations, console, demo page).
//! - [`conversation`]: the `Conversation` Durable Object (one per chat): its
//!   sans-IO core, its SQLite store and its hibernatable sockets.
//! - [`inbox`]: the `Inbox` Durable Object (one per site): the conversation
//!   list and live updates to operators, the settings, the moderation desk.
//! - [`channel`]: the `Channel` Durable Object (one per public channel),
//!   and [`relay`]: the `Relay` objects its viewers' sockets live on.
//! - [`org`]: the `Org` Durable Object (one per organisation): its sites,
//!   accounts, sessions, invitations; and the legacy `Directory` (one per
//!   deployment, before), kept only to be migrated from.
//! - [`index`]: the `Index` Durable Object (32 shards): what is unique
//!   across the deployment (e-mail addresses, site ids, the one-time
//!   setup) and the sign-in attempts per address.
//! - [`identity`]: verifying a site's signed customer identities (HMAC).
//! - [`settings_cache`]: sites' settings kept in the Worker isolate for a
//!   few seconds, then checked by version.
//! - [`session`], [`password`]: the console's sign-in check (cookie, role,
//!   site, anti-CSRF token) and the password KDF (Argon2id).
//! - [`room`]: what every room (conversation or channel) does, once: the
//!   sans-IO core and policy, its memory, its store, the shared shell.
//! - [`echo`]: the `Echo` Durable Object, the benchmarks' baseline (off
//!   unless `BENCH=on`).
//! - [`calls`]: every call between objects, typed (`InboxCall`,
//!   `RoomCall`); the objects reach each other only through it.
//! - [`auth`], [`error`], [`headers`], [`socket`]: tokens and keys, the one
//!   error type of the routes, the internal headers, and socket helpers
//!   shared by the objects.

pub mod auth;
pub mod calls;
pub mod channel;
pub mod checkout;
pub mod conversation;
pub mod echo;
pub mod error;
pub mod files;
pub mod headers;
pub mod identity;
pub mod inbox;
pub mod index;
pub mod org;
pub mod password;
pub mod relay;
pub mod retention;
pub mod room;
pub mod router;
pub mod routes;
pub mod session;
pub mod settings_cache;
pub mod socket;

use worker::{event, Context, Env, Request, Response, Result};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    router::handle(req, env).await
}
