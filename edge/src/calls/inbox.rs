//! Calls to a site's `Inbox` objects: [`InboxCall`], what they answer, and
//! one client function each. A site's inbox is six objects of the one
//! class ([`Part`]), so one part's load is not the others' too.

use serde::{Deserialize, Serialize};
use shared::moderation_case::{CaseAct, DeskBatch, OpenCase, Report, Review, SanctionRecord};
use shared::site::SiteConfig;
use shared::ConversationSummary;
use worker::{Env, Response, Result, Stub};

use super::{ask, post, tell};

/// Name of the Inbox binding in `wrangler.toml`.
pub const BINDING: &str = "INBOX";

/// The six parts of a site's inbox, each its own object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The settings, the identity secret and the verified customers'
    /// conversations (the object named as the site, which held everything
    /// before the split).
    Settings,
    /// The conversation list and the operators' inbox sockets.
    List,
    /// The moderation desk: reports, cases, sanctions, incidents.
    Desk,
    /// The counters of new conversations per visitor and address.
    Admission,
    /// The facts of closed conversations, for the performance page.
    Stats,
    /// The site's webhooks: endpoints, deliveries waiting and the log.
    Hooks,
}

impl Part {
    /// Every part.
    pub const ALL: [Part; 6] = [Part::Settings, Part::List, Part::Desk, Part::Admission, Part::Stats, Part::Hooks];

    /// The object's name for `site`.
    pub fn object(self, site: &str) -> String {
        match self {
            Part::Settings => site.to_owned(),
            Part::List => format!("{site}/list"),
            Part::Desk => format!("{site}/desk"),
            Part::Admission => format!("{site}/admission"),
            Part::Stats => format!("{site}/stats"),
            Part::Hooks => format!("{site}/hooks"),
        }
    }
}

/// Every request to an Inbox besides its sockets' (`/ws`, `/drop`); each
/// goes to one [`Part`], named at its client function.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum InboxCall {
    /// A conversation changed → [`Touched`]; with the messages to index
    /// since the last notice (`None`: nothing claimed, as at creation).
    Touch(ConversationSummary, Option<Said>),
    /// A search of the site's conversations → [`shared::search::SearchPage`].
    Search(shared::search::SearchQuery),
    /// The site's webhook endpoints → `Vec<Hook>` (the hooks part).
    Hooks,
    /// A new endpoint → [`shared::webhooks::CreatedHook`] (checked by the Worker).
    AddHook {
        /// The site (its list part learns which events are wanted).
        site: String,
        /// The endpoint.
        hook: shared::webhooks::NewHook,
        /// Who made it.
        by: String,
    },
    /// An endpoint goes, with its deliveries (404: no such endpoint).
    RemoveHook {
        /// The site.
        site: String,
        /// The endpoint.
        id: String,
    },
    /// The delivery log, newest first → `Vec<Delivery>`.
    Deliveries {
        /// One endpoint's only.
        hook: Option<String>,
    },
    /// A delivery sent again as a new one → [`shared::webhooks::Delivery`] (404: none).
    Replay {
        /// The delivery.
        delivery: u64,
    },
    /// Events for the endpoints that want them (each endpoint gets an
    /// event id once).
    Enqueue {
        /// The site (in each body).
        site: String,
        /// The events.
        moments: Vec<Moment>,
    },
    /// The events the site's endpoints want (the list part keeps them).
    HooksWanted(Vec<shared::webhooks::HookEvent>),
    /// A customer's erasure on the desk → [`shared::transcript::Erasure`] as logged.
    Erase {
        /// The customer's member id.
        member: String,
        /// The erasure, with the rooms' counts.
        erasure: shared::transcript::Erasure,
    },
    /// The erasure log → `Vec<Erasure>`, newest first.
    Erasures,
    /// A conversation's tags changed (its line's other columns as they are).
    Retag(ConversationSummary),
    /// A customer's other conversations → `Vec<ConversationSummary>`.
    Earlier {
        /// The customer's member id.
        member: String,
        /// The conversation asking (left out).
        except: String,
        /// The most lines answered.
        limit: usize,
    },
    /// An older page of an inbox → `Vec<ConversationSummary>`
    /// ([`shared::api::inbox_page_path`]).
    Page {
        /// The scope, as written (`Scope`'s `Display`).
        scope: String,
        /// The operator's name (for `mine`).
        me: String,
        /// Lines changed before this (ms)…
        before: u64,
        /// …or then, with an id below this one.
        id: String,
    },
    /// The site's settings → [`Settings`] (404: no such site).
    Config,
    /// The site's settings if their version is not this one →
    /// `Option<Settings>` (`None`: unchanged; 404: no such site).
    ConfigSince(u64),
    /// What the object was asked since it woke (bench only) → [`InboxCounts`].
    Counts,
    /// The desk's rows that retention removes in time, `[sanctions, reports]` (bench only).
    DeskRows,
    /// The list's lines → `u64` (bench only).
    Lines,
    /// Up to 500 rows of a desk table after id `after` → `Vec<Stored>`
    /// (the settings part held the desk before the split).
    DeskExport {
        /// The table (one of [`DESK_TABLES`]).
        table: String,
        /// The last id already moved.
        after: u64,
    },
    /// Moved desk rows, written with their ids (the desk part).
    DeskImport {
        /// The table.
        table: String,
        /// The rows.
        rows: Vec<Stored>,
    },
    /// The operators' seats → `Vec<Seat>` (the list part).
    Seats,
    /// Who can take a new chat now → [`Reach`] (the list part).
    Reach,
    /// A practice run's result (the list part).
    Practiced(shared::practice::PracticeResult),
    /// Practice results, newest first → `Vec<PracticeResult>`: one
    /// trainee's, or the mentees' of a mentor, or (both `None`) everyone's
    /// (the list part).
    PracticeResults {
        /// One trainee's.
        trainee: Option<String>,
        /// Also those whose seat names this mentor.
        mentor: Option<String>,
    },
    /// Conversations closed: each one's facts (the stats part).
    File(Vec<(String, shared::metrics::Facts)>),
    /// The performance report → `shared::metrics::Report` (the stats part).
    Performance {
        /// The period, in days up to today.
        days: u32,
        /// The viewer's zone offset from UTC (ms).
        offset_ms: i64,
        /// One operator's only (`None`: everyone's).
        operator: Option<String>,
    },
    /// An operator's own weekly shifts → `Option<Shifts>` (the list part).
    Shifts(String),
    /// Sets an operator's shifts (checked by the Worker; the list part).
    SetShifts(String, shared::hours::Shifts),
    /// The coverage grid of this week → `Coverage` (the list part).
    Coverage,
    /// Sets an operator's seat (checked by the Worker; the list part).
    SetSeat(shared::routing::Seat),
    /// Moved lines, written as any change is (the list part).
    LinesImport(Vec<ConversationSummary>),
    /// The settings part forgets the lines and desk rows that moved.
    Moved,
    /// Replaces the settings (validated before) and tells the site's channels.
    SaveConfig {
        /// The site (to name its channels).
        site: String,
        /// The new settings.
        config: Box<SiteConfig>,
    },
    /// Registers the site with the default settings.
    Register {
        /// The site (to name its other parts).
        site: String,
    },
    /// The organisation's people's display names (channel members may not
    /// take them), kept in the settings.
    StaffNames {
        /// The site (to tell the other parts).
        site: String,
        names: Vec<String>,
    },
    /// The site's identity secret, replaced first if `rotate` → [`IdentityKey`].
    Identity {
        /// The site (to tell the other parts when replaced).
        site: String,
        /// Replace it: every grant made under the old one is revoked (the
        /// settings' `identity_version` counts up).
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
    Report {
        /// The site (the desk tells its list part what changed).
        site: String,
        /// The report.
        report: Box<Report>,
    },
    /// The settings part's copy of new settings for the list and the desk
    /// parts (the list answers the version to the rooms, the desk reads the
    /// retention and the case rules); kept if newer than theirs.
    Copy(Box<Settings>),
    /// The settings part copies its settings to the list and the desk parts
    /// again (nothing if the site has none).
    CopyToParts {
        /// The site (to name its parts).
        site: String,
    },
    /// The desk's changes for the list part to push to the consoles.
    DeskChanges(Box<DeskBatch>),
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
    /// The moderators' decisions of the last `days` days as the engine's
    /// false positives and negatives.
    Feedback {
        /// How many days, up to today.
        days: u32,
    },
    /// Those decisions of the last `days` days, with their texts: one page,
    /// newest first.
    Labels {
        /// How many days, up to today.
        days: u32,
        /// At most this many labels (1–[`shared::feedback::LABELS_PAGE`]).
        limit: u32,
        /// Only labels kept before this one (the previous page's `Link`).
        before: Option<u64>,
    },
    /// Apply an event to a case.
    Act {
        /// The case.
        case: u64,
        /// The event.
        act: CaseAct,
    },
}

/// The desk's tables, in the order a move copies them.
pub const DESK_TABLES: [&str; 4] = ["reports", "cases", "sanctions", "incidents"];

/// A desk row as it is stored (a move copies it with its id).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stored {
    /// Its id.
    pub id: u64,
    /// Its JSON value.
    pub json: String,
    /// The member (reports and sanctions).
    pub member: Option<String>,
}

/// The answer to [`InboxCall::Touch`].
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Touched {
    /// The site's settings version.
    pub version: u64,
    /// The conversation's messages the search index holds: every one up to
    /// this sequence number (below the notice's `after`: a gap to repair).
    #[serde(default)]
    pub indexed: u64,
}

/// A conversation's messages for the search index: every text message
/// stored after `after` up to `upto`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Said {
    /// The sequence number the run starts after.
    pub after: u64,
    /// The sequence number it ends with.
    pub upto: u64,
    /// The messages: sequence number, author, time (ms), text.
    pub messages: Vec<(u64, shared::Role, u64, String)>,
    /// The orders confirmed and the ratings among them, for webhooks.
    #[serde(default)]
    pub moments: Vec<Moment>,
    /// Operators' edits among them: the message and its new text (empty: deleted).
    #[serde(default)]
    pub edits: Vec<(u64, String)>,
}

/// Something a webhook may want: its event, the event's id (the same
/// however often it is told; from a conversation, the part after its id),
/// when, and what it is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Moment {
    /// What happened.
    pub event: shared::webhooks::HookEvent,
    /// The event's id.
    pub id: String,
    /// When (ms).
    pub at: u64,
    /// The sequence number of the message it came with (0: none).
    #[serde(default)]
    pub seq: u64,
    /// What it is about (the payload's `data`).
    pub data: serde_json::Value,
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

/// The stub of one part of a site's inbox.
pub fn part(env: &Env, site: &str, part: Part) -> Result<Stub> {
    env.durable_object(BINDING)?.get_by_name(&part.object(site))
}

fn answered<T>(what: &str, answer: Option<T>) -> Result<T> {
    answer.ok_or_else(|| crate::error::internal(format!("{what}: no such site")))
}

/// Records a conversation change in its site's inbox, with the messages to
/// index since the last notice.
pub async fn touch(env: &Env, summary: ConversationSummary, said: Option<Said>) -> Result<Touched> {
    let stub = part(env, summary.site.as_str(), Part::List)?;
    let touched: Option<Touched> = ask(&stub, &InboxCall::Touch(summary, said)).await?;
    answered("touch", touched)
}

/// Gives events to the site's webhooks part.
pub async fn enqueue(env: &Env, site: &str, moments: Vec<Moment>) -> Result<()> {
    tell(&part(env, site, Part::Hooks)?, &InboxCall::Enqueue { site: site.into(), moments }).await
}

/// Tells the site's list part which events its endpoints want.
pub async fn hooks_wanted(env: &Env, site: &str, events: Vec<shared::webhooks::HookEvent>) -> Result<()> {
    tell(&part(env, site, Part::List)?, &InboxCall::HooksWanted(events)).await
}

/// A console's webhooks request to the hooks part: its answer as it is.
pub async fn hooks(env: &Env, site: &str, call: &InboxCall) -> Result<Response> {
    post(&part(env, site, Part::Hooks)?, call).await
}

/// Searches the site's conversations (the list part's index).
pub async fn search(env: &Env, site: &str, query: shared::search::SearchQuery) -> Result<shared::search::SearchPage> {
    let page = ask(&part(env, site, Part::List)?, &InboxCall::Search(query)).await?;
    answered("search", page)
}

/// A conversation's new tags, on its line (pushed to the inboxes that show it).
pub async fn retag(env: &Env, summary: ConversationSummary) -> Result<()> {
    let stub = part(env, summary.site.as_str(), Part::List)?;
    tell(&stub, &InboxCall::Retag(summary)).await
}

/// Erases a customer from the site's moderation desk and logs the erasure.
pub async fn erase_on_desk(
    env: &Env,
    site: &str,
    member: &str,
    erasure: shared::transcript::Erasure,
) -> Result<shared::transcript::Erasure> {
    let call = InboxCall::Erase { member: member.to_owned(), erasure };
    answered("erase", ask(&part(env, site, Part::Desk)?, &call).await?)
}

/// The site's erasure log, newest first.
pub async fn erasures(env: &Env, site: &str) -> Result<Vec<shared::transcript::Erasure>> {
    Ok(ask(&part(env, site, Part::Desk)?, &InboxCall::Erasures).await?.unwrap_or_default())
}

/// A customer's other conversations on `site` (by member id), newest
/// first, at most `limit`.
pub async fn earlier(
    env: &Env,
    site: &str,
    member: &str,
    except: &str,
    limit: usize,
) -> Result<Vec<ConversationSummary>> {
    let call = InboxCall::Earlier { member: member.to_owned(), except: except.to_owned(), limit };
    Ok(ask::<Vec<ConversationSummary>>(&part(env, site, Part::List)?, &call).await?.unwrap_or_default())
}

/// The site's configuration and its version; `None`: no site has this id.
pub async fn settings(env: &Env, site: &str) -> Result<Option<Settings>> {
    ask(&part(env, site, Part::Settings)?, &InboxCall::Config).await
}

/// The site's settings unless they are still at `version` (`Ok(None)`:
/// no such site; `Ok(Some(None))`: unchanged).
pub async fn settings_since(env: &Env, site: &str, version: u64) -> Result<Option<Option<Settings>>> {
    ask(&part(env, site, Part::Settings)?, &InboxCall::ConfigSince(version)).await
}

pub use shared::api::InboxCounts;

/// What each part of the site's inbox was asked since it woke, in the
/// order of [`Part::ALL`] (bench only).
pub async fn counts(env: &Env, site: &str) -> Result<Vec<InboxCounts>> {
    let mut all = Vec::new();
    for p in Part::ALL {
        all.push(ask(&part(env, site, p)?, &InboxCall::Counts).await?.unwrap_or_default());
    }
    Ok(all)
}

/// Replaces the site's configuration (validate it first).
pub async fn save_config(env: &Env, site: &str, config: &SiteConfig) -> Result<()> {
    let call = InboxCall::SaveConfig { site: site.into(), config: Box::new(config.clone()) };
    tell(&part(env, site, Part::Settings)?, &call).await
}

/// Registers a new site (its configuration starts as the defaults).
pub async fn staff_names(env: &Env, site: &str, names: Vec<String>) -> Result<()> {
    tell(&part(env, site, Part::Settings)?, &InboxCall::StaffNames { site: site.into(), names }).await
}

pub async fn register(env: &Env, site: &str) -> Result<()> {
    tell(&part(env, site, Part::Settings)?, &InboxCall::Register { site: site.into() }).await
}

/// The site's identity secret; `rotate` replaces it first.
pub async fn identity_secret(env: &Env, site: &str, rotate: bool) -> Result<String> {
    identity_key(env, site, rotate).await.map(|k| k.secret)
}

/// The site's identity secret with its version (replaced first if `rotate`).
pub async fn identity_key(env: &Env, site: &str, rotate: bool) -> Result<IdentityKey> {
    let key: Option<IdentityKey> =
        ask(&part(env, site, Part::Settings)?, &InboxCall::Identity { site: site.into(), rotate }).await?;
    answered("identity", key)
}

/// The answer to [`InboxCall::Identity`]: the secret and how many times it
/// was replaced (`SiteConfig::identity_version`, what grants record).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdentityKey {
    /// 64 hex digits.
    pub secret: String,
    /// Its version.
    pub version: u32,
}

/// Records a verified customer's new conversation.
pub async fn add_user_conversation(env: &Env, site: &str, user: &str, conversation: &str) -> Result<()> {
    let call = InboxCall::AddUser { user: user.into(), conversation: conversation.into() };
    tell(&part(env, site, Part::Settings)?, &call).await
}

/// A verified customer's latest conversation on the site.
pub async fn latest_of(env: &Env, site: &str, user: &str) -> Result<Option<String>> {
    ask(&part(env, site, Part::Settings)?, &InboxCall::LatestOf { user: user.into() }).await
}

/// An older page of the site's inbox in `scope` (see [`InboxCall::Page`]).
pub async fn page(env: &Env, site: &str, call: InboxCall) -> Result<Vec<ConversationSummary>> {
    Ok(ask(&part(env, site, Part::List)?, &call).await?.unwrap_or_default())
}

/// Files a closed conversation's facts with its site's stats.
pub async fn file(env: &Env, site: &str, facts: Vec<(String, shared::metrics::Facts)>) -> Result<()> {
    tell(&part(env, site, Part::Stats)?, &InboxCall::File(facts)).await
}

/// A site's performance report (see [`InboxCall::Performance`]).
pub async fn performance(env: &Env, site: &str, call: InboxCall) -> Result<shared::metrics::Report> {
    Ok(ask(&part(env, site, Part::Stats)?, &call).await?.unwrap_or_default())
}

/// Files a practice run's result.
pub async fn practiced(env: &Env, site: &str, result: shared::practice::PracticeResult) -> Result<()> {
    tell(&part(env, site, Part::List)?, &InboxCall::Practiced(result)).await
}

/// Practice results (see [`InboxCall::PracticeResults`]).
pub async fn practice_results(env: &Env, site: &str, call: InboxCall) -> Result<Vec<shared::practice::PracticeResult>> {
    Ok(ask(&part(env, site, Part::List)?, &call).await?.unwrap_or_default())
}

/// Who can take a site's new chat now (see [`InboxCall::Reach`]).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Reach {
    /// Operators online who take chats.
    pub online: u32,
    /// The wait a new chat in the site's queue can expect (ms), if anyone
    /// is online.
    pub wait_ms: Option<u64>,
}

/// Who can take a site's new chat now.
pub async fn reach(env: &Env, site: &str) -> Result<Reach> {
    Ok(ask(&part(env, site, Part::List)?, &InboxCall::Reach).await?.unwrap_or_default())
}

/// An operator's weekly shifts on a site, if they set any.
pub async fn shifts(env: &Env, site: &str, name: &str) -> Result<Option<shared::hours::Shifts>> {
    Ok(ask(&part(env, site, Part::List)?, &InboxCall::Shifts(name.into())).await?.flatten())
}

/// Sets an operator's weekly shifts (checked before).
pub async fn set_shifts(env: &Env, site: &str, name: &str, shifts: shared::hours::Shifts) -> Result<()> {
    tell(&part(env, site, Part::List)?, &InboxCall::SetShifts(name.into(), shifts)).await
}

/// The site's coverage grid for this week.
pub async fn coverage(env: &Env, site: &str) -> Result<shared::hours::Coverage> {
    Ok(ask(&part(env, site, Part::List)?, &InboxCall::Coverage).await?.unwrap_or_default())
}

/// The site's operators' seats (the list part).
pub async fn seats(env: &Env, site: &str) -> Result<Vec<shared::routing::Seat>> {
    Ok(ask(&part(env, site, Part::List)?, &InboxCall::Seats).await?.unwrap_or_default())
}

/// Sets an operator's seat (checked against the site's teams before).
pub async fn set_seat(env: &Env, site: &str, seat: shared::routing::Seat) -> Result<()> {
    tell(&part(env, site, Part::List)?, &InboxCall::SetSeat(seat)).await
}

/// Moves what the settings part held of the list and the desk before the
/// split into their parts (again: the same rows, kept once), and gives
/// them their copy of the settings; the rows moved.
pub async fn split(env: &Env, site: &str) -> Result<u64> {
    let (settings, list, desk) =
        (part(env, site, Part::Settings)?, part(env, site, Part::List)?, part(env, site, Part::Desk)?);
    tell(&settings, &InboxCall::CopyToParts { site: site.into() }).await?;
    let mut moved = 0;
    let (mut before, mut id) = ((1 << 53) - 1, String::new());
    loop {
        let call = InboxCall::Page { scope: "all".into(), me: String::new(), before, id: id.clone() };
        let lines: Vec<ConversationSummary> = ask(&settings, &call).await?.unwrap_or_default();
        let Some(last) = lines.last() else { break };
        (before, id) = (last.updated_at, last.id.to_string());
        moved += lines.len() as u64;
        tell(&list, &InboxCall::LinesImport(lines)).await?;
    }
    for table in DESK_TABLES {
        let mut after = 0;
        loop {
            let call = InboxCall::DeskExport { table: table.into(), after };
            let rows: Vec<Stored> = ask(&settings, &call).await?.unwrap_or_default();
            let Some(last) = rows.last() else { break };
            after = last.id;
            moved += rows.len() as u64;
            tell(&desk, &InboxCall::DeskImport { table: table.into(), rows }).await?;
        }
    }
    tell(&settings, &InboxCall::Moved).await?;
    Ok(moved)
}

/// Forgets a deleted conversation: its inbox line, and its verified
/// customer's link.
pub async fn forget(env: &Env, site: &str, conversation: &str) -> Result<()> {
    let call = InboxCall::Forget { conversation: conversation.into() };
    tell(&part(env, site, Part::List)?, &call).await?;
    tell(&part(env, site, Part::Settings)?, &call).await
}

/// Files a room's report with its site's desk.
pub async fn report(env: &Env, site: &str, report: Report) -> Result<()> {
    tell(&part(env, site, Part::Desk)?, &InboxCall::Report { site: site.into(), report: Box::new(report) }).await
}

/// The site's sanctions in force for `member`, and its settings version.
pub async fn sanctions_of(env: &Env, site: &str, member: &str) -> Result<Admission> {
    let admission = ask(&part(env, site, Part::Desk)?, &InboxCall::Sanctions { member: member.into() }).await?;
    answered("sanctions", admission)
}

/// Counts a new conversation against `key` (a visitor's or an address's):
/// at most `limit` per hour; `Err(ms)` is how long until the next one.
pub async fn admit(env: &Env, site: &str, key: &str, limit: usize) -> Result<std::result::Result<(), u64>> {
    let admitted: Option<Admitted> =
        ask(&part(env, site, Part::Admission)?, &InboxCall::Admit { key: key.into(), limit }).await?;
    Ok(match answered("admit", admitted)?.wait_ms {
        Some(ms) => Err(ms),
        None => Ok(()),
    })
}

/// A console's desk request: the Inbox's answer as it is (status, JSON or CSV).
pub async fn desk(env: &Env, ask: DeskAsk) -> Result<Response> {
    let stub = part(env, &ask.site, Part::Desk)?;
    post(&stub, &InboxCall::Desk(Box::new(ask))).await
}
