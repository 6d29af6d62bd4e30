//! Calls to a site's `Inbox` object: [`InboxCall`], what they answer, and
//! one client function each.

use serde::{Deserialize, Serialize};
use shared::api::IdentitySecret;
use shared::moderation_case::{CaseAct, OpenCase, Report, Review, SanctionRecord};
use shared::site::SiteConfig;
use shared::ConversationSummary;
use worker::{Env, Response, Result, Stub};

use super::{ask, post, tell};

/// Name of the Inbox binding in `wrangler.toml`.
pub const BINDING: &str = "INBOX";

/// Every request to an Inbox besides its sockets' (`/ws`, `/drop`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum InboxCall {
    /// A conversation changed → [`Touched`].
    Touch(ConversationSummary),
    /// The site's settings → [`Settings`] (404: no such site).
    Config,
    /// The site's settings if their version is not this one →
    /// `Option<Settings>` (`None`: unchanged; 404: no such site).
    ConfigSince(u64),
    /// What the object was asked since it woke (bench only) → [`InboxCounts`].
    Counts,
    /// The desk's rows that retention removes in time, `[sanctions, reports]` (bench only).
    DeskRows,
    /// Replaces the settings (validated before) and tells the site's channels.
    SaveConfig {
        /// The site (to name its channels).
        site: String,
        /// The new settings.
        config: Box<SiteConfig>,
    },
    /// Registers the site with the default settings.
    Register,
    /// The site's identity secret, replaced first if `rotate` → [`IdentitySecret`].
    Identity {
        /// Replace it.
        rotate: bool,
    },
    /// A verified customer's new conversation.
    AddUser {
        /// The site's user id.
        user: String,
        /// The conversation.
        conversation: String,
    },
    /// A verified customer's latest conversation → its id (404: none).
    LatestOf {
        /// The site's user id.
        user: String,
    },
    /// A conversation was deleted (retention): its line and its verified
    /// customer's link go.
    Forget {
        /// The conversation.
        conversation: String,
    },
    /// A room's report for the desk.
    Report(Box<Report>),
    /// A member's sanctions in force and the settings version → [`Admission`].
    Sanctions {
        /// The member id.
        member: String,
    },
    /// Counts a new conversation against `key` → [`Admitted`].
    Admit {
        /// A visitor's or an address's key.
        key: String,
        /// At most this many an hour.
        limit: usize,
    },
    /// A console's request to the moderation desk (answered as the console sees it).
    Desk(Box<DeskAsk>),
}

/// A console's request to the desk, checked and typed by the Worker's route.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeskAsk {
    /// The site.
    pub site: String,
    /// The moderator's name.
    pub name: String,
    /// What they ask.
    pub call: DeskCall,
}

/// What a console asks of the desk (routes: [`shared::api::DeskRoute`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DeskCall {
    /// The review queue.
    Reports,
    /// The cases.
    Cases,
    /// The sanctions in force.
    Sanctions,
    /// The incidents matching `q`, as JSON or CSV.
    Incidents {
        /// Search text.
        q: String,
        /// CSV instead of JSON.
        csv: bool,
    },
    /// Approve or reject a held message.
    Review {
        /// The report.
        report: u64,
        /// The decision.
        review: Review,
    },
    /// Open a case.
    OpenCase(OpenCase),
    /// Apply an event to a case.
    Act {
        /// The case.
        case: u64,
        /// The event.
        act: CaseAct,
    },
}

/// The answer to [`InboxCall::Touch`].
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Touched {
    /// The site's settings version.
    pub version: u64,
}

/// The answer to [`InboxCall::Config`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Settings {
    /// Counts the saves.
    pub version: u64,
    /// The settings.
    pub config: SiteConfig,
}

/// The answer to [`InboxCall::Admit`].
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Admitted {
    /// `None`: counted; else how long until one is allowed (ms).
    pub wait_ms: Option<u64>,
}

/// The answer to [`InboxCall::Sanctions`]: what a room needs at a customer's connect.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Admission {
    /// The member's sanctions in force.
    pub sanctions: Vec<SanctionRecord>,
    /// The site's settings version.
    pub version: u64,
}

fn inbox(env: &Env, site: &str) -> Result<Stub> {
    env.durable_object(BINDING)?.get_by_name(site)
}

fn answered<T>(what: &str, answer: Option<T>) -> Result<T> {
    answer.ok_or_else(|| crate::error::internal(format!("{what}: no such site")))
}

/// Records a conversation change in its site's inbox; the site's settings version.
pub async fn touch(env: &Env, summary: ConversationSummary) -> Result<u64> {
    let stub = inbox(env, summary.site.as_str())?;
    let touched: Option<Touched> = ask(&stub, &InboxCall::Touch(summary)).await?;
    answered("touch", touched).map(|t| t.version)
}

/// The site's configuration and its version; `None`: no site has this id.
pub async fn settings(env: &Env, site: &str) -> Result<Option<Settings>> {
    ask(&inbox(env, site)?, &InboxCall::Config).await
}

/// The site's settings unless they are still at `version` (`Ok(None)`:
/// no such site; `Ok(Some(None))`: unchanged).
pub async fn settings_since(env: &Env, site: &str, version: u64) -> Result<Option<Option<Settings>>> {
    ask(&inbox(env, site)?, &InboxCall::ConfigSince(version)).await
}

/// What an Inbox was asked since it woke (the bench counts it).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InboxCounts {
    /// Requests (sockets and these counts aside).
    pub requests: u64,
    /// Settings reads among them.
    pub config_reads: u64,
}

/// What the site's Inbox was asked since it woke (bench only).
pub async fn counts(env: &Env, site: &str) -> Result<InboxCounts> {
    Ok(ask(&inbox(env, site)?, &InboxCall::Counts).await?.unwrap_or_default())
}

/// Replaces the site's configuration (validate it first).
pub async fn save_config(env: &Env, site: &str, config: &SiteConfig) -> Result<()> {
    let call = InboxCall::SaveConfig { site: site.into(), config: Box::new(config.clone()) };
    tell(&inbox(env, site)?, &call).await
}

/// Registers a new site (its configuration starts as the defaults).
pub async fn register(env: &Env, site: &str) -> Result<()> {
    tell(&inbox(env, site)?, &InboxCall::Register).await
}

/// The site's identity secret; `rotate` replaces it first.
pub async fn identity_secret(env: &Env, site: &str, rotate: bool) -> Result<String> {
    let secret: Option<IdentitySecret> = ask(&inbox(env, site)?, &InboxCall::Identity { rotate }).await?;
    answered("identity", secret).map(|s| s.secret)
}

/// Records a verified customer's new conversation.
pub async fn add_user_conversation(env: &Env, site: &str, user: &str, conversation: &str) -> Result<()> {
    let call = InboxCall::AddUser { user: user.into(), conversation: conversation.into() };
    tell(&inbox(env, site)?, &call).await
}

/// A verified customer's latest conversation on the site.
pub async fn latest_of(env: &Env, site: &str, user: &str) -> Result<Option<String>> {
    ask(&inbox(env, site)?, &InboxCall::LatestOf { user: user.into() }).await
}

/// Forgets a deleted conversation's inbox line.
pub async fn forget(env: &Env, site: &str, conversation: &str) -> Result<()> {
    tell(&inbox(env, site)?, &InboxCall::Forget { conversation: conversation.into() }).await
}

/// Files a room's report with its site's desk.
pub async fn report(env: &Env, site: &str, report: Report) -> Result<()> {
    tell(&inbox(env, site)?, &InboxCall::Report(Box::new(report))).await
}

/// The site's sanctions in force for `member`, and its settings version.
pub async fn sanctions_of(env: &Env, site: &str, member: &str) -> Result<Admission> {
    let admission = ask(&inbox(env, site)?, &InboxCall::Sanctions { member: member.into() }).await?;
    answered("sanctions", admission)
}

/// Counts a new conversation against `key` (a visitor's or an address's):
/// at most `limit` per hour; `Err(ms)` is how long until the next one.
pub async fn admit(env: &Env, site: &str, key: &str, limit: usize) -> Result<std::result::Result<(), u64>> {
    let admitted: Option<Admitted> = ask(&inbox(env, site)?, &InboxCall::Admit { key: key.into(), limit }).await?;
    Ok(match answered("admit", admitted)?.wait_ms {
        Some(ms) => Err(ms),
        None => Ok(()),
    })
}

/// A console's desk request: the Inbox's answer as it is (status, JSON or CSV).
pub async fn desk(env: &Env, ask: DeskAsk) -> Result<Response> {
    let stub = inbox(env, &ask.site)?;
    post(&stub, &InboxCall::Desk(Box::new(ask))).await
}
