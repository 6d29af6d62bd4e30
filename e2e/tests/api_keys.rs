//! The REST API under `/api/v1` with a site's API keys, against the real
//! Worker: owners and admins make keys (shown once; the list never shows
//! them), a read key reads conversations, profiles, transcripts and
//! incidents and is refused writes, a write key writes tags and notes, a
//! revoked or made-up key is refused, a key works on its own site only, and
//! neither a session cookie opens `/api/v1` nor a key the console's routes.

use e2e::accounts::{sign_up_org, Staff};
use e2e::base_url;
use e2e::client::create_conversation;
use e2e::client::status_text as status;
use shared::keys::{keys_path, revoke_key_path, ApiKey, IssuedKey, KeyScope};
use shared::profile::{Profile, Tags};
use shared::staff::StaffRole;
use shared::transcript::Transcript;
use shared::ConversationSummary;

/// A request to the REST API with `key`.
fn api(method: &str, key: &str, path: &str) -> ureq::Request {
    ureq::request(method, &format!("{}{path}", base_url())).set("Authorization", &format!("Bearer {key}"))
}

fn make_key(admin: &Staff, site: &str, label: &str, scope: KeyScope) -> IssuedKey {
    let body = serde_json::json!({ "label": label, "scope": scope });
    let r = admin.send("POST", &keys_path(site)).send_json(body).unwrap();
    assert_eq!(r.status(), 201);
    r.into_json().unwrap()
}

#[test]
fn keys_read_and_write_within_their_scope_and_site_and_stop_when_revoked() {
    let admin = Staff::demo(&base_url(), StaffRole::Admin).unwrap();
    let c = create_conversation(&base_url(), "demo").unwrap();
    let id = c.conversation.as_str();
    let read = make_key(&admin, "demo", "Reporting", KeyScope::Read);
    let write = make_key(&admin, "demo", "CRM sync", KeyScope::Write);
    assert!(read.key.starts_with("ck_") && read.key.ends_with(&read.info.last4));
    // Listed without the key itself.
    let listed: Vec<ApiKey> = admin.get(&keys_path("demo")).call().unwrap().into_json().unwrap();
    let labels: Vec<&str> = listed.iter().map(|k| k.label.as_str()).collect();
    assert!(labels.contains(&"Reporting") && labels.contains(&"CRM sync"), "{labels:?}");
    let text = admin.get(&keys_path("demo")).call().unwrap().into_string().unwrap();
    assert!(!text.contains(&read.key) && !text.contains(&write.key), "a key is shown once");

    // Read: the list, a conversation, its profile and transcript, incidents.
    let lines: Vec<ConversationSummary> =
        api("GET", &read.key, "/api/v1/sites/demo/conversations").call().unwrap().into_json().unwrap();
    assert!(lines.iter().any(|l| l.id == c.conversation), "the new conversation is listed");
    let t: Transcript =
        api("GET", &read.key, &format!("/api/v1/sites/demo/conversations/{id}")).call().unwrap().into_json().unwrap();
    assert_eq!(t.conversation, c.conversation);
    let _: Profile = api("GET", &read.key, &format!("/api/v1/sites/demo/conversations/{id}/profile"))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    let (s, csv) =
        status(api("GET", &read.key, &format!("/api/v1/sites/demo/conversations/{id}/transcript?format=csv")).call());
    assert!(s == 200 && csv.starts_with("seq,time_utc"), "{s} {csv}");
    assert_eq!(status(api("GET", &read.key, "/api/v1/sites/demo/incidents").call()).0, 200);
    // A read key does not write.
    let tags = format!("/api/v1/sites/demo/conversations/{id}/tags");
    let (s, why) = status(api("PUT", &read.key, &tags).send_json(serde_json::json!({ "tags": ["api"] })));
    assert!(s == 403 && why.contains("a read key may not do this"), "{s} {why}");
    let erase = format!("/api/v1/sites/demo/customers/erase?conversation={id}");
    assert_eq!(status(api("POST", &read.key, &erase).call()).0, 403);
    // A write key writes, under its name; no anti-CSRF token needed (no cookie).
    let kept: Tags =
        api("PUT", &write.key, &tags).send_json(serde_json::json!({ "tags": ["API"] })).unwrap().into_json().unwrap();
    assert_eq!(kept.tags, ["api"]);
    let notes = format!("/api/v1/sites/demo/conversations/{id}/notes");
    let note: shared::profile::Note = api("POST", &write.key, &notes)
        .send_json(serde_json::json!({ "text": "synced" }))
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(note.author, "API key CRM sync");

    // Keys are refused where they do not belong, and cookies on /api/v1.
    let (rival_site, rivals) = {
        let site = format!("keys{}", std::process::id());
        (site.clone(), sign_up_org(&base_url(), "Keys rival", &site).unwrap())
    };
    let rival_key = make_key(&rivals[0], &rival_site, "Theirs", KeyScope::Write);
    for (what, r) in [
        ("another site's key", api("GET", &rival_key.key, "/api/v1/sites/demo/conversations").call()),
        ("another site's key searching", api("GET", &rival_key.key, "/api/v1/sites/demo/search?q=hello").call()),
        (
            "a key on another site's conversation",
            api("GET", &rival_key.key, &format!("/api/v1/sites/{rival_site}/conversations/{id}")).call(),
        ),
        (
            "a made-up key",
            api(
                "GET",
                "ck_demo.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "/api/v1/sites/demo/conversations",
            )
            .call(),
        ),
        ("no key", ureq::get(&format!("{}/api/v1/sites/demo/conversations", base_url())).call()),
        ("a session cookie", admin.get("/api/v1/sites/demo/conversations").call()),
        ("a key on a console route", api("GET", &read.key, &shared::api::profile_path("demo", id)).call()),
    ] {
        let (s, why) = status(r);
        assert!((400..500).contains(&s), "{what}: {s} {why}");
    }
    // Operators neither list nor make keys.
    let operator = Staff::demo(&base_url(), StaffRole::Operator).unwrap();
    assert_eq!(status(operator.get(&keys_path("demo")).call()).0, 403);
    let body = serde_json::json!({ "label": "mine", "scope": "write" });
    assert_eq!(status(operator.send("POST", &keys_path("demo")).send_json(body)).0, 403);
    let (s, why) =
        status(admin.send("POST", &keys_path("demo")).send_json(serde_json::json!({ "label": " ", "scope": "read" })));
    assert!(s == 400 && why.contains("a key needs a name"), "{s} {why}");

    // Revoked: refused at once.
    let r = admin.send("POST", &revoke_key_path("demo", &read.info.id)).call().unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(status(api("GET", &read.key, "/api/v1/sites/demo/conversations").call()).0, 401);
    assert_eq!(status(admin.send("POST", &revoke_key_path("demo", &read.info.id)).call()).0, 404);
    let listed: Vec<ApiKey> = admin.get(&keys_path("demo")).call().unwrap().into_json().unwrap();
    assert!(listed.iter().all(|k| k.id != read.info.id));
    admin.send("POST", &revoke_key_path("demo", &write.info.id)).call().unwrap();
}

#[test]
fn the_served_openapi_document_is_the_generated_one_and_each_operation_exists() {
    let served = ureq::get(&format!("{}/api/v1/openapi.json", base_url())).call().unwrap();
    assert_eq!(served.header("Content-Type"), Some("application/json; charset=utf-8"));
    let doc: serde_json::Value = served.into_json().unwrap();
    let file: serde_json::Value = serde_json::from_str(include_str!("../../shared/openapi.json")).unwrap();
    assert_eq!(doc, file);
    assert_eq!(doc["openapi"], "3.1.0");
    // Every operation it describes answers (with a write key, on a real
    // conversation; a customer with nothing kept for the export and erasure).
    let admin = Staff::demo(&base_url(), StaffRole::Admin).unwrap();
    let key = make_key(&admin, "demo", "OpenAPI check", KeyScope::Write);
    // A sales conversation: closing it as lost is allowed at once.
    let sales = shared::api::CreateConversation {
        trigger: Some("pricing".into()),
        ..shared::api::CreateConversation::new("demo".parse().unwrap())
    };
    let c = e2e::client::create_conversation_with(&base_url(), &sales).unwrap();
    let nobody = e2e::identity::visitor_token("demo", format!("openapi-{}", std::process::id()));
    let mut checked = 0;
    let mut operations: Vec<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| ops.as_object().unwrap().keys().map(move |m| (path.clone(), m.clone())))
        .collect();
    // Closing last: the other writes go to an open conversation.
    operations.sort_by_key(|(path, _)| path.ends_with("/close"));
    {
        for (path, method) in &operations {
            let mut url = path.replace("{site}", "demo").replace("{id}", c.conversation.as_str());
            if url.contains("/customers/") {
                url = format!("{url}?visitor={nobody}");
            }
            let request = api(&method.to_uppercase(), &key.key, &url);
            let r = match method.as_str() {
                "post" if url.ends_with("/notes") => request.send_json(serde_json::json!({ "text": "from the check" })),
                "post" if url.ends_with("/messages") => {
                    request.send_json(serde_json::json!({ "text": "Hello from a program" }))
                }
                "post" if url.ends_with("/close") => request.send_json(serde_json::json!({ "outcome": "lost" })),
                "post" if url.ends_with("/files") => {
                    request.query("id", "openapi-file").query("name", "a.png").send_bytes(&e2e::files::PNG)
                }
                "put" => request.send_json(serde_json::json!({ "tags": ["checked"] })),
                _ => request.call(),
            };
            let (s, body) = status(r);
            assert!((200..300).contains(&s), "{method} {url}: {s} {body}");
            checked += 1;
        }
    }
    assert_eq!(checked, 13);
    admin.send("POST", &revoke_key_path("demo", &key.info.id)).call().unwrap();
}

#[test]
fn a_program_writes_as_an_operator_once_per_id_and_closes_within_the_workflows_rules() {
    let admin = Staff::demo(&base_url(), StaffRole::Admin).unwrap();
    let write = make_key(&admin, "demo", "Help desk bridge", KeyScope::Write);
    let read = make_key(&admin, "demo", "Read only", KeyScope::Read);
    let c = create_conversation(&base_url(), "demo").unwrap();
    let id = c.conversation.as_str();
    let mut cust = e2e::client::Socket::open(&base_url(), &shared::api::customer_socket_path(id, &c.token, 0)).unwrap();
    cust.welcome_and_replay(0).unwrap();
    let messages = format!("/api/v1/sites/demo/conversations/{id}/messages");
    let body = serde_json::json!({ "id": "ticket-42-reply-1", "text": "We have reopened your ticket." });
    let r = api("POST", &write.key, &messages).send_json(body.clone()).unwrap();
    assert_eq!(r.status(), 201);
    let first: shared::profile::Stored = r.into_json().unwrap();
    // The customer receives it as an operator's message.
    let (frame, _) = cust
        .recv_until(|f| matches!(&f.msg, shared::ServerMsg::Message(m) if m.text == "We have reopened your ticket."))
        .expect("delivered to the customer");
    let shared::ServerMsg::Message(m) = frame.msg else { unreachable!() };
    assert_eq!((m.seq, m.author), (first.seq, shared::Role::Operator));
    // A resend with the same id is stored once.
    let again: shared::profile::Stored =
        api("POST", &write.key, &messages).send_json(body).unwrap().into_json().unwrap();
    assert_eq!(again, first);
    // Refused: a read key, an empty or oversize text, an unknown conversation.
    let text = |t: String| serde_json::json!({ "text": t });
    assert_eq!(status(api("POST", &read.key, &messages).send_json(text("no".into()))).0, 403);
    let (s, why) = status(api("POST", &write.key, &messages).send_json(text("   ".into())));
    assert!(s == 400 && why.contains("empty"), "{s} {why}");
    let (s, why) = status(api("POST", &write.key, &messages).send_json(text("x".repeat(5_000))));
    assert!((400..500).contains(&s) && why.to_lowercase().contains("long"), "{s} {why}");
    let unknown = "/api/v1/sites/demo/conversations/0123456789abcdef0123456789abcdef/messages";
    let (s, why) = status(api("POST", &write.key, unknown).send_json(text("hello".into())));
    assert!(s == 404 && why.contains("unknownConversation"), "{s} {why}");
    // Closing follows the workflow: a support conversation is not resolved before the customer says so.
    let close = format!("/api/v1/sites/demo/conversations/{id}/close");
    let (s, why) = status(api("POST", &write.key, &close).send_json(serde_json::json!({ "outcome": "resolved" })));
    assert!((400..500).contains(&s) && why.contains("not confirmed it is solved"), "{s} {why}");
    let (s, why) = status(api("POST", &write.key, &close).send_json(serde_json::json!({ "outcome": "won" })));
    assert!((400..500).contains(&s), "support cannot be won: {s} {why}");
    for key in [write, read] {
        admin.send("POST", &revoke_key_path("demo", &key.info.id)).call().unwrap();
    }
}

#[test]
fn a_key_is_limited_per_minute_and_another_key_is_not() {
    let admin = Staff::demo(&base_url(), StaffRole::Admin).unwrap();
    let busy = make_key(&admin, "demo", "Busy", KeyScope::Read);
    let calm = make_key(&admin, "demo", "Calm", KeyScope::Read);
    // Counted after the key is checked, before anything else (an id that
    // cannot be a conversation is refused without asking an object).
    let path = "/api/v1/sites/demo/conversations/not-an-id/profile";
    let mut accepted = 0;
    let refused = (0..1_250).find_map(|_| match api("GET", &busy.key, path).call() {
        Err(ureq::Error::Status(429, r)) => Some(e2e::too_fast(r).message),
        _ => {
            accepted += 1;
            None
        }
    });
    let why = refused.expect("the key was limited");
    assert!(why.contains("calling the API with this key"), "{why}");
    // 600 a minute: a minute's turn during the run allows at most twice that.
    assert!((600..=1_200).contains(&accepted), "{accepted} accepted before the limit");
    assert_eq!(status(api("GET", &calm.key, path).call()).0, 404, "another key is not limited");
    for key in [busy, calm] {
        admin.send("POST", &revoke_key_path("demo", &key.info.id)).call().unwrap();
    }
}
