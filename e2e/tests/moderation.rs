//! Moderation protocol tests against the real Worker in `wrangler dev`, in
//! the demo site's `live` channel and its 1:1 conversations, with the
//! site's default rules: a blocked message never reaches another socket, a
//! held one only when approved, a muted sender's sends are refused with the
//! mute's end time, a ban survives a reconnect, a new conversation and a
//! signed-in customer's resume (a signed-in customer's ban follows their
//! user id to another browser), and
//! is lifted again, incidents are logged, searchable and exported, and the
//! desk refuses callers who are not signed in. (Restart: `restart.rs`;
//! other organisations: `isolation.rs`.)

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use e2e::accounts::Staff;
use e2e::base_url;
use e2e::client::{create_conversation_with, Socket};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use shared::api::{channel_socket_path, customer_socket_path, operator_channel_path, CreateConversation};
use shared::moderation_case::{Case, Incident, Report, ReportStatus, SanctionRecord};
use shared::rules::Action;
use shared::staff::StaffRole;
use shared::workflow::{Event, Outcome, Sanction, Severity};
use shared::{Detail, ErrorCode, Notice, ServerMsg};

/// A fresh visitor token (64 hex digits), unique per call.
fn visitor() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    let seed = format!("{nanos}-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
    e2e::identity::visitor_token("demo", seed)
}

/// A customer in the `live` channel; returns the socket and its member id.
fn join(visitor: &str, name: &str) -> (Socket, String) {
    let mut s = Socket::open(&base_url(), &channel_socket_path("demo", "live", visitor, name, u64::MAX >> 12)).unwrap();
    match s.recv().unwrap().msg {
        ServerMsg::Welcome { member: Some(member), .. } => (s, member),
        other => panic!("expected a welcome with the member id, got {other:?}"),
    }
}

/// The first frame of a refused connection.
fn refused(path: &str) -> (ErrorCode, String) {
    let mut s = Socket::open(&base_url(), path).unwrap();
    match s.recv().unwrap().msg {
        ServerMsg::Error { code, message, .. } => (code, message),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The demo site's moderator, signed in once for this file.
fn mo() -> &'static Staff {
    static MO: std::sync::OnceLock<Staff> = std::sync::OnceLock::new();
    MO.get_or_init(|| Staff::demo(&base_url(), StaffRole::Moderator).unwrap())
}

fn desk_path(path: &str) -> String {
    format!("/api/console/sites/demo/{path}")
}

fn get<T: DeserializeOwned>(path: &str) -> T {
    mo().get(&desk_path(path)).call().unwrap().into_json().unwrap()
}

fn post<T: DeserializeOwned>(path: &str, body: Value) -> Result<T, (u16, String)> {
    match mo().send("POST", &desk_path(path)).send_json(body) {
        Ok(r) => Ok(r.into_json().unwrap()),
        Err(ureq::Error::Status(code, r)) => Err((code, r.into_string().unwrap())),
        Err(e) => panic!("{e}"),
    }
}

/// The report filed about message `id`.
fn report_of(id: &str) -> Report {
    for _ in 0..50 {
        let reports: Vec<Report> = get("reports");
        if let Some(r) = reports.into_iter().find(|r| r.message == id) {
            return r;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("no report about {id}")
}

fn act(case: u64, event: Event) -> Result<Case, (u16, String)> {
    post(&format!("cases/{case}/act"), json!({ "event": event }))
}

/// A case opened from the report about `id`, assessed high.
fn case_about(id: &str) -> Case {
    let report = report_of(id);
    let case: Case = post("cases", json!({ "report": report.id })).unwrap();
    assert_eq!(case.evidence[0].text, report.text, "the evidence is the message as it was");
    act(case.id, Event::Assess { severity: Severity::High }).unwrap()
}

/// Reads until the answer to `id`.
fn answer(s: &mut Socket, id: &str) -> ServerMsg {
    s.reply_to(id).unwrap().0
}

/// Reads until a moderation notice; returns its text.
fn notice(s: &mut Socket) -> String {
    told(s).0
}

/// Reads until a moderation notice; returns its text and its typed form.
fn told(s: &mut Socket) -> (String, Notice) {
    let (f, _) = s.recv_until(|f| matches!(f.msg, ServerMsg::Moderation { .. })).unwrap();
    match f.msg {
        ServerMsg::Moderation { alert: Some(text), notice: Some(notice), .. } => (text, notice),
        other => panic!("expected a notice, got {other:?}"),
    }
}

#[test]
fn a_blocked_message_never_reaches_another_socket() {
    let (mut eve, eve_id) = join(&visitor(), "Eve");
    let (mut bob, _) = join(&visitor(), "Bob");
    // The repeat rule blocks the fourth identical message.
    for i in 0..3 {
        eve.send_text(&format!("r{i}-{eve_id}"), "same again").unwrap();
        assert!(matches!(answer(&mut eve, &format!("r{i}-{eve_id}")), ServerMsg::Ack { .. }));
    }
    let blocked = format!("r3-{eve_id}");
    eve.send_text(&blocked, "same again").unwrap();
    match answer(&mut eve, &blocked) {
        ServerMsg::Error { code: ErrorCode::Blocked, message, detail } => {
            assert!(message.contains("repeat"), "{message}");
            assert_eq!(detail, Some(Detail::Rule { rule: "repeat".into() }), "the rule, for the customer's language");
        }
        other => panic!("expected blocked, got {other:?}"),
    }
    let clean = format!("ok-{eve_id}");
    eve.send_acked(&clean, "sorry, all good").unwrap();
    // Bob sees Eve's messages in order: the three, then the clean one, never the blocked one.
    let (f, skipped) = bob.recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.client_id == clean)).unwrap();
    assert!(
        matches!(f.msg, ServerMsg::Message(ref m) if m.name.as_deref() == Some("Eve") && m.from.as_deref() == Some(&eve_id))
    );
    assert!(
        !skipped.iter().any(|f| matches!(&f.msg, ServerMsg::Message(m) if m.client_id == blocked)),
        "a blocked message reached another socket"
    );
    let report = report_of(&blocked);
    assert_eq!((report.action, report.hits[0].rule.as_str()), (Action::Block, "repeat"));
}

#[test]
fn a_held_message_reaches_others_only_once_approved_and_never_if_rejected() {
    let (mut ann, ann_id) = join(&visitor(), "Ann");
    let (mut bob, _) = join(&visitor(), "Bob");
    let (held, dropped) = (format!("h1-{ann_id}"), format!("h2-{ann_id}"));
    ann.send_text(&held, "visit cheap-pills.xyz now").unwrap();
    let told = answer(&mut ann, &held);
    let rule = Some(Detail::Rule { rule: "links".into() });
    assert!(
        matches!(&told, ServerMsg::Held { reason, detail } if reason.contains("links") && *detail == rule),
        "{told:?}"
    );
    // A resend is held again, not doubled, and told the same.
    ann.send_text(&held, "visit cheap-pills.xyz now").unwrap();
    assert_eq!(answer(&mut ann, &held), told);
    ann.send_text(&dropped, "and www.scam.ru").unwrap();
    assert!(matches!(answer(&mut ann, &dropped), ServerMsg::Held { .. }));
    let (r1, r2) = (report_of(&held), report_of(&dropped));
    assert_eq!((r1.action, r1.status), (Action::Hold, ReportStatus::Open));
    let marker = format!("m-{ann_id}");
    ann.send_acked(&marker, "before review").unwrap();
    let (_, before) = bob.recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.client_id == marker)).unwrap();
    assert!(!before.iter().any(|f| matches!(&f.msg, ServerMsg::Message(m) if m.client_id == held)));

    let r: Report = post(&format!("reports/{}/review", r1.id), json!({ "approve": true })).unwrap();
    assert_eq!(r.status, ReportStatus::Approved);
    let (f, _) = bob.recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.client_id == held)).unwrap();
    assert!(matches!(f.msg, ServerMsg::Message(ref m) if m.text == "visit cheap-pills.xyz now"));
    // The sender's pending copy is confirmed by its own id.
    ann.recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.client_id == held)).unwrap();

    let r: Report = post(&format!("reports/{}/review", r2.id), json!({ "approve": false })).unwrap();
    assert_eq!(r.status, ReportStatus::Rejected);
    assert!(matches!(answer(&mut ann, &dropped), ServerMsg::Error { code: ErrorCode::Blocked, .. }));
    assert_eq!(post::<Value>(&format!("reports/{}/review", r2.id), json!({ "approve": true })).unwrap_err().0, 409);
    let after = format!("a-{ann_id}");
    ann.send_acked(&after, "after review").unwrap();
    let (_, between) = bob.recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.client_id == after)).unwrap();
    assert!(!between.iter().any(|f| matches!(&f.msg, ServerMsg::Message(m) if m.client_id == dropped)));
}

#[test]
fn a_muted_sender_is_refused_with_the_end_time_until_unmuted() {
    // An automatic mute: the threat rule mutes for 60 minutes.
    let tom_visitor = visitor();
    let (mut tom, tom_id) = join(&tom_visitor, "Tom");
    let (mut tom_too, _) = join(&tom_visitor, "Tom");
    let threat = format!("t-{tom_id}");
    tom.send_text(&threat, "kill yourself").unwrap();
    // The rule's mute, with its end for the customer's own time zone.
    let muted = match answer(&mut tom, &threat) {
        ServerMsg::Error { code: ErrorCode::Blocked, detail: Some(Detail::Until { until, reason }), .. } => {
            assert!(reason.starts_with("rule "), "{reason}");
            until
        }
        other => panic!("expected blocked with the mute's end, got {other:?}"),
    };
    // Tom's other window is told, as for a moderator's mute.
    let (text, typed) = told(&mut tom_too);
    assert!(text.starts_with("You are muted until "), "{text}");
    let Notice { kind: Sanction::Mute, until: Some(end), lifted: false, .. } = typed else { panic!("{typed:?}") };
    assert_eq!(end, muted, "the notice gives the mute the block announced");
    let next = format!("n-{tom_id}");
    tom.send_text(&next, "hello?").unwrap();
    match answer(&mut tom, &next) {
        ServerMsg::Error { code: ErrorCode::Muted, message, detail } => {
            assert!(message.contains("until") && message.contains("UTC"), "{message}");
            // The end as a time, for the customer's own time zone.
            let Some(Detail::Until { until, .. }) = detail else { panic!("{detail:?}") };
            let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as u64;
            assert!(until > now, "{until}");
            assert_eq!(until, muted, "the mute the block announced");
        }
        other => panic!("expected muted, got {other:?}"),
    }

    // A moderator's mute from a case, then lifted.
    let (mut kim, kim_id) = join(&visitor(), "Kim");
    let shout = format!("s-{kim_id}");
    kim.send_acked(&shout, "WHY IS NOBODY ANSWERING MY QUESTION").unwrap(); // flagged, delivered
    let case = case_about(&shout);
    let case = act(case.id, Event::Sanction { kind: Sanction::Mute, minutes: Some(15) }).unwrap();
    // In English, and typed for the customer's own language and time zone.
    let (text, typed) = told(&mut kim);
    assert!(text.starts_with("You are muted until "), "{text}");
    let Notice { kind: Sanction::Mute, until: Some(until), lifted: false, .. } = typed else { panic!("{typed:?}") };
    let in_15 = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as u64 + 15 * 60_000;
    assert!(until.abs_diff(in_15) < 60_000, "{until} ≈ {in_15}");
    let sanctions: Vec<SanctionRecord> = get("sanctions");
    assert!(sanctions.iter().any(|s| s.member == kim_id && s.kind == Sanction::Mute));
    let muted = format!("m-{kim_id}");
    kim.send_text(&muted, "let me talk").unwrap();
    assert!(matches!(answer(&mut kim, &muted), ServerMsg::Error { code: ErrorCode::Muted, .. }));
    act(case.id, Event::Lift { kind: Sanction::Mute }).unwrap();
    let (text, typed) = told(&mut kim);
    assert!(text.contains("lifted") && typed.lifted && typed.kind == Sanction::Mute, "{text} {typed:?}");
    kim.send_acked(&format!("u-{kim_id}"), "thanks").unwrap();
}

#[test]
fn a_ban_survives_a_reconnect_and_a_new_conversation_until_lifted() {
    let v = visitor();
    let site = "demo".parse().unwrap();
    let body = CreateConversation { visitor: Some(v.clone()), ..CreateConversation::new(site) };
    let chat = create_conversation_with(&base_url(), &body).unwrap();
    let (mut zed, zed_id) = join(&v, "Zed");
    let bad = format!("b-{zed_id}");
    zed.send_text(&bad, "this is shit").unwrap(); // profanity: held
    assert!(matches!(answer(&mut zed, &bad), ServerMsg::Held { .. }));
    let case = case_about(&bad);
    let case = act(case.id, Event::Sanction { kind: Sanction::Ban, minutes: None }).unwrap();
    assert!(notice(&mut zed).contains("banned"));

    // Reconnecting, the same visitor's conversation, and a new one: all refused.
    let channel = channel_socket_path("demo", "live", &v, "Zed", 0);
    let (code, message) = refused(&channel);
    assert_eq!(code, ErrorCode::Banned);
    assert!(message.contains("for good"), "{message}");
    let (code, _) = refused(&customer_socket_path(chat.conversation.as_str(), &chat.token, 0));
    assert_eq!(code, ErrorCode::Banned);
    match create_conversation_with(&base_url(), &body) {
        Err(e) => assert!(e.to_string().contains("403"), "{e}"),
        Ok(c) => panic!("a banned visitor started {c:?}"),
    }
    // Nor does a signed-in customer's resume get past the ban.
    let secret = e2e::identity::demo_secret(&base_url()).unwrap();
    let user = e2e::identity::signed(&secret, "demo", &format!("zed-{zed_id}"));
    let resume = CreateConversation { identity: Some(user), resume: true, ..body.clone() };
    let resumed = || {
        let url = format!("{}{}", base_url(), shared::api::CONVERSATIONS_PATH);
        match ureq::post(&url).set("Origin", &base_url()).send_json(&resume) {
            Err(ureq::Error::Status(status, r)) => (status, r.into_json::<shared::api::ApiError>().unwrap().code),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(resumed(), (403, ErrorCode::Banned));
    // Other visitors are not affected.
    join(&visitor(), "Other");

    act(case.id, Event::Lift { kind: Sanction::Ban }).unwrap();
    join(&v, "Zed");
    create_conversation_with(&base_url(), &body).unwrap();
    // Lifted, the same signed identity passes the checks (nothing to resume yet).
    assert_eq!(resumed(), (404, ErrorCode::UnknownConversation));
}

#[test]
fn incidents_need_logging_before_close_and_are_searchable_and_exported() {
    let (mut ida, ida_id) = join(&visitor(), "Ida");
    let bad = format!("x-{ida_id}");
    ida.send_text(&bad, "f u c k this stream").unwrap();
    assert!(matches!(answer(&mut ida, &bad), ServerMsg::Held { .. }));
    let case = case_about(&bad);
    act(case.id, Event::Sanction { kind: Sanction::Warn, minutes: None }).unwrap();
    assert!(notice(&mut ida).starts_with("A moderator warned you"));
    let (code, body) = act(case.id, Event::Close { outcome: Outcome::Resolved }).unwrap_err();
    assert_eq!(code, 409, "{body}");
    act(case.id, Event::Escalate { team: "admin-legal".into(), note: format!("repeat offender {ida_id}") }).unwrap();
    act(case.id, Event::CompleteStep { step: "notify".into() }).unwrap();
    let summary = format!("profanity by {ida_id}; warned; passed to admin-legal");
    act(case.id, Event::LogIncident { summary: summary.clone() }).unwrap();
    let closed = act(case.id, Event::Close { outcome: Outcome::Escalated }).unwrap();
    assert_eq!(closed.state.outcome, Some(Outcome::Escalated));

    let found: Vec<Incident> = get(&format!("incidents?q={ida_id}"));
    assert_eq!(found.len(), 1);
    let i = &found[0];
    assert_eq!(
        (i.case, i.rules.as_slice(), i.severity),
        (case.id, &["profanity".to_string()][..], Some(Severity::High))
    );
    assert_eq!(i.actions, ["warn"]);
    assert_eq!(i.evidence[0].text, "f u c k this stream");
    assert_eq!(i.moderator, mo().me.name);
    assert!(i.escalation.as_deref().is_some_and(|e| e.starts_with("admin-legal")));
    let none: Vec<Incident> = get("incidents?q=no-such-incident-text");
    assert!(none.is_empty());
    let csv = mo().get(&desk_path(&format!("incidents?q={ida_id}&format=csv"))).call().unwrap();
    assert!(csv.content_type().starts_with("text/csv"));
    let csv = csv.into_string().unwrap();
    assert!(csv.starts_with(shared::moderation_case::CSV_HEADER));
    assert!(csv.contains(&summary) && csv.contains("f u c k this stream"), "{csv}");
}

#[test]
fn moderators_watch_and_write_in_channels_and_strangers_are_refused() {
    let mut mo = self::mo().socket(&operator_channel_path("demo", "live", u64::MAX >> 12)).unwrap();
    assert!(matches!(mo.recv().unwrap().msg, ServerMsg::Welcome { member: None, .. }));
    let (mut sue, sue_id) = join(&visitor(), "Sue");
    let hi = format!("hi-{sue_id}");
    sue.send_acked(&hi, "hi all").unwrap();
    mo.recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.client_id == hi)).unwrap();
    let note = format!("mod-{sue_id}");
    mo.send_acked(&note, "Welcome! Please keep it friendly.").unwrap();
    let (f, _) = sue.recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.client_id == note)).unwrap();
    assert!(
        matches!(f.msg, ServerMsg::Message(ref m) if m.name.as_deref() == Some(self::mo().me.name.as_str()) && m.from.is_none())
    );

    // Not signed in, unknown channel, no visitor token, no name.
    let (code, _) = refused(&operator_channel_path("demo", "live", 0));
    assert_eq!(code, ErrorCode::Unauthorized);
    let (code, _) = refused(&channel_socket_path("demo", "nope", &visitor(), "Sue", 0));
    assert_eq!(code, ErrorCode::UnknownChannel);
    let (code, _) = refused(&channel_socket_path("demo", "live", "short", "Sue", 0));
    assert_eq!(code, ErrorCode::Unauthorized);
    let (code, _) = refused(&channel_socket_path("demo", "live", &visitor(), " ", 0));
    assert_eq!(code, ErrorCode::Malformed);
    for path in ["reports", "cases", "sanctions", "incidents"] {
        let url = format!("{}/api/console/sites/demo/{path}", base_url());
        assert!(matches!(ureq::get(&url).call(), Err(ureq::Error::Status(401, _))), "{path}");
    }
}

#[test]
fn an_abusive_customer_in_a_one_to_one_chat_is_moderated_the_same_way() {
    let v = visitor();
    let body = CreateConversation { visitor: Some(v), ..CreateConversation::new("demo".parse().unwrap()) };
    let chat = create_conversation_with(&base_url(), &body).unwrap();
    let mut cust =
        Socket::open(&base_url(), &customer_socket_path(chat.conversation.as_str(), &chat.token, 0)).unwrap();
    cust.welcome_and_replay(0).unwrap();
    cust.send_acked("c1", "my order is late").unwrap();
    cust.send_text("c2", "this is shit").unwrap();
    assert!(matches!(answer(&mut cust, "c2"), ServerMsg::Held { .. }));
    // The operator's timeline has the first message, not the held one.
    let operator = Staff::demo(&base_url(), StaffRole::Operator).unwrap();
    let mut op = operator.socket(&shared::api::operator_socket_path("demo", chat.conversation.as_str(), 0)).unwrap();
    let (_, seen) = op.welcome_and_replay(0).unwrap();
    assert_eq!(seen.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(), ["my order is late"]);

    // A case about the conversation's customer takes the open report as evidence.
    let case: Case = post("cases", json!({ "conversation": chat.conversation })).unwrap();
    assert_eq!(case.evidence.len(), 1);
    assert_eq!(case.evidence[0].text, "this is shit");
    act(case.id, Event::Flag { note: "insults the operator".into() }).unwrap();
    act(case.id, Event::Assess { severity: Severity::Critical }).unwrap();
    act(case.id, Event::Sanction { kind: Sanction::Ban, minutes: Some(60) }).unwrap();
    assert!(notice(&mut cust).contains("banned"));
    let (code, message) = refused(&customer_socket_path(chat.conversation.as_str(), &chat.token, 0));
    assert_eq!(code, ErrorCode::Banned);
    assert!(message.contains("until"), "{message}");
}

/// A signed-in customer's ban follows their user id: from another browser
/// (a new visitor token), neither a new conversation nor a resume as that
/// user gets past it; the same browser anonymous is a new visitor.
#[test]
fn a_signed_in_customers_ban_follows_their_user_to_another_browser() {
    let secret = e2e::identity::demo_secret(&base_url()).unwrap();
    let user = format!("uma-{}", visitor());
    let signed = || e2e::identity::signed(&secret, "demo", &user);
    let start = |identity: Option<shared::api::Identity>, resume: bool| {
        let body = CreateConversation {
            visitor: Some(visitor()),
            identity,
            resume,
            ..CreateConversation::new("demo".parse().unwrap())
        };
        let url = format!("{}{}", base_url(), shared::api::CONVERSATIONS_PATH);
        match ureq::post(&url).set("Origin", &base_url()).send_json(&body) {
            Ok(r) => Ok(r.into_json::<shared::api::ConversationCreated>().unwrap()),
            Err(ureq::Error::Status(status, r)) => Err((status, r.into_json::<shared::api::ApiError>().unwrap().code)),
            Err(e) => panic!("{e}"),
        }
    };
    let chat = start(Some(signed()), false).unwrap();
    let mut cust =
        Socket::open(&base_url(), &customer_socket_path(chat.conversation.as_str(), &chat.token, 0)).unwrap();
    cust.welcome_and_replay(0).unwrap();
    cust.send_text("u1", "this is shit").unwrap();
    assert!(matches!(answer(&mut cust, "u1"), ServerMsg::Held { .. }));
    let case: Case = post("cases", json!({ "conversation": chat.conversation })).unwrap();
    act(case.id, Event::Flag { note: "insults".into() }).unwrap();
    act(case.id, Event::Assess { severity: Severity::High }).unwrap();
    act(case.id, Event::Sanction { kind: Sanction::Ban, minutes: Some(60) }).unwrap();
    assert!(notice(&mut cust).contains("banned"));

    let banned = Err((403, ErrorCode::Banned));
    assert_eq!(start(Some(signed()), false).map(|_| ()), banned, "a new chat from another browser");
    assert_eq!(start(Some(signed()), true).map(|_| ()), banned, "a resume from another browser");
    assert!(start(None, false).is_ok(), "anonymous, a new visitor starts");
    act(case.id, Event::Lift { kind: Sanction::Ban }).unwrap();
    assert!(start(Some(signed()), true).is_ok(), "lifted: the user resumes");
}

#[test]
fn rules_are_site_settings_checked_before_they_are_saved() {
    let admin = Staff::demo(&base_url(), StaffRole::Admin).unwrap();
    let path = shared::api::site_config_path("demo");
    let mut config: Value = admin.get(&path).call().unwrap().into_json().unwrap();
    assert!(config["rules"].as_array().is_some_and(|r| r.len() >= 5), "the demo site has its default rules");
    config["rules"] =
        json!([{ "id": "bad", "kind": { "pattern": { "regex": "(" } }, "severity": "low", "action": "flag" }]);
    match admin.send("PUT", &path).send_json(config) {
        Err(ureq::Error::Status(400, r)) => {
            assert!(r.into_string().unwrap().contains("rule \\\"bad\\\""), "names the rule")
        }
        other => panic!("a broken rule was saved: {other:?}"),
    }
}

#[test]
fn a_senders_repeated_reports_are_one_line_with_a_count_pushed_to_consoles_as_the_change() {
    let mut console = mo().socket(&shared::api::inbox_socket_path("demo", &shared::scope::Scope::All)).unwrap();
    assert!(matches!(console.recv().unwrap().msg, ServerMsg::Inbox { .. }));
    let (mut eve, eve_id) = join(&visitor(), "Eve");
    for i in 0..5 {
        let id = format!("slur{i}-{eve_id}");
        eve.send_text(&id, &format!("you nigger number {i}")).unwrap();
        assert!(matches!(answer(&mut eve, &id), ServerMsg::Error { code: ErrorCode::Blocked, .. }));
    }
    let eves = |list: Vec<Report>| list.into_iter().filter(|r| r.member == eve_id).collect::<Vec<_>>();
    // Each report reaches here after its answer: wait for the fifth.
    let mut line = Vec::new();
    for _ in 0..50 {
        line = eves(get("reports"));
        if line.first().is_some_and(|r| r.count == 5) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(line.len(), 1, "five blocked messages, one line in the queue: {line:?}");
    assert_eq!((line[0].count, line[0].message.as_str()), (5, format!("slur4-{eve_id}").as_str()));
    // The console was pushed the line itself (gathered: fewer frames than
    // reports), not told to fetch. Other tests' changes may come between.
    let mut frames = 0;
    loop {
        let f = console.recv().unwrap();
        let ServerMsg::Moderation { changed, .. } = f.msg else { continue };
        assert!(!changed.is_empty(), "a push says what changed");
        let eves: Vec<Report> = changed
            .into_iter()
            .filter_map(|c| match c {
                shared::moderation_case::DeskItem::Report(r) if r.member == eve_id => Some(r),
                _ => None,
            })
            .collect();
        frames += usize::from(!eves.is_empty());
        if eves.iter().any(|r| r.count == 5) {
            break;
        }
    }
    assert!(frames <= 5, "{frames} pushes for 5 reports");
}
