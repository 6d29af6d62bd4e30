//! `cargo xtask dev`: installs what is missing, builds, and runs the Worker
//! on `workerd` through `wrangler dev` at http://127.0.0.1:8787 with state
//! kept in `.state/dev`. Wrangler rebuilds on edits (its `[build]` command
//! is `cargo xtask build`).

use anyhow::Result;
use e2e::wrangler::{Options, Wrangler};

use crate::{build, root, setup, step};

/// The port of the local Worker.
pub const PORT: u16 = 8787;

/// Runs the product locally until Ctrl-C.
pub fn run() -> Result<()> {
    setup::all(false)?;
    build::all()?;
    let key = operator_key()?;
    step("starting wrangler dev (workerd)");
    let state = root().join(".state/dev");
    std::fs::create_dir_all(&state)?;
    println!(
        "\n  Demo customer page  http://localhost:{PORT}/demo\n  \
         Operator console    http://127.0.0.1:{PORT}/console   (operator key: {key})\n  \
         Local state         {}\n\n  Ctrl-C stops.\n",
        state.display()
    );
    let mut w = Wrangler::start(Options { port: PORT, state_dir: state, build: true, vars: vec![], log: None })?;
    w.wait()
}

/// The operator key from `edge/.dev.vars`, created with a random key if missing.
fn operator_key() -> Result<String> {
    let path = root().join("edge/.dev.vars");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    if let Some(key) = text.lines().find_map(|l| l.strip_prefix("OPERATOR_KEY=")) {
        return Ok(key.trim().trim_matches('"').to_owned());
    }
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom").and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes))?;
    let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    std::fs::write(&path, format!("{text}OPERATOR_KEY={key}\n"))?;
    println!("created {} with a new operator key", path.display());
    Ok(key)
}
