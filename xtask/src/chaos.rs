//! `cargo xtask chaos --runs N [--seed S] [--restart-every K]`: seeded fault
//! injection against the real Worker (see `e2e::chaos`). Prints runs,
//! messages, lost and duplicated counts, and the seed of every failing run
//! (rerun one with `--runs 1 --seed <seed>`).

use std::time::Instant;

use anyhow::{bail, Result};
use e2e::chaos;
use e2e::wrangler::{Options, Wrangler};

use crate::{build, setup, step};

fn flag(args: &[String], name: &str) -> Option<u64> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok())
}

/// Entry point of `cargo xtask chaos`.
pub fn run(args: &[String]) -> Result<()> {
    setup::all(false)?;
    build::all()?;
    run_built(
        flag(args, "--runs").unwrap_or(100),
        flag(args, "--seed").unwrap_or(0xC4A05),
        flag(args, "--restart-every").unwrap_or(20),
    )
}

/// Chaos runs on an already built tree; every `restart_every`-th run also
/// restarts the Worker.
pub fn run_built(runs: u64, seed: u64, restart_every: u64) -> Result<()> {
    step(&format!("chaos: {runs} runs from seed {seed:#x}, a Worker restart every {restart_every} runs"));
    let opts = Options::fresh_for_tests("chaos");
    let mut worker = Wrangler::start(opts.clone())?;
    e2e::client::without_rate_rules(&worker.base_url, "demo")?;
    let start = Instant::now();
    let (mut sent, mut lost, mut duplicated, mut resends, mut drops, mut restarts) = (0, 0, 0, 0, 0, 0);
    let mut failed = Vec::new();
    for i in 0..runs {
        let run_seed = seed.wrapping_add(i);
        let restart = restart_every > 0 && i % restart_every == restart_every - 1;
        match chaos::run(&mut worker, &opts, run_seed, restart) {
            Ok(r) => {
                sent += r.sent;
                lost += r.lost;
                duplicated += r.duplicated;
                resends += r.resends;
                drops += r.drops;
                restarts += r.restarts;
                if !r.violations.is_empty() {
                    println!("run {i} (seed {run_seed:#x}) FAILED: {:?}", r.violations);
                    failed.push(run_seed);
                }
            }
            Err(e) => {
                println!("run {i} (seed {run_seed:#x}) FAILED: {e:#}");
                failed.push(run_seed);
                worker.stop();
                worker = Wrangler::start(opts.clone())?;
            }
        }
        if (i + 1) % 100 == 0 {
            println!("  {} runs, {:.0} s", i + 1, start.elapsed().as_secs_f64());
        }
    }
    println!(
        "runs {runs}, messages {sent}, lost {lost}, duplicated {duplicated}, duplicate resends {resends}, \
         sockets dropped {drops}, Worker restarts {restarts}, failed runs {} in {:.0} s",
        failed.len(),
        start.elapsed().as_secs_f64()
    );
    if !failed.is_empty() {
        let seeds: Vec<String> = failed.iter().map(|s| format!("{s:#x}")).collect();
        bail!("failing seeds: {}", seeds.join(", "));
    }
    Ok(())
}
