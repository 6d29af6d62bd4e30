//! Origin checks against the real Worker (OWASP: check `Origin` at the
//! handshake). The loader may read a site's configuration only from one of
//! the site's allowed origins; conversations start, and sockets open, only
//! from the service's own pages (the widget, channel and console apps) —
//! a spoofed or missing `Origin` is refused; the app pages may be framed
//! only by the site's allowed origins. The configuration brings the
//! launcher's words in the visitor's language.

use e2e::accounts::Staff;
use e2e::base_url;
use e2e::client::status;
use e2e::client::{create_conversation, Socket};
use shared::api::{
    channel_socket_path, customer_socket_path, inbox_socket_path, operator_socket_path, CONVERSATIONS_PATH,
};
use shared::staff::StaffRole;
use shared::{ErrorCode, ServerMsg};

const EVIL: &str = "https://evil.example";

#[test]
fn only_allowed_host_pages_read_the_widget_configuration() {
    let url = format!("{}/api/sites/demo/widget", base_url());
    let ok = ureq::get(&url).set("Origin", "http://localhost:4321").call().unwrap();
    assert_eq!(ok.header("Access-Control-Allow-Origin"), Some("http://localhost:4321"));
    assert_eq!(status(ureq::get(&url).set("Origin", EVIL).call()), 403);
    assert_eq!(status(ureq::get(&url).set("Origin", "http://localhost.evil.example").call()), 403);
    assert_eq!(status(ureq::get(&url).call()), 403, "no Origin: refused (fail closed)");
}

#[test]
fn the_configuration_brings_the_launchers_words_in_the_visitors_language() {
    let words = |query: &str, accept: &str| {
        let url = format!("{}/api/sites/demo/widget{query}", base_url());
        let r = ureq::get(&url).set("Origin", "http://localhost:4321").set("Accept-Language", accept).call().unwrap();
        assert_eq!(r.header("Vary"), Some("Origin, Accept-Language"));
        r.into_json::<shared::site::WidgetConfig>().unwrap().words
    };
    let german = words("?l=de", "fr-FR, fr");
    assert_eq!(
        (german.open.as_str(), german.close.as_str()),
        ("Chat öffnen", "Chat schließen"),
        "the page's data-locale first"
    );
    assert_eq!(german.other, "{n} ungelesene Nachrichten");
    assert_eq!(words("?l=", "fr-CH, fr;q=0.9").open, "Ouvrir le chat", "then the browser's");
    assert_eq!(words("", "nl").open, "Open chat", "none ships: the demo site's default, English");
    assert_eq!(words("?l=xx", "ar").one, "رسالة واحدة غير مقروءة ({n})");
}

#[test]
fn conversations_start_only_from_the_service_s_own_pages() {
    let url = format!("{}{CONVERSATIONS_PATH}", base_url());
    let body = serde_json::json!({ "site": "demo" });
    assert_eq!(status(ureq::post(&url).set("Origin", EVIL).send_json(&body)), 403);
    assert_eq!(status(ureq::post(&url).set("Origin", "http://localhost:1").send_json(&body)), 403);
    assert_eq!(status(ureq::post(&url).send_json(&body)), 403, "no Origin: refused");
    assert_eq!(status(ureq::post(&url).set("Origin", &base_url()).send_json(&body)), 201);
}

#[test]
fn sockets_from_another_origin_are_refused_at_the_handshake() {
    let c = create_conversation(&base_url(), "demo").unwrap();
    let visitor = e2e::identity::visitor_token("demo", "origins");
    // A signed-in moderator's cookie rides along: the origin alone refuses.
    let mo = Staff::demo(&base_url(), StaffRole::Moderator).unwrap();
    let paths = [
        customer_socket_path(c.conversation.as_str(), &c.token, 0),
        operator_socket_path("demo", c.conversation.as_str(), 0),
        inbox_socket_path("demo", &shared::scope::Scope::All),
        channel_socket_path("demo", "live", &visitor, "Eve", 0),
        shared::api::operator_channel_path("demo", "live", 0),
    ];
    let mut refused = 0;
    for path in &paths {
        let mut s = Socket::open_with(&base_url(), path, &[("Origin", EVIL), ("Cookie", &mo.cookie)]).unwrap();
        match s.recv().unwrap().msg {
            ServerMsg::Error { code: ErrorCode::Forbidden, .. } => refused += 1,
            other => panic!("{path}: a socket from {EVIL} was accepted: {other:?}"),
        }
        // From the service's own pages the same paths work.
        let mut ok = mo.socket(path).unwrap();
        assert!(!matches!(ok.recv().unwrap().msg, ServerMsg::Error { .. }), "{path}");
    }
    assert_eq!(refused, paths.len());
}

#[test]
fn the_app_pages_are_framed_only_by_the_site_s_allowed_origins() {
    for page in ["widget", "channel"] {
        let csp = |q: &str| {
            let r = ureq::get(&format!("{}/{page}{q}", base_url())).call().unwrap();
            assert!(r.content_type().starts_with("text/html"));
            r.header("Content-Security-Policy").unwrap_or_default().to_owned()
        };
        assert!(csp("?site=demo").contains("frame-ancestors http://localhost:* http://127.0.0.1:*"), "{page}");
        assert!(csp("?site=nope").contains("frame-ancestors 'none'"), "{page}");
        assert!(csp("").contains("frame-ancestors 'none'"), "{page}");
    }
}
