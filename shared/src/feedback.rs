//! Moderators' decisions kept as labels of the screening engine, and the
//! report they make over time: a held message a moderator approves was a
//! false positive, one they reject a true positive, and a published message
//! they remove a false negative (it got through). The site's Inbox stores one
//! [`Label`] per decision; [`FeedbackReport::of`] counts them per day and per
//! rule.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One day in ms.
pub const DAY_MS: u64 = 86_400_000;

/// Longest period a report covers, in days.
pub const MAX_DAYS: u32 = 366;

/// Most labels one page of `GET …/labels` holds (`limit`, its default).
pub const LABELS_PAGE: u32 = 1_000;

/// What a moderator's decision says of the engine's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    /// Held, then approved: the rules stopped a fine message.
    FalsePositive,
    /// Held, then rejected: the rules were right.
    TruePositive,
    /// Published, then removed by a moderator: harm the rules let through.
    FalseNegative,
}

impl Verdict {
    /// The verdict of a review of a held message.
    pub fn of_review(approve: bool) -> Verdict {
        if approve {
            Verdict::FalsePositive
        } else {
            Verdict::TruePositive
        }
    }
}

/// A moderator's decision on one message, as a label of the engine's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// When the moderator decided (ms since the epoch).
    pub at: u64,
    /// What it says of the engine.
    pub verdict: Verdict,
    /// The rules that stopped the message (for a false negative: none, or
    /// the flags it had while published).
    pub rules: Vec<String>,
    /// The message's text as stored (already redacted), for retraining.
    pub text: String,
    /// Who decided.
    pub by: String,
}

/// One day's labels.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackDay {
    /// The day (UTC) as ms since the epoch at its start.
    pub day: u64,
    /// Held messages approved.
    pub false_positives: u32,
    /// Held messages rejected.
    pub true_positives: u32,
    /// Published messages removed.
    pub false_negatives: u32,
}

/// One rule's reviewed holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackRule {
    /// The rule's id.
    pub rule: String,
    /// Its holds approved.
    pub false_positives: u32,
    /// Its holds rejected.
    pub true_positives: u32,
}

/// The site's false positives and negatives over a period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackReport {
    /// Every day of the period, oldest first (days without labels too).
    pub days: Vec<FeedbackDay>,
    /// The rules with reviewed holds, most false positives first.
    pub rules: Vec<FeedbackRule>,
    /// The period's sums.
    pub total: FeedbackDay,
}

impl FeedbackReport {
    /// The report of the `days` days up to and including `now_ms`'s, from
    /// `labels` (those outside the period are left out).
    pub fn of(labels: &[Label], now_ms: u64, days: u32) -> FeedbackReport {
        let days = days.clamp(1, MAX_DAYS);
        let today = now_ms / DAY_MS * DAY_MS;
        let first = today.saturating_sub(u64::from(days - 1) * DAY_MS);
        let mut out = FeedbackReport {
            days: (0..u64::from(days))
                .map(|i| first + i * DAY_MS)
                .filter(|d| *d <= today)
                .map(|day| FeedbackDay { day, ..FeedbackDay::default() })
                .collect(),
            ..FeedbackReport::default()
        };
        let mut rules: BTreeMap<&str, FeedbackRule> = BTreeMap::new();
        for label in labels.iter().filter(|l| (first..today + DAY_MS).contains(&l.at)) {
            let i = ((label.at - first) / DAY_MS) as usize;
            for day in [&mut out.days[i], &mut out.total] {
                let n = match label.verdict {
                    Verdict::FalsePositive => &mut day.false_positives,
                    Verdict::TruePositive => &mut day.true_positives,
                    Verdict::FalseNegative => &mut day.false_negatives,
                };
                *n += 1;
            }
            if label.verdict == Verdict::FalseNegative {
                continue;
            }
            for rule in &label.rules {
                let r = rules.entry(rule).or_insert_with(|| FeedbackRule { rule: rule.clone(), ..Default::default() });
                match label.verdict {
                    Verdict::FalsePositive => r.false_positives += 1,
                    _ => r.true_positives += 1,
                }
            }
        }
        out.total.day = first;
        out.rules = rules.into_values().collect();
        out.rules.sort_by(|a, b| b.false_positives.cmp(&a.false_positives).then(a.rule.cmp(&b.rule)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(at: u64, verdict: Verdict, rules: &[&str]) -> Label {
        let rules = rules.iter().map(|r| r.to_string()).collect();
        Label { at, verdict, rules, text: "t".into(), by: "mod".into() }
    }

    #[test]
    fn counts_each_decision_on_its_day_and_each_holds_rule() {
        let now = 20_000 * DAY_MS + 5_000;
        let labels = [
            label(now - 1, Verdict::FalsePositive, &["profanity"]),
            label(now - 2, Verdict::FalsePositive, &["profanity", "caps"]),
            label(now - DAY_MS, Verdict::TruePositive, &["hate"]),
            label(now - 2 * DAY_MS, Verdict::FalseNegative, &[]),
            label(now - 2 * DAY_MS, Verdict::TruePositive, &["profanity"]),
            // Before the period, and after now's day: left out.
            label(now - 3 * DAY_MS, Verdict::FalsePositive, &["links"]),
            label(now + DAY_MS, Verdict::FalsePositive, &["links"]),
        ];
        let r = FeedbackReport::of(&labels, now, 3);
        let per_day: Vec<_> = r.days.iter().map(|d| (d.false_positives, d.true_positives, d.false_negatives)).collect();
        assert_eq!(per_day, [(0, 1, 1), (0, 1, 0), (2, 0, 0)]);
        assert_eq!(r.days[0].day, 19_998 * DAY_MS);
        assert_eq!(r.days[2].day, 20_000 * DAY_MS);
        assert_eq!((r.total.false_positives, r.total.true_positives, r.total.false_negatives), (2, 2, 1));
        let rules: Vec<_> = r.rules.iter().map(|x| (x.rule.as_str(), x.false_positives, x.true_positives)).collect();
        assert_eq!(rules, [("profanity", 2, 1), ("caps", 1, 0), ("hate", 0, 1)]);
    }

    #[test]
    fn a_period_has_every_day_even_without_labels_and_is_bounded() {
        let r = FeedbackReport::of(&[], 20_000 * DAY_MS, 30);
        assert_eq!(r.days.len(), 30);
        assert!(r.days.windows(2).all(|w| w[1].day == w[0].day + DAY_MS));
        assert_eq!(FeedbackReport::of(&[], 20_000 * DAY_MS, 0).days.len(), 1);
        assert_eq!(FeedbackReport::of(&[], 20_000 * DAY_MS, 100_000).days.len(), MAX_DAYS as usize);
        assert_eq!(Verdict::of_review(true), Verdict::FalsePositive);
        assert_eq!(Verdict::of_review(false), Verdict::TruePositive);
    }
}
