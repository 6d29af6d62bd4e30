//! `cargo xtask fuzz [--seconds S]`: runs every cargo-fuzz target over
//! `shared` (the protocol decoder, the client chat log, redaction, the screening engine) for S seconds each
//! (default 60) on the nightly toolchain; any panic fails with the input
//! saved under `fuzz/artifacts/`. Installs cargo-fuzz if missing.

use std::process::Command;

use anyhow::Result;

use crate::{root, run, step};

/// The fuzz targets in `fuzz/fuzz_targets/`.
pub const TARGETS: [&str; 4] = ["decode_client", "chat_log", "redact", "screen"];

/// Pinned cargo-fuzz.
const CARGO_FUZZ: &str = "0.13.1";

/// Entry point of `cargo xtask fuzz`.
pub fn run_cli(args: &[String]) -> Result<()> {
    let seconds = args
        .iter()
        .position(|a| a == "--seconds")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    fuzz(seconds)
}

/// Runs each target for `seconds`.
pub fn fuzz(seconds: u64) -> Result<()> {
    install()?;
    let fuzz = root().join("fuzz");
    for target in TARGETS {
        step(&format!("fuzz {target} for {seconds} s"));
        let corpus = fuzz.join("corpus").join(target);
        std::fs::create_dir_all(&corpus)?;
        run(Command::new("cargo")
            .args(["+nightly", "fuzz", "run", target])
            .arg(&corpus)
            .arg(fuzz.join("seeds").join(target))
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .arg("-print_final_stats=1")
            .current_dir(&fuzz))?;
    }
    Ok(())
}

fn install() -> Result<()> {
    let have = Command::new(crate::setup::cargo_bin().join("cargo-fuzz")).arg("--version").output();
    if have.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(CARGO_FUZZ)) {
        return Ok(());
    }
    run(Command::new("cargo").args(["install", "cargo-fuzz", "--version", CARGO_FUZZ, "--locked"]))
}
