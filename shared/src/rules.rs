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
    /// A category of harm, read by the screening engine (word data per
    /// language and a trained classifier; see `moderation::screen`).
    Category {
        /// Which one.
        category: Category,
    },
}

/// A category of harmful content the screening engine recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Category {
    /// Swearing and crude words.
    Profanity,
    /// Sexual content and solicitation.
    Sexual,
    /// Slurs and hate against a group.
    Hate,
    /// Insults aimed at someone, and threats.
    Harassment,
    /// Someone saying they may hurt themselves (held for a person to see).
    SelfHarm,
    /// Scams, spam offers and phishing.
    Spam,
    /// Phone numbers and e-mail addresses (when they are not redacted).
    PersonalData,
}

impl Category {
    /// Every category, in the order the console shows them.
    pub const ALL: [Category; 7] = [
        Category::Profanity,
        Category::Sexual,
        Category::Hate,
        Category::Harassment,
        Category::SelfHarm,
        Category::Spam,
        Category::PersonalData,
    ];

    /// Its name on the wire and in the word data's section headers.
    pub fn key(self) -> &'static str {
        match self {
            Category::Profanity => "profanity",
            Category::Sexual => "sexual",
            Category::Hate => "hate",
            Category::Harassment => "harassment",
            Category::SelfHarm => "selfHarm",
            Category::Spam => "spam",
            Category::PersonalData => "personalData",
        }
    }

    /// The category named `key` (see [`Category::key`]).
    pub fn from_key(key: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.key() == key)
    }

    /// The id of its rule in a site's rules (ids are lower case).
    pub fn rule_id(self) -> &'static str {
        match self {
            Category::SelfHarm => "self_harm",
            Category::PersonalData => "personal_data",
            other => other.key(),
        }
    }

    /// What moderators read.
    pub fn label(self) -> &'static str {
        match self {
            Category::Profanity => "Profanity",
            Category::Sexual => "Sexual content",
            Category::Hate => "Hate and slurs",
            Category::Harassment => "Harassment and threats",
            Category::SelfHarm => "Self-harm",
            Category::Spam => "Spam and scams",
            Category::PersonalData => "Personal data",
        }
    }

    /// Its preset: severity and action a new site starts with (as
    /// Discord's AutoMod presets: the worse the harm, the firmer the action;
    /// harassment and threats also cool the sender off for ten minutes;
    /// self-harm is held so that a person sees it rather than refused).
    pub fn preset(self) -> (Severity, Action) {
        match self {
            Category::Profanity => (Severity::Medium, Action::Hold),
            Category::Sexual => (Severity::High, Action::Hold),
            Category::Hate => (Severity::Critical, Action::Block),
            Category::Harassment => (Severity::High, Action::Mute { minutes: 10 }),
            Category::SelfHarm => (Severity::High, Action::Hold),
            Category::Spam => (Severity::Medium, Action::Hold),
            Category::PersonalData => (Severity::Low, Action::Flag),
        }
    }

    /// The rule a new site starts with for this category.
    pub fn default_rule(self) -> Rule {
        let (severity, action) = self.preset();
        Rule { id: self.rule_id().into(), kind: RuleKind::Category { category: self }, severity, action }
    }
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
            Action::Block => format!("It breaks the chat rules (rule: {rule})."),
            Action::Mute { minutes } => {
                format!("It breaks the chat rules (rule: {rule}); you are muted for {minutes} min.")
            }
        }
    }
}

/// The rule form's test box: a message to screen as the site would, with
/// nothing stored or sent (`POST /api/console/sites/{site}/rules/test`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleTest {
    /// The message.
    pub text: String,
}

/// What the site's rules make of a tested message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleTestResult {
    /// The message as it would be stored (after redaction).
    pub text: String,
    /// Every rule it breaks, with why.
    pub hits: Vec<crate::moderation_case::Hit>,
    /// The action taken (the strongest of the hits); `None`: delivered as is.
    pub action: Option<Action>,
}

/// The rules a new site starts with: every category at its preset, then
/// links, floods, repeats, shouting and mass mentions.
pub fn default_rules() -> Vec<Rule> {
    let rule = |id: &str, kind, severity, action| Rule { id: id.into(), kind, severity, action };
    let mut rules: Vec<Rule> = Category::ALL.into_iter().map(Category::default_rule).collect();
    rules.extend([
        rule("links", RuleKind::Links { allow: vec!["example.com".into()] }, Severity::Low, Action::Hold),
        rule("flood", RuleKind::Flood { max: 8, seconds: 10 }, Severity::Low, Action::Block),
        rule("repeat", RuleKind::Repeat { times: 4 }, Severity::Low, Action::Block),
        rule("caps", RuleKind::Caps { min_letters: 16, percent: 80 }, Severity::Low, Action::Flag),
        rule("mentions", RuleKind::Mentions { max: 4 }, Severity::Low, Action::Flag),
    ]);
    rules
}
