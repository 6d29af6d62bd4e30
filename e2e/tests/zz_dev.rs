//! temp
#[test]
fn dev() {
    let w = e2e::wrangler::Wrangler::start(e2e::wrangler::Options::fresh_for_tests("dev")).unwrap();
    std::fs::write("/tmp/dev-url", &w.base_url).unwrap();
    std::thread::sleep(std::time::Duration::from_secs(3000));
}
