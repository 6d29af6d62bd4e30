//! Performance figures as pure functions over stored timelines: what one
//! conversation says about how it was handled ([`facts`]), and the figures
//! of many ([`figures`]: chats, first-response time median and p90,
//! average handling time, resolution and escalation rates, CSAT; for
//! sales, conversion, average order value, discount given and revenue), per
//! operator, per team and per day ([`grouped`], [`daily`]). The console's
//! performance page and its CSV come from these; the server keeps the facts
//! of each conversation as it closes, so no figure costs work per message.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::workflow::{Event, Outcome, WorkflowKind};
use crate::{ChatMessage, Role};

/// How one conversation was handled, read from its timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Facts {
    /// Its workflow.
    pub workflow: WorkflowKind,
    /// Who had it last (the assignee when it closed; `None`: nobody).
    pub operator: Option<String>,
    /// The team whose queue it was in last, if any.
    pub team: Option<String>,
    /// The customer's first message (ms since the epoch); `None`: they
    /// never wrote, so nothing was waited for.
    pub started_at: Option<u64>,
    /// From the customer's first message to the first answer they saw.
    pub first_response_ms: Option<u64>,
    /// From the customer's first message to the close.
    pub handling_ms: Option<u64>,
    /// How it ended (`None`: still open).
    pub outcome: Option<Outcome>,
    /// It was escalated to a team at some point.
    pub escalated: bool,
    /// The customer's rating, 1–5.
    pub rating: Option<u8>,
    /// Its adherence score (0–100): its grade against the workflow by the
    /// rules of training (`crate::grading`), given by the server at close.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adherence: Option<u8>,
    /// A sale: the confirmed order (not cancelled) as it stood at the
    /// close, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sale: Option<Sale>,
}

/// What a won or lost sales conversation's confirmed order came to, in the
/// site's minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sale {
    /// What the customer pays.
    pub total: i64,
    /// Taken off the list price: bundles, offers, codes and the operator's discount.
    pub discount: i64,
}

/// Whether `m` is an operator's answer the customer sees: a message, or a
/// card (checklist, product, order, question). Internal events are not.
pub(crate) fn answers_customer(m: &ChatMessage) -> bool {
    m.author == Role::Operator
        && match &m.event {
            None => true,
            Some(e) => matches!(
                e,
                Event::Checklist { .. }
                    | Event::Present(_)
                    | Event::Order { .. }
                    | Event::AskResolution {}
                    | Event::AskRating {}
            ),
        }
}

/// The facts of one conversation from its whole timeline, oldest first.
pub fn facts(workflow: WorkflowKind, timeline: &[ChatMessage]) -> Facts {
    let mut f = Facts {
        workflow,
        operator: None,
        team: None,
        started_at: None,
        first_response_ms: None,
        handling_ms: None,
        outcome: None,
        escalated: false,
        rating: None,
        adherence: None,
        sale: None,
    };
    let mut quoted = None;
    for m in timeline {
        if m.author == Role::Customer && m.event.is_none() && f.started_at.is_none() {
            f.started_at = Some(m.at);
        }
        if let (Some(start), None) = (f.started_at, f.first_response_ms) {
            if answers_customer(m) {
                f.first_response_ms = Some(m.at.saturating_sub(start));
            }
        }
        match &m.event {
            Some(Event::Assign { to, .. }) => f.operator = Some(to.clone()),
            Some(Event::Escalate { team, .. }) => {
                (f.team, f.operator, f.escalated) = (Some(team.clone()), None, true);
            }
            Some(Event::Close { outcome }) => {
                f.outcome = Some(*outcome);
                f.handling_ms = f.started_at.map(|s| m.at.saturating_sub(s));
            }
            Some(Event::Reopen {} | Event::FollowUpDue {}) => (f.outcome, f.handling_ms) = (None, None),
            Some(Event::Rate { score }) => f.rating = Some(*score),
            Some(Event::Order { quote, .. }) => quoted = quote.as_ref().map(|q| (q.total, q.list_total)),
            Some(Event::ConfirmOrder { .. }) => {
                f.sale = quoted.map(|(total, list)| Sale { total, discount: (list - total).max(0) });
            }
            Some(Event::CancelOrder { .. }) => f.sale = None,
            _ => {}
        }
    }
    f
}

/// The figures of a set of conversations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Figures {
    /// Conversations closed.
    pub chats: u64,
    /// First-response time, median (ms), over those with one.
    pub first_response_p50_ms: Option<u64>,
    /// First-response time, 90th percentile (ms).
    pub first_response_p90_ms: Option<u64>,
    /// Average handling time (ms), over those the customer wrote in.
    pub handling_mean_ms: Option<u64>,
    /// Share of closed chats resolved or won (0–1).
    pub resolution_rate: Option<f64>,
    /// Share of closed chats escalated at some point (0–1).
    pub escalation_rate: Option<f64>,
    /// Average rating (1–5).
    pub csat_mean: Option<f64>,
    /// Ratings given.
    pub csat_count: u64,
    /// Average adherence score (0–100), over those graded.
    pub adherence_mean: Option<f64>,
    /// Sales conversations closed.
    #[serde(default)]
    pub sales_chats: u64,
    /// Those won with a confirmed order.
    #[serde(default)]
    pub sales_won: u64,
    /// Won / sales chats (0–1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion_rate: Option<f64>,
    /// The won orders' totals summed (minor units).
    #[serde(default)]
    pub revenue: i64,
    /// Average order value of the won (minor units).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_value_mean: Option<i64>,
    /// Discounts given on the won orders, summed (minor units).
    #[serde(default)]
    pub discount_given: i64,
}

/// The `p`-th percentile (0–100) of `values` by nearest rank.
pub fn percentile(values: &mut [u64], p: u32) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let rank = (u64::from(p.min(100)) * values.len() as u64).div_ceil(100).max(1);
    values.get(rank as usize - 1).copied()
}

/// The figures of the closed conversations among `all`.
pub fn figures<'a>(all: impl IntoIterator<Item = &'a Facts>) -> Figures {
    let closed: Vec<&Facts> = all.into_iter().filter(|f| f.outcome.is_some()).collect();
    let n = closed.len() as u64;
    let share =
        |pred: &dyn Fn(&Facts) -> bool| (n > 0).then(|| closed.iter().filter(|f| pred(f)).count() as f64 / n as f64);
    let mut responses: Vec<u64> = closed.iter().filter_map(|f| f.first_response_ms).collect();
    let handling: Vec<u64> = closed.iter().filter_map(|f| f.handling_ms).collect();
    let ratings: Vec<u8> = closed.iter().filter_map(|f| f.rating).collect();
    let adherence: Vec<u8> = closed.iter().filter_map(|f| f.adherence).collect();
    let sales = closed.iter().filter(|f| f.workflow == WorkflowKind::Sales).count() as u64;
    let won: Vec<Sale> = closed.iter().filter(|f| f.outcome == Some(Outcome::Won)).filter_map(|f| f.sale).collect();
    let revenue = won.iter().map(|s| s.total).sum::<i64>();
    Figures {
        chats: n,
        first_response_p50_ms: percentile(&mut responses, 50),
        first_response_p90_ms: percentile(&mut responses, 90),
        handling_mean_ms: (!handling.is_empty()).then(|| handling.iter().sum::<u64>() / handling.len() as u64),
        resolution_rate: share(&|f| matches!(f.outcome, Some(Outcome::Resolved | Outcome::Won))),
        escalation_rate: share(&|f| f.escalated),
        csat_mean: (!ratings.is_empty())
            .then(|| ratings.iter().map(|&r| f64::from(r)).sum::<f64>() / ratings.len() as f64),
        csat_count: ratings.len() as u64,
        adherence_mean: (!adherence.is_empty())
            .then(|| adherence.iter().map(|&a| f64::from(a)).sum::<f64>() / adherence.len() as f64),
        sales_chats: sales,
        sales_won: won.len() as u64,
        conversion_rate: (sales > 0).then(|| won.len() as f64 / sales as f64),
        revenue,
        order_value_mean: (!won.is_empty()).then(|| revenue / won.len() as i64),
        discount_given: won.iter().map(|s| s.discount).sum(),
    }
}

/// The figures per key (`key`: an operator's name, a team; conversations
/// without one are left out).
pub fn grouped<'a>(
    all: impl IntoIterator<Item = &'a Facts>,
    key: impl Fn(&Facts) -> Option<&str>,
) -> BTreeMap<String, Figures> {
    let mut groups: BTreeMap<String, Vec<&Facts>> = BTreeMap::new();
    for f in all {
        if let Some(k) = key(f) {
            groups.entry(k.to_owned()).or_default().push(f);
        }
    }
    groups.into_iter().map(|(k, fs)| (k, figures(fs))).collect()
}

/// The figures per day (`day_ms` long, days starting at `offset_ms` past
/// the epoch's midnight: a time zone's offset), by the day each closed
/// conversation started; days with none are left out.
pub fn daily<'a>(all: impl IntoIterator<Item = &'a Facts>, day_ms: u64, offset_ms: i64) -> BTreeMap<u64, Figures> {
    let mut days: BTreeMap<u64, Vec<&Facts>> = BTreeMap::new();
    for f in all {
        if let Some(start) = f.started_at {
            let local = (start as i64 + offset_ms).max(0) as u64;
            days.entry(local / day_ms).or_default().push(f);
        }
    }
    days.into_iter().map(|(d, fs)| (d, figures(fs))).collect()
}

/// What the performance page shows for a period: the figures of all, per
/// operator, per team and per day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The period's first day (days since 1970-01-01, in the viewer's zone).
    pub first_day: u64,
    /// Days in the period.
    pub days: u32,
    /// Everyone's figures.
    pub total: Figures,
    /// Per operator, by name.
    pub operators: BTreeMap<String, Figures>,
    /// Per team, by id.
    pub teams: BTreeMap<String, Figures>,
    /// Per day of the period, oldest first (every day, empty ones too).
    pub daily: Vec<Figures>,
}

/// One day, in ms.
pub const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// The report of the `days` days ending with the one holding `now`, in a
/// zone `offset_ms` from UTC, over the conversations that started in them.
pub fn report(all: &[Facts], now: u64, days: u32, offset_ms: i64) -> Report {
    let today = (now as i64 + offset_ms).max(0) as u64 / DAY_MS;
    let first = today.saturating_sub(u64::from(days.max(1)) - 1);
    let local_day = |f: &Facts| f.started_at.map(|s| (s as i64 + offset_ms).max(0) as u64 / DAY_MS);
    let within: Vec<&Facts> = all.iter().filter(|f| local_day(f).is_some_and(|d| d >= first && d <= today)).collect();
    let per_day = daily(within.iter().copied(), DAY_MS, offset_ms);
    Report {
        first_day: first,
        days: days.max(1),
        total: figures(within.iter().copied()),
        operators: grouped(within.iter().copied(), |f| f.operator.as_deref()),
        teams: grouped(within.iter().copied(), |f| f.team.as_deref()),
        daily: (first..=today).map(|d| per_day.get(&d).cloned().unwrap_or_default()).collect(),
    }
}

/// A report as CSV: one row per operator, team and day, then the total;
/// times in seconds, rates and averages with two decimals, money in the
/// site's minor units; names quoted
/// so that a spreadsheet never reads them as formulas.
pub fn csv(r: &Report) -> String {
    fn cell(s: &str) -> String {
        let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_owned() };
        format!("\"{}\"", s.replace('"', "\"\""))
    }
    let secs = |ms: Option<u64>| ms.map(|m| (m / 1000).to_string()).unwrap_or_default();
    let num = |x: Option<f64>| x.map(|x| format!("{x:.2}")).unwrap_or_default();
    let row = |kind: &str, name: &str, f: &Figures| {
        format!(
            "{kind},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            cell(name),
            f.chats,
            secs(f.first_response_p50_ms),
            secs(f.first_response_p90_ms),
            secs(f.handling_mean_ms),
            num(f.resolution_rate),
            num(f.escalation_rate),
            num(f.csat_mean),
            f.csat_count,
            num(f.adherence_mean),
            f.sales_chats,
            f.sales_won,
            num(f.conversion_rate),
            f.order_value_mean.map(|v| v.to_string()).unwrap_or_default(),
            f.revenue,
            f.discount_given,
        )
    };
    let mut out = String::from(
        "kind,name,chats,first_response_p50_s,first_response_p90_s,handling_mean_s,resolution_rate,\
         escalation_rate,csat_mean,csat_count,adherence_mean,sales_chats,sales_won,conversion_rate,\
         order_value_mean_minor,revenue_minor,discount_given_minor\n",
    );
    r.operators.iter().for_each(|(k, f)| out += &row("operator", k, f));
    r.teams.iter().for_each(|(k, f)| out += &row("team", k, f));
    for (i, f) in r.daily.iter().enumerate() {
        out += &row("day", &day_label(r.first_day + i as u64), f);
    }
    out += &row("total", "", &r.total);
    out
}

/// `YYYY-MM-DD` of a day counted since 1970-01-01.
pub fn day_label(day: u64) -> String {
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = day as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests;
