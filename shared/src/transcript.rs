//! A conversation's transcript as staff export it (`GET
//! …/conversations/{id}/transcript?format=json|csv|text`) and everything
//! about one customer (`GET …/customers/export`): the timeline with the
//! customer profile's parts, as JSON, CSV (RFC 4180; cells a spreadsheet
//! would read as a formula guarded) or plain text.

use serde::{Deserialize, Serialize};

use crate::moderation_case::SanctionRecord;
use crate::profile::{Note, Visit};
use crate::protocol::{ChatMessage, Role};
use crate::{ConversationId, SiteId, WireName};

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// [`Transcript`] as JSON.
    Json,
    /// One row per timeline entry.
    Csv,
    /// One line per timeline entry, for people.
    Text,
}

impl Format {
    /// The format a `format=` parameter names (`None`: JSON).
    pub fn parse(name: Option<&str>) -> Result<Format, String> {
        match name.unwrap_or("json") {
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            "text" | "txt" => Ok(Format::Text),
            other => Err(format!("no export format {other:?} (json, csv or text)")),
        }
    }

    /// The file's extension and media type.
    pub fn file(self) -> (&'static str, &'static str) {
        match self {
            Format::Json => ("json", "application/json; charset=utf-8"),
            Format::Csv => ("csv", "text/csv; charset=utf-8"),
            Format::Text => ("txt", "text/plain; charset=utf-8"),
        }
    }
}

/// A conversation's whole record, for its export.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transcript {
    /// The conversation.
    #[cfg_attr(feature = "openapi", schemars(with = "String"))]
    pub conversation: ConversationId,
    /// Its site.
    #[cfg_attr(feature = "openapi", schemars(with = "String"))]
    pub site: SiteId,
    /// When it started, ms since the Unix epoch.
    pub started_at: u64,
    /// The name the customer gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The e-mail address the customer gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// How the customer came.
    pub visit: Visit,
    /// Its tags.
    pub tags: Vec<String>,
    /// The team's notes.
    pub notes: Vec<Note>,
    /// The timeline, oldest first (events with their description).
    pub messages: Vec<ChatMessage>,
}

/// Everything kept about one customer on a site (GDPR Art. 15 and 20).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerExport {
    /// The customer's member id (a digest of their visitor token or the site's user id).
    pub member: String,
    /// Their conversations, newest first.
    pub conversations: Vec<Transcript>,
    /// More conversations exist than an export carries ([`EXPORT_CONVERSATIONS`]).
    pub truncated: bool,
    /// Sanctions recorded against them.
    pub sanctions: Vec<SanctionRecord>,
}

/// One customer's erasure (GDPR Art. 17), as the site's log keeps it.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Erasure {
    /// When, ms since the Unix epoch.
    pub at: u64,
    /// Who asked for it (their display name).
    pub by: String,
    /// The first 8 hex digits of the customer's member id (enough to tell
    /// erasures apart, not to find the customer again).
    pub member: String,
    /// Conversations deleted.
    pub conversations: u32,
    /// Channel messages blanked to tombstones.
    pub channel_messages: u32,
    /// Reports of the customer's messages deleted from the moderation desk.
    pub reports: u32,
    /// Cases and incidents kept as a redacted copy (no name, no text).
    pub redacted: u32,
}

/// What replaces an erased customer's name and texts in a redacted copy.
pub const ERASED: &str = "[erased]";

/// The most conversations one customer export carries.
pub const EXPORT_CONVERSATIONS: usize = 100;

/// A time as `2026-12-05 14:03:07 UTC`.
pub fn stamp(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let day = crate::metrics::day_label(days);
    format!("{day} {:02}:{:02}:{:02} UTC", rest / 3600, rest % 3600 / 60, rest % 60)
}

/// Who wrote an entry, for people.
fn who(t: &Transcript, m: &ChatMessage) -> String {
    match (m.author, &m.event) {
        (_, Some(_)) => "event".into(),
        (Role::Customer, None) => t.name.clone().unwrap_or_else(|| "Customer".into()),
        (Role::Operator, None) => m.name.clone().unwrap_or_else(|| "Operator".into()),
    }
}

/// The transcript as CSV: `seq,time_utc,author,name,text`.
pub fn csv(t: &Transcript) -> String {
    let mut out = String::from("seq,time_utc,author,name,text\r\n");
    for m in &t.messages {
        let author = if m.event.is_some() { "event" } else { m.author.as_str() };
        let cells = [m.seq.to_string(), stamp(m.at), author.to_owned(), who(t, m), m.text.clone()];
        out.push_str(&cells.iter().map(|c| crate::moderation_case::csv_cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// The transcript as plain text, a header and a line per entry.
pub fn text(t: &Transcript) -> String {
    let mut out = format!("Conversation {} on {}, started {}\n", t.conversation, t.site, stamp(t.started_at));
    if let Some(name) = &t.name {
        out.push_str(&format!("Customer: {name}"));
        out.push_str(&t.email.as_ref().map(|e| format!(" <{e}>\n")).unwrap_or_else(|| "\n".into()));
    }
    if !t.tags.is_empty() {
        out.push_str(&format!("Tags: {}\n", t.tags.join(", ")));
    }
    out.push('\n');
    for m in &t.messages {
        out.push_str(&format!("[{}] {}: {}\n", stamp(m.at), who(t, m), m.text));
    }
    for n in &t.notes {
        out.push_str(&format!("\nNote by {} ({}): {}", n.author, stamp(n.at), n.text));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::{Event, Outcome};

    fn transcript() -> Transcript {
        let m = |seq, author, text: &str, event| ChatMessage {
            seq,
            client_id: format!("c{seq}"),
            author,
            text: text.into(),
            at: 1_764_943_387_000 + seq * 1000,
            event,
            name: None,
            from: None,
            removed: false,
            by: None,
        };
        Transcript {
            conversation: "0123456789abcdef0123456789abcdef".parse().unwrap(),
            site: "demo".parse().unwrap(),
            started_at: 1_764_943_387_000,
            name: Some("Ada, \"the\" customer".into()),
            email: Some("ada@example.com".into()),
            visit: Visit::default(),
            tags: vec!["vip".into()],
            notes: vec![Note { id: 1, author: "Ann".into(), text: "Call back".into(), at: 1_764_943_400_000 }],
            messages: vec![
                m(1, Role::Customer, "=HYPERLINK(\"x\")", None),
                m(2, Role::Operator, "Line one\nline two", None),
                m(3, Role::Operator, "Closed: resolved", Some(Event::Close { outcome: Outcome::Resolved })),
            ],
        }
    }

    #[test]
    fn csv_quotes_guards_formulas_and_names_events() {
        let csv = csv(&transcript());
        let rows: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(rows[0], "seq,time_utc,author,name,text");
        assert_eq!(
            rows[1],
            "1,2025-12-05 14:03:08 UTC,customer,\"Ada, \"\"the\"\" customer\",\"'=HYPERLINK(\"\"x\"\")\""
        );
        assert_eq!(rows[2], "2,2025-12-05 14:03:09 UTC,operator,Operator,\"Line one\nline two\"");
        assert_eq!(rows[3], "3,2025-12-05 14:03:10 UTC,event,event,Closed: resolved");
    }

    #[test]
    fn text_has_a_header_a_line_per_entry_and_the_notes() {
        let text = text(&transcript());
        assert!(text
            .starts_with("Conversation 0123456789abcdef0123456789abcdef on demo, started 2025-12-05 14:03:07 UTC\n"));
        assert!(text.contains("Customer: Ada, \"the\" customer <ada@example.com>\nTags: vip\n"));
        assert!(text.contains("[2025-12-05 14:03:09 UTC] Operator: Line one\nline two\n"));
        assert!(text.ends_with("Note by Ann (2025-12-05 14:03:20 UTC): Call back"));
    }

    #[test]
    fn formats_are_named_and_unknown_ones_refused() {
        assert_eq!(Format::parse(None), Ok(Format::Json));
        assert_eq!(Format::parse(Some("csv")).unwrap().file().0, "csv");
        assert!(Format::parse(Some("xml")).unwrap_err().contains("json, csv or text"));
    }
}
