//! `cargo xtask <verb>`: the one entry point for setting up, building,
//! running and testing the project. Run `cargo xtask help` for the verbs.
//!
//! # Layout
//! - [`setup`]: installs what is missing (wasm target, pinned CLIs, npm
//!   packages, Chromium), idempotently.
//! - [`build`]: builds the widget/console wasm bundles and the Worker into
//!   `dist/public` and `edge/build`; [`link`] is the bundles' linker.
//! - [`dev`]: builds and runs the product locally; [`deploy`]: deploys it
//!   and creates a new deployment's first organisation.
//! - [`bench`]: benchmarks against the real Worker, printed as tables.
//! - [`chaos`]: seeded fault-injection runs; nothing lost, nothing doubled.
//! - [`fuzz`]: the cargo-fuzz targets, for a bounded time.
//! - [`test`]: runs every test suite, the size budgets and the config check.
//! - [`sizes`]: measures built files (raw and gzip) against the budgets.
//! - [`tidy`]: repository hygiene checks, run as tests.

mod accuracy;
mod bench;
mod blank;
mod build;
mod chaos;
mod corpora;
mod deploy;
mod dev;
mod fuzz;
mod link;
mod minify;
mod screening;
mod setup;
mod sizes;
mod test;
mod tidy;
mod train;

use std::path::PathBuf;
use std::process::Command;

use anyhow::{bail, Context, Result};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if link::is_link(&args) {
        return link::run(&args);
    }
    let verb = args.first().map(String::as_str).unwrap_or("help");
    match verb {
        "setup" => setup::all(true),
        "build" => build::all(),
        "build-edge" => build::edge(),
        "build-widget" => build::widget(),
        "dev" => dev::run(),
        "deploy" => deploy::deploy(&args[1..]),
        "wrangler" => deploy::wrangler(&args[1..]),
        "bootstrap" => deploy::bootstrap(&args[1..]),
        "test" => test::run(),
        "e2e" => test::worker_tests_of(&args[1..]),
        "bench" => bench::run(&args[1..]),
        "chaos" => chaos::run(&args[1..]),
        "fuzz" => fuzz::run_cli(&args[1..]),
        "sizes" => sizes::report().map(drop),
        "train-screening" => train::run(&args[1..]),
        "accuracy" => accuracy::run(&args[1..]),
        "help" | "--help" | "-h" => {
            println!("{HELP}");
            Ok(())
        }
        other => bail!("unknown verb {other:?}\n\n{HELP}"),
    }
}

const HELP: &str = "\
cargo xtask <verb>
  dev           install what is missing, build, run the Worker on http://127.0.0.1:8787
  deploy        `wrangler deploy` to your Cloudflare account (DEPLOY.md; wrangler's arguments follow)
  wrangler      the pinned wrangler in edge/, e.g. `cargo xtask wrangler secret put SETUP_KEY`
  bootstrap     a new deployment's first organisation, site and owner (DEPLOY.md):
                SETUP_KEY=… OWNER_PASSWORD=… cargo xtask bootstrap --url U --org O --site ID
                --site-name N --email E --name N
  test          install what is missing, build, run every test and check
  e2e [file..] [--protocol file..]
                only the protocol and browser tests, against a fresh Worker (after `build`);
                with browser test file names (`settings`) or protocol test files after
                --protocol (`categories`), only those
  bench         sizes, latency, throughput, concurrency, host-page impact, console at scale
                (--quick: the small smoke run that `test` does; --only T1,T2: those tables)
  chaos         seeded fault injection: --runs N (100) --seed S --restart-every K (20)
  fuzz          run the cargo-fuzz targets (nightly): --seconds S each (60)
  setup         install what is missing (wasm target, wasm-bindgen-cli, worker-build, npm packages, Chromium)
  build         build the widget, the console and the Worker
  build-widget  build the customer widget and console bundles into dist/public
  build-edge    build the Worker into edge/build (wrangler's [build] command)
  sizes         print the sizes of the built files against their budgets
  train-screening --data DIR [--labels FILE]...  train the screening classifier on the public
                labelled messages in DIR (docs/screening.md), and a site's moderators' decisions
                (GET …/labels), into shared/src/moderation/model.bin
  accuracy --data DIR  the screening engines' caught and passed rates on the held-out messages";

/// The repository root.
pub fn root() -> PathBuf {
    e2e::wrangler::repo_root()
}

/// Runs a command, failing with its name if it fails.
pub fn run(cmd: &mut Command) -> Result<()> {
    let shown = format!("{cmd:?}");
    let status = cmd.status().with_context(|| format!("starting {shown}"))?;
    if !status.success() {
        bail!("{shown} failed with {status}");
    }
    Ok(())
}

/// Prints a step header.
pub fn step(what: &str) {
    println!("\n==> {what}");
}
