//! Attachments against the real Worker and its local R2: a customer's
//! picture and an operator's PDF reach the other side as messages and are
//! read back by their capability (a picture inline, a PDF as a download,
//! neither ever sniffed or run); a resend after a dropped connection is
//! stored once; a page named .png, a PDF named .png, a type the site does
//! not take and a file over the site's limit are refused with the reason
//! and leave nothing behind; a wrong token, a made-up key and a file sent
//! as a frame are refused; an erased customer's files are gone; a site
//! that holds unverified visitors' files publishes one only when a
//! moderator approves it; a channel takes its members' files only where
//! the site lets it, and a removal or an erasure takes them from R2.

use std::io::Write;
use std::time::Duration;

use e2e::accounts::{sign_up_org, Staff};
use e2e::client::{create_conversation, status, status_text, Socket};
use e2e::files::{customer_upload, member_upload, staff_upload, stored, PNG};
use e2e::identity::visitor_token;
use e2e::wrangler::OwnWorker;
use shared::api::{
    channel_socket_path, customer_socket_path, operator_socket_path, remove_message_path, site_config_path, DeskRoute,
};
use shared::files::{Attachment, FileType, HeldFile, Uploaded};
use shared::moderation_case::Report;
use shared::rules::Action;
use shared::site::{ChannelDef, SiteConfig};
use shared::staff::StaffRole;
use shared::workflow::Event;
use shared::{ErrorCode, ServerMsg};

/// The file a socket receives in message `seq`.
fn file_in(socket: &mut Socket, seq: u64) -> Attachment {
    let (f, _) = socket
        .recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.seq == seq))
        .unwrap_or_else(|e| panic!("message {seq}: {e}"));
    match f.msg {
        ServerMsg::Message(m) => match m.event {
            Some(Event::File(file)) => *file,
            other => panic!("message {seq} carries {other:?}"),
        },
        _ => unreachable!(),
    }
}

fn read(base: &str, conversation: &str, file: &Attachment) -> ureq::Response {
    ureq::get(&format!("{base}{}", file.path(conversation))).call().unwrap()
}

/// One Worker with the bench routes (what R2 holds is counted through
/// them), the scenarios in turn.
#[test]
fn files_are_sent_read_refused_and_erased() {
    let worker = OwnWorker::start("e2e-files", &[("BENCH", "on")], true).unwrap();
    let base = worker.base().to_owned();
    a_customer_and_an_operator_send_files_and_each_reads_the_others(&base);
    a_resend_after_a_dropped_connection_is_stored_once(&base);
    bad_files_are_refused_with_the_reason_and_leave_nothing(&base);
    only_the_conversations_people_send_and_only_holders_of_the_key_read(&base);
    an_erased_customers_files_are_gone(&base);
    an_unverified_visitors_file_waits_for_a_moderator(&base);
    a_channels_members_send_files_where_the_site_lets_them(&base);
}

fn a_customer_and_an_operator_send_files_and_each_reads_the_others(base: &str) {
    let base = base.to_owned();
    let c = create_conversation(&base, "demo").unwrap();
    let id = c.conversation.as_str();
    let mut customer = Socket::open(&base, &customer_socket_path(id, &c.token, 0)).unwrap();
    customer.welcome_and_replay(0).unwrap();
    let ada = Staff::demo(&base, StaffRole::Operator).unwrap();
    let mut op = ada.socket(&operator_socket_path("demo", id, 0)).unwrap();
    op.welcome_and_replay(0).unwrap();

    // The customer's screenshot: a message the operator receives.
    let up: Uploaded =
        customer_upload(&base, id, &c.token, "f1", "screen shot.png", &PNG).unwrap().into_json().unwrap();
    assert_eq!((up.file.kind, up.file.size, up.file.name.as_str()), (FileType::Png, 70, "screen shot.png"));
    assert_eq!(file_in(&mut op, up.seq), up.file);
    let got = read(&base, id, &up.file);
    assert_eq!(got.header("Content-Type"), Some("image/png"));
    assert_eq!(got.header("X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(got.header("Content-Security-Policy"), Some("default-src 'none'; sandbox"));
    assert!(got.header("Content-Disposition").unwrap().starts_with("inline;"));
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut got.into_reader(), &mut bytes).unwrap();
    assert_eq!(bytes, PNG);

    // Sent again (the answer was lost): the same message, one object.
    let again: Uploaded =
        customer_upload(&base, id, &c.token, "f1", "screen shot.png", &PNG).unwrap().into_json().unwrap();
    assert_eq!((again.seq, &again.file), (up.seq, &up.file));
    assert_eq!(stored(&base, id).len(), 1);

    // The operator's PDF: the customer receives it; it downloads.
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    let sent: Uploaded = staff_upload(&ada, "demo", id, "o1", "Quote – März.pdf", pdf).unwrap().into_json().unwrap();
    assert_eq!(file_in(&mut customer, sent.seq), sent.file);
    let got = read(&base, id, &sent.file);
    assert_eq!(got.header("Content-Type"), Some("application/pdf"));
    let disposition = got.header("Content-Disposition").unwrap();
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("UTF-8''Quote%20%E2%80%93%20M%C3%A4rz%2Epdf")
    );

    // Both in the history, after a reload, once each.
    let mut reload = Socket::open(&base, &customer_socket_path(id, &c.token, 0)).unwrap();
    let (_, history) = reload.welcome_and_replay(0).unwrap();
    let files: Vec<u64> = history.iter().filter(|m| matches!(m.event, Some(Event::File(_)))).map(|m| m.seq).collect();
    assert_eq!(files, [up.seq, sent.seq]);
    let line = history.iter().find(|m| m.seq == sent.seq).unwrap();
    assert!(line.text.starts_with("📎 Quote – März.pdf"), "{}", line.text);
}

fn a_resend_after_a_dropped_connection_is_stored_once(base: &str) {
    let base = base.to_owned();
    let c = create_conversation(&base, "demo").unwrap();
    let id = c.conversation.as_str();
    // The whole upload written, then the connection dropped before any answer.
    let host = base.trim_start_matches("http://");
    let mut tcp = std::net::TcpStream::connect(host).unwrap();
    let head = format!(
        "POST {}?id=d1&name=a.png HTTP/1.1\r\nHost: {host}\r\nOrigin: {base}\r\nAuthorization: Bearer {}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        shared::files::upload_path(id),
        c.token,
        PNG.len()
    );
    tcp.write_all(head.as_bytes()).unwrap();
    tcp.write_all(&PNG).unwrap();
    drop(tcp);
    std::thread::sleep(Duration::from_millis(500));
    let up: Uploaded = customer_upload(&base, id, &c.token, "d1", "a.png", &PNG).unwrap().into_json().unwrap();
    assert_eq!(stored(&base, id).len(), 1, "one object");
    let mut s = Socket::open(&base, &customer_socket_path(id, &c.token, 0)).unwrap();
    let (_, history) = s.welcome_and_replay(0).unwrap();
    let files: Vec<u64> = history.iter().filter(|m| matches!(m.event, Some(Event::File(_)))).map(|m| m.seq).collect();
    assert_eq!(files, [up.seq], "one message");
}

fn bad_files_are_refused_with_the_reason_and_leave_nothing(base: &str) {
    let base = base.to_owned();
    let site = format!("files{}", std::process::id());
    let people = sign_up_org(&base, "Files", &site).unwrap();
    let owner = &people[0];
    let path = site_config_path(&site);
    let mut config: SiteConfig = owner.get(&path).call().unwrap().into_json().unwrap();
    config.files.max_bytes = 1_000;
    owner.send("PUT", &path).send_json(&config).unwrap();
    let c = e2e::client::create_conversation(&base, &site).unwrap();
    let id = c.conversation.as_str();
    let up = |name: &str, bytes: &[u8]| status_text(customer_upload(&base, id, &c.token, "b1", name, bytes));

    let page = b"<!doctype html><script>alert(document.cookie)</script>";
    let (code, text) = up("shot.png", page);
    assert_eq!(code, 415, "{text}");
    assert!(text.contains("fileRefused") && text.contains("not accepted here"), "{text}");
    let (code, text) = up("shot.png", b"%PDF-1.4\n");
    assert_eq!(code, 415);
    assert!(text.contains("shot.png is not what its name says"), "{text}");
    let (code, text) = up("notes.txt", b"plain words");
    assert_eq!(code, 415);
    assert!(text.contains("text files are not accepted here (only PNG, JPEG, GIF, WebP or PDF)"), "{text}");
    let mut big = PNG.to_vec();
    big.resize(1_001, 0);
    let (code, text) = up("big.png", &big);
    assert_eq!(code, 413);
    assert!(text.contains("larger than 1 KB"), "{text}");
    // The limit as a number, for the client to write in its reader's units.
    let refused: shared::api::ApiError = serde_json::from_str(&text).unwrap();
    assert_eq!(refused.detail, Some(shared::Detail::Size { bytes: 1_000 }), "{text}");
    assert_eq!(up("", &PNG).0, 415, "no name");
    assert!(stored(&base, id).is_empty(), "nothing stored");

    // Files off: refused.
    config.files.enabled = false;
    owner.send("PUT", &path).send_json(&config).unwrap();
    let (code, text) = up("shot.png", &PNG);
    assert_eq!(code, 403);
    assert!(text.contains("does not take files"), "{text}");
    assert!(stored(&base, id).is_empty());
}

fn only_the_conversations_people_send_and_only_holders_of_the_key_read(base: &str) {
    let base = base.to_owned();
    let c = create_conversation(&base, "demo").unwrap();
    let id = c.conversation.as_str();
    let other = create_conversation(&base, "demo").unwrap();
    // Another conversation's token, no token, another origin.
    assert_eq!(status(customer_upload(&base, id, &other.token, "x1", "a.png", &PNG)), 404);
    let no_token = ureq::post(&format!("{base}{}", shared::files::upload_path(id)))
        .query("id", "x1")
        .query("name", "a.png")
        .set("Origin", &base)
        .send_bytes(&PNG);
    assert_eq!(status(no_token), 401);
    let elsewhere = ureq::post(&format!("{base}{}", shared::files::upload_path(id)))
        .query("id", "x1")
        .query("name", "a.png")
        .set("Origin", "https://evil.example")
        .set("Authorization", &format!("Bearer {}", c.token))
        .send_bytes(&PNG);
    assert_eq!(status(elsewhere), 403);
    assert!(stored(&base, id).is_empty());

    // A file as a frame: refused, whoever sends it.
    let up: Uploaded = customer_upload(&base, id, &c.token, "k1", "a.png", &PNG).unwrap().into_json().unwrap();
    let mut s = Socket::open(&base, &customer_socket_path(id, &c.token, 0)).unwrap();
    s.welcome_and_replay(0).unwrap();
    let forged = Attachment { name: "b.png".into(), ..up.file.clone() };
    match s.act("k2", Event::File(Box::new(forged))).unwrap() {
        ServerMsg::Error { code, message, .. } => {
            assert_eq!(code, ErrorCode::Forbidden);
            assert!(message.contains("by upload"), "{message}");
        }
        other => panic!("{other:?}"),
    }

    // Reading needs the key, for this conversation and this file.
    let path = up.file.path(id);
    assert_eq!(status(ureq::get(&format!("{base}{path}")).call()), 200);
    let wrong_key = path.replace(&up.file.key, &"0".repeat(32));
    assert_eq!(status(ureq::get(&format!("{base}{wrong_key}")).call()), 404);
    let elsewhere = path.replace(id, other.conversation.as_str());
    assert_eq!(status(ureq::get(&format!("{base}{elsewhere}")).call()), 404);
}

fn an_erased_customers_files_are_gone(base: &str) {
    let base = base.to_owned();
    let site = format!("filerase{}", std::process::id());
    let people = sign_up_org(&base, "FileErase", &site).unwrap();
    let owner = &people[0];
    let c = create_conversation(&base, &site).unwrap();
    let id = c.conversation.as_str();
    let up: Uploaded = customer_upload(&base, id, &c.token, "e1", "a.png", &PNG).unwrap().into_json().unwrap();
    let path = up.file.path(id);
    assert_eq!(status(ureq::get(&format!("{base}{path}")).call()), 200);
    let erase = format!("/api/console/sites/{site}/customers/erase?conversation={id}");
    owner.send("POST", &erase).call().unwrap();
    assert_eq!(status(ureq::get(&format!("{base}{path}")).call()), 404);
    assert!(stored(&base, id).is_empty());
}

/// A site that holds the files of visitors it did not sign in: the upload
/// answers 202 with why, the team sees nothing, the moderators' queue has
/// it; approved, it is published as the customer's message (a resend is
/// then acked with it); staff's files are not held.
fn an_unverified_visitors_file_waits_for_a_moderator(base: &str) {
    let site = format!("held{}", std::process::id());
    let people = sign_up_org(base, "Held", &site).unwrap();
    let (owner, operator, moderator) = (&people[0], &people[3], &people[4]);
    let path = site_config_path(&site);
    let mut config: SiteConfig = owner.get(&path).call().unwrap().into_json().unwrap();
    config.files.hold_unverified = true;
    owner.send("PUT", &path).send_json(&config).unwrap();
    let c = create_conversation(base, &site).unwrap();
    let id = c.conversation.as_str();
    let up = || status_text(customer_upload(base, id, &c.token, "h1", "shot.png", &PNG));

    let (code, text) = up();
    assert_eq!(code, 202, "{text}");
    let held: HeldFile = serde_json::from_str(&text).unwrap();
    assert!(held.held.contains("checked by a moderator"), "{text}");
    assert_eq!(held.detail, Some(shared::Detail::Unverified), "{text}");
    assert_eq!(up().0, 202, "a resend waits too");
    let reports = DeskRoute::Reports.path(&site);
    let report = (0..50)
        .find_map(|_| {
            let all: Vec<Report> = moderator.get(&reports).call().unwrap().into_json().unwrap();
            let found = all.into_iter().find(|r| r.message == "h1");
            if found.is_none() {
                std::thread::sleep(Duration::from_millis(100));
            }
            found
        })
        .expect("the held file in the moderators' queue");
    assert_eq!(report.action, Action::Hold);
    assert_eq!(report.hits[0].rule, "files.holdUnverified");
    assert!(report.text.contains("shot.png"), "{report:?}");
    let look = ureq::get(&format!("{base}{}", report.file.as_deref().expect("the file's address")));
    assert_eq!(look.call().unwrap().header("Content-Type"), Some("image/png"), "the moderator looks at it");
    let mut op = operator.socket(&operator_socket_path(&site, id, 0)).unwrap();
    let (before, seen) = op.welcome_and_replay(0).unwrap();
    assert!(!seen.iter().any(|m| matches!(m.event, Some(Event::File(_)))), "nothing published before the review");

    let review = DeskRoute::Review(report.id).path(&site);
    moderator.send("POST", &review).send_json(serde_json::json!({ "approve": true })).unwrap();
    let published = file_in(&mut op, before + 1);
    assert_eq!((published.name.as_str(), published.kind), ("shot.png", FileType::Png));
    let (code, text) = up();
    assert_eq!(code, 201, "acked once published: {text}");
    let again: Uploaded = serde_json::from_str(&text).unwrap();
    assert_eq!((again.seq, again.file.id), (before + 1, published.id.clone()));
    assert_eq!(read(base, id, &published).status(), 200);
    // Staff are not held.
    let (code, text) = status_text(staff_upload(operator, &site, id, "s1", "quote.pdf", b"%PDF-1.4\n"));
    assert_eq!(code, 201, "{text}");
}

/// A site's channel takes no files until the site lets channels take
/// them (the welcome says which; an upload before is refused with the
/// reason and stores nothing); then a member's picture reaches the other
/// viewers with its sender's name, a resend is stored once, another site's
/// visitor or page is refused, and a moderator's removal and the member's
/// erasure take the file from R2.
fn a_channels_members_send_files_where_the_site_lets_them(base: &str) {
    let site = format!("chanfiles{}", std::process::id());
    let people = sign_up_org(base, "ChanFiles", &site).unwrap();
    let (owner, moderator) = (&people[0], &people[4]);
    let path = site_config_path(&site);
    let mut config: SiteConfig = owner.get(&path).call().unwrap().into_json().unwrap();
    config.channels = vec![
        ChannelDef { id: "town".into(), title: "Town".into(), slow_seconds: 0, locked: false },
        ChannelDef { id: "plaza".into(), title: "Plaza".into(), slow_seconds: 0, locked: false },
    ];
    owner.send("PUT", &path).send_json(&config).unwrap();
    let (ann, bob) = (visitor_token(&site, "ann"), visitor_token(&site, "bob"));
    let join = |visitor: &str, name: &str| {
        let mut s = Socket::open(base, &channel_socket_path(&site, "town", visitor, name, 0)).unwrap();
        match s.recv().unwrap().msg {
            ServerMsg::Welcome { conversation, files, .. } => (s, conversation.to_string(), files),
            other => panic!("welcome: {other:?}"),
        }
    };
    let up = |visitor: &str, id: &str| member_upload(base, (&site, "town"), (visitor, "Ann"), id, "photo.png", &PNG);

    let (_, room, files) = join(&ann, "Ann");
    assert!(!files, "channels take no files by default");
    let (code, text) = status_text(up(&ann, "p1"));
    assert!(code == 403 && text.contains("does not take files"), "{code} {text}");
    assert!(stored(base, &room).is_empty());

    config.files.channels = true;
    owner.send("PUT", &path).send_json(&config).unwrap();
    let (mut bob_socket, _, files) = join(&bob, "Bob");
    assert!(files, "the welcome says the channel takes files");
    let (code, text) = status_text(up(&ann, "p1"));
    assert_eq!(code, 201, "{text}");
    let sent: Uploaded = serde_json::from_str(&text).unwrap();
    let (got, _) = bob_socket.recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.seq == sent.seq)).unwrap();
    let ServerMsg::Message(m) = got.msg else { unreachable!() };
    assert_eq!(m.name.as_deref(), Some("Ann"), "a channel's file carries its sender's name");
    assert!(matches!(&m.event, Some(Event::File(f)) if **f == sent.file), "{m:?}");
    let r = read(base, &room, &sent.file);
    assert_eq!((r.status(), r.header("Content-Type")), (200, Some("image/png")));
    let again: Uploaded = up(&ann, "p1").unwrap().into_json().unwrap();
    assert_eq!(again.seq, sent.seq, "a resend is the same message");
    assert_eq!(stored(base, &room).len(), 1, "and the same object");
    // A channel no one has joined yet takes it too (its first message).
    let first = member_upload(base, (&site, "plaza"), (&ann, "Ann"), "q1", "photo.png", &PNG);
    assert_eq!(first.map(|r| r.into_json::<Uploaded>().unwrap().seq).ok(), Some(1));
    let unknown = member_upload(base, (&site, "nowhere"), (&ann, "Ann"), "q2", "photo.png", &PNG);
    assert_eq!(status(unknown), 404, "a channel the site does not have");

    // Refused: a visitor token of another site, another site's page, a name taken from staff.
    let other = visitor_token("demo", "ann");
    assert_eq!(status(up(&other, "p2")), 401);
    let forged = ureq::post(&format!("{base}{}", shared::files::channel_upload_path(&site, "town")))
        .query("id", "p2")
        .query("name", "photo.png")
        .query("as", "Ann")
        .set("Origin", "https://evil.example")
        .set("Authorization", &format!("Bearer {ann}"))
        .send_bytes(&PNG);
    assert_eq!(status(forged), 403);
    let staff_name = member_upload(base, (&site, "town"), (&ann, "Moderator"), "p3", "photo.png", &PNG);
    assert_eq!(status(staff_name), 403);

    // A moderator removes it: every viewer is told, and the file is gone.
    moderator.send("POST", &remove_message_path(&site, "town", sent.seq)).call().unwrap();
    bob_socket.recv_until(|f| f.msg == ServerMsg::Removed { seq: sent.seq }).unwrap();
    assert!(stored(base, &room).is_empty(), "removed with its message");
    assert_eq!(status(ureq::get(&format!("{base}{}", sent.file.path(&room))).call()), 404);

    // The member is erased: their files go too.
    let kept: Uploaded = up(&ann, "p4").unwrap().into_json().unwrap();
    assert_eq!(stored(base, &room).len(), 1);
    let erase = format!("/api/console/sites/{site}/customers/erase?visitor={ann}");
    let (code, text) = status_text(owner.send("POST", &erase).call());
    assert_eq!(code, 200, "{text}");
    assert!(stored(base, &room).is_empty(), "erased with their messages");
    assert_eq!(status(ureq::get(&format!("{base}{}", kept.file.path(&room))).call()), 404);
}
