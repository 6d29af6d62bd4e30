//! Table tests of hours and shifts against the clock, across daylight-saving
//! changes.

use super::*;

/// Ms since the epoch of a UTC time written `YYYY-MM-DDTHH:MM`.
fn utc(s: &str) -> u64 {
    let t: jiff::Timestamp = format!("{s}:00Z").parse().unwrap();
    t.as_millisecond() as u64
}

fn week(days: &[Day], from: &str, to: &str) -> Vec<Opening> {
    days.iter().map(|d| Opening { day: *d, from: from.into(), to: to.into() }).collect()
}

fn office(zone: &str) -> Hours {
    use Day::*;
    Hours {
        team: None,
        time_zone: zone.into(),
        week: week(&[Mon, Tue, Wed, Thu, Fri], "09:00", "17:00"),
        holidays: vec![],
    }
}

#[test]
fn open_and_next_opening_follow_the_zone_across_a_dst_change() {
    let berlin = office("Europe/Berlin");
    let cases = [
        // A week before the change: Monday 09:00 CET is 08:00 UTC.
        ("2026-03-20T17:00", false, Some("2026-03-23T08:00")),
        ("2026-03-23T07:30", false, Some("2026-03-23T08:00")),
        ("2026-03-23T08:00", true, None),
        // Over the weekend of 29 March clocks go forward: 09:00 CEST is 07:00 UTC.
        ("2026-03-27T17:00", false, Some("2026-03-30T07:00")),
        ("2026-03-30T07:30", true, None),
        ("2026-03-30T14:59", true, None),
        ("2026-03-30T15:00", false, Some("2026-03-31T07:00")),
        // Back in autumn (25 October): 09:00 CET is 08:00 UTC again.
        ("2026-10-23T15:30", false, Some("2026-10-26T08:00")),
    ];
    for (now, open, next) in cases {
        let s = status(&berlin, utc(now)).unwrap();
        assert_eq!((s.open, s.next_open), (open, next.map(utc)), "at {now} UTC");
    }
}

#[test]
fn a_local_time_the_change_skips_or_repeats_is_still_an_opening() {
    use Day::*;
    // New York springs forward at 02:00 on Sunday 8 March 2026 (02:30 does
    // not exist: it counts from 03:30 EDT) and falls back at 02:00 on
    // Sunday 1 November (01:30 happens twice: the first, EDT, counts).
    let night = Hours {
        team: None,
        time_zone: "America/New_York".into(),
        week: week(&[Sun], "01:30", "04:00").into_iter().chain(week(&[Sun], "02:30", "03:00")).collect(),
        holidays: vec![],
    };
    let spring = status(&night, utc("2026-03-08T05:00")).unwrap();
    assert_eq!(spring, Status { open: false, next_open: Some(utc("2026-03-08T06:30")) });
    assert!(status(&night, utc("2026-03-08T07:45")).unwrap().open, "03:45 EDT is in the night's span");
    let autumn = status(&night, utc("2026-11-01T05:00")).unwrap();
    assert_eq!(autumn, Status { open: false, next_open: Some(utc("2026-11-01T05:30")) });
    // 01:30–04:00 on that day lasts 3.5 hours: still open at 08:59 UTC (03:59 EST).
    assert!(status(&night, utc("2026-11-01T08:59")).unwrap().open);
    assert!(!status(&night, utc("2026-11-01T09:00")).unwrap().open);
}

#[test]
fn holidays_and_midnight_close_are_kept() {
    let mut h = office("Europe/London");
    h.holidays = vec!["2026-12-25".into(), "2026-12-28".into()];
    // Thursday 24 December after work: Friday 25 and Monday 28 are holidays.
    let s = status(&h, utc("2026-12-24T18:00")).unwrap();
    assert_eq!(s.next_open, Some(utc("2026-12-29T09:00")));
    assert!(!status(&h, utc("2026-12-25T10:00")).unwrap().open);
    // Open until midnight, then the next day from 00:00.
    h.week = week(&Day::ALL, "00:00", "24:00");
    h.holidays.clear();
    assert!(status(&h, utc("2026-06-10T23:59")).unwrap().open);
    // No opening at all: closed, nothing to wait for.
    h.week.clear();
    assert_eq!(status(&h, utc("2026-06-10T12:00")).unwrap(), Status { open: false, next_open: None });
}

#[test]
fn hours_and_shifts_are_checked() {
    let teams = ["billing"];
    let good = office("Europe/Berlin");
    assert_eq!(good.check(&teams), Ok(()));
    let bad = |f: &dyn Fn(&mut Hours)| {
        let mut h = good.clone();
        f(&mut h);
        h.check(&teams).unwrap_err()
    };
    assert!(bad(&|h| h.team = Some("sales".into())).contains("no team"));
    assert!(bad(&|h| h.time_zone = "../etc".into()).contains("time zone"));
    assert!(bad(&|h| h.week[0].to = "08:00".into()).contains("HH:MM"));
    assert!(bad(&|h| h.week[0].from = "9:00".into()).contains("HH:MM"));
    assert!(bad(&|h| h.week[0].to = "24:01".into()).contains("HH:MM"));
    assert!(bad(&|h| h.holidays = vec!["2026-02-30".into()]).contains("holiday"));
    assert!(zone_exists("Europe/Berlin") && !zone_exists("Mars/Olympus"));
    assert_eq!(minutes("24:00"), Some(1440));
    for d in Day::ALL {
        assert_eq!(serde_json::to_string(&d).unwrap(), format!("\"{}\"", d.as_str()));
        assert_eq!(Day::parse(d.as_str()), Some(d));
    }
    assert!(date_ok("2028-02-29") && !date_ok("2026-02-29") && !date_ok("2026-13-01"));
    let shifts = Shifts { time_zone: "Asia/Tokyo".into(), week: week(&[Day::Mon], "22:00", "21:00") };
    assert!(shifts.check().unwrap_err().contains("shifts"));
}

#[test]
fn coverage_counts_members_on_shift_in_the_grid_zone_and_marks_gaps() {
    use Day::*;
    let hours = vec![office("Europe/Berlin")];
    // Ana works 09:00–17:00 Berlin; Bo in New York 09:00–12:00 (15:00–18:00
    // in Berlin, in March's week where only the US has changed: 14:00–17:00).
    let ana = (
        vec!["support".to_string()],
        Shifts { time_zone: "Europe/Berlin".into(), week: week(&[Mon], "09:00", "17:00") },
    );
    let bo = (
        vec!["support".to_string(), "billing".into()],
        Shifts { time_zone: "America/New_York".into(), week: week(&[Mon], "09:00", "12:00") },
    );
    let grid = coverage(&["support", "billing", ""], &[ana, bo], &hours, utc("2026-03-18T12:00")).unwrap();
    assert_eq!(&grid.teams[2].counts[13..18], &[1, 2, 2, 2, 0], "the site's own queue: everyone");
    assert_eq!((grid.time_zone.as_str(), grid.week_start.as_str()), ("Europe/Berlin", "2026-03-16"));
    let support = &grid.teams[0].counts[..24];
    assert_eq!(&support[8..18], &[0, 1, 1, 1, 1, 1, 2, 2, 2, 0]);
    let billing = &grid.teams[1];
    assert_eq!(&billing.counts[13..18], &[0, 1, 1, 1, 0]);
    // Open 09–17 with nobody of billing before 14:00: gaps; none at night.
    assert_eq!(&billing.gaps[8..18], &[false, true, true, true, true, true, false, false, false, false]);
    assert!(!grid.teams[0].gaps[9] && grid.teams[0].gaps[24 + 9], "Tuesday has nobody on shift");
}

#[test]
fn an_instant_reads_as_the_zones_day_and_time_either_side_of_a_dst_change() {
    assert_eq!(local_label(utc("2026-03-23T08:00"), "Europe/Berlin").unwrap(), "Monday 09:00 (Europe/Berlin)");
    assert_eq!(local_label(utc("2026-03-30T07:00"), "Europe/Berlin").unwrap(), "Monday 09:00 (Europe/Berlin)");
    assert_eq!(local_label(utc("2026-03-30T07:00"), "America/New_York").unwrap(), "Monday 03:00 (America/New_York)");
    assert!(local_label(0, "Mars/Olympus").is_err());
}
