//! The moderation rule engine, pure: `evaluate(message, sender history,
//! rules) → verdict`. Rules match categories of harm (the screening engine:
//! word data per language in [`lexicon`] and a trained [`classifier`]),
//! words and phrases (after undoing evasions, see [`normalize`]), regular
//! expressions, links (all, or outside an allow list), floods, repeated
//! messages, shouting and mass mentions; each has a severity and an action
//! (flag, hold for review, block, mute). The site's objects apply the
//! verdict before anything is broadcast (issue "Moderation"); this module
//! only decides.

pub mod classifier;
pub mod lexicon;
pub mod normalize;
mod screen;

use regex::Regex;

pub use crate::moderation_case::Hit;
pub use crate::rules::{Action, Category, Rule, RuleKind};
use crate::workflow::Severity;
pub use screen::{reach_of, read, screen, Finding, DECISIVE_MARGIN, READ};

/// An earlier message of the same sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Earlier {
    /// Its text.
    pub text: String,
    /// When it was sent (ms since the epoch).
    pub at: u64,
}

/// The outcome for one message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verdict {
    /// Every rule broken, in rule order.
    pub hits: Vec<Hit>,
}

impl Verdict {
    /// The strongest action of the hits (`None`: deliver as is).
    pub fn action(&self) -> Option<Action> {
        self.hits.iter().map(|h| h.action).max()
    }

    /// The highest severity of the hits.
    pub fn severity(&self) -> Option<Severity> {
        self.hits.iter().map(|h| h.severity).max()
    }
}

/// A rule set checked and compiled once.
#[derive(Debug, Clone)]
pub struct Rules {
    rules: Vec<(Rule, Compiled)>,
    /// Whether any rule matches words or categories (then a message's
    /// tokens are encoded once).
    words: bool,
    /// Whether any rule is a category (then the screening engine runs once).
    categories: bool,
    /// The site's allowed words, normalised: no word or pattern rule sees them.
    allowed: Vec<String>,
}

/// What a rule needs prepared before it checks messages.
#[derive(Debug, Clone)]
enum Compiled {
    Regex(Regex),
    /// Each list entry, with its words compiled.
    Words(Vec<(String, Vec<normalize::Word>)>),
    Nothing,
}

/// A rule that cannot work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rule {rule:?}: {why}")]
pub struct RuleError {
    /// The rule's id.
    pub rule: String,
    /// What is wrong.
    pub why: String,
}

impl Rules {
    /// Compiles `rules`; the error names the first unusable one.
    pub fn new(rules: Vec<Rule>) -> Result<Self, RuleError> {
        let compiled = rules
            .into_iter()
            .map(|r| {
                let compiled = match &r.kind {
                    RuleKind::Pattern { regex } => Compiled::Regex(
                        regex::RegexBuilder::new(regex)
                            .case_insensitive(true)
                            .size_limit(1 << 20)
                            .build()
                            .map_err(|e| RuleError { rule: r.id.clone(), why: e.to_string() })?,
                    ),
                    RuleKind::Words { list } if list.iter().all(|w| w.trim().is_empty()) => {
                        return Err(RuleError { rule: r.id.clone(), why: "the word list is empty".into() })
                    }
                    RuleKind::Words { list } => Compiled::Words(
                        list.iter()
                            .map(|entry| {
                                (entry.clone(), patterns(entry).iter().map(|w| normalize::Word::new(w)).collect())
                            })
                            .collect(),
                    ),
                    RuleKind::Flood { max: 0, .. }
                    | RuleKind::Flood { seconds: 0, .. }
                    | RuleKind::Repeat { times: 0..=1 } => {
                        return Err(RuleError {
                            rule: r.id.clone(),
                            why: "its limits must be at least 1 (2 repeats)".into(),
                        })
                    }
                    _ => Compiled::Nothing,
                };
                Ok((r, compiled))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let categories = compiled.iter().any(|(r, _)| matches!(r.kind, RuleKind::Category { .. }));
        let words = categories || compiled.iter().any(|(_, c)| matches!(c, Compiled::Words(_)));
        Ok(Rules { rules: compiled, words, categories, allowed: Vec::new() })
    }

    /// These rules with the site's allowed words (`SiteConfig::allowed_words`):
    /// a message's word that reads as one of them is not matched by word or
    /// pattern rules (a false positive fixed once, by a moderator).
    pub fn allowing(mut self, words: &[String]) -> Rules {
        self.allowed = words.iter().flat_map(|w| normalize::tokens(w)).collect();
        self
    }
}

/// Common top-level domains, for links written without `http://` or `www.`.
const TLDS: &[&str] = &[
    "com", "net", "org", "io", "co", "me", "info", "biz", "xyz", "ru", "cn", "de", "uk", "fr", "nl", "app", "dev",
    "gg", "ly", "tk", "top", "site", "online", "shop", "live", "link", "click", "club", "tv", "us", "eu",
];

/// The domains linked in a text (lower case), written as URLs, `www.` names
/// or bare names with a common top-level domain; "[.]" and " dot " count as dots.
fn links(cleaned: &str) -> Vec<String> {
    let text = cleaned.replace("[.]", ".").replace("(.)", ".").replace(" dot ", ".");
    let mut out = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | '(' | ')')) {
        let explicit = word.contains("://") || word.starts_with("www.");
        let host = word.split("://").last().unwrap_or(word);
        let host = host.split(['/', '?', '#', ':']).next().unwrap_or("");
        let host = host.trim_matches(|c: char| !c.is_alphanumeric()).trim_start_matches("www.");
        let parts: Vec<&str> = host.split('.').collect();
        let wellformed = parts.len() >= 2
            && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '-'));
        let tld = parts.last().copied().unwrap_or("");
        if wellformed && (explicit || TLDS.contains(&tld)) && tld.chars().all(char::is_alphabetic) {
            out.push(host.to_owned());
        }
    }
    out
}

fn allowed(domain: &str, allow: &[String]) -> bool {
    allow.iter().any(|a| {
        let a = a.trim_start_matches("www.").to_lowercase();
        domain == a || domain.ends_with(&format!(".{a}"))
    })
}

/// A list entry as word patterns: each word normalised like messages are,
/// keeping a leading or trailing `*`.
pub(crate) fn patterns(entry: &str) -> Vec<String> {
    entry
        .split_whitespace()
        .flat_map(|part| {
            // "self-harm" is two words, as it is in messages.
            let words = normalize::tokens(part);
            let last = words.len().saturating_sub(1);
            words.into_iter().enumerate().map(move |(i, word)| {
                let start = if i == 0 && part.starts_with('*') { "*" } else { "" };
                let end = if i == last && part.ends_with('*') { "*" } else { "" };
                format!("{start}{word}{end}")
            })
        })
        .collect()
}

/// Checks `text`, sent at `now_ms` by a sender whose earlier messages are
/// `history` (oldest first), against `rules`.
pub fn evaluate(text: &str, now_ms: u64, history: &[Earlier], rules: &Rules) -> Verdict {
    let cleaned = normalize::clean(text);
    let mut tokens = normalize::tokens_of_clean(&cleaned);
    tokens.retain(|t| !rules.allowed.contains(t));
    let read = tokens.join(" ");
    let token_runs: Vec<normalize::Runs> =
        if rules.words { tokens.iter().map(|t| normalize::runs(t)).collect() } else { Vec::new() };
    let findings = if rules.categories { screen(text, &tokens, &token_runs) } else { Vec::new() };
    let mut hits = Vec::new();
    for (rule, compiled) in &rules.rules {
        let mut found = None;
        let why = match (&rule.kind, compiled) {
            (_, Compiled::Words(entries)) => entries.iter().find_map(|(entry, words)| {
                let n = words.len();
                let at = (n > 0)
                    .then(|| token_runs.windows(n).position(|w| w.iter().zip(words).all(|(t, p)| p.matches(t))))
                    .flatten()?;
                found = Some(tokens[at..at + n].join(" "));
                Some(format!("matches {entry:?}"))
            }),
            // On the cleaned text (unless what matched is an allowed word),
            // and on its words read through leetspeak.
            (_, Compiled::Regex(r)) => {
                let innocent = |m: &str| rules.allowed.iter().any(|a| a.contains(&m.trim().to_lowercase()));
                let on_clean = r.find(&cleaned).filter(|m| !innocent(m.as_str()));
                on_clean.or_else(|| r.find(&read)).map(|m| format!("matches the pattern at {:?}", m.as_str()))
            }
            (RuleKind::Words { .. } | RuleKind::Pattern { .. }, Compiled::Nothing) => None,
            (RuleKind::Links { allow }, _) => {
                links(&cleaned).into_iter().find(|d| !allowed(d, allow)).map(|d| format!("links to {d}"))
            }
            (RuleKind::Flood { max, seconds }, _) => {
                let since = now_ms.saturating_sub(u64::from(*seconds) * 1000);
                let recent = history.iter().filter(|e| e.at >= since).count() + 1;
                (recent > *max as usize).then(|| format!("{recent} messages in {seconds} s"))
            }
            (RuleKind::Repeat { times }, _) => {
                let same = history.iter().rev().take_while(|e| normalize::clean(&e.text) == cleaned).count() + 1;
                (same >= *times as usize).then(|| format!("the same message {same} times in a row"))
            }
            (RuleKind::Caps { min_letters, percent }, _) => {
                let letters = text.chars().filter(|c| c.is_alphabetic());
                let (all, caps) = letters.fold((0u32, 0u32), |(a, u), c| (a + 1, u + u32::from(c.is_uppercase())));
                (all >= *min_letters && caps * 100 >= percent * all)
                    .then(|| format!("{caps} of {all} letters are capitals"))
            }
            (RuleKind::Mentions { max }, _) => {
                let mentions = text.split_whitespace().filter(|w| w.len() > 1 && w.starts_with('@')).count();
                (mentions > *max as usize).then(|| format!("{mentions} mentions"))
            }
            (RuleKind::Category { category }, _) => findings.iter().find(|f| f.category == *category).map(|f| {
                found.clone_from(&f.found);
                f.why.clone()
            }),
        };
        if let Some(why) = why {
            hits.push(Hit { rule: rule.id.clone(), severity: rule.severity, action: rule.action, why, found });
        }
    }
    Verdict { hits }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod screen_tests;
