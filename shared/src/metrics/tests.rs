//! Table tests of the performance figures.

use super::*;

const MIN: u64 = 60_000;

fn say(seq: u64, author: Role, at: u64, event: Option<Event>) -> ChatMessage {
    ChatMessage {
        seq,
        client_id: seq.to_string(),
        author,
        text: String::new(),
        at,
        event,
        name: None,
        from: None,
        removed: false,
        by: None,
    }
}

/// A timeline from `(author, minute, event)` rows.
fn timeline(rows: &[(Role, u64, Option<Event>)]) -> Vec<ChatMessage> {
    rows.iter().enumerate().map(|(i, (a, m, e))| say(i as u64 + 1, *a, m * MIN, e.clone())).collect()
}

use Role::{Customer as C, Operator as O};

fn assign(to: &str) -> Option<Event> {
    Some(Event::Assign { to: to.into() })
}

fn close(outcome: Outcome) -> Option<Event> {
    Some(Event::Close { outcome })
}

#[test]
fn a_conversations_facts_come_from_its_timeline() {
    let escalate = Some(Event::Escalate { team: "billing".into(), note: "refund".into() });
    let collect = Some(Event::Collect { field: "account_id".into(), value: "42".into() });
    let checklist = Some(Event::Checklist { items: vec!["restart".into()] });
    // (what, timeline, operator, team, first response min, handling min, outcome, escalated, rating)
    type Row = (&'static str, Vec<(Role, u64, Option<Event>)>, Option<&'static str>, Option<&'static str>);
    type Case = (Row, Option<u64>, Option<u64>, Option<Outcome>, bool, Option<u8>);
    let cases: Vec<Case> = vec![
        (
            (
                "answered, resolved, rated",
                vec![
                    (C, 10, None),
                    (O, 11, assign("Ann")),
                    (O, 13, None),
                    (C, 15, Some(Event::Resolve { solved: true })),
                    (O, 20, close(Outcome::Resolved)),
                    (C, 21, Some(Event::Rate { score: 5 })),
                ],
                Some("Ann"),
                None,
            ),
            Some(3),
            Some(10),
            Some(Outcome::Resolved),
            false,
            Some(5),
        ),
        (
            (
                "internal events are no answer; a checklist card is",
                vec![(C, 0, None), (O, 1, assign("Bo")), (O, 2, collect), (O, 7, checklist), (O, 9, None)],
                Some("Bo"),
                None,
            ),
            Some(7),
            None,
            None,
            false,
            None,
        ),
        (
            (
                "escalated: nobody's until taken, the team's",
                vec![
                    (C, 0, None),
                    (O, 4, assign("Ann")),
                    (O, 4, None),
                    (O, 5, escalate),
                    (O, 6, close(Outcome::Escalated)),
                ],
                None,
                Some("billing"),
            ),
            Some(4),
            Some(6),
            Some(Outcome::Escalated),
            true,
            None,
        ),
        (
            (
                "reopened, then closed again: handled until the last close",
                vec![
                    (C, 0, None),
                    (O, 2, None),
                    (O, 3, close(Outcome::Resolved)),
                    (C, 30, Some(Event::Reopen {})),
                    (C, 30, None),
                    (O, 35, close(Outcome::Lost)),
                ],
                None,
                None,
            ),
            Some(2),
            Some(35),
            Some(Outcome::Lost),
            false,
            None,
        ),
        (
            (
                "the customer never wrote: nothing was waited for",
                vec![(O, 0, None), (O, 1, close(Outcome::Lost))],
                None,
                None,
            ),
            None,
            None,
            Some(Outcome::Lost),
            false,
            None,
        ),
    ];
    for ((what, rows, operator, team), first, handling, outcome, escalated, rating) in cases {
        let f = facts(WorkflowKind::Support, &timeline(&rows));
        assert_eq!(f.operator.as_deref(), operator, "{what}");
        assert_eq!(f.team.as_deref(), team, "{what}");
        assert_eq!(f.first_response_ms, first.map(|m| m * MIN), "{what}");
        assert_eq!(f.handling_ms, handling.map(|m| m * MIN), "{what}");
        assert_eq!((f.outcome, f.escalated, f.rating), (outcome, escalated, rating), "{what}");
    }
}

#[test]
fn percentiles_by_nearest_rank() {
    let cases: [(&[u64], u32, Option<u64>); 6] = [
        (&[], 50, None),
        (&[7], 50, Some(7)),
        (&[7], 90, Some(7)),
        (&[10, 1, 9, 2, 8, 3, 7, 4, 6, 5], 50, Some(5)),
        (&[10, 1, 9, 2, 8, 3, 7, 4, 6, 5], 90, Some(9)),
        (&[10, 1, 9, 2, 8, 3, 7, 4, 6, 5], 100, Some(10)),
    ];
    for (values, p, want) in cases {
        assert_eq!(percentile(&mut values.to_vec(), p), want, "p{p} of {values:?}");
    }
}

fn closed(
    operator: &str,
    team: Option<&str>,
    start_min: u64,
    first_min: u64,
    outcome: Outcome,
    rating: Option<u8>,
) -> Facts {
    Facts {
        workflow: WorkflowKind::Support,
        operator: Some(operator.into()),
        team: team.map(Into::into),
        started_at: Some(start_min * MIN),
        first_response_ms: Some(first_min * MIN),
        handling_ms: Some(10 * MIN),
        outcome: Some(outcome),
        escalated: outcome == Outcome::Escalated,
        rating,
        adherence: None,
        sale: None,
    }
}

#[test]
fn figures_of_many_count_closed_chats_only() {
    let open = Facts { outcome: None, ..closed("Ann", None, 0, 99, Outcome::Lost, Some(1)) };
    let all = [
        closed("Ann", None, 0, 1, Outcome::Resolved, Some(5)),
        closed("Ann", None, 0, 2, Outcome::Won, Some(4)),
        closed("Bo", Some("billing"), 0, 3, Outcome::Lost, None),
        closed("Bo", Some("billing"), 0, 10, Outcome::Escalated, Some(1)),
        open,
    ];
    let f = figures(&all);
    assert_eq!(f.chats, 4);
    assert_eq!((f.first_response_p50_ms, f.first_response_p90_ms), (Some(2 * MIN), Some(10 * MIN)));
    assert_eq!(f.handling_mean_ms, Some(10 * MIN));
    assert_eq!((f.resolution_rate, f.escalation_rate), (Some(0.5), Some(0.25)));
    assert_eq!((f.csat_mean, f.csat_count), (Some(10.0 / 3.0), 3));
    assert_eq!(figures(&[]), Figures::default(), "nothing closed: no rates, no times");

    let per_operator = grouped(&all, |f| f.operator.as_deref());
    assert_eq!(per_operator.keys().collect::<Vec<_>>(), ["Ann", "Bo"]);
    assert_eq!((per_operator["Ann"].chats, per_operator["Ann"].resolution_rate), (2, Some(1.0)));
    let per_team = grouped(&all, |f| f.team.as_deref());
    assert_eq!(per_team.keys().collect::<Vec<_>>(), ["billing"]);
    assert_eq!(per_team["billing"].escalation_rate, Some(0.5));
}

#[test]
fn days_follow_the_time_zone() {
    const DAY: u64 = 24 * 60 * MIN;
    // 23:30 UTC on day 0 and 00:30 UTC on day 1.
    let late = closed("Ann", None, 23 * 60 + 30, 1, Outcome::Resolved, None);
    let early = closed("Ann", None, 24 * 60 + 30, 1, Outcome::Resolved, None);
    let utc = daily([&late, &early], DAY, 0);
    assert_eq!(utc.iter().map(|(d, f)| (*d, f.chats)).collect::<Vec<_>>(), [(0, 1), (1, 1)]);
    // UTC+1: both on day 1; UTC-1: both on day 0.
    let plus_one = daily([&late, &early], DAY, 60 * MIN as i64);
    assert_eq!(plus_one.iter().map(|(d, f)| (*d, f.chats)).collect::<Vec<_>>(), [(1, 2)]);
    let minus_one = daily([&late, &early], DAY, -(60 * MIN as i64));
    assert_eq!(minus_one.iter().map(|(d, f)| (*d, f.chats)).collect::<Vec<_>>(), [(0, 2)]);
}

#[test]
fn a_report_covers_every_day_of_the_period_in_the_viewers_zone() {
    const DAY: u64 = DAY_MS;
    // Day 20,000 is 2024-10-04; "now" is its 12:00 UTC; the viewer is UTC-5.
    let now = 20_000 * DAY + 12 * 60 * MIN;
    let at = |day: u64, min: u64| closed("Ann", Some("billing"), day * 24 * 60 + min, 2, Outcome::Resolved, Some(4));
    let all = [
        at(20_000, 0),       // 19:00 the day before, for the viewer
        at(19_994, 6 * 60),  // 01:00 on the period's first day
        at(19_993, 23 * 60), // 18:00 the day before the period
        Facts { adherence: Some(80), ..at(19_998, 12 * 60) },
        Facts { operator: Some("=cmd()".into()), adherence: Some(60), ..at(19_998, 13 * 60) },
    ];
    let r = report(&all, now, 7, -5 * 60 * MIN as i64);
    assert_eq!((r.first_day, r.days, r.daily.len()), (19_994, 7, 7));
    assert_eq!(r.daily.iter().map(|f| f.chats).collect::<Vec<_>>(), [1, 0, 0, 0, 2, 1, 0]);
    assert_eq!(r.total.chats, 4);
    assert_eq!(r.total.adherence_mean, Some(70.0));
    assert_eq!((r.operators["Ann"].chats, r.teams["billing"].chats), (3, 4));
    assert_eq!(day_label(r.first_day), "2024-09-28");
    assert_eq!(day_label(0), "1970-01-01");
    assert_eq!(day_label(19_782), "2024-02-29");

    let text = csv(&r);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 2 + 1 + 7 + 1, "header, operators, team, days, total");
    assert!(lines[0].starts_with("kind,name,chats,first_response_p50_s"));
    assert_eq!(lines[1], "operator,\"'=cmd()\",1,120,120,600,1.00,0.00,4.00,1,60.00,0,0,,,0,0", "a formula is defused");
    assert_eq!(lines[5], "day,\"2024-09-29\",0,,,,,,,0,,0,0,,,0,0");
    assert!(lines[11].starts_with("total,\"\",4,"));
}

/// A sales timeline: an order priced at `total` of `list`, confirmed (or
/// not), then closed with `outcome`.
fn sale(operator: &str, total: i64, list: i64, confirmed: bool, cancelled: bool, outcome: Outcome) -> Facts {
    let quote = crate::sales::Quote {
        currency: "USD".into(),
        lines: Vec::new(),
        savings: Vec::new(),
        subtotal: list,
        net: total,
        tax: 0,
        tax_included: false,
        total,
        list_total: list,
    };
    let order = Event::Order { lines: Vec::new(), codes: Vec::new(), discount: None, quote: Some(quote) };
    let mut rows =
        vec![(Role::Customer, 0, None), (Role::Operator, 1, assign(operator)), (Role::Operator, 2, Some(order))];
    if confirmed {
        rows.push((Role::Customer, 3, Some(Event::ConfirmOrder { checkout: None })));
    }
    if cancelled {
        rows.push((Role::Operator, 4, Some(Event::CancelOrder { reason: "Changed their mind".into() })));
    }
    rows.push((Role::Operator, 5, close(outcome)));
    facts(WorkflowKind::Sales, &timeline(&rows))
}

#[test]
fn sales_figures_count_won_orders_as_confirmed() {
    let won = sale("Ann", 19_600, 24_500, true, false, Outcome::Won);
    assert_eq!(won.sale, Some(Sale { total: 19_600, discount: 4_900 }));
    let cancelled = sale("Bo", 9_800, 9_800, true, true, Outcome::Lost);
    assert_eq!(cancelled.sale, None, "a cancelled order is no sale");
    let unconfirmed = sale("Bo", 4_900, 4_900, false, false, Outcome::Lost);
    assert_eq!(unconfirmed.sale, None);
    let all = [won, cancelled, unconfirmed, sale("Ann", 4_900, 4_900, true, false, Outcome::Won)];
    let f = figures(&all);
    assert_eq!((f.sales_chats, f.sales_won, f.conversion_rate), (4, 2, Some(0.5)));
    assert_eq!((f.revenue, f.order_value_mean, f.discount_given), (24_500, Some(12_250), 4_900));
    let per_operator = grouped(&all, |f| f.operator.as_deref());
    assert_eq!((per_operator["Ann"].revenue, per_operator["Ann"].conversion_rate), (24_500, Some(1.0)));
    assert_eq!((per_operator["Bo"].revenue, per_operator["Bo"].order_value_mean), (0, None));
    let support = Facts { workflow: WorkflowKind::Support, ..closed("Cy", None, 0, 1, Outcome::Resolved, None) };
    assert_eq!(figures(&[support]).conversion_rate, None, "no sales: no conversion");
}
