//! The REST API under `/api/v1` with a site's API keys, against the real
//! Worker: owners and admins make keys (shown once; the list never shows
//! them), a read key reads conversations, profiles, transcripts and
//! incidents and is refused writes, a write key writes tags and notes, a
//! revoked or made-up key is refused, a key works on its own site only, and
//! neither a session cookie opens `/api/v1` nor a key the console's routes.

use e2e::accounts::{sign_up_org, Staff};
use e2e::base_url;
use e2e::client::create_conversation;
use shared::keys::{keys_path, revoke_key_path, ApiKey, IssuedKey, KeyScope};
use shared::profile::{Profile, Tags};
use shared::staff::StaffRole;
use shared::transcript::Transcript;
use shared::ConversationSummary;

fn status(r: Result<ureq::Response, ureq::Error>) -> (u16, String) {
    match r {
        Ok(r) => (r.status(), r.into_string().unwrap()),
        Err(ureq::Error::Status(s, r)) => (s, r.into_string().unwrap()),
        Err(e) => panic!("{e}"),
    }
}

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
    let c = create_conversation(&base_url(), "demo").unwrap();
    let nobody = e2e::identity::visitor_token("demo", format!("openapi-{}", std::process::id()));
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, _) in ops.as_object().unwrap() {
            let mut url = path.replace("{site}", "demo").replace("{id}", c.conversation.as_str());
            if url.contains("/customers/") {
                url = format!("{url}?visitor={nobody}");
            }
            let request = api(&method.to_uppercase(), &key.key, &url);
            let r = match method.as_str() {
                "post" if url.ends_with("/notes") => request.send_json(serde_json::json!({ "text": "from the check" })),
                "put" => request.send_json(serde_json::json!({ "tags": ["checked"] })),
                _ => request.call(),
            };
            let (s, body) = status(r);
            assert!((200..300).contains(&s), "{method} {url}: {s} {body}");
            checked += 1;
        }
    }
    assert_eq!(checked, 9);
    admin.send("POST", &revoke_key_path("demo", &key.info.id)).call().unwrap();
}
