//! A site's configuration, kept in the site's Durable Object and edited in
//! the console: teams, canned responses, the product catalogue, the pre-chat
//! form, the proactive triggers, the public channels, the moderation rules
//! and the per-customer limits — with defaults that seed a new site.

use crate::protocol::WireName;
use serde::{Deserialize, Serialize};

use crate::hours::Hours;
use crate::rules::Rule;
use crate::workflow::{Event, Product, WorkflowKind};

/// A team conversations can be escalated / transferred to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    /// Id (`[a-z_-]`), stored in the conversation.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// A canned response (script) for one step of one workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Canned {
    /// The workflow it is for.
    pub workflow: WorkflowKind,
    /// The step id it is for.
    pub step: String,
    /// Short title shown in the picker.
    pub title: String,
    /// The text inserted into the composer (editable before sending).
    pub text: String,
}

/// One field of the pre-chat form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    /// Field id, as collected (`issue_type`, ...).
    pub id: String,
    /// Label shown to the customer.
    pub label: String,
    /// `text`, `email` or `select`.
    pub kind: String,
    /// Must be filled in.
    #[serde(default)]
    pub required: bool,
    /// Choices of a `select`.
    #[serde(default)]
    pub options: Vec<String>,
}

/// A proactive trigger: opens the widget with an operator-authored greeting
/// and starts a sales conversation when the customer answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    /// Id (also what `chatWidget.trigger(id)` on the host page names).
    pub id: String,
    /// `timeOnPage` (value: seconds), `urlContains` (value: text in the
    /// path or query), `scrollDepth` (value: percent), `event` (value: the
    /// name the host page tracks, `chatWidget("track", name)`) or `manual`
    /// (only the host page's `chatWidget("trigger", id)`).
    pub on: String,
    /// See `on`.
    #[serde(default)]
    pub value: String,
    /// What the widget says when it opens.
    pub greeting: String,
}

/// A public channel (a room many customers post in, e.g. under a live
/// event), embedded with `data-channel="id"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelDef {
    /// Id (`[a-z_-]`), as in the script tag.
    pub id: String,
    /// Display name.
    pub title: String,
    /// Slow mode: one message per member per this many seconds (0: off).
    #[serde(default, rename = "slowSeconds", skip_serializing_if = "is_zero")]
    pub slow_seconds: u32,
    /// Locked: only staff may write.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub locked: bool,
}

/// A tracked event's name as a trigger takes it: 1–60 of `a–z 0–9 . _ -`.
pub fn event_name_ok(name: &str) -> bool {
    (1..=60).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The most allowed words a site keeps.
pub const MAX_ALLOWED_WORDS: usize = 500;

/// A moderator allows a word the rules matched
/// (`POST /api/console/sites/{site}/allowed-words`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllowWord {
    /// The word, as the message had it.
    pub word: String,
}

/// The longest slow mode (an hour).
pub const MAX_SLOW_SECONDS: u32 = 3_600;

/// A moderator's change to a channel's mode
/// (`POST /api/console/sites/{site}/channels/{id}/mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelMode {
    /// Slow mode, 0–[`MAX_SLOW_SECONDS`] seconds (0: off).
    pub slow_seconds: u32,
    /// Only staff may write.
    pub locked: bool,
}

/// The highest value of a limit (as good as none).
pub const MAX_LIMIT: u32 = 100_000;

/// How fast one customer may go (each refusal says when to try again).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    /// Messages one customer may send into one room per minute.
    pub messages_per_minute: u32,
    /// Conversations one visitor may start per hour.
    pub conversations_per_hour: u32,
    /// Sockets (tabs, windows) one customer may hold open on one
    /// conversation or channel at once.
    #[serde(default = "default_windows")]
    pub windows_per_customer: u32,
    /// Minutes an operator may edit or delete a message they sent (0: never).
    #[serde(default = "default_edit_minutes")]
    pub edit_minutes: u32,
}

/// The most minutes a site may let operators edit their messages (a day).
pub const MAX_EDIT_MINUTES: u32 = 1_440;

/// How long a site keeps what its customers wrote, in days: closed
/// conversations (with their messages and inbox line; incidents keep their
/// own copy of the evidence) and public-channel messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Retention {
    /// Days a conversation is kept after it closed.
    pub closed_days: u32,
    /// Days a channel message is kept.
    pub channel_days: u32,
}

/// The longest a site may keep data: ten years.
pub const MAX_RETENTION_DAYS: u32 = 3650;

impl Default for Retention {
    fn default() -> Self {
        Retention { closed_days: 365, channel_days: 30 }
    }
}

fn default_windows() -> u32 {
    10
}

fn default_edit_minutes() -> u32 {
    15
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            messages_per_minute: 30,
            conversations_per_hour: 10,
            windows_per_customer: default_windows(),
            edit_minutes: default_edit_minutes(),
        }
    }
}

/// Which side of the page the launcher and the chat sit on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Side {
    /// Bottom right.
    #[default]
    Right,
    /// Bottom left.
    Left,
}

impl WireName for Side {
    const ALL: &'static [Self] = &[Side::Right, Side::Left];
    /// The wire name (`"right"`, `"left"`).
    fn as_str(self) -> &'static str {
        match self {
            Side::Right => "right",
            Side::Left => "left",
        }
    }
}

/// Light or dark chat (and channel): as the visitor's system says, or always one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Theme {
    /// The visitor's `prefers-color-scheme`.
    #[default]
    Auto,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// Whether this is the default (not written out).
    pub fn is_auto(&self) -> bool {
        *self == Theme::Auto
    }
}

impl WireName for Theme {
    const ALL: &'static [Self] = &[Theme::Auto, Theme::Light, Theme::Dark];
    /// The wire name (`"auto"`, `"light"`, `"dark"`).
    fn as_str(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// The tag a site owner pastes into their pages: the loader from the
/// service at `service` (`scheme://host[:port]`) for site `site`. A site's
/// logged-in customers add `data-user-id` and `data-user-hash` (the hex
/// HMAC-SHA256 of the id under the site's identity secret).
pub fn script_tag(service: &str, site: &str) -> String {
    format!(r#"<script src="{service}/widget.js" data-site="{site}" async></script>"#)
}

/// How the widget looks and greets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Appearance {
    /// The launcher's colour, `#rrggbb`.
    pub color: String,
    /// Where the launcher sits.
    pub side: Side,
    /// What an empty chat says.
    pub greeting: String,
    /// The chat's language where the customer's browser asks for none that
    /// ships ([`crate::i18n::LOCALES`]; empty: English).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub locale: String,
    /// Light, dark, or as the visitor's system says.
    #[serde(default, skip_serializing_if = "Theme::is_auto")]
    pub theme: Theme,
    /// The chat's title, as the site words it (empty: "Chat with us" in
    /// the visitor's language).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// Words beside the launcher's icon, as the site words them (empty:
    /// the icon alone); the launcher's accessible name says them too.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub launcher: String,
    /// Customers see who of the team wrote (each operator's name) rather
    /// than "Support".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub operator_names: bool,
}

/// A new site's greeting, which the chat says in its reader's language
/// (a site's own is said as written).
pub const DEFAULT_GREETING: &str = "Hi! Ask us anything — we usually answer within a few minutes.";

impl Default for Appearance {
    fn default() -> Self {
        Appearance {
            color: "#2453d6".into(),
            side: Side::Right,
            greeting: DEFAULT_GREETING.into(),
            locale: String::new(),
            theme: Theme::Auto,
            title: String::new(),
            launcher: String::new(),
            operator_names: false,
        }
    }
}

/// Which workflow a chat started on some pages runs: the first rule whose
/// `contains` is part of the page's address wins; support otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartRule {
    /// Text the page's address contains (`/pricing`, `?plan=`, …).
    pub contains: String,
    /// Support or sales.
    pub workflow: WorkflowKind,
}

/// Everything configurable about a site's chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteConfig {
    /// Escalation targets.
    pub teams: Vec<Team>,
    /// Scripts per workflow and step.
    pub canned: Vec<Canned>,
    /// The product catalogue (sales).
    pub products: Vec<Product>,
    /// The pre-chat form of support conversations.
    pub fields: Vec<FormField>,
    /// Proactive sales triggers.
    pub triggers: Vec<Trigger>,
    /// Public channels.
    #[serde(default)]
    pub channels: Vec<ChannelDef>,
    /// Moderation rules, applied to every customer message before it is
    /// delivered (channels and conversations alike).
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Per-customer limits.
    #[serde(default)]
    pub limits: Limits,
    /// The host pages allowed to embed the chat (`scheme://host[:port]`;
    /// `:*` allows any port, for local development). Nothing else may frame
    /// the widget or read its configuration.
    #[serde(default)]
    pub origins: Vec<String>,
    /// The launcher's colour and side, the empty chat's greeting.
    #[serde(default)]
    pub appearance: Appearance,
    /// The workflow a chat starts with, by page address.
    #[serde(default)]
    pub starts: Vec<StartRule>,
    /// How long what customers wrote is kept.
    #[serde(default)]
    pub retention: Retention,
    /// How conversations reach operators.
    #[serde(default)]
    pub routing: Routing,
    /// Business hours: the site's (no team), and any team's own. None:
    /// always open.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hours: Vec<Hours>,
    /// Personal data removed from messages before anything stores or
    /// sends them (cards and IBANs, passwords: on; contacts: off).
    #[serde(default)]
    pub redaction: crate::redact::Redaction,
    /// Words the moderation rules never match (false positives a moderator
    /// allowed, e.g. a town whose name contains a rude word).
    #[serde(default, rename = "allowedWords", skip_serializing_if = "Vec::is_empty")]
    pub allowed_words: Vec<String>,
    /// The catalogue's currency and tax, offers, bundles, and the discount
    /// each role may give.
    #[serde(default)]
    pub sales: crate::sales::Sales,
    /// Attachments: on, how large, which types.
    #[serde(default)]
    pub files: crate::files::Files,
    /// How many times the identity secret was replaced: the version every
    /// grant to a signed-in customer records, so replacing the secret
    /// revokes them. Kept by the Worker (a save keeps the stored value).
    #[serde(default, rename = "identityVersion")]
    pub identity_version: u32,
    /// The display names of the organisation's people, which channel
    /// members may not take (`crate::names::takes_staff_name`). Kept by the
    /// Worker from the organisation's accounts (a save keeps the stored value).
    #[serde(default, rename = "staffNames", skip_serializing_if = "Vec::is_empty")]
    pub staff_names: Vec<String>,
}

/// How conversations reach operators (issue "The operator's working day").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Routing {
    /// New and escalated conversations are given to an online operator of
    /// the right team with spare capacity; off: whoever takes them first.
    pub auto_assign: bool,
    /// An online operator with no activity for this long is away (1–240 min).
    pub away_after_minutes: u32,
    /// An auto-assigned conversation with no first reply this long goes
    /// back to the queue for the next operator (10–3600 s).
    pub no_reply_seconds: u32,
    /// Onboarding: an operator receives live chats only after passing a
    /// practice run of each workflow (`crate::practice::REQUIRED`).
    #[serde(default)]
    pub require_practice: bool,
}

impl Routing {
    /// How long a first reply may take, in ms.
    pub fn no_reply_ms(&self) -> u64 {
        u64::from(self.no_reply_seconds) * 1000
    }
}

impl Default for Routing {
    fn default() -> Self {
        Routing { auto_assign: false, away_after_minutes: 5, no_reply_seconds: 120, require_practice: false }
    }
}

/// What the widget and the loader read: the public part of [`SiteConfig`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WidgetConfig {
    /// The pre-chat form.
    pub fields: Vec<FormField>,
    /// Proactive triggers.
    pub triggers: Vec<Trigger>,
    /// Look and greeting.
    #[serde(default)]
    pub appearance: Appearance,
    /// The workflow by page address (the form is support's).
    #[serde(default)]
    pub starts: Vec<StartRule>,
    /// The catalogue's currency (ISO 4217).
    #[serde(default)]
    pub currency: String,
    /// The launcher's accessible name in the visitor's language.
    #[serde(default)]
    pub words: LauncherWords,
}

/// The launcher's accessible name, as the loader writes it: `open` or
/// `close`, then, with unread messages, `one` or `other` with `{n}` the
/// count ([`crate::i18n::LAUNCHER`] in the visitor's language).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LauncherWords {
    /// While the chat is closed.
    pub open: String,
    /// While it is open.
    pub close: String,
    /// One unread message.
    pub one: String,
    /// More (`{n}`).
    pub other: String,
}

impl LauncherWords {
    /// The words in `locale`.
    #[cfg(feature = "catalogues")]
    pub fn of(locale: &str) -> Self {
        let [open, close, one, other] = crate::i18n::texts(locale, crate::i18n::LAUNCHER);
        LauncherWords { open, close, one, other }
    }
}

impl Default for LauncherWords {
    /// English.
    fn default() -> Self {
        let [open, close, one, other] = crate::i18n::LAUNCHER.map(str::to_owned);
        LauncherWords { open, close, one, other }
    }
}

/// The workflow a chat started on `page` runs under `starts`.
pub fn workflow_for(starts: &[StartRule], page: &str) -> WorkflowKind {
    starts.iter().find(|r| page.contains(r.contains.as_str())).map_or(WorkflowKind::Support, |r| r.workflow)
}

impl SiteConfig {
    /// The public part.
    pub fn widget(&self) -> WidgetConfig {
        WidgetConfig {
            fields: self.fields.clone(),
            triggers: self.triggers.clone(),
            appearance: self.appearance.clone(),
            starts: self.starts.clone(),
            currency: self.sales.currency.clone(),
            words: LauncherWords::default(),
        }
    }

    /// Whether a host page of `origin` may embed the chat.
    pub fn origin_allowed(&self, origin: &str) -> bool {
        self.origins.iter().any(|pattern| match pattern.strip_suffix(":*") {
            Some(base) => origin.strip_prefix(base).is_some_and(|rest| {
                rest.is_empty()
                    || rest.strip_prefix(':').is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            }),
            None => pattern == origin,
        })
    }

    /// The CSP `frame-ancestors` sources: the allowed origins, or `'none'`.
    pub fn frame_ancestors(&self) -> String {
        if self.origins.is_empty() {
            "'none'".into()
        } else {
            self.origins.join(" ")
        }
    }

    /// Whether the site has a channel with this id.
    pub fn has_channel(&self, id: &str) -> bool {
        self.channels.iter().any(|c| c.id == id)
    }

    /// The trigger with this id.
    pub fn trigger(&self, id: &str) -> Option<&Trigger> {
        self.triggers.iter().find(|t| t.id == id)
    }

    /// Whether an operator's event fits this site: an escalation goes to one
    /// of its teams; a presented product is its catalogue entry as it is.
    pub fn check_event(&self, event: &Event) -> Result<(), String> {
        match event {
            Event::Escalate { team, .. } if !self.teams.iter().any(|t| &t.id == team) => {
                Err(format!("this site has no team {team:?}"))
            }
            Event::Present(p) if !self.products.contains(&p.listed()) => {
                Err(format!("product {:?} is not in this site's catalogue as given", p.id))
            }
            _ => Ok(()),
        }
    }

    /// Checks ids, sizes and references; the error names the first problem.
    pub fn validate(&self) -> Result<(), String> {
        let id_ok = |id: &str| {
            (1..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'-')
        };
        let text_ok = |t: &str, max: usize| !t.trim().is_empty() && t.chars().count() <= max;
        if self.teams.is_empty() {
            return Err("at least one team is needed".into());
        }
        for t in &self.teams {
            if !id_ok(&t.id) || !text_ok(&t.name, 60) {
                return Err(format!("team {:?}: id must be 1–32 of a–z _ -, name 1–60 characters", t.id));
            }
        }
        for c in &self.canned {
            if c.workflow.def().step(&c.step).is_none() {
                return Err(format!("canned response {:?}: no step {:?} in {}", c.title, c.step, c.workflow.as_str()));
            }
            if !text_ok(&c.title, 60) || !text_ok(&c.text, crate::MAX_MESSAGE_CHARS) {
                return Err(format!("canned response {:?}: title 1–60 and text 1–4000 characters", c.title));
            }
        }
        for (i, p) in self.products.iter().enumerate() {
            if !id_ok(&p.id) || !text_ok(&p.name, 80) {
                return Err(format!("product {:?}: id must be 1–32 of a–z _ -, name 1–80 characters", p.id));
            }
            if self.products[..i].iter().any(|q| q.id == p.id) {
                return Err(format!("product {:?}: the id is used twice", p.id));
            }
            if p.quote.is_some() {
                return Err(format!("product {:?}: a quote is the Worker's, not the catalogue's", p.id));
            }
            if !p.family.is_empty() && (!id_ok(&p.family) || !text_ok(&p.variant, 40)) {
                return Err(format!(
                    "product {:?}: a family is 1–32 of a–z _ -, and its variant is named in 1–40 characters",
                    p.id
                ));
            }
            if p.family.is_empty() && !p.variant.is_empty() {
                return Err(format!("product {:?}: a variant belongs to a family", p.id));
            }
            let twin = |q: &&Product| q.family == p.family && q.variant.trim() == p.variant.trim();
            if !p.family.is_empty() && self.products[..i].iter().any(|q| twin(&q)) {
                return Err(format!("product {:?}: family {:?} has the variant {:?} twice", p.id, p.family, p.variant));
            }
        }
        for f in &self.fields {
            if !id_ok(&f.id) || !text_ok(&f.label, 60) || !["text", "email", "select"].contains(&f.kind.as_str()) {
                return Err(format!("field {:?}: id a–z _ -, label 1–60 characters, kind text/email/select", f.id));
            }
        }
        for t in &self.triggers {
            let on = ["timeOnPage", "urlContains", "scrollDepth", "event", "manual"].contains(&t.on.as_str());
            if !id_ok(&t.id) || !on || !text_ok(&t.greeting, 500) {
                return Err(format!(
                    "trigger {:?}: id a–z _ -, on timeOnPage/urlContains/scrollDepth/event/manual",
                    t.id
                ));
            }
            let number =
                |range: std::ops::RangeInclusive<u32>| t.value.trim().parse().is_ok_and(|n| range.contains(&n));
            let value_ok = match t.on.as_str() {
                "timeOnPage" => number(1..=86_400),
                "scrollDepth" => number(1..=100),
                "urlContains" => text_ok(&t.value, 200),
                "event" => event_name_ok(&t.value),
                _ => true,
            };
            if !value_ok {
                return Err(format!(
                    "trigger {:?}: its value is seconds (1–86400) on timeOnPage, a percent (1–100) on scrollDepth, \
                     1–200 characters on urlContains, an event name (1–60 of a–z 0–9 . _ -) on event",
                    t.id
                ));
            }
        }
        for c in &self.channels {
            if !id_ok(&c.id) || !text_ok(&c.title, 60) {
                return Err(format!("channel {:?}: id must be 1–32 of a–z _ -, title 1–60 characters", c.id));
            }
            if c.slow_seconds > MAX_SLOW_SECONDS {
                return Err(format!("channel {:?}: slow mode is 0–{MAX_SLOW_SECONDS} seconds", c.id));
            }
        }
        if self.allowed_words.len() > MAX_ALLOWED_WORDS
            || self.allowed_words.iter().any(|w| !text_ok(w, 40) || w.split_whitespace().count() != 1)
        {
            return Err(format!("allowed words: up to {MAX_ALLOWED_WORDS} single words of 1–40 characters"));
        }
        self.sales.validate(&self.products)?;
        self.files.validate()?;
        for o in &self.origins {
            if !origin_ok(o) {
                return Err(format!(
                    "origin {o:?}: write scheme://host or scheme://host:port (or :* for any port), no path"
                ));
            }
        }
        let a = &self.appearance;
        let color_ok =
            a.color.len() == 7 && a.color.starts_with('#') && a.color[1..].bytes().all(|b| b.is_ascii_hexdigit());
        if !color_ok {
            return Err(format!("appearance: colour {:?} must be #rrggbb", a.color));
        }
        if !text_ok(&a.greeting, 200) {
            return Err("appearance: the greeting has 1–200 characters".into());
        }
        if a.title.chars().count() > 60 || a.title.chars().any(char::is_control) {
            return Err("appearance: the title has at most 60 characters, on one line".into());
        }
        if a.launcher.chars().count() > 30 || a.launcher.chars().any(char::is_control) {
            return Err("appearance: the launcher's text has at most 30 characters, on one line".into());
        }
        if !a.locale.is_empty() && crate::i18n::supported(&a.locale) != Some(a.locale.as_str()) {
            return Err(format!(
                "appearance: the language {:?} is one of {}",
                a.locale,
                crate::i18n::LOCALES.join(", ")
            ));
        }
        for r in &self.starts {
            if !text_ok(&r.contains, 200) || r.contains.chars().any(char::is_control) {
                return Err(format!("start rule {:?}: the address text has 1–200 characters", r.contains));
            }
            if r.workflow == WorkflowKind::Moderation {
                return Err(format!("start rule {:?}: a chat starts as support or sales", r.contains));
            }
        }
        let l = self.limits;
        if [l.messages_per_minute, l.conversations_per_hour, l.windows_per_customer]
            .iter()
            .any(|n| !(1..=MAX_LIMIT).contains(n))
        {
            return Err(format!(
                "limits: messages per minute, conversations per hour and windows per customer are 1–{MAX_LIMIT}"
            ));
        }
        if l.edit_minutes > MAX_EDIT_MINUTES {
            return Err(format!("limits: operators may edit their messages for 0–{MAX_EDIT_MINUTES} minutes"));
        }
        let routing = self.routing;
        if !(1..=240).contains(&routing.away_after_minutes) || !(10..=3600).contains(&routing.no_reply_seconds) {
            return Err("routing: away after 1–240 minutes, no reply after 10–3600 seconds".into());
        }
        let teams: Vec<&str> = self.teams.iter().map(|t| t.id.as_str()).collect();
        for (i, h) in self.hours.iter().enumerate() {
            h.check(&teams)?;
            if self.hours[..i].iter().any(|o| o.team == h.team) {
                return Err(format!("hours: {} has two sets of hours", h.team.as_deref().unwrap_or("the site")));
            }
        }
        let r = self.retention;
        if [r.closed_days, r.channel_days].iter().any(|d| !(1..=MAX_RETENTION_DAYS).contains(d)) {
            return Err(format!(
                "retention: closed conversations and channel messages are kept 1–{MAX_RETENTION_DAYS} days"
            ));
        }
        for r in &self.rules {
            if !id_ok(&r.id) {
                return Err(format!("rule {:?}: id must be 1–32 of a–z _ -", r.id));
            }
        }
        Ok(())
    }
}

/// `http(s)://host[:port|:*]` with a plain host name (letters, digits, `-`, `.`).
fn origin_ok(o: &str) -> bool {
    let Some(rest) = o.strip_prefix("https://").or_else(|| o.strip_prefix("http://")) else { return false };
    let (host, port) = rest.split_once(':').unwrap_or((rest, ""));
    let host_ok = !host.is_empty()
        && host.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
    let port_ok = !rest.contains(':')
        || port == "*"
        || (!port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit()));
    host_ok && port_ok
}

fn s(v: &str) -> String {
    v.to_owned()
}

fn canned(workflow: WorkflowKind, step: &str, title: &str, text: &str) -> Canned {
    Canned { workflow, step: s(step), title: s(title), text: s(text) }
}

/// The default catalogue's promotions: a bundle, an offer on a product
/// and a coded one.
fn demo_sales() -> crate::sales::Sales {
    use crate::pricing::{Bundle, Discount, Offer};
    use crate::sales::suggest::{Related, Upgrade};
    let offer = Offer::new;
    crate::sales::Sales {
        offers: vec![
            Offer {
                products: vec![s("onboarding")],
                min_order: 40_000,
                ..offer("onboarding-half", "Half-price onboarding with an annual plan", Discount::Percent(5_000))
            },
            Offer {
                code: Some(s("WELCOME")),
                cap: Some(5_000),
                ..offer("welcome", "Welcome code", Discount::Percent(1_000))
            },
        ],
        bundles: vec![Bundle {
            id: s("team-start"),
            name: s("Team plan with onboarding"),
            items: vec![(s("team"), 1), (s("onboarding"), 1)],
            price: 17_900,
        }],
        related: ["starter", "team", "annual-team"]
            .map(|p| Related { product: s(p), with: vec![s("onboarding")] })
            .into(),
        upgrades: vec![
            Upgrade { from: s("starter"), to: String::new(), field: s("needs"), contains: s("seats") },
            Upgrade { from: s("team"), to: s("annual-team"), field: s("needs"), contains: s("annual") },
        ],
        ..crate::sales::Sales::default()
    }
}

impl Default for SiteConfig {
    /// Sensible defaults, used to seed a new site (and the demo site).
    fn default() -> Self {
        use WorkflowKind::{Moderation, Sales, Support};
        let team = |id: &str, name: &str| Team { id: s(id), name: s(name) };
        let plan = |id: &str, name: &str, price, variant: &str| Product {
            family: s("plans"),
            variant: s(variant),
            ..Product::new(id, name, price)
        };
        let field = |id: &str, label: &str, kind: &str, required, options: &[&str]| FormField {
            id: s(id),
            label: s(label),
            kind: s(kind),
            required,
            options: options.iter().map(|o| s(o)).collect(),
        };
        SiteConfig {
            teams: vec![
                team("technical", "Technical"),
                team("billing", "Billing"),
                team("sales", "Sales"),
                team("admin-legal", "Admin / legal"),
            ],
            canned: vec![
                canned(
                    Support,
                    "greet",
                    "Greeting",
                    "Hi, thanks for reaching out! I'm sorry you ran into this — let's sort it out together.",
                ),
                canned(
                    Support,
                    "collect",
                    "Ask for details",
                    "Could you send me the exact error message you see, and your account id?",
                ),
                canned(
                    Support,
                    "troubleshoot",
                    "Walk through",
                    "Let's go step by step. Please tick each step in the checklist as you do it.",
                ),
                canned(Support, "resolve", "Check", "Did that fix it for you?"),
                canned(Support, "close", "Close", "Glad it works now! Is there anything else I can help you with?"),
                canned(
                    Sales,
                    "initiate",
                    "Welcome",
                    "Hi! Happy to help you find the right plan. What are you looking for?",
                ),
                canned(Sales, "needs", "Probe", "What will you use it for, and how many people are on your team?"),
                canned(
                    Sales,
                    "present",
                    "Offer",
                    "Based on what you told me, these fit best — and this month the annual plan is 20% off.",
                ),
                canned(
                    Sales,
                    "negotiate",
                    "Objection",
                    "I understand. What matters most to you — price, features or support?",
                ),
                canned(Sales, "purchase", "Order", "I've prepared your order — please check the summary and confirm."),
                canned(
                    Sales,
                    "confirm",
                    "Next steps",
                    "Thank you! You'll get a confirmation email in a few minutes, and I'll follow up next week.",
                ),
                canned(
                    Moderation,
                    "sanction",
                    "Warning",
                    "Please keep the chat respectful; further violations lead to a mute.",
                ),
            ],
            products: vec![
                plan("starter", "Starter plan (monthly)", 1900, "Starter, monthly"),
                plan("team", "Team plan (monthly)", 4900, "Team, monthly"),
                plan("annual-team", "Team plan (annual, 20% off)", 47000, "Team, annual"),
                Product::new("onboarding", "Onboarding session", 15000),
            ],
            fields: vec![
                field("name", "Your name", "text", true, &[]),
                field("email", "Email", "email", true, &[]),
                field(
                    "issue_type",
                    "What is it about?",
                    "select",
                    true,
                    &["Billing", "Technical problem", "Account", "Other"],
                ),
                field("error_message", "Error message (if any)", "text", false, &[]),
                field("account_id", "Account id (if you have one)", "text", false, &[]),
            ],
            triggers: vec![
                Trigger {
                    id: s("pricing"),
                    on: s("urlContains"),
                    value: s("pricing"),
                    greeting: s("Hi! Comparing plans? I can help you pick the right one."),
                },
                Trigger {
                    id: s("linger"),
                    on: s("timeOnPage"),
                    value: s("45"),
                    greeting: s("Hi there! Anything I can help you find?"),
                },
                Trigger {
                    id: s("deep-read"),
                    on: s("scrollDepth"),
                    value: s("80"),
                    greeting: s("Still reading? Ask me anything about our plans."),
                },
                Trigger {
                    id: s("compare"),
                    on: s("event"),
                    value: s("compared-plans"),
                    greeting: s("Comparing plans side by side? Ask me what fits your trip."),
                },
                Trigger {
                    id: s("demo-button"),
                    on: s("manual"),
                    value: String::new(),
                    greeting: s("Hi! You asked for a demo — what would you like to see?"),
                },
            ],
            channels: vec![ChannelDef { id: s("live"), title: s("Live event chat"), slow_seconds: 0, locked: false }],
            rules: crate::rules::default_rules(),
            limits: Limits::default(),
            // The demo site is embedded by the local demo page (any port).
            origins: vec![s("http://localhost:*"), s("http://127.0.0.1:*")],
            appearance: Appearance::default(),
            starts: vec![StartRule { contains: s("/demo?page=enterprise"), workflow: Sales }],
            retention: Retention::default(),
            routing: Routing::default(),
            hours: Vec::new(),
            redaction: crate::redact::Redaction::default(),
            allowed_words: Vec::new(),
            sales: demo_sales(),
            files: crate::files::Files::default(),
            identity_version: 0,
            staff_names: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_configs_are_named() {
        SiteConfig::default().validate().unwrap();
        let mut c = SiteConfig::default();
        c.canned[0].step = "nope".into();
        assert!(c.validate().unwrap_err().contains("no step \"nope\""));
        let mut c = SiteConfig::default();
        c.teams.clear();
        assert!(c.validate().is_err());
        for (on, value) in [
            ("timeOnPage", "abc"),
            ("timeOnPage", "0"),
            ("scrollDepth", ""),
            ("scrollDepth", "101"),
            ("urlContains", ""),
            ("event", ""),
            ("event", "Signed Up"),
        ] {
            let mut c = SiteConfig::default();
            c.triggers[0].on = on.into();
            c.triggers[0].value = value.into();
            assert!(c.validate().unwrap_err().contains("its value is"), "{on} {value:?}");
        }
        for windows in [0, MAX_LIMIT + 1] {
            let mut c = SiteConfig::default();
            c.limits.windows_per_customer = windows;
            assert!(c.validate().unwrap_err().contains("windows per customer"), "{windows}");
        }
        for days in [0, MAX_RETENTION_DAYS + 1] {
            let mut c = SiteConfig::default();
            c.retention.channel_days = days;
            assert!(c.validate().unwrap_err().contains("retention"), "{days}");
        }
        let products = |change: fn(&mut Vec<Product>)| {
            let mut c = SiteConfig::default();
            change(&mut c.products);
            c.validate().unwrap_err()
        };
        assert!(
            products(|p| p[1].variant = "Starter, monthly".into()).contains("the variant \"Starter, monthly\" twice")
        );
        assert!(products(|p| p[3].variant = "Solo".into()).contains("a variant belongs to a family"));
        assert!(products(|p| p[0].variant.clear()).contains("its variant is named"));
        assert!(products(|p| p[0].family = "Plans!".into()).contains("a family is 1–32"));
        assert!(products(|p| p[3].id = "team".into()).contains("used twice"));
        // A configuration saved before the setting existed reads as the default.
        let old: Limits = serde_json::from_str(r#"{"messagesPerMinute":5,"conversationsPerHour":6}"#).unwrap();
        let want =
            Limits { messages_per_minute: 5, conversations_per_hour: 6, windows_per_customer: 10, edit_minutes: 15 };
        assert_eq!(old, want);
    }

    #[test]
    fn the_script_tag_names_the_service_and_the_site() {
        assert_eq!(
            script_tag("https://chat.example", "shop-1"),
            r#"<script src="https://chat.example/widget.js" data-site="shop-1" async></script>"#
        );
    }

    #[test]
    fn events_must_fit_the_site() {
        let c = SiteConfig::default();
        let escalate = |team: &str| Event::Escalate { team: team.into(), note: "n".into() };
        assert_eq!(c.check_event(&escalate("billing")), Ok(()));
        assert!(c.check_event(&escalate("nope")).unwrap_err().contains("no team"));
        let mut p = c.products[0].clone();
        assert_eq!(c.check_event(&Event::Present(p.clone())), Ok(()));
        p.price = 1;
        assert!(c.check_event(&Event::Present(p)).unwrap_err().contains("catalogue"));
        assert_eq!(c.check_event(&Event::AskRating {}), Ok(()));
    }

    #[test]
    fn appearance_and_start_rules_are_checked_and_the_first_matching_rule_wins() {
        let starts = vec![
            StartRule { contains: "/pricing".into(), workflow: WorkflowKind::Sales },
            StartRule { contains: "/pricing/help".into(), workflow: WorkflowKind::Support },
        ];
        assert_eq!(workflow_for(&starts, "https://shop.example/pricing?x=1"), WorkflowKind::Sales);
        assert_eq!(workflow_for(&starts, "https://shop.example/pricing/help"), WorkflowKind::Sales, "first wins");
        assert_eq!(workflow_for(&starts, "https://shop.example/orders"), WorkflowKind::Support);
        assert_eq!(workflow_for(&[], "https://shop.example/pricing"), WorkflowKind::Support);
        let ok = SiteConfig { starts: starts.clone(), ..SiteConfig::default() };
        assert_eq!(ok.validate(), Ok(()));
        assert_eq!(ok.widget().starts, starts);
        for bad in ["2453d6", "#2453d", "#2453dg", "red"] {
            let c = SiteConfig {
                appearance: Appearance { color: bad.into(), ..Appearance::default() },
                ..SiteConfig::default()
            };
            assert!(c.validate().is_err(), "{bad}");
        }
        let c = SiteConfig {
            appearance: Appearance { greeting: " ".into(), ..Appearance::default() },
            ..SiteConfig::default()
        };
        assert!(c.validate().is_err());
        let long = "x".repeat(61);
        for (title, ok) in [("", true), ("Acme help", true), ("Zwei\nZeilen", false), (long.as_str(), false)] {
            let c = SiteConfig {
                appearance: Appearance { title: title.into(), ..Appearance::default() },
                ..SiteConfig::default()
            };
            assert_eq!(c.validate().is_ok(), ok, "{title:?}");
            let c = SiteConfig {
                appearance: Appearance { launcher: title.chars().take(31).collect(), ..Appearance::default() },
                ..SiteConfig::default()
            };
            assert_eq!(c.validate().is_ok(), ok, "launcher {title:?}");
        }
        for (locale, ok) in [("de", true), ("ar", true), ("nl", false), ("de-DE", false), ("DE", false)] {
            let c = SiteConfig {
                appearance: Appearance { locale: locale.into(), ..Appearance::default() },
                ..SiteConfig::default()
            };
            assert_eq!(c.validate().is_ok(), ok, "{locale}");
        }
        let moderation = vec![StartRule { contains: "/x".into(), workflow: WorkflowKind::Moderation }];
        assert!(SiteConfig { starts: moderation, ..SiteConfig::default() }.validate().is_err());
        assert!(SiteConfig {
            starts: vec![StartRule { contains: String::new(), workflow: WorkflowKind::Sales }],
            ..SiteConfig::default()
        }
        .validate()
        .is_err());
    }

    #[test]
    fn only_listed_origins_may_embed_the_chat() {
        let mut c = SiteConfig {
            origins: vec!["https://shop.example.com".into(), "http://localhost:*".into()],
            ..SiteConfig::default()
        };
        let table = [
            ("https://shop.example.com", true),
            ("https://shop.example.com:443", false),
            ("http://shop.example.com", false),
            ("https://evil-shop.example.com", false),
            ("https://shop.example.com.evil.net", false),
            ("http://localhost:8787", true),
            ("http://localhost", true),
            ("http://localhost:", false),
            ("http://localhost:80x", false),
            ("http://localhost.evil.net", false),
            ("null", false),
            ("", false),
        ];
        for (origin, allowed) in table {
            assert_eq!(c.origin_allowed(origin), allowed, "{origin:?}");
        }
        assert_eq!(c.frame_ancestors(), "https://shop.example.com http://localhost:*");
        c.validate().unwrap();
        for bad in
            ["shop.example.com", "https://shop.example.com/", "ftp://x", "https://x:y", "https://Shop.com", "https://"]
        {
            c.origins = vec![bad.into()];
            assert!(c.validate().unwrap_err().contains("origin"), "{bad}");
        }
        c.origins.clear();
        assert_eq!(c.frame_ancestors(), "'none'");
        assert!(!c.origin_allowed("https://shop.example.com"), "no list: nothing allowed");
    }
}
