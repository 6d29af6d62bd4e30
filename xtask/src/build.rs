//! Builds the shipped files: the widget and console wasm bundles (cargo →
//! wasm-bindgen → wasm-opt) plus the static files into `dist/public`, and
//! the Worker (worker-build, with pinned tools and no downloads) into
//! `edge/build`.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use crate::setup::{cargo_bin, node_tool};
use crate::{root, run, step};

/// The front-end bundles built from the `widget` crate.
pub const BUNDLES: [&str; 3] = ["customer", "channel", "console"];

/// Builds everything.
pub fn all() -> Result<()> {
    widget()?;
    edge()
}

/// Builds `dist/public`: static files, then `app/<bundle>.js` + `_bg.wasm`.
pub fn widget() -> Result<()> {
    step("build: customer widget, channel and console (wasm)");
    let root = root();
    let public = root.join("dist/public");
    let app = public.join("app");
    std::fs::create_dir_all(&app)?;
    copy_dir(&root.join("widget/static"), &public)?;
    // Minified as shipped: the loader and the customer's scripts (their
    // comments stay in the source) and the CSS.
    for file in
        ["widget.js", "i18n.js", "customer-boot.js", "channel-boot.js", "uploads.js", "widget.css", "console.css"]
    {
        let path = public.join(file);
        run(Command::new(node_tool("@esbuild/linux-x64/bin/esbuild"))
            .arg(&path)
            .args(["--minify", "--log-level=warning", "--allow-overwrite"])
            .arg(format!("--outfile={}", path.display())))?;
    }
    run(Command::new("cargo")
        .args(["build", "--release", "--target", "wasm32-unknown-unknown", "-p", "widget", "--bins"])
        .args(["--config", &short_paths()?])
        .args(["--config", &linker()?])
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
            .args(["--target", "web", "--no-typescript", "--omit-default-module-path", "--out-dir"])
            .arg(&app)
            .arg(&input))?;
        run(Command::new(node_tool(".bin/wasm-opt"))
            .args(WASM_OPT)
            .args(["--strip-debug", "--strip-producers", "-o"])
            .arg(&output)
            .arg(&output))?;
        if bundle != "console" {
            let blanked = crate::blank::panic_text(&output)?;
            println!("{bundle}: {blanked} B of panic-only text blanked");
        }
        let glue = app.join(format!("{bundle}.js"));
        std::fs::write(&glue, drop_stream_classes(&std::fs::read_to_string(&glue)?)?)?;
        crate::minify::bundle(&output, &glue, &format!("./{bundle}_bg.js"))?;
        run(Command::new(node_tool("@esbuild/linux-x64/bin/esbuild"))
            .arg(&glue)
            .args(["--minify", "--format=esm", "--log-level=warning", "--allow-overwrite"])
            .arg(format!("--outfile={}", glue.display())))?;
        std::fs::write(&stamp, "")?;
    }
    Ok(())
}

/// Cargo config that shortens the crates' source paths that panic messages
/// carry into the wasm (`$CARGO_HOME/registry/src/<index>/tachys-0.2.19/…`
/// becomes `tachys-0.2.19/…`): the build machine's layout is not shipped,
/// and the customer widget is ~120 B gzip smaller.
fn short_paths() -> Result<String> {
    let sources = crate::setup::cargo_bin().with_file_name("registry").join("src");
    let mut flags = Vec::new();
    for index in std::fs::read_dir(&sources).into_iter().flatten() {
        flags.push(format!("\"--remap-path-prefix={}/=\"", index?.path().display()));
    }
    Ok(format!("target.wasm32-unknown-unknown.rustflags=[{}]", flags.join(",")))
}

/// Cargo config that links the bundles with this binary ([`crate::link`]:
/// rust-lld without the wasm-streams exports).
fn linker() -> Result<String> {
    let exe = std::env::current_exe()?;
    Ok(format!("target.wasm32-unknown-unknown.linker={:?}", exe.display().to_string()))
}

/// What the names of wasm-streams' classes and their exports contain (lower case).
pub const STREAM_CLASSES: &str = "intounderlying";

/// wasm-opt's optimisation flags. `--flatten --rereloop` (rebuild the
/// control flow), then `-O2 -s 1 -c` (-O2's inlining, then shrinking, run
/// to convergence): as `sizes` measures it, the customer widget came out
/// 0.57 KB gzip smaller than with `-O2 -s 1 -c` alone, which itself was
/// ~0.65 KB smaller than `-Oz` (although its raw wasm is ~2% larger).
const WASM_OPT: [&str; 6] = ["--flatten", "--rereloop", "-O2", "-s", "1", "-c"];

/// Removes wasm-bindgen's JS classes for the `wasm-streams` exports the
/// linker left out ([`crate::link`]: wasm-bindgen still writes the classes
/// its metadata names, though nothing constructs them); fails rather than
/// ship glue that could call them.
fn drop_stream_classes(glue: &str) -> Result<String> {
    let mut out = String::with_capacity(glue.len());
    let (mut in_class, mut skip) = (false, 0);
    for line in glue.lines() {
        if skip > 0 {
            skip -= 1;
        } else if line.starts_with("export class IntoUnderlying") {
            in_class = true;
        } else if in_class {
            in_class = !line.starts_with("if (Symbol.dispose) IntoUnderlying");
        } else if line.starts_with("const IntoUnderlying") && line.contains("Finalization = ") {
            skip = 2; // the `? {...}` and `: new FinalizationRegistry(...)` lines
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    if out.to_ascii_lowercase().contains(STREAM_CLASSES) {
        anyhow::bail!("wasm-bindgen glue still refers to wasm-streams' classes (has the glue's layout changed?)");
    }
    Ok(out)
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
