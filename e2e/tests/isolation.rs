//! Tenant isolation against the real Worker: a second organisation
//! ("Rival", its own site and one account per role), an anonymous caller
//! and the customer of another conversation try every console route and
//! socket on the demo site's resources by their real ids, and the rival
//! also through its own site (a demo conversation's id under the rival's
//! site). Every attempt must be refused; the count is printed. Also: every
//! message a read-only role sends on an operator socket is refused.

use e2e::accounts::{sign_up_org, Staff};
use e2e::base_url;
use e2e::client::{create_conversation, Socket};
use e2e::files::{customer_upload, member_upload, staff_upload, PNG};
use serde_json::json;
use shared::api::{
    customer_erase_path, customer_export_path, customer_socket_path, identity_secret_path, inbox_socket_path,
    notes_path, operator_channel_path, operator_socket_path, profile_path, remove_path, role_path, site_config_path,
    site_path, tags_path, transcript_path, IdentitySecret, INVITATIONS_PATH, PEOPLE_PATH, SITES_PATH,
};
use shared::staff::{People, StaffRole};
use shared::workflow::Event;
use shared::{ClientMsg, ErrorCode, ServerMsg};

/// Signs in every role of a fresh rival organisation; returns its site id.
fn rival() -> (String, Vec<Staff>) {
    let site = format!("rival{}", std::process::id());
    (site.clone(), sign_up_org(&base_url(), "Rival", &site).unwrap())
}

/// Whether an HTTP attempt was refused by the boundary itself: a 4xx whose
/// code says who may not (not signed in, not allowed, no such site of yours,
/// the id is another's), so a route that let the caller through and then
/// failed for another reason (a 404 for a made-up report id, say) is
/// counted as not refused.
fn refused_http(r: Result<ureq::Response, ureq::Error>) -> bool {
    let Err(ureq::Error::Status(400..=499, resp)) = r else { return false };
    let code = resp.into_json::<shared::api::ApiError>().map(|e| e.code);
    let ok = matches!(
        code,
        Ok(ErrorCode::Unauthorized
            | ErrorCode::Forbidden
            | ErrorCode::UnknownSite
            | ErrorCode::UnknownConversation
            | ErrorCode::IdConflict)
    );
    if !ok {
        eprintln!("refused with an unexpected code: {code:?}");
    }
    ok
}

/// Whether a socket attempt was refused: the first frame is an error and
/// the socket closes; nothing sent afterwards is answered.
fn refused_socket(s: anyhow::Result<Socket>) -> bool {
    let Ok(mut s) = s else { return true };
    let first = matches!(s.recv().map(|f| f.msg), Ok(ServerMsg::Error { .. }));
    let kinds = [
        ClientMsg::Send { text: "leak?".into() },
        ClientMsg::Typing { on: true },
        ClientMsg::Sync { after: 0 },
        ClientMsg::Act { event: Event::AskRating {} },
    ];
    for (i, msg) in kinds.into_iter().enumerate() {
        let _ = s.send_msg(&format!("x{i}"), msg);
    }
    first && s.recv().is_err()
}

#[test]
fn another_organisation_an_anonymous_caller_and_another_customer_are_refused_everything() {
    let base = base_url();
    let a = create_conversation(&base, "demo").unwrap();
    let b = create_conversation(&base, "demo").unwrap();
    let ida = a.conversation.as_str();
    let demo_admin = Staff::demo(&base, StaffRole::Admin).unwrap();
    let demo_operator = Staff::demo(&base, StaffRole::Operator).unwrap();
    let (rival_site, rivals) = rival();
    // The anonymous caller and the other customer (who holds b's token) carry no session.
    let nobody = Staff { base: base.clone(), cookie: String::new(), me: demo_admin.me.clone() };
    let nobody = Staff { me: shared::staff::Me { csrf: String::new(), ..nobody.me }, ..nobody };

    let mut attempts = 0;
    let mut refused = 0;
    let mut check = |what: &str, ok: bool| {
        attempts += 1;
        if ok {
            refused += 1;
        } else {
            eprintln!("NOT REFUSED: {what}");
        }
    };
    let config = demo_admin.get(&site_config_path("demo")).call().unwrap().into_string().unwrap();
    let secret =
        || -> IdentitySecret { demo_admin.get(&identity_secret_path("demo")).call().unwrap().into_json().unwrap() };
    let secret_before = secret();
    let mut callers: Vec<(&str, &Staff)> = rivals.iter().map(|s| (s.me.role.as_str(), s)).collect();
    callers.push(("anonymous", &nobody));
    for (who, caller) in &callers {
        let desk = |rest: &str| format!("/api/console/sites/demo/{rest}");
        let http = [
            ("GET config", caller.get(&site_config_path("demo")).call()),
            ("PUT config", caller.send("PUT", &site_config_path("demo")).send_string(&config)),
            ("GET reports", caller.get(&desk("reports")).call()),
            ("GET cases", caller.get(&desk("cases")).call()),
            ("GET sanctions", caller.get(&desk("sanctions")).call()),
            ("GET incidents", caller.get(&desk("incidents")).call()),
            ("GET incidents.csv", caller.get(&desk("incidents?format=csv")).call()),
            ("GET identity secret", caller.get(&identity_secret_path("demo")).call()),
            ("POST replace identity secret", caller.send("POST", &identity_secret_path("demo")).call()),
            (
                "POST rename site",
                caller.send("POST", &site_path("demo")).send_json(json!({ "id": "demo", "name": "Taken over" })),
            ),
            (
                "POST add a site with the demo's id",
                caller.send("POST", SITES_PATH).send_json(json!({ "id": "demo", "name": "Mine now" })),
            ),
            ("POST case", caller.send("POST", &desk("cases")).send_json(json!({ "conversation": ida }))),
            ("POST review", caller.send("POST", &desk("reports/1/review")).send_json(json!({ "approve": true }))),
            (
                "POST act",
                caller
                    .send("POST", &desk("cases/1/act"))
                    .send_json(json!({ "event": { "type": "assess", "severity": "low" } })),
            ),
            (
                "POST role",
                caller.send("POST", &role_path(&demo_operator.me.account)).send_json(json!({ "role": "owner" })),
            ),
            ("POST remove", caller.send("POST", &remove_path(&demo_operator.me.account)).call()),
            ("GET profile", caller.get(&profile_path("demo", ida)).call()),
            ("POST note", caller.send("POST", &notes_path("demo", ida)).send_json(json!({ "text": "mine" }))),
            ("PUT tags", caller.send("PUT", &tags_path("demo", ida)).send_json(json!({ "tags": ["mine"] }))),
            ("GET profile via own site", caller.get(&profile_path(&rival_site, ida)).call()),
            ("GET transcript", caller.get(&transcript_path("demo", ida, "json")).call()),
            ("GET search", caller.get(&shared::api::search_path("demo", &Default::default())).call()),
            ("GET webhooks", caller.get("/api/console/sites/demo/webhooks").call()),
            (
                "POST a webhook",
                caller
                    .send("POST", "/api/console/sites/demo/webhooks")
                    .send_json(json!({ "url": "https://evil.example/h", "events": ["message.created"] })),
            ),
            ("GET webhook deliveries", caller.get("/api/console/sites/demo/webhooks/deliveries").call()),
            (
                "POST replay a delivery",
                caller.send("POST", "/api/console/sites/demo/webhooks/deliveries/1/replay").call(),
            ),
            ("POST remove a webhook", caller.send("POST", "/api/console/sites/demo/webhooks/wh_1/delete").call()),
            ("GET /api/v1 search with a session", caller.get("/api/v1/sites/demo/search?q=hello").call()),
            ("GET transcript via own site", caller.get(&transcript_path(&rival_site, ida, "csv")).call()),
            ("GET customer export", caller.get(&customer_export_path("demo", ida)).call()),
            ("GET customer export via own site", caller.get(&customer_export_path(&rival_site, ida)).call()),
            ("POST erase a customer", caller.send("POST", &customer_erase_path("demo", ida)).call()),
            ("POST erase via own site", caller.send("POST", &customer_erase_path(&rival_site, ida)).call()),
            ("GET erasure log", caller.get("/api/console/sites/demo/customers/erasures").call()),
            ("GET API keys", caller.get(&shared::keys::keys_path("demo")).call()),
            (
                "POST an API key",
                caller
                    .send("POST", &shared::keys::keys_path("demo"))
                    .send_json(json!({ "label": "mine", "scope": "write" })),
            ),
            ("GET /api/v1 with a session", caller.get("/api/v1/sites/demo/conversations").call()),
            (
                "POST /api/v1 message with a session",
                caller
                    .send("POST", &format!("/api/v1/sites/demo/conversations/{ida}/messages"))
                    .send_json(json!({ "text": "hi" })),
            ),
            (
                "POST /api/v1 close with a session",
                caller
                    .send("POST", &format!("/api/v1/sites/demo/conversations/{ida}/close"))
                    .send_json(json!({ "outcome": "lost" })),
            ),
            (
                "GET /api/v1 conversation with a session",
                caller.get(&format!("/api/v1/sites/demo/conversations/{ida}")).call(),
            ),
            (
                "POST note via own site",
                caller.send("POST", &notes_path(&rival_site, ida)).send_json(json!({ "text": "mine" })),
            ),
            (
                "PUT tags via own site",
                caller.send("PUT", &tags_path(&rival_site, ida)).send_json(json!({ "tags": ["mine"] })),
            ),
            ("POST a file", staff_upload(caller, "demo", ida, "iso-1", "a.png", &PNG)),
            ("POST a file via own site", staff_upload(caller, &rival_site, ida, "iso-2", "a.png", &PNG)),
            (
                "POST /api/v1 file with a session",
                caller
                    .send("POST", &format!("/api/v1/sites/demo/conversations/{ida}/files"))
                    .query("id", "iso-3")
                    .query("name", "a.png")
                    .send_bytes(&PNG),
            ),
            // Through the rival's own site: the demo conversation's id is unknown there.
            (
                "POST case via own site",
                caller
                    .send("POST", &format!("/api/console/sites/{rival_site}/cases"))
                    .send_json(json!({ "conversation": ida })),
            ),
        ];
        for (what, r) in http {
            let ok = refused_http(r);
            check(&format!("{who}: {what}"), ok);
        }
        // The people list is the caller's own organisation's, never the demo's.
        match caller.get(PEOPLE_PATH).call() {
            Ok(r) => {
                let people: People = r.into_json().unwrap();
                let leak = people.people.iter().any(|p| p.email.ends_with("@demo.test"));
                check(&format!("{who}: people list"), !leak);
            }
            Err(e) => check(&format!("{who}: people list"), matches!(e, ureq::Error::Status(400..=499, _))),
        }
        if *who == "anonymous" {
            let r = caller.send("POST", INVITATIONS_PATH).send_json(json!({ "email": "x@y.test", "role": "owner" }));
            check("anonymous: invite", refused_http(r));
        }
        let sockets = [
            ("inbox socket", inbox_socket_path("demo", &shared::scope::Scope::All)),
            ("conversation socket", operator_socket_path("demo", ida, 0)),
            ("conversation socket via own site", operator_socket_path(&rival_site, ida, 0)),
            ("channel socket", operator_channel_path("demo", "live", 0)),
        ];
        for (what, path) in sockets {
            check(&format!("{who}: {what}"), refused_socket(caller.socket(&path)));
        }
    }
    // The customer of conversation b, on a's socket with b's token, and on the console.
    check(
        "customer: a's socket with b's token",
        refused_socket(Socket::open(&base, &customer_socket_path(ida, &b.token, 0))),
    );
    check(
        "customer: a file into a's conversation with b's token",
        refused_http(customer_upload(&base, ida, &b.token, "iso-4", "a.png", &PNG)),
    );
    let rival_visitor = e2e::identity::visitor_token(&rival_site, "iso");
    check(
        "rival's visitor: a file into the demo's channel",
        refused_http(member_upload(&base, ("demo", "live"), (&rival_visitor, "Iso"), "iso-5", "a.png", &PNG)),
    );
    let with_token = ureq::get(&format!("{base}{}?token={}", site_config_path("demo"), b.token)).call();
    check("customer: console config with a customer token", refused_http(with_token));
    let inbox = format!("{}&token={}", inbox_socket_path("demo", &shared::scope::Scope::All), b.token);
    check("customer: inbox socket with a customer token", refused_socket(Socket::open(&base, &inbox)));

    println!("tenant isolation: {refused} of {attempts} attempts refused");
    assert_eq!(refused, attempts, "some attempts were not refused (see NOT REFUSED above)");
    // The attempts changed nothing: the same identity secret, the same name,
    // and the demo's own people still work.
    assert_eq!(secret(), secret_before, "the identity secret was replaced");
    let me = Staff::demo(&base, StaffRole::Admin).unwrap().me;
    let site = me.sites.iter().find(|s| s.id.as_str() == "demo").expect("the demo site is still the demo's");
    assert_ne!(site.name, "Taken over");
    let people: People = demo_admin.get(PEOPLE_PATH).call().unwrap().into_json().unwrap();
    let operator = people.people.iter().find(|p| p.account == demo_operator.me.account).expect("not removed");
    assert_eq!(operator.role, StaffRole::Operator);
}

#[test]
fn every_write_of_a_read_only_role_on_an_operator_socket_is_refused() {
    let base = base_url();
    let c = create_conversation(&base, "demo").unwrap();
    let mo = Staff::demo(&base, StaffRole::Moderator).unwrap();
    let mut s = mo.socket(&operator_socket_path("demo", c.conversation.as_str(), 0)).unwrap();
    s.welcome_and_replay(0).unwrap();
    let writes = [
        ClientMsg::Send { text: "hello".into() },
        ClientMsg::Typing { on: true },
        ClientMsg::Act { event: Event::AskRating {} },
    ];
    for (i, msg) in writes.into_iter().enumerate() {
        let id = format!("w{i}");
        s.send_msg(&id, msg).unwrap();
        let (f, _) = s.recv_until(|f| f.re.as_deref() == Some(id.as_str())).unwrap();
        assert!(matches!(f.msg, ServerMsg::Error { code: ErrorCode::Forbidden, .. }), "{id}: {f:?}");
    }
    // Reading still works; nothing was stored.
    let (last, _) =
        mo.socket(&operator_socket_path("demo", c.conversation.as_str(), 0)).unwrap().welcome_and_replay(0).unwrap();
    assert_eq!(last, 0);
}
