//! The front-end bundles' linker: rust-lld, without the exports of
//! `wasm-streams` (a dependency of Leptos' `server_fn`, whose
//! `#[wasm_bindgen]` classes every Leptos binary exports whether or not it
//! streams). Exported, they keep their code, the closures they put in the
//! function table and the data they name alive through every later step;
//! not exported, the linker drops them all (the customer widget: ~4.9 KB
//! gzip). `cargo xtask build` runs the wasm link through this binary
//! (`target.wasm32-unknown-unknown.linker`); rustc calls it as it calls
//! rust-lld (`-flavor wasm …`), which is how `main` knows.

use std::process::Command;

use anyhow::{bail, Result};

/// Whether `args` are a linker's (rustc calling this binary as rust-lld).
pub fn is_link(args: &[String]) -> bool {
    args.first().is_some_and(|a| a == "-flavor")
}

/// `args` without any `--export NAME` of a wasm-streams class.
pub fn filtered(args: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(args.len());
    let mut i = 0;
    while i < args.len() {
        let streams = args.get(i + 1).is_some_and(|n| n.to_ascii_lowercase().contains(crate::build::STREAM_CLASSES));
        if args[i] == "--export" && streams {
            i += 2;
            continue;
        }
        out.push(args[i].clone());
        i += 1;
    }
    out
}

/// Links: rust-lld (on the `PATH` rustc gives its linker) with the
/// filtered arguments.
pub fn run(args: &[String]) -> Result<()> {
    let status = Command::new("rust-lld").args(filtered(args)).status()?;
    if !status.success() {
        bail!("rust-lld failed: {status}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_stream_classes_exports_go() {
        let args: Vec<String> = [
            "-flavor",
            "wasm",
            "--export",
            "main",
            "--export",
            "__wbg_intounderlyingsink_free_58a9",
            "--export",
            "__wbindgen_describe_IntoUnderlyingSource_pull",
            "--export",
            "start",
            "-o",
            "out.wasm",
        ]
        .map(String::from)
        .to_vec();
        assert!(is_link(&args) && !is_link(&args[2..]));
        assert_eq!(filtered(&args), ["-flavor", "wasm", "--export", "main", "--export", "start", "-o", "out.wasm"]);
    }
}
