//! Table tests: sanction expiry (which sanction stops a member when), the
//! queue's order, merged reports, batches of desk changes, the incident a
//! case's log amounts to, and CSV quoting.

use super::*;

const MIN: u64 = 60_000;

fn record(member: &str, kind: Sanction, minutes: Option<u32>, at: u64) -> SanctionRecord {
    SanctionRecord::new(member, 1, kind, minutes, "rule: profanity", at)
}

#[test]
fn sanctions_expire_and_a_ban_comes_before_a_mute() {
    let t0 = 1_795_000_000_000;
    let records = vec![
        record("m1", Sanction::Warn, None, t0),
        record("m1", Sanction::Mute, Some(30), t0),
        record("m2", Sanction::Ban, Some(60), t0),
        record("m3", Sanction::Ban, None, t0),
        record("m3", Sanction::Mute, Some(10), t0),
    ];
    // (member, minutes after t0, the kind that stops them).
    let table: &[(&str, u64, Option<Sanction>)] = &[
        ("m1", 0, Some(Sanction::Mute)),
        ("m1", 29, Some(Sanction::Mute)),
        ("m1", 30, None), // expired exactly at its end time; the warning never stops anyone
        ("m2", 59, Some(Sanction::Ban)),
        ("m2", 60, None),
        ("m3", 5, Some(Sanction::Ban)),             // the ban wins over the shorter mute
        ("m3", 60 * 24 * 365, Some(Sanction::Ban)), // for good
        ("m4", 0, None),
    ];
    for (member, after, want) in table {
        let got = stopping(&records, member, t0 + after * MIN).map(|r| r.kind);
        assert_eq!(got, *want, "{member} after {after} min");
    }
}

#[test]
fn notices_say_until_when() {
    let mute = record("m1", Sanction::Mute, Some(90), 0);
    assert_eq!(mute.notice(), "You are muted until 1970-01-01 01:30 UTC: rule: profanity");
    let ban = record("m1", Sanction::Ban, None, 0);
    assert_eq!(ban.notice(), "You are banned from this chat for good: rule: profanity");
    assert_eq!(clock(1_795_000_000_000), "2026-11-18 11:06");
    assert_eq!(clock(951_782_400_000), "2000-02-29 00:00");
}

fn report(id: u64, severity: Severity, at: u64, status: ReportStatus) -> Report {
    Report {
        id,
        room: Room::Channel("live".into()),
        member: "m1".into(),
        name: "Eve".into(),
        message: format!("c{id}"),
        text: format!("text {id}"),
        at,
        hits: vec![Hit {
            rule: "profanity".into(),
            severity,
            action: Action::Hold,
            why: "matches".into(),
            found: None,
        }],
        action: Action::Hold,
        severity,
        status,
        count: 1,
        file: None,
    }
}

#[test]
fn a_senders_repeats_are_one_report_with_a_count_but_held_messages_are_not() {
    let blocked = |id, at, severity| Report { action: Action::Block, ..report(id, severity, at, ReportStatus::Open) };
    let mut first = blocked(1, 1_000, Severity::High);
    for n in 2..=5 {
        assert!(first.absorb(&blocked(0, n * 1_000, Severity::Low)), "repeat {n} merges");
    }
    assert_eq!((first.id, first.count, first.at, first.severity), (1, 5, 5_000, Severity::High));
    assert_eq!(first.message, "c0", "it shows the newest message");
    // Too late, another room, another sender, another action, a held message, a report already dealt with.
    assert!(!first.absorb(&blocked(6, 5_000 + MERGE_MS + 1, Severity::Low)));
    assert!(!first.absorb(&Report { room: Room::Channel("other".into()), ..blocked(6, 6_000, Severity::Low) }));
    assert!(!first.absorb(&Report { member: "m2".into(), ..blocked(6, 6_000, Severity::Low) }));
    assert!(!first.absorb(&Report { action: Action::Flag, ..blocked(6, 6_000, Severity::Low) }));
    let mut held = report(7, Severity::Low, 1_000, ReportStatus::Open);
    assert!(!held.absorb(&report(8, Severity::Low, 2_000, ReportStatus::Open)));
    let mut done = Report { status: ReportStatus::Done, ..blocked(9, 1_000, Severity::Low) };
    assert!(!done.absorb(&blocked(10, 2_000, Severity::Low)));
    assert_eq!(first.count, 5);
}

#[test]
fn the_queue_puts_open_then_severe_then_new_first() {
    let mut q = [
        report(1, Severity::Low, 10, ReportStatus::Open),
        report(2, Severity::Critical, 5, ReportStatus::Done),
        report(3, Severity::High, 1, ReportStatus::Open),
        report(4, Severity::Low, 20, ReportStatus::Open),
    ];
    q.sort_by(queue_order);
    assert_eq!(q.iter().map(|r| r.id).collect::<Vec<_>>(), [3, 4, 1, 2]);
}

#[test]
fn an_incident_records_rules_evidence_actions_and_escalation_and_exports_as_csv() {
    let entry = |event| CaseEntry { by: "Mo".into(), at: 1, event };
    let case = Case {
        id: 7,
        room: Room::Channel("live".into()),
        member: "m1".into(),
        name: "=Eve, \"the\" troll".into(),
        evidence: vec![report(1, Severity::High, 0, ReportStatus::Done)],
        state: State { severity: Some(Severity::High), ..State::default() },
        log: vec![
            entry(Event::Sanction { kind: Sanction::Mute, minutes: Some(30) }),
            entry(Event::Escalate { team: "admin-legal".into(), note: "threat".into() }),
            entry(Event::Lift { kind: Sanction::Mute }),
        ],
        opened_at: 0,
    };
    let i = Incident::of(&case, "Mo", "muted, then lifted", 60_000);
    assert_eq!(i.rules, ["profanity"]);
    assert_eq!(i.actions, ["mute 30 min", "lift mute"]);
    assert_eq!(i.escalation.as_deref(), Some("admin-legal: threat"));
    assert!(i.matches("PROFAN") && i.matches("troll") && i.matches("") && !i.matches("spam"));
    let csv = incidents_csv(&[i]);
    let mut lines = csv.split("\r\n");
    assert_eq!(lines.next(), Some(CSV_HEADER));
    let row = lines.next().unwrap();
    assert!(
        row.starts_with(
            "7,1970-01-01 00:01,#live,m1,\"'=Eve, \"\"the\"\" troll\",profanity,high,mute 30 min; lift mute,Mo,"
        ),
        "{row}"
    );
    assert!(
        row.ends_with(",muted, then lifted,[1970-01-01 00:00] text 1") || row.contains("\"muted, then lifted\""),
        "{row}"
    );
}

#[test]
fn an_auto_muting_report_names_its_rule_and_mutes_from_its_time() {
    let mut r = report(9, Severity::Critical, 1_000, ReportStatus::Open);
    r.hits.insert(
        0,
        Hit { rule: "caps".into(), severity: Severity::Low, action: Action::Flag, why: "x".into(), found: None },
    );
    r.hits.push(Hit {
        rule: "threat".into(),
        severity: Severity::Critical,
        action: Action::Mute { minutes: 60 },
        why: "x".into(),
        found: None,
    });
    assert_eq!(r.rule(), "profanity", "the first hit with the action taken (hold)");
    assert_eq!(r.auto_mute(), None, "a hold mutes nobody");
    r.action = Action::Mute { minutes: 60 };
    assert_eq!(r.rule(), "threat");
    let mute = r.auto_mute().unwrap();
    assert_eq!(
        (mute.kind, mute.until, mute.case, mute.reason.as_str()),
        (Sanction::Mute, Some(1_000 + 60 * MIN), 0, "rule threat")
    );
}

#[test]
fn a_batch_keeps_the_newest_state_of_each_item_and_gives_up_past_its_size() {
    let mut batch = DeskBatch::default();
    assert!(batch.is_empty());
    let open = report(1, Severity::Low, 1, ReportStatus::Open);
    batch.add(DeskItem::Report(open.clone()));
    batch.add(DeskItem::Report(Report { status: ReportStatus::Done, ..open }));
    assert_eq!(batch.items.len(), 1, "the same report, newest state");
    assert!(matches!(&batch.items[0], DeskItem::Report(r) if r.status == ReportStatus::Done));
    for id in 2..=(DESK_BATCH as u64 + 5) {
        batch.add(DeskItem::Report(report(id, Severity::Low, id, ReportStatus::Open)));
    }
    assert!(batch.too_many && !batch.is_empty());
    assert_eq!(batch.pushed().1, Vec::new(), "too many: the push carries none, the consoles fetch again");
}

#[test]
fn each_new_viewer_reporting_a_message_raises_its_report_a_step() {
    let by = |who: &str| {
        let hit = Hit {
            rule: VIEWER_REPORT.into(),
            severity: Severity::Low,
            action: Action::Flag,
            why: "reported by a viewer: Spam and scams".into(),
            found: Some(who.into()),
        };
        Report { action: Action::Flag, hits: vec![hit], ..report(1, Severity::Low, 1_000, ReportStatus::Open) }
    };
    let mut line = by("ann");
    assert!(!line.also_reported(&by("ann")), "a viewer counts once");
    assert!(line.also_reported(&by("bob")));
    assert_eq!((line.severity, line.reporters().collect::<Vec<_>>()), (Severity::Medium, vec!["ann", "bob"]));
    line.status = ReportStatus::Done;
    assert!(line.also_reported(&by("cy")), "a dismissed report comes back");
    assert_eq!((line.severity, line.status), (Severity::High, ReportStatus::Open));
    assert!(line.also_reported(&by("dee")) && line.also_reported(&by("eve")));
    assert_eq!(line.severity, Severity::Critical, "up to critical");
    assert!(!line.also_reported(&Report { message: "c2".into(), ..by("fay") }), "another message");
    // A viewer's report is never merged with the rules' reports of the sender.
    let mut rules = Report { action: Action::Flag, ..report(2, Severity::Low, 1_000, ReportStatus::Open) };
    assert!(!rules.absorb(&by("gus")));
    // It joins the rules' flag of the same message: the first viewer brings
    // their reason's severity if graver, each further one a step.
    let graver = |who: &str| {
        let mut r = by(who);
        (r.severity, r.hits[0].severity) = (Severity::High, Severity::High);
        r
    };
    assert!(!rules.also_reported(&graver("gus")), "another message");
    rules.message = "c1".into();
    assert!(rules.also_reported(&graver("gus")));
    assert_eq!((rules.severity, rules.reporters().count()), (Severity::High, 1));
    assert!(rules.also_reported(&by("hal")));
    assert_eq!(rules.severity, Severity::Critical);
    // A removal's evidence (filed done) stays a report of its own.
    let mut blocked = Report { action: Action::Block, ..report(3, Severity::High, 1_000, ReportStatus::Open) };
    let evidence = Report { action: Action::Block, ..report(4, Severity::High, 2_000, ReportStatus::Done) };
    assert!(!blocked.absorb(&evidence));
}
