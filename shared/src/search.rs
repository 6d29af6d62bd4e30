//! Search across a site's conversations: the query (text, customer, tag,
//! workflow, status, operator, date range), its checks, the full-text
//! query it becomes (every word quoted, the last one a prefix, so nothing
//! typed is read as search syntax), and the paged hits, each naming the
//! message it matched so the console opens the conversation there.

use serde::{Deserialize, Serialize};

use crate::protocol::{ConversationSummary, Role};
use crate::workflow::WorkflowKind;
use crate::WireName;

/// Hits per page.
pub const PAGE: usize = 20;
/// The longest search text, in characters.
pub const TEXT_CHARS: usize = 200;
/// The most words of the search text used (the rest are ignored).
pub const WORDS: usize = 10;
/// Starts a matched word in a hit's snippet.
pub const MARK: char = '\u{2}';
/// Ends a matched word in a hit's snippet.
pub const UNMARK: char = '\u{3}';

/// Open or closed.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// Not closed yet.
    Open,
    /// Closed with an outcome.
    Closed,
}

/// What to look for; every part given must hold (all empty: every
/// conversation, newest activity first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchQuery {
    /// Words a message contains (the last one may be the start of a word).
    #[serde(default)]
    pub text: String,
    /// Part of the customer's name.
    #[serde(default)]
    pub customer: String,
    /// A tag the conversation carries.
    #[serde(default)]
    pub tag: String,
    /// Its workflow.
    #[serde(default)]
    pub workflow: Option<WorkflowKind>,
    /// Open or closed.
    #[serde(default)]
    pub status: Option<Status>,
    /// The operator who has it.
    #[serde(default)]
    pub operator: String,
    /// From this time on (ms since the Unix epoch): the message's time, or
    /// without text the conversation's latest activity.
    #[serde(default)]
    pub from: Option<u64>,
    /// Before this time (ms): the message's time, or without text the
    /// conversation's start.
    #[serde(default)]
    pub to: Option<u64>,
    /// Where the page starts: the previous page's `next`.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// Why a search was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    /// The text is longer than [`TEXT_CHARS`].
    #[error("the search text may hold at most {TEXT_CHARS} characters")]
    TextTooLong,
    /// A part of the query is not one the search knows or has a bad value.
    #[error("{0}")]
    Bad(String),
}

impl SearchQuery {
    /// Reads a query string's pairs (`q`, `customer`, `tag`, `workflow`,
    /// `status`, `operator`, `from`, `to`, `cursor`; empty values ignored).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, SearchError> {
        let mut q = SearchQuery::default();
        for (k, typed) in pairs {
            let v = typed.trim();
            if v.is_empty() {
                continue;
            }
            match k {
                // As typed: a space after the last word ends its prefix.
                "q" => q.text = typed.to_owned(),
                "customer" => q.customer = v.to_owned(),
                "tag" => q.tag = v.to_lowercase(),
                "operator" => q.operator = v.to_owned(),
                "workflow" => {
                    q.workflow = Some(
                        WorkflowKind::ALL
                            .into_iter()
                            .find(|k| k.as_str() == v)
                            .ok_or_else(|| SearchError::Bad(format!("no workflow is called {v:?}")))?,
                    )
                }
                "status" => {
                    q.status = Some(match v {
                        "open" => Status::Open,
                        "closed" => Status::Closed,
                        _ => return Err(SearchError::Bad("status is open or closed".into())),
                    })
                }
                "from" | "to" => {
                    let at = v.parse::<u64>().map_err(|_| SearchError::Bad(format!("{k} is a time in ms")))?;
                    *if k == "from" { &mut q.from } else { &mut q.to } = Some(at);
                }
                "cursor" => q.cursor = Some(v.to_owned()),
                _ => {}
            }
        }
        q.check()?;
        Ok(q)
    }

    /// The checks [`SearchQuery::from_pairs`] runs.
    pub fn check(&self) -> Result<(), SearchError> {
        if self.text.chars().count() > TEXT_CHARS {
            return Err(SearchError::TextTooLong);
        }
        for (name, value) in [("customer", &self.customer), ("operator", &self.operator), ("tag", &self.tag)] {
            if value.chars().count() > TEXT_CHARS {
                return Err(SearchError::Bad(format!("{name} may hold at most {TEXT_CHARS} characters")));
            }
        }
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if from >= to {
                return Err(SearchError::Bad("from must come before to".into()));
            }
        }
        Ok(())
    }

    /// The query string [`SearchQuery::from_pairs`] reads (without `?`).
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        let mut put = |k: &str, v: &str| {
            if !v.is_empty() {
                parts.push(format!("{k}={}", crate::api::encode_query(v)));
            }
        };
        put("q", &self.text);
        put("customer", &self.customer);
        put("tag", &self.tag);
        put("workflow", self.workflow.map_or("", WorkflowKind::as_str));
        put("status", self.status.map_or("", |s| if s == Status::Open { "open" } else { "closed" }));
        put("operator", &self.operator);
        put("from", &self.from.map(|t| t.to_string()).unwrap_or_default());
        put("to", &self.to.map(|t| t.to_string()).unwrap_or_default());
        put("cursor", self.cursor.as_deref().unwrap_or_default());
        parts.join("&")
    }

    /// The full-text query of [`SearchQuery::text`] (`None`: no words).
    pub fn fts(&self) -> Option<String> {
        fts_query(&self.text)
    }
}

/// The FTS5 query for what someone typed: each word (split at white
/// space) quoted as a phrase, so `"`, `*`, `AND`, `NEAR` or `:` are only
/// text; all must match; the last word matches as a prefix unless a space
/// follows it. Words without a letter or digit are dropped (the index has
/// none); `None` when nothing is left.
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<&str> =
        text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).take(WORDS).collect();
    let last = words.len().checked_sub(1)?;
    let prefix = !text.ends_with(char::is_whitespace);
    let quoted = words.iter().enumerate().map(|(i, w)| {
        let star = if i == last && prefix { "*" } else { "" };
        format!("\"{}\"{star}", w.replace('"', "\"\""))
    });
    Some(quoted.collect::<Vec<_>>().join(" "))
}

/// One message (or, for a search without text, one conversation) found.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hit {
    /// The conversation's inbox line.
    pub conversation: ConversationSummary,
    /// The message matched (without text: the newest).
    pub seq: u64,
    /// When it was written (ms).
    pub at: u64,
    /// Who wrote it.
    pub author: Option<Role>,
    /// Its words around the match, each matched word between [`MARK`] and
    /// [`UNMARK`] (without text: the line's preview).
    pub snippet: String,
}

/// A page of hits, newest first.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchPage {
    /// The hits.
    pub hits: Vec<Hit>,
    /// The next page's `cursor` (`None`: this was the last).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// A snippet's parts, in order: `(matched, text)`.
pub fn marked(snippet: &str) -> Vec<(bool, &str)> {
    let mut parts = Vec::new();
    let mut rest = snippet;
    while !rest.is_empty() {
        let Some(start) = rest.find(MARK) else {
            parts.push((false, rest));
            break;
        };
        if start > 0 {
            parts.push((false, &rest[..start]));
        }
        let inner = &rest[start + MARK.len_utf8()..];
        let end = inner.find(UNMARK).unwrap_or(inner.len());
        parts.push((true, &inner[..end]));
        rest = inner.get(end + UNMARK.len_utf8()..).unwrap_or("");
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Percent-decoding, enough for what `encode_query` writes.
    fn decode(v: &str) -> String {
        let b = v.as_bytes();
        let (mut out, mut i) = (Vec::new(), 0);
        while i < b.len() {
            if b[i] == b'%' {
                out.push(u8::from_str_radix(&v[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn typed_words_become_quoted_phrases_the_last_a_prefix() {
        let cases = [
            ("refund", Some(r#""refund"*"#)),
            ("refund ", Some(r#""refund""#)),
            ("late   refund", Some(r#""late" "refund"*"#)),
            (r#"say "hi" NEAR(a b) OR x*"#, Some(r#""say" """hi""" "NEAR(a" "b)" "OR" "x*"*"#)),
            ("col:value", Some(r#""col:value"*"#)),
            ("— ... !!", None),
            ("", None),
            ("   ", None),
            ("über straße", Some(r#""über" "straße"*"#)),
        ];
        for (typed, want) in cases {
            assert_eq!(fts_query(typed).as_deref(), want, "{typed:?}");
        }
        let many = (0..30).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
        assert_eq!(fts_query(&many).unwrap().matches('"').count(), 2 * WORDS);
    }

    #[test]
    fn a_query_string_reads_back_as_the_query() {
        let q = SearchQuery {
            text: "card & refund".into(),
            customer: "Ada L".into(),
            tag: "vip".into(),
            workflow: Some(WorkflowKind::Sales),
            status: Some(Status::Closed),
            operator: "Bo".into(),
            from: Some(1),
            to: Some(2),
            cursor: Some("r9".into()),
        };
        let s = q.to_query();
        let pairs: Vec<(String, String)> = s
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_owned(), decode(v))
            })
            .collect();
        let back = SearchQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap();
        assert_eq!(back, q);
        assert_eq!(SearchQuery::default().to_query(), "");
    }

    #[test]
    fn bad_parts_are_refused_with_the_reason() {
        let refused = |k: &str, v: &str| SearchQuery::from_pairs([(k, v)]).unwrap_err().to_string();
        assert!(refused("workflow", "billing").contains("no workflow"));
        assert!(refused("status", "waiting").contains("open or closed"));
        assert!(refused("from", "yesterday").contains("time in ms"));
        assert_eq!(refused("q", &"x".repeat(TEXT_CHARS + 1)), SearchError::TextTooLong.to_string());
        assert!(SearchQuery::from_pairs([("from", "5"), ("to", "5")]).is_err());
        assert_eq!(SearchQuery::from_pairs([("q", " "), ("nonsense", "1")]).unwrap(), SearchQuery::default());
    }

    #[test]
    fn snippets_split_into_marked_and_plain_parts() {
        let s = format!("a {MARK}refund{UNMARK} for {MARK}card{UNMARK}");
        assert_eq!(marked(&s), vec![(false, "a "), (true, "refund"), (false, " for "), (true, "card")]);
        assert_eq!(marked("plain"), vec![(false, "plain")]);
        assert_eq!(marked(&format!("{MARK}cut")), vec![(true, "cut")]);
        assert!(marked("").is_empty());
    }
}
