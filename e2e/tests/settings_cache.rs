//! The settings cache in the Worker isolate, against the real Worker: page
//! views (the loader's widget configuration) read the site's settings from
//! the isolate, not from the site's Inbox; a save shows at once; after the
//! cache period one short check by version. Starts its own Worker
//! (`BENCH=on` to count the Inbox's settings reads, a 2 s cache period).

use std::time::Duration;

use e2e::accounts::Staff;
use e2e::wrangler::OwnWorker;
use shared::api::site_config_path;
use shared::site::SiteConfig;
use shared::staff::StaffRole;

fn reads(base: &str) -> u64 {
    e2e::scale::InboxCounts::of(base, "demo").unwrap().settings.config_reads
}

/// The loader's request for the demo site's widget configuration, from the demo page's origin.
fn page_view(base: &str) -> serde_json::Value {
    let url = format!("{base}/api/sites/demo/widget");
    ureq::get(&url).set("Origin", base).call().unwrap().into_json().unwrap()
}

#[test]
fn page_views_read_the_settings_from_the_isolate_and_a_save_shows_at_once() {
    let w = OwnWorker::start("e2e-settings-cache", &[("BENCH", "on"), ("SETTINGS_CACHE_SECONDS", "2")], true).unwrap();
    let base = w.base();

    page_view(base);
    let before = reads(base);
    for _ in 0..50 {
        page_view(base);
    }
    assert_eq!(reads(base) - before, 0, "50 page views within the period: no settings read");

    // A save through the console shows on the next page view.
    let admin = Staff::demo(base, StaffRole::Admin).unwrap();
    let mut config: SiteConfig = admin.get(&site_config_path("demo")).call().unwrap().into_json().unwrap();
    let old = page_view(base);
    config.appearance.greeting = format!("{} (changed)", config.appearance.greeting);
    admin.send("PUT", &site_config_path("demo")).send_json(&config).unwrap();
    let new = page_view(base);
    assert_ne!(old, new, "the saved settings show at once");

    // Past the period: one check by version, then cached again.
    std::thread::sleep(Duration::from_millis(2_500));
    let before = reads(base);
    for _ in 0..20 {
        page_view(base);
    }
    assert_eq!(reads(base) - before, 1, "one check after the period, for 20 page views");
}
