//! JSON bodies of the HTTP routes (everything else goes over WebSockets).

use serde::{Deserialize, Serialize};

use crate::ids::{ConversationId, SiteId};

/// `POST /api/conversations`: start a conversation on a site. It runs the
/// support workflow, or sales when it answers a proactive trigger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateConversation {
    /// The site whose widget asks.
    pub site: SiteId,
    /// The proactive trigger the customer answered: its greeting becomes
    /// the first (operator) message and the workflow is sales.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<String>,
    /// Pre-chat form answers (field id, value), collected into the workflow.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<(String, String)>,
    /// The visitor's token (issued by the server for the site, kept by the
    /// loader on the host page): what ties sanctions to this browser across
    /// conversations. Without one (or with one the server did not issue)
    /// the answer carries a new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor: Option<String>,
    /// A logged-in customer of the site, as the site's server signed them.
    /// Verified or refused, never trusted as claimed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// The host page's address: the site's start rules pick the workflow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// With an identity: start nothing, but answer the customer's latest
    /// conversation (with a new token for this browser), or 404.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub resume: bool,
    /// The e-mail a customer left with their message while the site was
    /// away: the conversation waits for the next operator, who can answer
    /// here or by e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl CreateConversation {
    /// A plain request for `site`.
    pub fn new(site: SiteId) -> Self {
        Self {
            site,
            trigger: None,
            fields: Vec::new(),
            visitor: None,
            page: None,
            identity: None,
            resume: false,
            email: None,
        }
    }
}

/// A site's logged-in customer: their user id in the site's own system,
/// when the claim expires (`expires`, Unix seconds, at most
/// [`IDENTITY_LIFETIME_S`] ahead) and `hash`, the hex HMAC-SHA256 of
/// [`identity_message`] (`site|user|expires`) under the site's identity
/// secret, computed by the site's server when it serves the page (see
/// docs/identity.md). The script tag carries the three (`data-user-id`,
/// `data-user-expires`, `data-user-hash`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// The user id (1–200 characters, no control characters).
    pub user: String,
    /// When the signature stops working, Unix seconds.
    pub expires: u64,
    /// 64 hex digits.
    pub hash: String,
}

/// The longest a signed identity may be valid for: 10 minutes (the page
/// must be served with a fresh one).
pub const IDENTITY_LIFETIME_S: u64 = 600;

/// How far the site's clock may be from the Worker's: 2 minutes either way.
pub const IDENTITY_SKEW_S: u64 = 120;

/// What a site signs for its user: `site|user|expires` (a site id has no
/// `|` and the expiry is digits, so the user id may hold anything).
pub fn identity_message(site: &str, user: &str, expires: u64) -> String {
    format!("{site}|{user}|{expires}")
}

impl Identity {
    /// Whether the parts have the right form (the hash is checked by the server).
    pub fn well_formed(&self) -> bool {
        let n = self.user.chars().count();
        (1..=200).contains(&n)
            && !self.user.chars().any(char::is_control)
            && self.expires > 0
            && self.hash.len() == 64
            && self.hash.bytes().all(|b| b.is_ascii_hexdigit())
    }

    /// Whether it is still valid at `now_s` (Unix seconds), and not made to
    /// last longer than [`IDENTITY_LIFETIME_S`]; both allow [`IDENTITY_SKEW_S`].
    pub fn timely(&self, now_s: u64) -> Result<(), &'static str> {
        if self.expires + IDENTITY_SKEW_S < now_s {
            return Err("this page's sign-in has expired: the site signs it again when it serves the page");
        }
        if self.expires > now_s + IDENTITY_LIFETIME_S + IDENTITY_SKEW_S {
            return Err("this page's sign-in is valid for longer than 10 minutes; the chat cannot use it");
        }
        Ok(())
    }
}

/// The site's identity secret, for its server (`GET`, or `POST` to replace
/// it: every hash signed with the old one stops working).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentitySecret {
    /// 64 hex digits.
    pub secret: String,
}

/// Path of a site's identity secret in the console (settings editors only).
pub fn identity_secret_path(site: &str) -> String {
    format!("/api/console/sites/{}/identity", encode_query(site))
}

/// Answer to [`CreateConversation`]: the conversation and the secret that
/// gives its customer access. The token is shown once; the server keeps only
/// its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationCreated {
    /// The new conversation.
    pub conversation: ConversationId,
    /// The customer's secret (64 hex digits).
    pub token: String,
    /// A visitor token the server issued because the request carried none
    /// of its own for the site (the loader keeps it for the next ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor: Option<String>,
}

/// Path to ask for a visitor token for a site (`POST`, no body → 201
/// [`VisitorIssued`]; limited per caller address).
pub fn visitors_path(site: &str) -> String {
    format!("/api/sites/{}/visitors", encode_query(site))
}

/// A visitor token the server issued: 64 hex digits, of which the last 32
/// are its MAC, so a browser cannot make one up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorIssued {
    pub visitor: String,
}

/// Body of every refused HTTP request: a [`crate::Refusal`].
pub type ApiError = crate::Refusal;

/// Path of [`CreateConversation`] (`POST`).
pub const CONVERSATIONS_PATH: &str = "/api/conversations";

/// Path of a site's full configuration in the console (`GET`, `PUT`,
/// [`crate::site::SiteConfig`]). Console routes authenticate with the
/// session cookie; state-changing ones also need the `X-CSRF-Token` header.
pub fn site_config_path(site: &str) -> String {
    format!("/api/console/sites/{}/config", encode_query(site))
}

/// What a customer can expect from a site now (`GET
/// /api/sites/{site}/availability`, for the loader when the chat opens):
/// someone online within the site's hours, with the usual wait; nobody
/// online yet within hours (the chat stays open: someone answers later);
/// or away, outside the hours, until the next opening when there is one
/// (the widget asks for a message and an e-mail).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Availability {
    /// Within the site's hours (or it has none) and an operator who takes
    /// chats is online.
    pub online: bool,
    /// When online: the wait a new chat can expect, in ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_ms: Option<u64>,
    /// Outside the site's hours.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub away: bool,
    /// When outside the site's hours: the next opening (ms since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_open: Option<u64>,
}

/// Path of a site's availability.
pub fn availability_path(site: &str) -> String {
    format!("/api/sites/{}/availability", encode_query(site))
}

/// What the loader asks (`POST`, as `text/plain` so the host page needs
/// no preflight) to badge its launcher: how many messages for the customer
/// came after the last they saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreadQuery {
    /// The customer's conversation.
    pub conversation: ConversationId,
    /// Its token.
    pub token: String,
    /// The newest sequence number the customer saw.
    pub after: u64,
    /// The host page's address: a page view the profile records
    /// ([`crate::profile::Visit::visited`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
}

/// The answer to [`UnreadQuery`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unread {
    /// Messages for the customer after `after` (at most [`MOST_UNREAD`]).
    pub unread: u32,
    /// The newest sequence number.
    pub last: u64,
}

/// The most unread messages counted (the badge says "99").
pub const MOST_UNREAD: u32 = 99;

/// Path of [`UnreadQuery`].
pub fn unread_path(site: &str) -> String {
    format!("/api/sites/{}/unread", encode_query(site))
}

/// Path of the signed-in operator's own weekly shifts on a site (`GET`,
/// `PUT` a `crate::hours::Shifts`).
pub fn shifts_path(site: &str) -> String {
    format!("/api/console/sites/{}/shifts", encode_query(site))
}

/// Path of a site's performance report for the last `days` days, in a
/// zone `offset_minutes` east of UTC (`GET` a `crate::metrics::Report`).
pub fn performance_path(site: &str, days: u32, offset_minutes: i64) -> String {
    format!("/api/console/sites/{}/performance?days={days}&offset={offset_minutes}", encode_query(site))
}

/// Path of a site's practice runs (`POST` a
/// `crate::practice::StartPractice` to start one; `GET` the results one may
/// see).
pub fn practice_path(site: &str) -> String {
    format!("/api/console/sites/{}/practice", encode_query(site))
}

/// Path of a site's coverage grid (`GET` a `crate::hours::Coverage`,
/// supervisors only).
pub fn coverage_path(site: &str) -> String {
    format!("/api/console/sites/{}/coverage", encode_query(site))
}

/// Path of a moderator's removal of channel message `seq` (`POST`; moderators).
pub fn remove_message_path(site: &str, channel: &str, seq: u64) -> String {
    format!("/api/console/sites/{}/channels/{}/messages/{seq}/remove", encode_query(site), encode_query(channel))
}

/// Path of a site's moderation rules (`POST` the whole `Vec<crate::rules::Rule>`; moderators).
pub fn rules_path(site: &str) -> String {
    format!("/api/console/sites/{}/rules", encode_query(site))
}

/// Path of the rule form's test box (`POST` a `crate::rules::RuleTest`,
/// answered with a `crate::rules::RuleTestResult`; moderators).
pub fn rules_test_path(site: &str) -> String {
    format!("/api/console/sites/{}/rules/test", encode_query(site))
}

/// Path of a site's allowed words (`POST` a `crate::site::AllowWord`; moderators).
pub fn allowed_words_path(site: &str) -> String {
    format!("/api/console/sites/{}/allowed-words", encode_query(site))
}

/// Path of a channel's mode (`POST` a `crate::site::ChannelMode`; moderators).
pub fn channel_mode_path(site: &str, channel: &str) -> String {
    format!("/api/console/sites/{}/channels/{}/mode", encode_query(site), encode_query(channel))
}

/// Path of a site's operators' seats (`GET`: every `crate::routing::Seat`;
/// `PUT` one seat, supervisors only).
pub fn seats_path(site: &str) -> String {
    format!("/api/console/sites/{}/seats", encode_query(site))
}

/// The moderation desk's routes under a site's console path
/// (`/api/console/sites/{site}/…`); reading needs the desk, acting
/// moderation. Bodies and answers are `crate::moderation_case`'s types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskRoute {
    /// `GET reports`: the review queue, `Vec<Report>` in queue order.
    Reports,
    /// `POST reports/{id}/review` with a `Review` → the `Report`.
    Review(u64),
    /// `GET cases` → `Vec<Case>`; `POST cases` with an `OpenCase` → 201, the `Case`.
    Cases,
    /// `POST cases/{id}/act` with a `CaseAct` → the `Case`.
    Act(u64),
    /// `GET sanctions`: those in force, `Vec<SanctionRecord>`.
    Sanctions,
    /// `GET incidents?q=…` → `Vec<Incident>`; with `&format=csv`, CSV.
    Incidents,
    /// `GET feedback?days=N` (default 30) → `crate::feedback::FeedbackReport`:
    /// the moderators' decisions as the engine's false positives and negatives.
    Feedback,
    /// `GET labels?days=N&limit=L&before=ID` → `Vec<crate::feedback::Label>`,
    /// newest first: those decisions with the messages' texts (as stored,
    /// redacted), to retrain the engine on (`cargo xtask train-screening
    /// --labels FILE`). One page: at most `limit` labels (default and most
    /// [`crate::feedback::LABELS_PAGE`]) and 4 MB; a page with more after
    /// it names the next in `Link: <…>; rel="next"` ([`next_link`]).
    Labels,
}

/// The `Link` header of a page of labels with more after it: the next page
/// holds those before label `before`.
pub fn labels_link(site: &str, days: u32, limit: u32, before: u64) -> String {
    format!("<{}?days={days}&limit={limit}&before={before}>; rel=\"next\"", DeskRoute::Labels.path(site))
}

/// The next page's path in a `Link` header (RFC 8288), if it names one.
pub fn next_link(link: &str) -> Option<&str> {
    link.split(',').find_map(|l| l.trim().strip_suffix("; rel=\"next\"")?.strip_prefix('<')?.strip_suffix('>'))
}

impl DeskRoute {
    /// Its path for `site` (without a query).
    pub fn path(self, site: &str) -> String {
        let rest = match self {
            DeskRoute::Reports => "reports".to_owned(),
            DeskRoute::Review(id) => format!("reports/{id}/review"),
            DeskRoute::Cases => "cases".to_owned(),
            DeskRoute::Act(id) => format!("cases/{id}/act"),
            DeskRoute::Sanctions => "sanctions".to_owned(),
            DeskRoute::Incidents => "incidents".to_owned(),
            DeskRoute::Feedback => "feedback".to_owned(),
            DeskRoute::Labels => "labels".to_owned(),
        };
        format!("/api/console/sites/{}/{rest}", encode_query(site))
    }

    /// The route of a path's segments after the site (`None`: not a desk route).
    pub fn parse(rest: &[&str]) -> Option<Self> {
        Some(match rest {
            ["reports"] => DeskRoute::Reports,
            ["reports", id, "review"] => DeskRoute::Review(id.parse().ok()?),
            ["cases"] => DeskRoute::Cases,
            ["cases", id, "act"] => DeskRoute::Act(id.parse().ok()?),
            ["sanctions"] => DeskRoute::Sanctions,
            ["incidents"] => DeskRoute::Incidents,
            ["feedback"] => DeskRoute::Feedback,
            ["labels"] => DeskRoute::Labels,
            _ => return None,
        })
    }
}

/// The subprotocol every socket speaks. A socket's secret (a customer's
/// token, a visitor's) travels beside it in the `Sec-WebSocket-Protocol`
/// header, never in the address, so it reaches no request log.
pub const SOCKET_PROTOCOL: &str = "chat";

/// Splits a socket path of the builders below into the address to connect
/// to and the secret to offer beside [`SOCKET_PROTOCOL`] (`t.<token>`,
/// `v.<visitor>`), which the builders put after `#`: a fragment, which no
/// client sends, so a path used as it is leaks nothing.
pub fn socket_target(path: &str) -> (&str, Option<&str>) {
    match path.split_once('#') {
        Some((address, secret)) => (address, Some(secret)),
        None => (path, None),
    }
}

/// Path of a customer's conversation socket, resuming after `after`, with
/// the token as its secret ([`socket_target`]).
pub fn customer_socket_path(conversation: &str, token: &str, after: u64) -> String {
    let (c, t) = (encode_query(conversation), encode_query(token));
    format!("{CONVERSATIONS_PATH}/{c}/ws?after={after}#t.{t}")
}

/// Path of an operator's socket to a conversation of `site`, resuming after `after`.
pub fn operator_socket_path(site: &str, conversation: &str, after: u64) -> String {
    let (s, c) = (encode_query(site), encode_query(conversation));
    format!("/api/console/sites/{s}/conversations/{c}/ws?after={after}")
}

/// Path of the customer profile beside a conversation (`GET`).
pub fn profile_path(site: &str, conversation: &str) -> String {
    let (s, c) = (encode_query(site), encode_query(conversation));
    format!("/api/console/sites/{s}/conversations/{c}/profile")
}

/// Path of a conversation's staff notes (`POST` a [`crate::profile::NewNote`]).
pub fn notes_path(site: &str, conversation: &str) -> String {
    let (s, c) = (encode_query(site), encode_query(conversation));
    format!("/api/console/sites/{s}/conversations/{c}/notes")
}

/// Path of a conversation's transcript in `format` (`json`, `csv`, `text`).
pub fn transcript_path(site: &str, conversation: &str, format: &str) -> String {
    let (s, c, f) = (encode_query(site), encode_query(conversation), encode_query(format));
    format!("/api/console/sites/{s}/conversations/{c}/transcript?format={f}")
}

/// Path of everything about the customer of `conversation` (JSON).
pub fn customer_export_path(site: &str, conversation: &str) -> String {
    let (s, c) = (encode_query(site), encode_query(conversation));
    format!("/api/console/sites/{s}/customers/export?conversation={c}")
}

/// Path that erases the customer of `conversation` (`POST`; owners and admins).
pub fn customer_erase_path(site: &str, conversation: &str) -> String {
    let (s, c) = (encode_query(site), encode_query(conversation));
    format!("/api/console/sites/{s}/customers/erase?conversation={c}")
}

/// Path of a search of `site`'s conversations (`GET`).
pub fn search_path(site: &str, query: &crate::search::SearchQuery) -> String {
    format!("/api/console/sites/{}/search?{}", encode_query(site), query.to_query())
}

/// Path of a conversation's tags (`PUT` a [`crate::profile::Tags`]).
pub fn tags_path(site: &str, conversation: &str) -> String {
    let (s, c) = (encode_query(site), encode_query(conversation));
    format!("/api/console/sites/{s}/conversations/{c}/tags")
}

/// Path of an operator's inbox socket for `site`, showing `scope`.
pub fn inbox_socket_path(site: &str, scope: &crate::scope::Scope) -> String {
    format!("/api/console/sites/{}/inbox/ws?scope={}", encode_query(site), encode_query(&scope.to_string()))
}

/// Path of an older page of an inbox: `scope`'s lines last changed before
/// `before` (ms), or at `before` with an id below `id`.
pub fn inbox_page_path(site: &str, scope: &crate::scope::Scope, before: u64, id: &str) -> String {
    let (site, scope, id) = (encode_query(site), encode_query(&scope.to_string()), encode_query(id));
    format!("/api/console/sites/{site}/inbox?scope={scope}&before={before}&id={id}")
}

/// Path of a customer's channel socket: the display name, resuming after
/// `after`, with the visitor's token as its secret ([`socket_target`]).
pub fn channel_socket_path(site: &str, channel: &str, visitor: &str, name: &str, after: u64) -> String {
    let (s, c, v, n) = (encode_query(site), encode_query(channel), encode_query(visitor), encode_query(name));
    format!("/api/sites/{s}/channels/{c}/ws?name={n}&after={after}#v.{v}")
}

/// Path of a moderator's channel socket (they post under their account's name).
pub fn operator_channel_path(site: &str, channel: &str, after: u64) -> String {
    let (s, c) = (encode_query(site), encode_query(channel));
    format!("/api/console/sites/{s}/channels/{c}/ws?after={after}")
}

/// `POST` [`crate::staff::Login`] → [`crate::staff::Me`] and the session cookie.
pub const LOGIN_PATH: &str = "/api/auth/login";
/// `GET` → [`crate::staff::Me`] (and a rotated cookie when the session is due).
pub const SESSION_PATH: &str = "/api/auth/session";
/// `POST`: end this session.
pub const LOGOUT_PATH: &str = "/api/auth/logout";
/// `POST`: end every session of the account and close its sockets.
pub const LOGOUT_ALL_PATH: &str = "/api/auth/logout-all";
/// Sets a new password with a reset link (`POST`, `staff::ResetPassword`)
/// → `Me` and a session.
pub const RESET_PATH: &str = "/api/auth/reset";
/// Changes the signed-in person's password (`POST`, `staff::PasswordChange`).
pub const PASSWORD_PATH: &str = "/api/auth/password";
/// `POST`: start two-factor enrolment → `TwoFactorSetup`.
pub const TOTP_PATH: &str = "/api/auth/totp";
/// `POST` a `TwoFactorCode`: confirm enrolment with the first code.
pub const TOTP_CONFIRM_PATH: &str = "/api/auth/totp/confirm";
/// `POST` a `TwoFactorCode`: turn two-factor sign-in off (not where the
/// organisation requires it).
pub const TOTP_DISABLE_PATH: &str = "/api/auth/totp/disable";
/// `POST` an `OrgSecurity`: the organisation's sign-in policy.
pub const ORG_SECURITY_PATH: &str = "/api/org/security";
/// `POST` [`crate::staff::Accept`] → [`crate::staff::Me`] and a session cookie.
pub const ACCEPT_PATH: &str = "/api/auth/accept";
/// `GET` → [`crate::staff::People`].
pub const PEOPLE_PATH: &str = "/api/org/people";
/// `POST` [`crate::staff::Invite`] → [`crate::staff::Invited`].
pub const INVITATIONS_PATH: &str = "/api/org/invitations";
/// `POST` [`crate::staff::NewSite`] → [`crate::staff::SiteEntry`].
pub const SITES_PATH: &str = "/api/org/sites";
/// `POST` [`crate::staff::Seed`] with `Authorization: Bearer <SETUP_KEY>`:
/// the deployment's first organisation, once (409 afterwards).
pub const SETUP_PATH: &str = "/api/setup";
/// `POST` with `Authorization: Bearer <SETUP_KEY>`: moves a deployment's
/// legacy Directory into per-organisation objects → [`crate::staff::Migrated`].
pub const MIGRATE_PATH: &str = "/api/setup/migrate";
/// `POST` [`crate::staff::Signup`] → [`crate::staff::Me`] and a session
/// cookie: a new organisation with its owner and first site (where the
/// deployment's `SIGNUP` is `on`).
pub const SIGNUP_PATH: &str = "/api/auth/signup";
/// The header carrying a session's anti-CSRF token.
pub const CSRF_HEADER: &str = "X-CSRF-Token";

/// `POST` [`crate::staff::NewSite`] (same id): rename a site.
pub fn site_path(site: &str) -> String {
    format!("{SITES_PATH}/{}", encode_query(site))
}

/// `POST` [`crate::staff::SetSites`]: the sites someone works on.
pub fn sites_path(account: &str) -> String {
    format!("{PEOPLE_PATH}/{}/sites", encode_query(account))
}

/// `POST` [`crate::staff::SetRole`]: change someone's role.
pub fn role_path(account: &str) -> String {
    format!("{PEOPLE_PATH}/{}/role", encode_query(account))
}

/// `POST`: revokes an open invitation (its link stops working).
pub fn revoke_invitation_path(id: &str) -> String {
    format!("{INVITATIONS_PATH}/{}/revoke", encode_query(id))
}

/// `POST` → [`crate::staff::ResetIssued`]: a password reset link for someone.
pub fn reset_path(account: &str) -> String {
    format!("{PEOPLE_PATH}/{}/reset", encode_query(account))
}

/// `POST`: remove someone from the organisation (ends their sessions and sockets).
pub fn remove_path(account: &str) -> String {
    format!("{PEOPLE_PATH}/{}/remove", encode_query(account))
}

/// Whether a visitor token has the right form (64 lower-case hex digits;
/// only the server can tell whether it issued it).
pub fn visitor_token_ok(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Percent-encodes a path segment or query value: every byte but
/// `A–Z a–z 0–9 - _` becomes `%XX`.
pub fn encode_query(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            out.push(b as char);
        } else {
            out.push('%');
            out.push_str(&crate::ids::hex(&[b]).to_ascii_uppercase());
        }
    }
    out
}

/// Path of a viewer's report of channel message `seq` (`POST` a
/// [`ViewerReport`], answered with a [`Thanks`]).
pub fn report_message_path(site: &str, channel: &str, seq: u64) -> String {
    format!("/api/sites/{}/channels/{}/messages/{seq}/report", encode_query(site), encode_query(channel))
}

/// A channel viewer reports a published message to the site's moderators.
/// Over HTTP rather than the socket: the customer widget shares the socket
/// protocol's code and its size budget has no room for another frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewerReport {
    /// The viewer's visitor token (as on their channel socket).
    pub visitor: String,
    /// Why (`None`: something else).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<crate::rules::Category>,
}

/// What a viewer who reported a message is told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thanks {
    /// The words.
    pub text: String,
}

/// What one part of a site's inbox was asked since it woke
/// (`GET /api/bench/inbox-counts/{site}`, a list in the parts' order).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InboxCounts {
    /// Requests (sockets and these counts aside).
    pub requests: u64,
    /// Settings reads among them.
    pub config_reads: u64,
    /// Routing passes run (the list part).
    #[serde(default)]
    pub routing_passes: u64,
    /// Calls routing made to conversations (assignments, releases, places told).
    #[serde(default)]
    pub routing_calls: u64,
    /// Messages put in the search index (the list part).
    #[serde(default)]
    pub indexed: u64,
    /// Rows the index's writes wrote (its table, the FTS5 shadow tables').
    #[serde(default)]
    pub index_rows: u64,
    /// Notices that found a gap in the index (a repair followed).
    #[serde(default)]
    pub index_gaps: u64,
    /// Requests the list part made to the hooks part (notices with events wanted).
    #[serde(default)]
    pub hook_requests: u64,
    /// The part's SQLite database, in bytes (at the time of asking).
    #[serde(default)]
    pub db_bytes: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_paths_encode_what_they_carry() {
        assert_eq!(encode_query("a-Z_9"), "a-Z_9");
        assert_eq!(encode_query("k&y=1 é"), "k%26y%3D1%20%C3%A9");
        assert_eq!(customer_socket_path("c1", "t", 3), "/api/conversations/c1/ws?after=3#t.t");
        assert_eq!(
            socket_target(&customer_socket_path("c1", "t", 3)),
            ("/api/conversations/c1/ws?after=3", Some("t.t"))
        );
        assert_eq!(socket_target("/api/x/ws?after=0"), ("/api/x/ws?after=0", None));
        assert_eq!(
            channel_socket_path("s", "c", "v1", "Ann B", 2),
            "/api/sites/s/channels/c/ws?name=Ann%20B&after=2#v.v1"
        );
        assert_eq!(operator_socket_path("a&b", "c1", 0), "/api/console/sites/a%26b/conversations/c1/ws?after=0");
        let team = crate::scope::Scope::Team("a b".into());
        assert_eq!(inbox_socket_path("demo", &team), "/api/console/sites/demo/inbox/ws?scope=team%3Aa%20b");
        assert_eq!(
            inbox_page_path("demo", &crate::scope::Scope::Mine, 9, "c1"),
            "/api/console/sites/demo/inbox?scope=mine&before=9&id=c1"
        );
        assert_eq!(remove_path("x/y"), "/api/org/people/x%2Fy/remove");
    }

    #[test]
    fn every_error_code_has_one_http_status() {
        use crate::{ErrorCode, WireName};
        for &code in ErrorCode::ALL {
            let status = code.http_status();
            assert!((400..600).contains(&status), "{code:?}");
            assert_eq!(status >= 500, code == ErrorCode::Internal, "{code:?}: only our failure is a 5xx");
        }
        let some = [ErrorCode::Unauthorized, ErrorCode::Forbidden, ErrorCode::NotFound, ErrorCode::RateLimited];
        assert_eq!(some.map(ErrorCode::http_status), [401, 403, 404, 429]);
        assert_eq!(ErrorCode::UpgradeRequired.http_status(), 426);
    }

    #[test]
    fn desk_routes_parse_their_own_paths() {
        use DeskRoute::*;
        for route in [Reports, Review(7), Cases, Act(12), Sanctions, Incidents, Feedback, Labels] {
            let path = route.path("a&b");
            let rest = path.strip_prefix("/api/console/sites/a%26b/").expect("under the site");
            assert_eq!(DeskRoute::parse(&rest.split('/').collect::<Vec<_>>()), Some(route), "{path}");
        }
        assert_eq!(DeskRoute::parse(&["reports", "x", "review"]), None);
        assert_eq!(DeskRoute::parse(&["cases", "1"]), None);
    }

    #[test]
    fn a_page_of_labels_names_the_next_and_the_console_reads_it() {
        let link = labels_link("a&b", 30, 1000, 17);
        assert_eq!(next_link(&link), Some("/api/console/sites/a%26b/labels?days=30&limit=1000&before=17"));
        assert_eq!(next_link(&format!("</x>; rel=\"prev\", {link}")), next_link(&link), "among other links");
        assert_eq!(next_link("</x>; rel=\"prev\""), None);
        assert_eq!(next_link(""), None);
    }
}
