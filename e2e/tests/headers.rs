//! Security headers on every kind of response the Worker serves: pages it
//! renders (the demo), static pages (widget, channel, console, landing),
//! JSON answers and errors: a CSP without inline scripts, `nosniff` and a
//! referrer policy; the console is never framed.

use e2e::base_url;

fn headers(path: &str) -> (u16, String, String, String) {
    let resp = match ureq::get(&format!("{}{path}", base_url())).call() {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{path}: {e}"),
    };
    let h = |name| resp.header(name).unwrap_or_default().to_owned();
    (resp.status(), h("Content-Security-Policy"), h("X-Content-Type-Options"), h("Referrer-Policy"))
}

#[test]
fn every_response_carries_a_strict_csp_nosniff_and_a_referrer_policy() {
    let paths = [
        "/demo",
        "/widget",
        "/channel",
        "/console",
        "/",
        "/widget.js",
        "/api/sites/demo/widget",
        "/api/sites/nope/widget",
        "/api/no-such-route",
        "/api/console/sites/demo/reports",
    ];
    for path in paths {
        let (status, csp, nosniff, referrer) = headers(path);
        assert!(status < 500, "{path}: {status}");
        assert_eq!(nosniff, "nosniff", "{path}");
        assert!(!referrer.is_empty(), "{path}: no Referrer-Policy");
        assert!(!csp.is_empty(), "{path}: no CSP");
        assert!(!csp.contains("unsafe-eval") || csp.contains("wasm-unsafe-eval"), "{path}: {csp}");
        let script = csp.split(';').find(|d| d.trim().starts_with("script-src") || d.trim().starts_with("default-src"));
        assert!(script.is_some_and(|d| !d.contains("'unsafe-inline'")), "{path}: inline scripts allowed: {csp}");
    }
    assert!(headers("/console").1.contains("frame-ancestors 'none'"));
    // Static pages frame nowhere (the widget and channel pages are the Worker's, per site).
    assert!(headers("/").1.contains("frame-ancestors 'none'"), "the landing page");
    assert!(headers("/widget").1.contains("script-src 'self' 'wasm-unsafe-eval'"));
    assert!(headers("/api/sites/demo/widget").1.starts_with("default-src 'none'"));
}
