//! Tidy checks run by `cargo test`: every source file says what it is for
//! in its first line (`//!` in Rust, a comment in JS, HTML, CSS, TOML).

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if !matches!(
                    name.as_str(),
                    "target"
                        | "node_modules"
                        | "dist"
                        | "build"
                        | "golden"
                        | ".git"
                        | ".state"
                        | ".tools"
                        | ".wrangler"
                ) {
                    walk(&path, out);
                }
            } else {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_source_file_starts_with_what_it_is_for() {
        let root = crate::root();
        let mut files = Vec::new();
        for dir in ["shared", "edge", "widget", "e2e", "xtask", "fuzz", ".ci"] {
            walk(&root.join(dir), &mut files);
        }
        let mut missing = Vec::new();
        for f in &files {
            let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
            let prefixes: &[&str] = match ext {
                "rs" => &["//!"],
                "js" | "mjs" => &["/*", "//"],
                "html" => &["<!doctype html>\n<!--", "<!--"],
                "css" => &["/*"],
                "toml" => &["#", "[package]"],
                _ if f.file_name().is_some_and(|n| n == "_headers") => &["#"],
                _ if f.file_name().is_some_and(|n| n == "run") => &["#!/usr/bin/env bash\n#"],
                _ => continue,
            };
            let text = std::fs::read_to_string(f).unwrap_or_default();
            if !prefixes.iter().any(|p| text.starts_with(p)) {
                missing.push(f.strip_prefix(&root).unwrap_or(f).display().to_string());
            }
        }
        assert!(files.len() > 40, "walked only {} files", files.len());
        assert!(missing.is_empty(), "files without a first line saying what they are for: {missing:#?}");
    }
}
