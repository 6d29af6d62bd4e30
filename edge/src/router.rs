//! The one router: method + path → route function. Only `/api/*`, `/demo`
//! and the two embedded app pages (`/widget`, `/channel`) reach the Worker (see `run_worker_first` in `wrangler.toml`); every other
//! path is served from the static assets.

use worker::{Env, Method, Request, Response, Result};

use crate::error::RouteError;
use crate::routes::{
    accounts, api_v1, availability, bench, channels, console, conversations, demo, files, orgs, pages, profiles,
    search, seed, two_factor, visitors, webhooks,
};

/// Routes one request and turns route errors into JSON responses.
pub async fn handle(req: Request, env: Env) -> Result<Response> {
    let path = req.path();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let result = match (req.method(), segments.as_slice()) {
        (Method::Post, ["api", "conversations"]) => conversations::create(req, &env).await,
        (Method::Get, ["api", "conversations", id, "ws"]) => conversations::customer_socket(req, &env, id).await,
        (Method::Post, ["api", "conversations", id, "files"]) => files::customer_upload(req, &env, id).await,
        (Method::Post, ["api", "sites", site, "channels", channel, "files"]) => {
            channels::upload(req, &env, site, channel).await
        }
        (Method::Post, ["api", "console", "sites", site, "conversations", id, "files"]) => {
            files::staff_upload(req, &env, site, id).await
        }
        (Method::Get, ["api", "files", conversation, id, key]) => files::read(&env, conversation, id, key).await,
        (Method::Get, ["api", "console", "sites", site, "conversations", id, "ws"]) => {
            console::conversation_socket(req, &env, site, id).await
        }
        (Method::Get, ["api", "console", "sites", site, "conversations", id, "profile"]) => {
            profiles::profile(req, &env, site, id).await
        }
        (Method::Get, ["api", "console", "sites", site, "conversations", id, "transcript"]) => {
            profiles::transcript(req, &env, site, id).await
        }
        (Method::Get, ["api", "console", "sites", site, "customers", "export"]) => {
            profiles::customer_export(req, &env, site).await
        }
        (Method::Post, ["api", "console", "sites", site, "customers", "erase"]) => {
            profiles::erase(req, &env, site).await
        }
        (Method::Get, ["api", "console", "sites", site, "customers", "erasures"]) => {
            profiles::erasures(req, &env, site).await
        }
        (Method::Get, ["api", "console", "sites", site, "search"]) => search::search(req, &env, site).await,
        (Method::Get | Method::Post, ["api", "console", "sites", site, "webhooks"]) => {
            webhooks::hooks(req, &env, site).await
        }
        (Method::Get, ["api", "console", "sites", site, "webhooks", "deliveries"]) => {
            webhooks::deliveries(req, &env, site).await
        }
        (Method::Post, ["api", "console", "sites", site, "webhooks", "deliveries", id, "replay"]) => {
            webhooks::replay(req, &env, site, id).await
        }
        (Method::Post, ["api", "console", "sites", site, "webhooks", id, "delete"]) => {
            webhooks::remove(req, &env, site, id).await
        }
        (Method::Post, ["api", "console", "sites", site, "conversations", id, "notes"]) => {
            profiles::note(req, &env, site, id).await
        }
        (Method::Put, ["api", "console", "sites", site, "conversations", id, "tags"]) => {
            profiles::tags(req, &env, site, id).await
        }
        // The REST API (API keys): the console's handlers under /api/v1.
        (Method::Get, ["api", "v1", "openapi.json"]) => api_v1::openapi(),
        (Method::Get, ["api", "v1", "sites", site, "conversations"]) => api_v1::conversations(req, &env, site).await,
        (Method::Get, ["api", "v1", "sites", site, "search"]) => search::search(req, &env, site).await,
        (Method::Get, ["api", "v1", "sites", site, "conversations", id]) => {
            profiles::transcript(req, &env, site, id).await
        }
        (Method::Get, ["api", "v1", "sites", site, "conversations", id, "profile"]) => {
            profiles::profile(req, &env, site, id).await
        }
        (Method::Get, ["api", "v1", "sites", site, "conversations", id, "transcript"]) => {
            profiles::transcript(req, &env, site, id).await
        }
        (Method::Post, ["api", "v1", "sites", site, "conversations", id, "notes"]) => {
            profiles::note(req, &env, site, id).await
        }
        (Method::Post, ["api", "v1", "sites", site, "conversations", id, "messages"]) => {
            api_v1::post_message(req, &env, site, id).await
        }
        (Method::Post, ["api", "v1", "sites", site, "conversations", id, "files"]) => {
            files::staff_upload(req, &env, site, id).await
        }
        (Method::Post, ["api", "v1", "sites", site, "conversations", id, "close"]) => {
            api_v1::close(req, &env, site, id).await
        }
        (Method::Put, ["api", "v1", "sites", site, "conversations", id, "tags"]) => {
            profiles::tags(req, &env, site, id).await
        }
        (Method::Get, ["api", "v1", "sites", site, "customers", "export"]) => {
            profiles::customer_export(req, &env, site).await
        }
        (Method::Post, ["api", "v1", "sites", site, "customers", "erase"]) => profiles::erase(req, &env, site).await,
        (Method::Get, ["api", "v1", "sites", site, "incidents"]) => {
            console::desk(req, &env, site, shared::api::DeskRoute::Incidents).await
        }
        (Method::Get | Method::Post, ["api", "console", "sites", site, "keys"]) => api_v1::keys(req, &env, site).await,
        (Method::Post, ["api", "console", "sites", site, "keys", id, "revoke"]) => {
            api_v1::revoke(req, &env, site, id).await
        }
        (Method::Post, ["api", "auth", "login"]) => accounts::login(req, &env).await,
        (Method::Get, ["api", "auth", "session"]) => accounts::current(req, &env).await,
        (Method::Post, ["api", "auth", "logout"]) => accounts::logout(req, &env).await,
        (Method::Post, ["api", "auth", "logout-all"]) => accounts::logout_all(req, &env).await,
        (Method::Post, ["api", "auth", "password"]) => accounts::change_password(req, &env).await,
        (Method::Post, ["api", "auth", "totp"]) => two_factor::begin(req, &env).await,
        (Method::Post, ["api", "auth", "totp", "confirm"]) => two_factor::code(req, &env, true).await,
        (Method::Post, ["api", "auth", "totp", "disable"]) => two_factor::code(req, &env, false).await,
        (Method::Post, ["api", "org", "security"]) => two_factor::security(req, &env).await,
        (Method::Post, ["api", "auth", "reset"]) => accounts::reset_password(req, &env).await,
        (Method::Post, ["api", "auth", "accept"]) => accounts::accept(req, &env).await,
        (Method::Get, ["api", "org", "people"]) => accounts::people(req, &env).await,
        (Method::Post, ["api", "org", "invitations"]) => accounts::invite(req, &env).await,
        (Method::Post, ["api", "org", "invitations", id, "revoke"]) => accounts::revoke_invitation(req, &env, id).await,
        (Method::Post, ["api", "org", "people", account, "role"]) => accounts::person(req, &env, account, false).await,
        (Method::Post, ["api", "org", "people", account, "remove"]) => accounts::person(req, &env, account, true).await,
        (Method::Post, ["api", "org", "people", account, "sites"]) => accounts::person_sites(req, &env, account).await,
        (Method::Post, ["api", "org", "people", account, "reset"]) => accounts::issue_reset(req, &env, account).await,
        (Method::Post, ["api", "org", "sites"]) => accounts::add_site(req, &env).await,
        (Method::Post, ["api", "org", "sites", site]) => accounts::rename_site(req, &env, site).await,
        (Method::Post, ["api", "setup"]) => orgs::setup(req, &env).await,
        (Method::Post, ["api", "setup", "migrate"]) => orgs::migrate(req, &env).await,
        (Method::Post, ["api", "auth", "signup"]) => orgs::signup(req, &env).await,
        (Method::Get, ["api", "console", "sites", site, "inbox", "ws"]) => console::inbox_socket(req, &env, site).await,
        (Method::Get, ["api", "console", "sites", site, "inbox"]) => console::inbox_page(req, &env, site).await,
        (Method::Get | Method::Put, ["api", "console", "sites", site, "config"]) => {
            console::site_config(req, &env, site).await
        }
        (Method::Get | Method::Put, ["api", "console", "sites", site, "shifts"]) => {
            console::shifts(req, &env, site).await
        }
        (Method::Get, ["api", "console", "sites", site, "coverage"]) => console::coverage(req, &env, site).await,
        (Method::Get | Method::Post, ["api", "console", "sites", site, "practice"]) => {
            console::practice(req, &env, site).await
        }
        (Method::Get, ["api", "console", "sites", site, "performance"]) => console::performance(req, &env, site).await,
        (Method::Post, ["api", "console", "sites", site, "performance", "seed"]) => {
            seed::seed_week(req, &env, site).await
        }
        (Method::Get | Method::Put, ["api", "console", "sites", site, "seats"]) => {
            console::seats(req, &env, site).await
        }
        (Method::Get | Method::Post, ["api", "console", "sites", site, "identity"]) => {
            console::identity_secret(req, &env, site).await
        }
        (Method::Get, ["api", "sites", site, "widget"]) => conversations::widget_config(&req, &env, site).await,
        (Method::Get, ["api", "sites", site, "availability"]) => availability::availability(&req, &env, site).await,
        (Method::Post, ["api", "sites", site, "unread"]) => conversations::unread(req, &env, site).await,
        (Method::Post, ["api", "sites", site, "visitors"]) => visitors::issue(req, &env, site).await,
        (Method::Get, ["widget"]) => pages::app(&req, &env, "widget").await,
        (Method::Get, ["channel"]) => pages::app(&req, &env, "channel").await,
        (Method::Post, ["api", "sites", site, "channels", channel, "messages", seq, "report"]) => {
            channels::report(req, &env, site, channel, seq).await
        }
        (Method::Get, ["api", "sites", site, "channels", channel, "ws"]) => {
            channels::customer_socket(req, &env, site, channel).await
        }
        (Method::Get, ["api", "console", "sites", site, "channels", channel, "ws"]) => {
            console::channel_socket(req, &env, site, channel).await
        }
        (Method::Post, ["api", "console", "sites", site, "channels", channel, "mode"]) => {
            console::channel_mode(req, &env, site, channel).await
        }
        (Method::Post, ["api", "console", "sites", site, "channels", channel, "messages", seq, "remove"]) => {
            console::remove_message(req, &env, site, channel, seq).await
        }
        (Method::Post, ["api", "console", "sites", site, "rules"]) => console::save_rules(req, &env, site).await,
        (Method::Post, ["api", "console", "sites", site, "rules", "test"]) => {
            console::test_rules(req, &env, site).await
        }
        (Method::Post, ["api", "console", "sites", site, "allowed-words"]) => {
            console::allow_word(req, &env, site).await
        }
        // The moderation desk (the site's other console routes are above).
        (Method::Get | Method::Post, ["api", "console", "sites", site, rest @ ..]) => {
            match shared::api::DeskRoute::parse(rest) {
                Some(route) => console::desk(req, &env, site, route).await,
                None => Err(RouteError::NotFound),
            }
        }
        (Method::Get, ["demo"]) => demo::page(&req, &env, false).await,
        (Method::Get, ["demo", "api"]) => demo::page(&req, &env, true).await,
        (Method::Get, ["demo", "checkout"]) => demo::checkout(&req, &env).await,
        (Method::Get, ["api", "bench", "echo", "ws"]) => bench::echo_socket(req, &env).await,
        (Method::Get, ["api", "bench", "counts", id]) => bench::counts(&env, id).await,
        (Method::Get, ["api", "bench", "files", id]) => bench::files(&env, id).await,
        (Method::Get, ["api", "bench", "expiring"]) => bench::expiring(&env).await,
        (Method::Post, ["api", "bench", "legacy-seed"]) => bench::legacy_seed(req, &env).await,
        (Method::Post, ["api", "bench", "legacy-inbox", site]) => bench::legacy_inbox(req, &env, site).await,
        (Method::Get, ["api", "bench", "inbox-counts", site]) => bench::inbox_counts(&env, site).await,
        (Method::Post, ["api", "bench", "seed-orgs"]) => bench::seed_orgs(req, &env).await,
        (Method::Get, ["api", "bench", "org-counts", org]) => bench::org_counts(&env, org).await,
        (Method::Get, ["api", "bench", "index-requests"]) => bench::index_requests(&env).await,
        (Method::Get, ["api", "bench", "site-rows", site]) => bench::site_rows(&env, site).await,
        (Method::Get, ["api", "bench", "channel-counts", site, channel]) => {
            bench::channel_counts(&env, site, channel).await
        }
        _ => Err(RouteError::NotFound),
    };
    let mut resp = result.or_else(RouteError::into_response)?;
    if resp.status_code() != 101 {
        let h = resp.headers_mut();
        h.set("X-Content-Type-Options", "nosniff")?;
        h.set("Referrer-Policy", "strict-origin-when-cross-origin")?;
        // Nothing is kept by a cache, but a file's bytes (its route says how long).
        if !h.has("Cache-Control")? {
            h.set("Cache-Control", "no-store")?;
        }
        // JSON and errors: nothing to run, nothing to frame. (Pages set their own.)
        if !h.has("Content-Security-Policy")? {
            h.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")?;
        }
    }
    Ok(resp)
}
