//! The customer profile beside a conversation in the console: what the
//! customer told (name, e-mail), who they are when the site signed them in,
//! where and how they came (page, browser, language, time zone), their
//! earlier conversations, the team's notes and the conversation's tags; the
//! bodies of its routes and the checks of what operators write into it.

use serde::{Deserialize, Deserializer, Serialize};

use crate::protocol::ConversationSummary;

/// How many tags one conversation may carry.
pub const MOST_TAGS: usize = 10;
/// The longest tag, in characters.
pub const TAG_CHARS: usize = 32;
/// The longest note, in characters.
pub const NOTE_CHARS: usize = 2_000;
/// How many earlier conversations a profile lists (newest first).
pub const EARLIER: usize = 20;

/// How the customer came, recorded when the conversation started (from the
/// widget's request: its page, the browser's `User-Agent` and
/// `Accept-Language`, and the network's time zone and country).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Visit {
    /// The host page's address the chat started on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// The browser's `User-Agent`, cut to [`AGENT_CHARS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// The browser's first language (`de-DE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The IANA time zone of the customer's network (`Europe/Berlin`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// The country of the customer's network (ISO 3166 code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The site's own user id, when the site signed the customer in (verified).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The pages opened since, oldest first: the newest [`MOST_PAGES`]
    /// (the loader reports each page view, a single-page app's too).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<PageView>,
}

/// A page the customer opened after the chat started.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageView {
    /// Its address.
    pub page: String,
    /// When, ms since the Unix epoch.
    pub at: u64,
}

/// How many pages a profile keeps of the customer's way through the site.
pub const MOST_PAGES: usize = 20;
/// The longest page address kept, in bytes (as the start page's).
pub const PAGE_BYTES: usize = 2_000;

/// The longest `User-Agent` kept.
pub const AGENT_CHARS: usize = 300;

impl Visit {
    /// Records that the customer opened `page` at `at`; `false` when that
    /// changes nothing: the page they were on already (a reload, or the
    /// badge asked again), or no web address of at most [`PAGE_BYTES`].
    pub fn visited(&mut self, page: &str, at: u64) -> bool {
        let web = page.starts_with("https://") || page.starts_with("http://");
        let current = self.pages.last().map(|p| p.page.as_str()).or(self.page.as_deref());
        if !web || page.len() > PAGE_BYTES || current == Some(page) {
            return false;
        }
        self.pages.push(PageView { page: page.to_owned(), at });
        if self.pages.len() > MOST_PAGES {
            self.pages.remove(0);
        }
        true
    }

    /// The browser and system a `User-Agent` names, for people ("Chrome 131
    /// on Windows"); `None` when it names neither.
    pub fn browser(&self) -> Option<String> {
        browser(self.agent.as_deref()?)
    }
}

/// The first language of an `Accept-Language` header (`de-DE,de;q=0.9` →
/// `de-DE`), if it names one.
pub fn first_language(header: &str) -> Option<String> {
    let first = header.split(',').next()?.split(';').next()?.trim();
    let ok = !first.is_empty() && first != "*" && first.len() <= 35;
    (ok && first.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')).then(|| first.to_owned())
}

/// The browser and system of a `User-Agent`, for people.
pub fn browser(agent: &str) -> Option<String> {
    // Order matters: Edge and Opera say Chrome too, Chrome says Safari.
    const BROWSERS: [(&str, &str); 6] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("HeadlessChrome/", "Headless Chrome"),
        ("Chrome/", "Chrome"),
        ("Version/", "Safari"),
    ];
    const SYSTEMS: [(&str, &str); 7] = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ];
    let name = BROWSERS.iter().find_map(|(mark, name)| {
        let at = agent.find(mark)? + mark.len();
        let major: String = agent[at..].chars().take_while(char::is_ascii_digit).collect();
        Some(if major.is_empty() { (*name).to_owned() } else { format!("{name} {major}") })
    });
    let system = SYSTEMS.iter().find(|(mark, _)| agent.contains(mark)).map(|(_, s)| *s);
    match (name, system) {
        (Some(n), Some(s)) => Some(format!("{n} on {s}")),
        (Some(n), None) => Some(n),
        (None, Some(s)) => Some(s.to_owned()),
        (None, None) => None,
    }
}

/// A note the team keeps on a conversation (never shown to the customer).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    /// Its number in the conversation (from 1).
    pub id: u64,
    /// Who wrote it (their display name).
    pub author: String,
    /// What they wrote.
    pub text: String,
    /// When, ms since the Unix epoch.
    pub at: u64,
}

/// `POST …/conversations/{id}/notes`: a new note.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewNote {
    /// Its text (1 to [`NOTE_CHARS`] characters).
    pub text: String,
}

/// `PUT …/conversations/{id}/tags`: the conversation's tags, all of them.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tags {
    /// The tags, checked by [`tags`].
    pub tags: Vec<String>,
}

/// `POST /api/v1/…/conversations/{id}/messages`: an operator message from
/// a program (stored once per `id`: a resend gets the same answer).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostMessage {
    /// The sender's id for it (1–64 of `[A-Za-z0-9_-]`; a new one if absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The text, as a person would type it.
    pub text: String,
}

/// `POST /api/v1/…/conversations/{id}/close`: closes the conversation.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseWith {
    /// How it ended (the workflow's closing rules apply).
    pub outcome: crate::workflow::Outcome,
}

/// What a stored message or event got.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    /// Its sequence number in the conversation.
    pub seq: u64,
    /// When it was stored, ms since the Unix epoch.
    pub at: u64,
}

/// The profile beside a conversation (`GET …/conversations/{id}/profile`).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// The name the customer gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The e-mail address the customer gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// How they came.
    pub visit: Visit,
    /// When the conversation started, ms since the Unix epoch.
    pub started_at: u64,
    /// The same visitor's (or verified user's) other conversations, newest first.
    pub earlier: Vec<ConversationSummary>,
    /// The team's notes, oldest first.
    pub notes: Vec<Note>,
    /// The conversation's tags.
    pub tags: Vec<String>,
}

/// A note's text, trimmed, or why it cannot be kept.
pub fn note(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("a note needs some text".into());
    }
    if text.chars().count() > NOTE_CHARS {
        return Err(format!("a note is at most {NOTE_CHARS} characters"));
    }
    Ok(text.to_owned())
}

/// Tags as kept: trimmed, lower case, each once, in the order given; or why
/// not. A tag is 1 to [`TAG_CHARS`] letters, digits, `-` or `_`; at most
/// [`MOST_TAGS`].
pub fn tags(given: &[String]) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for tag in given {
        let tag = tag.trim().to_lowercase();
        if tag.is_empty() {
            continue;
        }
        if tag.chars().count() > TAG_CHARS {
            return Err(format!("the tag {tag:?} is over {TAG_CHARS} characters"));
        }
        if !tag.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
            return Err(format!("the tag {tag:?} may hold only letters, digits, '-' and '_'"));
        }
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    if out.len() > MOST_TAGS {
        return Err(format!("at most {MOST_TAGS} tags"));
    }
    Ok(out)
}

/// Tags as a line of the inbox stores them: joined by commas.
pub fn joined(tags: &[String]) -> Option<String> {
    (!tags.is_empty()).then(|| tags.join(","))
}

/// Tags as [`joined`] stored them.
pub fn split(joined: &str) -> Vec<String> {
    joined.split(',').filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

/// Reads tags as a list, or as the inbox's comma-joined column.
pub fn tags_of<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        List(Vec<String>),
        Joined(Option<String>),
    }
    Ok(match Either::deserialize(d)? {
        Either::List(list) => list,
        Either::Joined(text) => split(&text.unwrap_or_default()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_visited_since_keep_the_newest_changes() {
        let mut v = Visit { page: Some("https://shop.test/".into()), ..Visit::default() };
        assert!(!v.visited("https://shop.test/", 1), "the start page again");
        assert!(v.visited("https://shop.test/pricing", 2));
        assert!(!v.visited("https://shop.test/pricing", 3), "a reload");
        assert!(v.visited("https://shop.test/", 4), "back to the start is a page view");
        assert!(!v.visited("javascript:alert(1)", 5), "not a web address");
        assert!(!v.visited("", 5));
        assert!(!v.visited(&format!("https://shop.test/{}", "a".repeat(PAGE_BYTES)), 5), "too long");
        let seen: Vec<(&str, u64)> = v.pages.iter().map(|p| (p.page.as_str(), p.at)).collect();
        assert_eq!(seen, [("https://shop.test/pricing", 2), ("https://shop.test/", 4)]);
        for i in 0..30 {
            assert!(v.visited(&format!("https://shop.test/p/{i}"), 10 + i));
        }
        assert_eq!(v.pages.len(), MOST_PAGES, "the newest kept");
        assert_eq!(v.pages[0].page, "https://shop.test/p/10");
        assert_eq!(v.pages[MOST_PAGES - 1].page, "https://shop.test/p/29");
    }

    #[test]
    fn tags_are_trimmed_lowered_once_each_and_checked() {
        let given = |t: &[&str]| tags(&t.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(given(&[" VIP ", "refund", "vip", ""]), Ok(vec!["vip".into(), "refund".into()]));
        assert_eq!(given(&["über-kunde_2"]), Ok(vec!["über-kunde_2".into()]));
        assert!(given(&["a,b"]).unwrap_err().contains("only letters"));
        assert!(given(&["<b>"]).unwrap_err().contains("only letters"));
        assert!(given(&[&"x".repeat(33)]).unwrap_err().contains("over 32"));
        let many: Vec<String> = (0..11).map(|i| format!("t{i}")).collect();
        assert!(tags(&many).unwrap_err().contains("at most 10"));
    }

    #[test]
    fn notes_need_text_within_the_limit() {
        assert_eq!(note("  call back monday "), Ok("call back monday".into()));
        assert!(note("   ").is_err());
        assert!(note(&"é".repeat(NOTE_CHARS)).is_ok());
        assert!(note(&"é".repeat(NOTE_CHARS + 1)).is_err());
    }

    #[test]
    fn tags_read_from_a_list_or_the_joined_column() {
        #[derive(Deserialize)]
        struct Line {
            #[serde(deserialize_with = "tags_of", default)]
            tags: Vec<String>,
        }
        let read = |j: &str| serde_json::from_str::<Line>(j).unwrap().tags;
        assert_eq!(read(r#"{"tags":["vip","refund"]}"#), ["vip", "refund"]);
        assert_eq!(read(r#"{"tags":"vip,refund"}"#), ["vip", "refund"]);
        assert_eq!(read(r#"{"tags":null}"#), Vec::<String>::new());
        assert_eq!(read(r#"{}"#), Vec::<String>::new());
        assert_eq!(joined(&["vip".into(), "refund".into()]).as_deref(), Some("vip,refund"));
    }

    #[test]
    fn browsers_and_languages_read_for_people() {
        let chrome =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        assert_eq!(browser(chrome).as_deref(), Some("Chrome 131 on Linux"));
        let edge =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36 Edg/120.0.1";
        assert_eq!(browser(edge).as_deref(), Some("Edge 120 on Windows"));
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Version/17.1 Mobile/15E148 Safari/604.1";
        assert_eq!(browser(safari).as_deref(), Some("Safari 17 on iOS"));
        assert_eq!(browser("curl/8.5"), None);
        assert_eq!(first_language("de-DE,de;q=0.9,en;q=0.8").as_deref(), Some("de-DE"));
        assert_eq!(first_language("*"), None);
        assert_eq!(first_language("<script>"), None);
    }
}
