//! A refusal as the services carry it: the code, the English sentence and,
//! where the sentence has particulars (a wait, a limit, a sanction's end),
//! those particulars typed, so a client says the refusal in its reader's
//! language with its own numbers and times (`error.<code>.<why>` in a
//! catalogue, see [`crate::i18n`]); and a moderator's notice to a customer,
//! typed likewise ([`Notice`], `notice.<kind>…`).

use serde::{Deserialize, Serialize};

use crate::protocol::{ErrorCode, WireName};
use crate::workflow::Sanction;

/// The particulars of a refusal: which sentence (`why`, the variant's wire
/// name) and its values (the variant's fields, as the sentence's `{name}`s).
/// `until` is milliseconds since the Unix epoch, which a client writes in
/// its reader's time zone; `bytes` it writes in its reader's units.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "camelCase")]
pub enum Detail {
    /// Try again in `seconds` (a rate limit, a channel's slow mode).
    Wait {
        /// Seconds until a try can succeed (at least 1).
        seconds: u64,
    },
    /// At most `max` characters (a message's text).
    Max {
        /// The limit.
        max: u64,
    },
    /// At most `bytes` (a file), which a client writes in its reader's units.
    Size {
        /// The limit, in bytes.
        bytes: u64,
    },
    /// A moderator's sanction in force until `until`, for `reason` (the
    /// moderator's own words).
    Until {
        /// When it ends, in milliseconds since the Unix epoch.
        until: u64,
        /// Why, as the moderator wrote it.
        reason: String,
    },
    /// A moderator's sanction for good, for `reason`.
    ForGood {
        /// Why, as the moderator wrote it.
        reason: String,
    },
    /// The channel is locked: only the team writes for now.
    Locked,
    /// The name looks like the team's (staff, admin, a moderator…).
    StaffName,
    /// The site's rule `rule` caught it (a message blocked or held).
    Rule {
        /// The rule's name, as the site wrote it.
        rule: String,
    },
    /// A file from a visitor who is not signed in, held until a moderator
    /// has seen it.
    Unverified,
}

impl Detail {
    /// Each `why` with the values its sentences have (the variants' fields;
    /// a test checks it against their JSON).
    pub const WHYS: &'static [(&'static str, &'static [&'static str])] = &[
        ("wait", &["seconds"]),
        ("max", &["max"]),
        ("size", &["bytes"]),
        ("until", &["until", "reason"]),
        ("forGood", &["reason"]),
        ("locked", &[]),
        ("staffName", &[]),
        ("rule", &["rule"]),
        ("unverified", &[]),
    ];

    /// A wait of `ms` milliseconds, in whole seconds (at least 1).
    pub fn wait_ms(ms: u64) -> Self {
        Detail::Wait { seconds: ms.div_ceil(1000).max(1) }
    }

    /// The sanction `until` (none: for good), for `reason`.
    pub fn sanction(until: Option<u64>, reason: &str) -> Self {
        let reason = reason.to_owned();
        match until {
            Some(until) => Detail::Until { until, reason },
            None => Detail::ForGood { reason },
        }
    }
}

/// The refusals with particulars that reach a customer, by code: each pair
/// is a catalogue sentence `error.<code>.<why>` (the i18n test checks every
/// catalogue has exactly these, besides `error.<code>`).
pub const SAID: &[(ErrorCode, &str)] = &[
    (ErrorCode::RateLimited, "wait"),
    (ErrorCode::MessageTooLong, "max"),
    (ErrorCode::FrameTooLarge, "size"),
    (ErrorCode::Muted, "until"),
    (ErrorCode::Muted, "forGood"),
    (ErrorCode::Banned, "until"),
    (ErrorCode::Banned, "forGood"),
    (ErrorCode::Forbidden, "locked"),
    (ErrorCode::Forbidden, "staffName"),
    (ErrorCode::Blocked, "rule"),
    (ErrorCode::Blocked, "until"),
];

/// Why a message is held for review, as its sender is told: each is a
/// catalogue sentence `held.<why>` with the [`Detail`]'s values.
pub const HELD: &[&str] = &["rule", "unverified"];

/// Why something was refused: the code (for programs), the sentence (for
/// people, in English) and, where it has any, its particulars: a refused
/// frame's error, and the body of every refused HTTP request (named
/// `ApiError` in the API's description).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "openapi", schemars(rename = "ApiError"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// What went wrong, for programs.
    pub code: ErrorCode,
    /// What went wrong, for people (English).
    pub message: String,
    /// The sentence's particulars, for a client to say it in its reader's
    /// language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Detail>,
}

impl Refusal {
    /// A refusal without particulars.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), detail: None }
    }

    /// The same refusal with its particulars.
    pub fn with(self, detail: Detail) -> Self {
        Self { detail: Some(detail), ..self }
    }

    /// Refused for going too fast at `what`: try again in `wait_ms`.
    pub fn too_fast(what: &str, wait_ms: u64) -> Self {
        Self::new(ErrorCode::RateLimited, crate::text::too_fast(what, wait_ms)).with(Detail::wait_ms(wait_ms))
    }

    /// The seconds to wait before trying again, if it says.
    pub fn retry_after(&self) -> Option<u64> {
        match self.detail {
            Some(Detail::Wait { seconds }) => Some(seconds),
            _ => None,
        }
    }
}

impl From<(ErrorCode, String)> for Refusal {
    fn from((code, message): (ErrorCode, String)) -> Self {
        Self::new(code, message)
    }
}

/// A moderator's notice to a customer, typed: a warning, a mute or a ban
/// (`kind`), until when (none: for good; a warning has none) and why (the
/// moderator's words), or that a mute or ban was `lifted`. A client says it
/// as its catalogue's [`Notice::key`] with `{until}` (in its reader's time
/// zone) and `{reason}`; the frame's `alert` says it in English.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    /// Which sanction.
    #[cfg_attr(feature = "openapi", schemars(with = "String"))]
    pub kind: Sanction,
    /// Until when (ms since the Unix epoch); none: for good.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<u64>,
    /// Why, as the moderator wrote it (empty for a lift).
    pub reason: String,
    /// The sanction was lifted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lifted: bool,
}

impl Notice {
    /// Every catalogue key a notice can have, with its `{values}`.
    pub const KEYS: &'static [(&'static str, &'static [&'static str])] = &[
        ("notice.warn", &["reason"]),
        ("notice.mute", &["reason"]),
        ("notice.mute.until", &["until", "reason"]),
        ("notice.ban", &["reason"]),
        ("notice.ban.until", &["until", "reason"]),
        ("notice.mute.lifted", &[]),
        ("notice.ban.lifted", &[]),
    ];

    /// What it says in English (the end in UTC): the `moderation` frame's
    /// `alert`.
    pub fn english(&self) -> String {
        let (kind, reason) = (self.kind.as_str(), &self.reason);
        if self.lifted {
            return format!("A moderator lifted your {kind}; you can write again.");
        }
        let until = match self.until {
            Some(u) => format!("until {} UTC", crate::moderation_case::clock(u)),
            None => "for good".into(),
        };
        match self.kind {
            Sanction::Warn => format!("A moderator warned you: {reason}"),
            Sanction::Mute => format!("You are muted {until}: {reason}"),
            Sanction::Ban => format!("You are banned from this chat {until}: {reason}"),
        }
    }

    /// Its catalogue key: `notice.<kind>`, then `.lifted` or (with an end) `.until`.
    pub fn key(&self) -> String {
        let then = if self.lifted {
            ".lifted"
        } else if self.until.is_some() {
            ".until"
        } else {
            ""
        };
        format!("notice.{}{then}", self.kind.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whys_name_each_variant_and_its_fields_as_the_json_has_them() {
        let each = [
            Detail::Wait { seconds: 3 },
            Detail::Max { max: 10 },
            Detail::Size { bytes: 10 },
            Detail::Until { until: 1, reason: "r".into() },
            Detail::ForGood { reason: "r".into() },
            Detail::Locked,
            Detail::StaffName,
            Detail::Rule { rule: "r".into() },
            Detail::Unverified,
        ];
        assert_eq!(each.len(), Detail::WHYS.len());
        for (detail, (why, values)) in each.iter().zip(Detail::WHYS) {
            let json = serde_json::to_value(detail).unwrap();
            let object = json.as_object().unwrap();
            assert_eq!(object["why"], *why);
            let mut fields: Vec<&str> = object.keys().map(String::as_str).filter(|k| *k != "why").collect();
            let mut expected = values.to_vec();
            fields.sort_unstable();
            expected.sort_unstable();
            assert_eq!(fields, expected, "{why}");
        }
    }

    #[test]
    fn said_names_known_whys_once_each() {
        for (i, (code, why)) in SAID.iter().enumerate() {
            assert!(Detail::WHYS.iter().any(|(w, _)| w == why), "{}.{why}", code.as_str());
            assert!(!SAID[..i].contains(&(*code, why)), "{}.{why} twice", code.as_str());
        }
        assert!(HELD.iter().all(|why| Detail::WHYS.iter().any(|(w, _)| w == why)));
    }

    #[test]
    fn every_notice_has_a_known_key_with_the_values_it_carries() {
        let lifted = |kind| Notice { kind, until: None, reason: String::new(), lifted: true };
        let notices = [
            Notice { kind: Sanction::Warn, until: None, reason: "r".into(), lifted: false },
            Notice { kind: Sanction::Mute, until: None, reason: "r".into(), lifted: false },
            Notice { kind: Sanction::Mute, until: Some(1), reason: "r".into(), lifted: false },
            Notice { kind: Sanction::Ban, until: None, reason: "r".into(), lifted: false },
            Notice { kind: Sanction::Ban, until: Some(1), reason: "r".into(), lifted: false },
            lifted(Sanction::Mute),
            lifted(Sanction::Ban),
        ];
        let keys: Vec<String> = notices.iter().map(Notice::key).collect();
        assert_eq!(keys, Notice::KEYS.iter().map(|(k, _)| k.to_string()).collect::<Vec<_>>());
        let json = serde_json::to_string(&notices[2]).unwrap();
        assert_eq!(json, r#"{"kind":"mute","until":1,"reason":"r"}"#);
        assert_eq!(notices[5].english(), "A moderator lifted your mute; you can write again.");
        assert_eq!(notices[3].english(), "You are banned from this chat for good: r");
    }

    #[test]
    fn a_wait_is_whole_seconds_and_never_zero() {
        assert_eq!(Detail::wait_ms(0), Detail::Wait { seconds: 1 });
        assert_eq!(Detail::wait_ms(1_001), Detail::Wait { seconds: 2 });
        assert_eq!(Detail::sanction(None, "spam"), Detail::ForGood { reason: "spam".into() });
    }
}
