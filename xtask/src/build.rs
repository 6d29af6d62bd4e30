//! Builds the shipped files: the widget and console wasm bundles (cargo →
//! wasm-bindgen → wasm-opt) plus the static files into `dist/public`, and
//! the Worker (worker-build, with pinned tools and no downloads) into
//! `edge/build`.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use crate::setup::{cargo_bin, node_tool};
use crate::{root, run, step};

/// The two front-end bundles built from the `widget` crate.
pub const BUNDLES: [&str; 2] = ["customer", "console"];

/// Builds everything.
pub fn all() -> Result<()> {
    widget()?;
    edge()
}

/// Builds `dist/public`: static files, then `app/<bundle>.js` + `_bg.wasm`.
pub fn widget() -> Result<()> {
    step("build: customer widget and console (wasm)");
    let root = root();
    let public = root.join("dist/public");
    let app = public.join("app");
    std::fs::create_dir_all(&app)?;
    copy_dir(&root.join("widget/static"), &public)?;
    for css in ["widget.css", "console.css"] {
        let path = public.join(css);
        run(Command::new(node_tool("@esbuild/linux-x64/bin/esbuild"))
            .arg(&path)
            .args(["--minify", "--log-level=warning", "--allow-overwrite"])
            .arg(format!("--outfile={}", path.display())))?;
    }
    run(Command::new("cargo")
        .args(["build", "--release", "--target", "wasm32-unknown-unknown", "-p", "widget", "--bins"])
        .current_dir(&root))?;
    for bundle in BUNDLES {
        let input = root.join(format!("target/wasm32-unknown-unknown/release/{bundle}.wasm"));
        let output = app.join(format!("{bundle}_bg.wasm"));
        // Written last: a failed step is redone next time.
        let stamp = app.join(format!(".{bundle}.done"));
        if newer(&stamp, &input) {
            continue;
        }
        run(Command::new(cargo_bin().join("wasm-bindgen"))
            .args(["--target", "web", "--no-typescript", "--out-dir"])
            .arg(&app)
            .arg(&input))?;
        run(Command::new(node_tool(".bin/wasm-opt"))
            .args(["-Oz", "--strip-debug", "--strip-producers", "-o"])
            .arg(&output)
            .arg(&output))?;
        let glue = app.join(format!("{bundle}.js"));
        run(Command::new(node_tool("@esbuild/linux-x64/bin/esbuild"))
            .arg(&glue)
            .args(["--minify", "--format=esm", "--log-level=warning", "--allow-overwrite"])
            .arg(format!("--outfile={}", glue.display())))?;
        std::fs::write(&stamp, "")?;
    }
    Ok(())
}

/// Builds the Worker with `worker-build --release`, pointing it at the
/// pinned wasm-bindgen, wasm-opt and esbuild so it downloads nothing.
pub fn edge() -> Result<()> {
    step("build: Worker (worker-build)");
    let root = root();
    let cache = root.join(".tools/cache");
    std::fs::create_dir_all(&cache)?;
    run(Command::new(cargo_bin().join("worker-build"))
        .arg("--release")
        .current_dir(root.join("edge"))
        .env("WASM_BINDGEN_BIN", cargo_bin().join("wasm-bindgen"))
        .env("WASM_OPT_BIN", node_tool(".bin/wasm-opt"))
        .env("ESBUILD_BIN", node_tool("@esbuild/linux-x64/bin/esbuild"))
        .env("XDG_CACHE_HOME", &cache))
}

/// Whether `out` exists and is newer than `input`.
fn newer(out: &Path, input: &Path) -> bool {
    let m = |p: &Path| p.metadata().and_then(|m| m.modified()).ok();
    matches!((m(out), m(input)), (Some(o), Some(i)) if o > i)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}
