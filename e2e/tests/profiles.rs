//! The customer profile beside a conversation against the real Worker: how
//! the customer came (page, browser, language) recorded at the start and
//! the pages visited since (the loader's page views), the
//! name and e-mail they gave, their earlier conversations found by their
//! visitor token, the team's notes and the conversation's tags (on the
//! inbox line, pushed live and kept through later messages); the
//! conversation's export as JSON, CSV and text and the customer's whole
//! record; bad notes and
//! tags refused with the reason, an unknown conversation or a role that may
//! not write refused, and nothing of it reaching the customer.

use e2e::accounts::Staff;
use e2e::base_url;
use e2e::client::status_text as status;
use e2e::client::Socket;
use e2e::identity::visitor_token;
use shared::api::{
    customer_export_path, customer_socket_path, inbox_page_path, inbox_socket_path, notes_path, profile_path,
    tags_path, transcript_path, unread_path, ConversationCreated, CreateConversation, UnreadQuery, CONVERSATIONS_PATH,
};
use shared::profile::{Note, Profile, Tags};
use shared::scope::Scope;
use shared::staff::StaffRole;
use shared::transcript::{CustomerExport, Transcript};
use shared::{ConversationSummary, ServerMsg};

const AGENT: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) \
                     Version/17.1 Safari/605.1.15";

/// A conversation started as the widget starts it, with the browser's headers.
fn start(visitor: &str, page: &str) -> ConversationCreated {
    let f = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    let body = CreateConversation {
        fields: vec![
            f("name", "Grace Hopper"),
            f("email", "grace@example.com"),
            f("issue_type", "Billing"),
            f("error_message", "none"),
            f("account_id", "AC-7"),
        ],
        visitor: Some(visitor.to_owned()),
        page: Some(page.to_owned()),
        ..CreateConversation::new("demo".parse().unwrap())
    };
    ureq::post(&format!("{}{CONVERSATIONS_PATH}", base_url()))
        .set("Origin", &base_url())
        .set("User-Agent", AGENT)
        .set("Accept-Language", "de-DE,de;q=0.9,en;q=0.8")
        .send_json(&body)
        .unwrap()
        .into_json()
        .unwrap()
}

/// A visitor of this run only (tokens are derived from a seed).
fn fresh_visitor(what: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    visitor_token("demo", format!("profiles-{what}-{nanos}"))
}

/// The loader's badge call at a page view of `page` (the host page's origin).
fn page_view(c: &ConversationCreated, token: &str, page: &str) -> u16 {
    let q =
        UnreadQuery { conversation: c.conversation.clone(), token: token.into(), after: 0, page: Some(page.into()) };
    let r = ureq::post(&format!("{}{}", base_url(), unread_path("demo")))
        .set("Origin", "http://localhost:4321")
        .set("Content-Type", "text/plain")
        .send_string(&serde_json::to_string(&q).unwrap());
    status(r).0
}

#[test]
fn the_pages_visited_since_the_start_reach_the_profile() {
    let c = start(&fresh_visitor("pages"), "http://localhost:4321/");
    let op = Staff::demo(&base_url(), StaffRole::Operator).unwrap();
    for page in ["/", "/pricing", "/pricing", "/checkout?plan=team", "/pricing"] {
        assert_eq!(page_view(&c, &c.token, &format!("http://localhost:4321{page}")), 200);
    }
    assert_eq!(page_view(&c, &"0".repeat(64), "http://localhost:4321/forged"), 404, "another token");
    assert_eq!(page_view(&c, &c.token, "javascript:alert(1)"), 200, "answered, not recorded");
    let profile: Profile = op.get(&profile_path("demo", c.conversation.as_str())).call().unwrap().into_json().unwrap();
    assert_eq!(profile.visit.page.as_deref(), Some("http://localhost:4321/"), "the start page stays");
    let pages: Vec<&str> = profile.visit.pages.iter().map(|p| p.page.as_str()).collect();
    assert_eq!(
        pages,
        ["http://localhost:4321/pricing", "http://localhost:4321/checkout?plan=team", "http://localhost:4321/pricing"],
        "each change of page, in order; not the start page again, a reload, another token's or a non-web address"
    );
    assert!(
        profile.visit.pages.windows(2).all(|w| w[0].at <= w[1].at) && profile.visit.pages[0].at >= profile.started_at
    );
    // The export has them too.
    let t: Transcript =
        op.get(&transcript_path("demo", c.conversation.as_str(), "json")).call().unwrap().into_json().unwrap();
    assert_eq!(t.visit.pages, profile.visit.pages);
}

#[test]
fn the_profile_shows_how_the_customer_came_their_earlier_chats_notes_and_tags() {
    let visitor = fresh_visitor("1");
    let first = start(&visitor, "http://localhost:4321/pricing");
    let second = start(&visitor, "http://localhost:4321/checkout?plan=team");
    let other = start(&fresh_visitor("2"), "http://localhost:4321/");
    let id = second.conversation.as_str();
    let op = Staff::demo(&base_url(), StaffRole::Operator).unwrap();

    let profile: Profile = op.get(&profile_path("demo", id)).call().unwrap().into_json().unwrap();
    assert_eq!(profile.name.as_deref(), Some("Grace Hopper"));
    assert_eq!(profile.email.as_deref(), Some("grace@example.com"));
    assert_eq!(profile.visit.page.as_deref(), Some("http://localhost:4321/checkout?plan=team"));
    assert_eq!(profile.visit.agent.as_deref(), Some(AGENT));
    assert_eq!(profile.visit.browser().as_deref(), Some("Safari 17 on macOS"));
    assert_eq!(profile.visit.language.as_deref(), Some("de-DE"));
    assert!(profile.started_at > 0);
    // The same visitor's other conversation, not this one, not another visitor's.
    let earlier: Vec<_> = profile.earlier.iter().map(|c| c.id.clone()).collect();
    assert_eq!(earlier, vec![first.conversation.clone()], "the same visitor's earlier chat only");
    assert!(profile.notes.is_empty() && profile.tags.is_empty());
    let of_other: Profile =
        op.get(&profile_path("demo", other.conversation.as_str())).call().unwrap().into_json().unwrap();
    assert!(of_other.earlier.is_empty(), "another visitor has no earlier chats here");

    // A note, kept under the operator's name.
    let r = op.send("POST", &notes_path("demo", id)).send_json(serde_json::json!({ "text": "  Wants an invoice  " }));
    let r = r.unwrap();
    assert_eq!(r.status(), 201);
    let note: Note = r.into_json().unwrap();
    assert_eq!((note.author.as_str(), note.text.as_str()), (op.me.name.as_str(), "Wants an invoice"));

    // Tags: checked, lower-cased, once each; pushed on the inbox line.
    let mut inbox = op.socket(&inbox_socket_path("demo", &Scope::All)).unwrap();
    assert!(matches!(inbox.recv().unwrap().msg, ServerMsg::Inbox { .. }));
    let body = serde_json::json!({ "tags": ["VIP", " refund ", "vip"] });
    let kept: Tags = op.send("PUT", &tags_path("demo", id)).send_json(body).unwrap().into_json().unwrap();
    assert_eq!(kept.tags, ["vip", "refund"]);
    let tagged = |c: &ConversationSummary| c.id == second.conversation && c.tags == ["vip", "refund"];
    let pushed = |m: &ServerMsg| matches!(m, ServerMsg::InboxUpdate(lines) if lines.iter().any(tagged));
    inbox.recv_until(|f| pushed(&f.msg)).expect("the retagged line is pushed");

    let profile: Profile = op.get(&profile_path("demo", id)).call().unwrap().into_json().unwrap();
    assert_eq!(profile.notes, vec![note.clone()]);
    assert_eq!(profile.tags, ["vip", "refund"]);

    // A later message keeps the tags on the line (the page route reads them back).
    let mut cust = Socket::open(&base_url(), &customer_socket_path(id, &second.token, 0)).unwrap();
    cust.welcome_and_replay(0).unwrap();
    cust.send_acked("c1", "Any news on the invoice?").unwrap();
    let newer = |c: &ConversationSummary| c.id == second.conversation && c.preview.contains("invoice?");
    let (frame, _) = inbox
        .recv_until(|f| matches!(&f.msg, ServerMsg::InboxUpdate(lines) if lines.iter().any(newer)))
        .expect("the new message's line");
    let ServerMsg::InboxUpdate(lines) = frame.msg else { unreachable!() };
    assert_eq!(lines.iter().find(|c| newer(c)).unwrap().tags, ["vip", "refund"]);
    let page: Vec<ConversationSummary> =
        op.get(&inbox_page_path("demo", &Scope::All, u64::MAX / 2, "")).call().unwrap().into_json().unwrap();
    let line = page.iter().find(|c| c.id == second.conversation).expect("on the first page");
    assert_eq!(line.tags, ["vip", "refund"]);

    // The customer sees none of it.
    let mut again = Socket::open(&base_url(), &customer_socket_path(id, &second.token, 0)).unwrap();
    let (_, replay) = again.welcome_and_replay(0).unwrap();
    assert!(replay.iter().all(|m| !m.text.contains("invoice") || m.text == "Any news on the invoice?"));
    assert!(replay.iter().all(|m| !m.text.contains("vip")));
}

#[test]
fn bad_notes_and_tags_unknown_conversations_and_readers_are_refused() {
    let c = start(&fresh_visitor("3"), "http://localhost:4321/");
    let id = c.conversation.as_str();
    let op = Staff::demo(&base_url(), StaffRole::Operator).unwrap();
    let note =
        |text: &str| status(op.send("POST", &notes_path("demo", id)).send_json(serde_json::json!({ "text": text })));
    let tags = |tags: serde_json::Value| {
        status(op.send("PUT", &tags_path("demo", id)).send_json(serde_json::json!({ "tags": tags })))
    };

    let (s, why) = note("   ");
    assert_eq!(s, 400, "{why}");
    assert!(why.contains("a note needs some text"), "{why}");
    let (s, why) = note(&"x".repeat(shared::profile::NOTE_CHARS + 1));
    assert!(s == 400 && why.contains("at most 2000"), "{s} {why}");
    let (s, why) = tags(serde_json::json!(["<b>bold</b>"]));
    assert!(s == 400 && why.contains("only letters"), "{s} {why}");
    let eleven: Vec<String> = (0..11).map(|i| format!("t{i}")).collect();
    let (s, why) = tags(serde_json::json!(eleven));
    assert!(s == 400 && why.contains("at most 10 tags"), "{s} {why}");
    let (s, why) = tags(serde_json::json!("vip"));
    assert_eq!(s, 400, "not a list: {why}");

    // An id no conversation has, and one that is not an id.
    let unknown = "0123456789abcdef0123456789abcdef";
    for path in [profile_path("demo", unknown), profile_path("demo", "not an id")] {
        let (s, why) = status(op.get(&path).call());
        assert!(s == 404 && why.contains("unknownConversation"), "{path}: {s} {why}");
    }
    // A moderator reads conversations but does not write in them.
    let moderator = Staff::demo(&base_url(), StaffRole::Moderator).unwrap();
    assert_eq!(status(moderator.get(&profile_path("demo", id)).call()).0, 200);
    let (s, _) = status(moderator.send("PUT", &tags_path("demo", id)).send_json(serde_json::json!({ "tags": ["x"] })));
    assert_eq!(s, 403);
    let (s, _) = status(moderator.send("POST", &notes_path("demo", id)).send_json(serde_json::json!({ "text": "x" })));
    assert_eq!(s, 403);
    // Nothing refused was kept.
    let profile: Profile = op.get(&profile_path("demo", id)).call().unwrap().into_json().unwrap();
    assert!(profile.notes.is_empty() && profile.tags.is_empty());
}

#[test]
fn a_conversation_exports_as_json_csv_and_text_and_a_customer_as_a_whole() {
    let visitor = fresh_visitor("4");
    let first = start(&visitor, "http://localhost:4321/pricing");
    let second = start(&visitor, "http://localhost:4321/checkout");
    let id = second.conversation.as_str();
    let mut cust = Socket::open(&base_url(), &customer_socket_path(id, &second.token, 0)).unwrap();
    cust.welcome_and_replay(0).unwrap();
    cust.send_acked("c1", "=cmd|' /C calc'!A0, and a \"quote\"").unwrap();
    let op = Staff::demo(&base_url(), StaffRole::Operator).unwrap();
    op.send("POST", &notes_path("demo", id)).send_json(serde_json::json!({ "text": "Check the quote" })).unwrap();
    op.send("PUT", &tags_path("demo", id)).send_json(serde_json::json!({ "tags": ["sales"] })).unwrap();

    let get = |format: &str| op.get(&transcript_path("demo", id, format)).call().unwrap();
    let json = get("json");
    assert_eq!(json.header("X-Content-Type-Options"), Some("nosniff"));
    let disposition = json.header("Content-Disposition").unwrap().to_owned();
    assert_eq!(disposition, format!("attachment; filename=\"conversation-{id}.json\""));
    let t: Transcript = json.into_json().unwrap();
    assert_eq!(t.conversation, second.conversation);
    assert_eq!(t.name.as_deref(), Some("Grace Hopper"));
    assert_eq!(t.tags, ["sales"]);
    assert_eq!(t.notes.len(), 1);
    assert!(t.messages.iter().any(|m| m.text.starts_with("=cmd")), "the customer's message");
    assert!(t.messages.windows(2).all(|w| w[1].seq == w[0].seq + 1), "the whole timeline, in order");

    let csv = get("csv");
    assert_eq!(csv.header("Content-Type"), Some("text/csv; charset=utf-8"));
    let csv = csv.into_string().unwrap();
    assert!(csv.starts_with("seq,time_utc,author,name,text\r\n"), "{csv}");
    assert!(csv.contains(",customer,Grace Hopper,\"'=cmd|' /C calc'!A0, and a \"\"quote\"\"\""), "guarded: {csv}");
    let text = get("text").into_string().unwrap();
    assert!(text.contains("Customer: Grace Hopper <grace@example.com>"), "{text}");
    assert!(text.contains("Note by Ada Operator"), "{text}");
    let (s, why) = status(op.get(&transcript_path("demo", id, "xml")).call());
    assert!(s == 400 && why.contains("json, csv or text"), "{s} {why}");

    // Everything about the customer: owners and admins only.
    assert_eq!(status(op.get(&customer_export_path("demo", id)).call()).0, 403);
    let admin = Staff::demo(&base_url(), StaffRole::Admin).unwrap();
    let export: CustomerExport = admin.get(&customer_export_path("demo", id)).call().unwrap().into_json().unwrap();
    let ids: Vec<_> = export.conversations.iter().map(|t| t.conversation.clone()).collect();
    assert_eq!(ids, vec![second.conversation.clone(), first.conversation.clone()], "both, newest first");
    assert!(!export.truncated && export.sanctions.is_empty());
    // The same customer named by their visitor token.
    let path = format!("/api/console/sites/demo/customers/export?visitor={visitor}");
    let by_token: CustomerExport = admin.get(&path).call().unwrap().into_json().unwrap();
    assert_eq!(by_token.member, export.member);
    assert_eq!(by_token.conversations.len(), 2);
    let (s, why) = status(admin.get("/api/console/sites/demo/customers/export").call());
    assert!(s == 400 && why.contains("name the customer"), "{s} {why}");
}

#[test]
fn staff_read_the_customers_messages_under_the_name_the_form_collected() {
    let c = start(&fresh_visitor("named"), "http://localhost:4321/");
    let id = c.conversation.as_str();
    let mut cust = Socket::open(&base_url(), &customer_socket_path(id, &c.token, 0)).unwrap();
    cust.welcome_and_replay(0).unwrap();
    let (seq, _) = cust.send_acked("n1", "Hello there").unwrap();
    let op = Staff::demo(&base_url(), StaffRole::Operator).unwrap();
    let mut staff = op.socket(&shared::api::operator_socket_path("demo", id, 0)).unwrap();
    let (_, history) = staff.welcome_and_replay(0).unwrap();
    let first = history.iter().find(|m| m.seq == seq).expect("in the replay");
    assert_eq!(first.name.as_deref(), Some("Grace Hopper"), "replayed under the name");
    cust.send_acked("n2", "Still there?").unwrap();
    let (f, _) = staff
        .recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.text == "Still there?"))
        .expect("delivered live");
    let ServerMsg::Message(live) = f.msg else { unreachable!() };
    assert_eq!(live.name.as_deref(), Some("Grace Hopper"), "live too");
    // The customer's own copies are as they were.
    let mut again = Socket::open(&base_url(), &customer_socket_path(id, &c.token, 0)).unwrap();
    let (_, mine) = again.welcome_and_replay(0).unwrap();
    assert!(mine.iter().all(|m| m.name.is_none()), "{mine:?}");
}
