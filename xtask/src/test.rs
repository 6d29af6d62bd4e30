//! `cargo xtask test`: every test and check, in order, failing fast:
//! native unit and golden tests; the build; size budgets; the deploy config
//! check; protocol tests against the real Worker (which this starts and
//! stops); the browser test in headless Chromium; then short smoke runs of
//! `bench`, `chaos` and `fuzz` (small counts, no timing assertions).

use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Result};
use e2e::wrangler::{test_config, Options, Wrangler, QUIET_ENV};

use crate::setup::node_tool;
use crate::{build, root, setup, sizes, step};

/// Runs everything; prints the time each part took.
pub fn run() -> Result<()> {
    let start = Instant::now();
    let mut timings = Vec::new();
    let mut timed = |name: &str, f: &mut dyn FnMut() -> Result<()>| -> Result<()> {
        let t = Instant::now();
        let r = f();
        timings.push(format!("  {name:<28} {:>6.1} s", t.elapsed().as_secs_f64()));
        r
    };
    timed("setup", &mut || setup::all(true))?;
    timed("native tests", &mut native)?;
    timed("in-browser unit tests (wasm)", &mut wasm_unit)?;
    timed("build", &mut build::all)?;
    timed("size budgets", &mut || {
        step("size budgets (gzip)");
        sizes::report().map(drop)
    })?;
    timed("wrangler deploy --dry-run", &mut dry_run)?;
    timed("worker tests (e2e)", &mut worker_tests)?;
    timed("bench smoke (--quick)", &mut || crate::bench::run_built(true, None))?;
    timed("chaos smoke (6 runs)", &mut || crate::chaos::run_built(6, 0x5EED, 3))?;
    timed("fuzz smoke (10 s a target)", &mut || crate::fuzz::fuzz(10))?;
    println!("\nall tests passed in {:.0} s", start.elapsed().as_secs_f64());
    for t in timings {
        println!("{t}");
    }
    Ok(())
}

fn native() -> Result<()> {
    step("native tests: shared, edge, widget, xtask");
    crate::run(
        Command::new("cargo").args(["test", "--workspace", "--exclude", "e2e", "--all-features"]).current_dir(root()),
    )
}

/// The front ends' unit tests that need a browser (`wasm-bindgen-test` in
/// headless Chromium through ChromeDriver; options in `widget/webdriver.json`).
fn wasm_unit() -> Result<()> {
    step("in-browser unit tests: widget (wasm-bindgen-test, headless Chromium)");
    crate::run(
        Command::new("cargo")
            .args(["test", "-p", "widget", "--target", "wasm32-unknown-unknown", "--lib"])
            .env("CHROMEDRIVER", "/usr/bin/chromedriver")
            // The runner gives ChromeDriver 5 s to listen by default; on a
            // busy 2-core machine that has failed ("driver failed to bind
            // port during startup").
            .env("WASM_BINDGEN_TEST_DRIVER_TIMEOUT", "60")
            .current_dir(root().join("widget")),
    )
}

fn dry_run() -> Result<()> {
    step("wrangler deploy --dry-run");
    let edge = root().join("edge");
    let out = Command::new(e2e::wrangler::node_bin())
        .arg(node_tool("wrangler/bin/wrangler.js"))
        .args(["deploy", "--dry-run", "--outdir"])
        .arg(root().join("target/dry-run"))
        .arg("--config")
        .arg(test_config(&edge)?)
        .envs(QUIET_ENV.iter().copied())
        .current_dir(&edge)
        .output()?;
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    print!("{text}");
    if !out.status.success() {
        bail!("wrangler deploy --dry-run failed");
    }
    if text.contains("WARNING") {
        bail!("wrangler deploy --dry-run printed a WARNING");
    }
    Ok(())
}

/// The browser test files, in the order they run.
const BROWSER_TESTS: &[&str] = &[
    "skeleton",
    "workflows",
    "moderation",
    "xss",
    "limits",
    "accounts",
    "identity",
    "settings",
    "outbox",
    "routing",
    "hours",
    "performance",
    "search",
    "edits",
    "practice",
    "team",
    "a11y",
    "profile",
    "files",
    "api",
    "i18n",
];

/// The protocol and browser tests against a fresh Worker (already built).
pub fn worker_tests() -> Result<()> {
    worker_tests_of(&[])
}

/// As [`worker_tests`]; with arguments, only some: browser test file names
/// (e.g. `settings`), then after `--protocol` protocol test files (e.g.
/// `categories`).
pub fn worker_tests_of(args: &[String]) -> Result<()> {
    let split = args.iter().position(|a| a == "--protocol").unwrap_or(args.len());
    let (only, protocol) = (&args[..split], args.get(split + 1..).unwrap_or_default());
    if let Some(unknown) = only.iter().find(|o| !BROWSER_TESTS.contains(&o.as_str())) {
        bail!("no browser test file {unknown:?} (there are {BROWSER_TESTS:?})");
    }
    if let Some(unknown) = protocol.iter().find(|p| !root().join(format!("e2e/tests/{p}.rs")).is_file()) {
        bail!("no protocol test file e2e/tests/{unknown}.rs");
    }
    step("starting the Worker for the e2e tests");
    let worker = Wrangler::start(Options::fresh_for_tests("e2e"))?;
    println!("Worker at {} (log: target/e2e-wrangler.log)", worker.base_url);
    if args.is_empty() || !protocol.is_empty() {
        step("protocol tests (Rust, against the Worker)");
        let tests = protocol.iter().flat_map(|p| ["--test", p.as_str()]);
        crate::run(
            Command::new("cargo")
                .args(["test", "-p", "e2e"])
                .args(tests)
                .args(["--", "--nocapture"])
                .env("E2E_BASE_URL", &worker.base_url)
                .current_dir(root()),
        )?;
    }
    if !args.is_empty() && only.is_empty() {
        drop(worker);
        return Ok(());
    }
    step("browser tests (headless Chromium)");
    let files = BROWSER_TESTS
        .iter()
        .filter(|f| only.is_empty() || only.iter().any(|o| o == *f))
        .map(|f| root().join(format!("e2e/browser/{f}.test.mjs")));
    crate::run(
        Command::new(e2e::wrangler::node_bin())
            // One file at a time (node orders them by name): the XSS, limits and settings tests change the demo site's settings while they run.
            .args(["--test", "--test-reporter=spec", "--test-concurrency=1"])
            .args(files)
            .env("E2E_BASE_URL", &worker.base_url)
            .env("E2E_PASSWORD", e2e::accounts::TEST_PASSWORD)
            .current_dir(root()),
    )?;
    drop(worker);
    Ok(())
}
