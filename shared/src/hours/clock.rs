//! Hours against the clock, with the IANA time-zone database (jiff, its
//! bundled copy): a local time that a daylight-saving change skips counts
//! from the first instant after the gap, one it repeats from its first
//! occurrence (jiff's "compatible" rule, as RFC 5545 and browsers do).

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

use super::{hours_of, minutes, Coverage, Day, Hours, Opening, Shifts, Status, TeamCoverage};

/// How far ahead the next opening is looked for.
const LOOK_AHEAD_DAYS: i64 = 14;

/// Whether `name` is a zone of the database.
pub fn zone_exists(name: &str) -> bool {
    TimeZone::get(name).is_ok()
}

fn zone(name: &str) -> Result<TimeZone, String> {
    TimeZone::get(name).map_err(|_| format!("{name:?} is not a known time zone"))
}

fn day_of(date: Date) -> Day {
    Day::ALL[date.weekday().to_monday_zero_offset() as usize]
}

fn add_days(date: Date, n: i64) -> Result<Date, String> {
    date.checked_add(Span::new().days(n)).map_err(|e| e.to_string())
}

/// The instant (ms) a local time of `date` (`m` minutes after its
/// midnight; 1440: the next midnight) falls on in `tz`.
fn instant(tz: &TimeZone, date: Date, m: u32) -> Result<i64, String> {
    let (date, m) = if m >= 24 * 60 { (add_days(date, 1)?, m - 24 * 60) } else { (date, m) };
    let local: DateTime = date.at((m / 60) as i8, (m % 60) as i8, 0, 0);
    let zoned = local.to_zoned_datetime(tz.clone()).map_err(|e| e.to_string())?;
    Ok(zoned.timestamp().as_millisecond())
}

/// The spans of `date` under `week`, as instants (ms), earliest first.
fn spans(tz: &TimeZone, week: &[Opening], date: Date) -> Result<Vec<(i64, i64)>, String> {
    let mut out = Vec::new();
    for o in week.iter().filter(|o| o.day == day_of(date)) {
        if let (Some(f), Some(t)) = (minutes(&o.from), minutes(&o.to)) {
            out.push((instant(tz, date, f)?, instant(tz, date, t)?));
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// An instant (ms) as a day and time in `zone`, with the zone's name:
/// "Monday 09:00 (Europe/Berlin)".
pub fn local_label(ms: u64, zone_name: &str) -> Result<String, String> {
    let tz = zone(zone_name)?;
    let at = Timestamp::from_millisecond(i64::try_from(ms).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    Ok(format!("{} ({zone_name})", at.to_zoned_datetime(tz).strftime("%A %H:%M")))
}

/// Whether `hours` are open at `now_ms`, and when closed, when they open next.
pub fn status(hours: &Hours, now_ms: u64) -> Result<Status, String> {
    let tz = zone(&hours.time_zone)?;
    let now = i64::try_from(now_ms).map_err(|e| e.to_string())?;
    let today = Timestamp::from_millisecond(now).map_err(|e| e.to_string())?.to_zoned_datetime(tz.clone()).date();
    let holiday = |d: Date| hours.holidays.iter().any(|h| h.parse::<Date>().is_ok_and(|h| h == d));
    // Yesterday too: an opening to 24:00 may still run after a gap.
    for n in -1..=LOOK_AHEAD_DAYS {
        let date = add_days(today, n)?;
        if holiday(date) {
            continue;
        }
        for (from, to) in spans(&tz, &hours.week, date)? {
            if from <= now && now < to {
                return Ok(Status { open: true, next_open: None });
            }
            if from > now {
                return Ok(Status { open: false, next_open: Some(from as u64) });
            }
        }
    }
    Ok(Status { open: false, next_open: None })
}

/// Whether `shifts` cover the instant `at_ms`.
fn on_shift(shifts: &Shifts, tz: &TimeZone, at_ms: i64) -> Result<bool, String> {
    let local = Timestamp::from_millisecond(at_ms).map_err(|e| e.to_string())?.to_zoned_datetime(tz.clone());
    let m = local.hour() as u32 * 60 + local.minute() as u32;
    let day = day_of(local.date());
    Ok(shifts
        .week
        .iter()
        .any(|o| o.day == day && minutes(&o.from).is_some_and(|f| f <= m) && minutes(&o.to).is_some_and(|t| m < t)))
}

/// The coverage grid of the week holding `now_ms`, in the site's hours'
/// zone (UTC without hours): `members` are each operator's teams and
/// shifts; an hour counts a member on shift at its start. A team `""` is
/// the site's own queue, which every member serves.
pub fn coverage(
    teams: &[&str],
    members: &[(Vec<String>, Shifts)],
    hours: &[Hours],
    now_ms: u64,
) -> Result<Coverage, String> {
    let grid_zone = hours_of(hours, None).map_or("UTC", |h| h.time_zone.as_str());
    let tz = zone(grid_zone)?;
    let now = i64::try_from(now_ms).map_err(|e| e.to_string())?;
    let today = Timestamp::from_millisecond(now).map_err(|e| e.to_string())?.to_zoned_datetime(tz.clone()).date();
    let monday = add_days(today, -i64::from(today.weekday().to_monday_zero_offset()))?;
    let zones: Vec<TimeZone> = members.iter().map(|(_, s)| zone(&s.time_zone)).collect::<Result<_, _>>()?;
    let mut rows: Vec<TeamCoverage> = teams
        .iter()
        .map(|t| TeamCoverage { team: (*t).to_owned(), counts: vec![0; 168], gaps: vec![false; 168] })
        .collect();
    for day in 0..7 {
        let date = add_days(monday, day)?;
        for hour in 0..24 {
            let slot = (day * 24 + hour) as usize;
            let at = instant(&tz, date, hour as u32 * 60)?;
            for ((member_teams, shifts), mz) in members.iter().zip(&zones) {
                if !on_shift(shifts, mz, at)? {
                    continue;
                }
                for row in rows.iter_mut().filter(|r| r.team.is_empty() || member_teams.contains(&r.team)) {
                    row.counts[slot] += 1;
                }
            }
            for row in &mut rows {
                let open = match hours_of(hours, Some(&row.team)) {
                    Some(h) => status(h, at as u64)?.open,
                    None => true,
                };
                row.gaps[slot] = open && row.counts[slot] == 0;
            }
        }
    }
    Ok(Coverage { time_zone: grid_zone.to_owned(), week_start: monday.to_string(), teams: rows })
}
