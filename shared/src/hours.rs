//! Business hours and operators' shifts (issue "The operator's working
//! day"): a week of openings in a named time zone, with holidays; whether a
//! site (or one of its teams) is open at an instant and when it opens next
//! ([`status`], feature `hours`: the time-zone database is the Worker's, so
//! the front ends do not carry it); and the supervisors' coverage grid,
//! how many members each team has on shift in each hour of a week
//! ([`coverage`], same feature). The data types and their checks are
//! always here, so the console can show and check them.

use serde::{Deserialize, Serialize};

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Day {
    /// Monday first.
    pub const ALL: [Day; 7] = [Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri, Day::Sat, Day::Sun];

    /// 0 for Monday … 6 for Sunday.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Its wire name (`mon` … `sun`).
    pub fn as_str(self) -> &'static str {
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][self.index()]
    }

    /// The day of a wire name.
    pub fn parse(s: &str) -> Option<Day> {
        Day::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// One weekly opening: a day and a span of its local time, `"09:00"` to
/// `"17:30"` (`"24:00"` ends at midnight).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opening {
    /// The day.
    pub day: Day,
    /// Opens at (`HH:MM`).
    pub from: String,
    /// Closes at (`HH:MM`, after `from`).
    pub to: String,
}

/// A site's business hours for one team (`team: None`: the site's own,
/// which new chats follow), in a time zone of the IANA database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hours {
    /// The team these hours are for; none: the site's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// An IANA zone, e.g. `Europe/Berlin`.
    pub time_zone: String,
    /// The openings of a normal week.
    pub week: Vec<Opening>,
    /// Closed all day on these dates (`YYYY-MM-DD`, in the zone).
    #[serde(default)]
    pub holidays: Vec<String>,
}

/// An operator's weekly shifts, in their own time zone.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shifts {
    /// An IANA zone, e.g. `America/New_York`.
    pub time_zone: String,
    /// The spans they work each week.
    pub week: Vec<Opening>,
}

/// The most openings in one week.
pub const MAX_OPENINGS: usize = 50;
/// The most holidays kept.
pub const MAX_HOLIDAYS: usize = 100;

/// Minutes since midnight of `HH:MM` (up to `24:00`).
pub fn minutes(hhmm: &str) -> Option<u32> {
    let (h, m) = hhmm.split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !hhmm.bytes().filter(|b| *b != b':').all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// Whether `s` is a date written `YYYY-MM-DD` (a real one).
pub fn date_ok(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let t = &s[r];
        t.bytes().all(|c| c.is_ascii_digit()).then(|| t.parse().ok()).flatten()
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else { return false };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// Whether `zone` looks like an IANA zone name (the Worker also checks it
/// is one).
fn zone_ok(zone: &str) -> bool {
    (1..=64).contains(&zone.len())
        && zone.bytes().all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b))
        && !zone.starts_with('/')
        && !zone.contains("..")
}

/// Checks a week of openings; the error names the first problem.
fn check_week(week: &[Opening]) -> Result<(), String> {
    if week.len() > MAX_OPENINGS {
        return Err(format!("at most {MAX_OPENINGS} openings a week"));
    }
    for o in week {
        match (minutes(&o.from), minutes(&o.to)) {
            (Some(f), Some(t)) if f < t && f < 24 * 60 => {}
            _ => {
                return Err(format!(
                    "opening {:?} {}–{}: times are HH:MM (to 24:00), the end after the start",
                    o.day, o.from, o.to
                ))
            }
        }
    }
    Ok(())
}

impl Hours {
    /// Checks the hours against the site's `teams`.
    pub fn check(&self, teams: &[&str]) -> Result<(), String> {
        let whose = self.team.as_deref().unwrap_or("the site");
        if let Some(t) = &self.team {
            if !teams.contains(&t.as_str()) {
                return Err(format!("hours: this site has no team {t:?}"));
            }
        }
        if !zone_ok(&self.time_zone) {
            return Err(format!("hours of {whose}: {:?} is not a time zone name", self.time_zone));
        }
        check_week(&self.week).map_err(|e| format!("hours of {whose}: {e}"))?;
        if self.holidays.len() > MAX_HOLIDAYS {
            return Err(format!("hours of {whose}: at most {MAX_HOLIDAYS} holidays"));
        }
        match self.holidays.iter().find(|d| !date_ok(d)) {
            Some(d) => Err(format!("hours of {whose}: holiday {d:?} is not a date YYYY-MM-DD")),
            None => Ok(()),
        }
    }
}

impl Shifts {
    /// Checks the shifts.
    pub fn check(&self) -> Result<(), String> {
        if !zone_ok(&self.time_zone) {
            return Err(format!("shifts: {:?} is not a time zone name", self.time_zone));
        }
        check_week(&self.week).map_err(|e| format!("shifts: {e}"))
    }
}

/// The hours of `team` among a site's: its own, else the site's (`None`:
/// always open).
pub fn hours_of<'a>(all: &'a [Hours], team: Option<&str>) -> Option<&'a Hours> {
    all.iter().find(|h| team.is_some() && h.team.as_deref() == team).or_else(|| all.iter().find(|h| h.team.is_none()))
}

/// Open or not at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    /// Within an opening now.
    pub open: bool,
    /// When closed: the next opening's start (ms since the epoch), if one
    /// comes within two weeks.
    pub next_open: Option<u64>,
}

/// The supervisors' coverage grid: for each team, how many of its members
/// are on shift in each hour of a week (Monday 00:00 first, hours of
/// `time_zone`), and the hours that are gaps (the team's hours say open,
/// or it has none, and nobody is on shift).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Coverage {
    /// The grid's zone (the site's hours', else UTC).
    pub time_zone: String,
    /// The Monday it starts (`YYYY-MM-DD`).
    pub week_start: String,
    /// One row per team.
    pub teams: Vec<TeamCoverage>,
}

/// One team's row of the grid.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamCoverage {
    /// The team's id.
    pub team: String,
    /// Members on shift, per hour (168).
    pub counts: Vec<u32>,
    /// Whether each hour is a gap (168).
    pub gaps: Vec<bool>,
}

#[cfg(feature = "hours")]
mod clock;
#[cfg(feature = "hours")]
pub use clock::{coverage, local_label, status, zone_exists};

#[cfg(all(test, feature = "hours"))]
mod tests;
