//! A site's moderation rules as data (what each looks for, its severity
//! and its action). Always compiled: the console edits them and the
//! Worker stores them with the site's settings; the engine that applies
//! them is [`crate::moderation`] (feature `moderation`).

use serde::{Deserialize, Serialize};

use crate::workflow::Severity;

/// What a rule looks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RuleKind {
    /// Words or phrases (several words); `*` at a word's start or end lets
    /// it be part of a longer word ("fuck*" matches "fucking").
    Words {
        /// The list.
        list: Vec<String>,
    },
    /// A regular expression (case-insensitive) over the cleaned text (no
    /// invisible characters, look-alike letters folded) and over its words
    /// read through leetspeak.
    Pattern {
        /// The expression (Rust `regex` syntax).
        regex: String,
    },
    /// Links: all of them, or those outside the allowed domains.
    Links {
        /// Domains allowed (with their subdomains); empty blocks every link.
        allow: Vec<String>,
    },
    /// More than `max` messages within `seconds`.
    Flood {
        /// Messages allowed in the window.
        max: u32,
        /// The window.
        seconds: u32,
    },
    /// The same message `times` times in a row.
    Repeat {
        /// How many identical messages in a row count.
        times: u32,
    },
    /// Shouting: at least `percent` % capitals among at least `min_letters` letters.
    Caps {
        /// Letters needed before the share counts.
        min_letters: u32,
        /// Share of capitals, in percent.
        percent: u32,
    },
    /// More than `max` @mentions.
    Mentions {
        /// Mentions allowed.
        max: u32,
    },
}

/// What happens to a message that breaks a rule (weakest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    /// Delivered, and flagged for moderators.
    Flag,
    /// Held for review: only the sender sees it, as pending.
    Hold,
    /// Refused; the sender is told why.
    Block,
    /// Refused, and the sender muted for this many minutes.
    Mute {
        /// Duration.
        minutes: u32,
    },
}

/// One rule of a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// Id, shown to moderators and in incidents.
    pub id: String,
    /// What it looks for.
    pub kind: RuleKind,
    /// How serious a hit is.
    pub severity: Severity,
    /// What happens on a hit.
    pub action: Action,
}

impl Action {
    /// What the sender is told when this action stops a message.
    pub fn sender_notice(self, rule: &str) -> String {
        match self {
            Action::Flag => String::new(),
            Action::Hold => format!("Waiting for a moderator to review it (rule: {rule})."),
            Action::Block => format!("Not sent: it breaks the chat rules (rule: {rule})."),
            Action::Mute { minutes } => {
                format!("Not sent: it breaks the chat rules (rule: {rule}); you are muted for {minutes} min.")
            }
        }
    }
}

/// The rules a new site starts with.
pub fn default_rules() -> Vec<Rule> {
    let words = |l: &[&str]| RuleKind::Words { list: l.iter().map(|w| w.to_string()).collect() };
    let rule = |id: &str, kind, severity, action| Rule { id: id.into(), kind, severity, action };
    vec![
        rule(
            "profanity",
            words(&["fuck*", "shit", "bitch", "asshole", "cunt", "dickhead"]),
            Severity::Medium,
            Action::Hold,
        ),
        rule(
            "threat",
            words(&["kill yourself", "kys", "i will find you"]),
            Severity::Critical,
            Action::Mute { minutes: 60 },
        ),
        rule("slur", RuleKind::Pattern { regex: r"\bn[i1!]gg(a|er)s?\b".into() }, Severity::High, Action::Block),
        rule("links", RuleKind::Links { allow: vec!["example.com".into()] }, Severity::Low, Action::Hold),
        rule("flood", RuleKind::Flood { max: 8, seconds: 10 }, Severity::Low, Action::Block),
        rule("repeat", RuleKind::Repeat { times: 4 }, Severity::Low, Action::Block),
        rule("caps", RuleKind::Caps { min_letters: 16, percent: 80 }, Severity::Low, Action::Flag),
        rule("mentions", RuleKind::Mentions { max: 4 }, Severity::Low, Action::Flag),
    ]
}
