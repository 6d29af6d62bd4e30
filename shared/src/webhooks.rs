//! Signed webhooks: the events a site's endpoints may want, an endpoint as
//! the console lists it, a delivery as the log shows it, the body every
//! delivery carries, the signature header (`t=<unix seconds>,v1=<hex
//! HMAC-SHA256 of "t.body">`, as Stripe signs), the checks of a new
//! endpoint and the retry schedule.

use serde::{Deserialize, Serialize};

/// The most endpoints a site may have.
pub const MOST_HOOKS: usize = 10;
/// The longest endpoint address.
pub const URL_CHARS: usize = 500;
/// The header with the signature.
pub const SIGNATURE_HEADER: &str = "X-Chat-Signature";
/// The header naming the event (`message.created`).
pub const EVENT_HEADER: &str = "X-Chat-Event";
/// The header with the delivery's id (a replay is a new delivery of the same event).
pub const DELIVERY_HEADER: &str = "X-Chat-Delivery";
/// How old a signature's time a receiver should accept, in seconds.
pub const TOLERANCE_S: u64 = 300;
/// What every endpoint secret starts with.
pub const SECRET_PREFIX: &str = "whsec_";

/// What happened.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum HookEvent {
    /// A conversation started.
    #[serde(rename = "conversation.created")]
    ConversationCreated,
    /// A customer or an operator wrote a message.
    #[serde(rename = "message.created")]
    MessageCreated,
    /// A conversation was given to an operator.
    #[serde(rename = "conversation.assigned")]
    ConversationAssigned,
    /// A conversation closed with an outcome.
    #[serde(rename = "conversation.closed")]
    ConversationClosed,
    /// A customer confirmed an order.
    #[serde(rename = "order.confirmed")]
    OrderConfirmed,
    /// A customer rated a conversation.
    #[serde(rename = "csat.received")]
    CsatReceived,
    /// A moderator logged an incident.
    #[serde(rename = "incident.logged")]
    IncidentLogged,
}

impl HookEvent {
    /// Every event.
    pub const ALL: [HookEvent; 7] = [
        HookEvent::ConversationCreated,
        HookEvent::MessageCreated,
        HookEvent::ConversationAssigned,
        HookEvent::ConversationClosed,
        HookEvent::OrderConfirmed,
        HookEvent::CsatReceived,
        HookEvent::IncidentLogged,
    ];

    /// The wire name (`"message.created"`).
    pub fn as_str(self) -> &'static str {
        match self {
            HookEvent::ConversationCreated => "conversation.created",
            HookEvent::MessageCreated => "message.created",
            HookEvent::ConversationAssigned => "conversation.assigned",
            HookEvent::ConversationClosed => "conversation.closed",
            HookEvent::OrderConfirmed => "order.confirmed",
            HookEvent::CsatReceived => "csat.received",
            HookEvent::IncidentLogged => "incident.logged",
        }
    }

    /// The event of a wire name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

/// A new endpoint (`POST …/webhooks`).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewHook {
    /// Where deliveries go (`https://`).
    pub url: String,
    /// The events it wants (at least one).
    pub events: Vec<HookEvent>,
}

/// An endpoint as listed (its secret is shown once, at creation).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hook {
    /// Its id.
    pub id: String,
    /// Where deliveries go.
    pub url: String,
    /// The events it wants.
    pub events: Vec<HookEvent>,
    /// When it was made (ms).
    pub created_at: u64,
    /// Who made it.
    pub created_by: String,
}

/// A new endpoint and its signing secret (shown this once).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedHook {
    /// The endpoint.
    pub hook: Hook,
    /// The secret its deliveries are signed with (`whsec_…`).
    pub secret: String,
}

/// Where a delivery stands.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DeliveryState {
    /// Waiting for its next attempt.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Every attempt failed.
    Failed,
}

/// One delivery of one event to one endpoint, as the log shows it.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// Its id.
    pub id: u64,
    /// The endpoint.
    pub hook: String,
    /// The event.
    pub event: HookEvent,
    /// The event's id (the same in a replay: receivers drop what they had).
    pub event_id: String,
    /// When the event happened (ms).
    pub created_at: u64,
    /// Attempts made.
    pub attempts: u32,
    /// Where it stands.
    pub state: DeliveryState,
    /// The endpoint's last HTTP status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Why the last attempt failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When the next attempt is due (ms; pending only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_at: Option<u64>,
    /// When it was delivered (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<u64>,
}

/// The body of every delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payload {
    /// The event's id: the same however often it is delivered.
    pub id: String,
    /// What happened.
    #[serde(rename = "type")]
    pub event: HookEvent,
    /// When (ms).
    pub created_at: u64,
    /// The site.
    pub site: String,
    /// What it is about: `conversation` (the inbox line) and, by event,
    /// `message`, `rating`, `incident`.
    pub data: serde_json::Value,
}

/// Why an endpoint was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HookError {
    /// Not an `https://` address (or `http://` where the deployment allows it).
    #[error("the address must start with https://")]
    NotHttps,
    /// Longer than [`URL_CHARS`], or with spaces or no host.
    #[error("the address is not a usable URL")]
    BadUrl,
    /// No event chosen.
    #[error("choose at least one event")]
    NoEvents,
    /// [`MOST_HOOKS`] already.
    #[error("a site may have at most {MOST_HOOKS} webhooks")]
    TooMany,
}

/// Checks a new endpoint (`allow_http`: a development deployment, whose
/// receivers run on the same machine); the events sorted, each once.
pub fn check(new: &NewHook, allow_http: bool) -> Result<NewHook, HookError> {
    let url = new.url.trim();
    let rest = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(rest), _) => rest,
        (None, Some(rest)) if allow_http => rest,
        _ => return Err(HookError::NotHttps),
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if url.chars().count() > URL_CHARS || host.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(HookError::BadUrl);
    }
    let mut events = new.events.clone();
    events.sort();
    events.dedup();
    if events.is_empty() {
        return Err(HookError::NoEvents);
    }
    Ok(NewHook { url: url.to_owned(), events })
}

/// When attempt `n` (1 = the first retry) is due after a failure, in ms
/// after it — 10 s, 1 min, 5 min, 30 min, 2 h, 8 h, 24 h, scaled by
/// `unit` (ms per 10 s; 10,000 in production) — or `None`: give up.
pub fn backoff(n: u32, unit: u64) -> Option<u64> {
    const STEPS: [u64; 7] = [1, 6, 30, 180, 720, 2_880, 8_640];
    STEPS.get(n.checked_sub(1)? as usize).map(|s| s * unit)
}

/// The signature header's value for `hex` (the HMAC) signed at `t` (unix seconds).
pub fn signature(t: u64, hex: &str) -> String {
    format!("t={t},v1={hex}")
}

/// What is signed: the time, a dot, the body.
pub fn signed_text(t: u64, body: &str) -> String {
    format!("{t}.{body}")
}

/// A signature header's time and HMACs (`v1=`; several while a secret rolls).
pub fn parse_signature(header: &str) -> Option<(u64, Vec<&str>)> {
    let mut t = None;
    let mut v1 = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=')? {
            ("t", v) => t = Some(v.parse().ok()?),
            ("v1", v) => v1.push(v),
            _ => {}
        }
    }
    Some((t?, v1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_have_their_dotted_wire_names() {
        for e in HookEvent::ALL {
            assert_eq!(serde_json::to_value(e).unwrap(), e.as_str());
            assert_eq!(HookEvent::parse(e.as_str()), Some(e));
        }
        assert_eq!(HookEvent::parse("message.deleted"), None);
    }

    #[test]
    fn endpoints_are_https_with_a_host_and_some_events() {
        let new = |url: &str, events: &[HookEvent]| NewHook { url: url.into(), events: events.to_vec() };
        let msg = [HookEvent::MessageCreated];
        assert_eq!(check(&new(" https://crm.example/hook ", &msg), false).unwrap().url, "https://crm.example/hook");
        assert_eq!(check(&new("http://127.0.0.1:9/h", &msg), false), Err(HookError::NotHttps));
        assert!(check(&new("http://127.0.0.1:9/h", &msg), true).is_ok());
        assert_eq!(check(&new("ftp://x", &msg), true), Err(HookError::NotHttps));
        assert_eq!(check(&new("https:///path", &msg), false), Err(HookError::BadUrl));
        assert_eq!(check(&new("https://a b.example", &msg), false), Err(HookError::BadUrl));
        assert_eq!(
            check(&new(&format!("https://x.example/{}", "a".repeat(URL_CHARS)), &msg), false),
            Err(HookError::BadUrl)
        );
        assert_eq!(check(&new("https://x.example", &[]), false), Err(HookError::NoEvents));
        let twice = [HookEvent::CsatReceived, HookEvent::MessageCreated, HookEvent::CsatReceived];
        assert_eq!(
            check(&new("https://x.example", &twice), false).unwrap().events,
            [HookEvent::MessageCreated, HookEvent::CsatReceived]
        );
    }

    #[test]
    fn retries_back_off_then_stop() {
        let unit = 10_000;
        let due: Vec<Option<u64>> = (0..=8).map(|n| backoff(n, unit)).collect();
        assert_eq!(due[0], None, "attempt 0 is the first delivery, not a retry");
        assert_eq!(due[1], Some(10_000));
        assert_eq!(due[7], Some(86_400_000), "the last retry a day later");
        assert_eq!(due[8], None, "then it has failed");
        assert!(due[1..8].windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn the_signature_header_reads_back() {
        let h = signature(1_700_000_000, "ab12");
        assert_eq!(h, "t=1700000000,v1=ab12");
        assert_eq!(parse_signature(&h), Some((1_700_000_000, vec!["ab12"])));
        assert_eq!(parse_signature("t=1,v1=a,v1=b,v0=c"), Some((1, vec!["a", "b"])));
        assert_eq!(parse_signature("v1=a"), None);
        assert_eq!(parse_signature("t=x,v1=a"), None);
        assert_eq!(signed_text(5, "{}"), "5.{}");
    }
}
