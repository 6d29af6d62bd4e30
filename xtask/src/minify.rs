//! Short names for a bundle's wasm imports and exports. wasm-bindgen names
//! every import `__wbg_<name>_<16 hex digits>` and the glue spells each
//! name again: ~140 random hashes per bundle that gzip cannot shrink.
//! Binaryen's `--minify-imports-and-exports-and-modules` renames them in
//! the wasm (module `"a"`, names `a`, `b`, … `$a`, …) and prints the
//! mapping, which [`rename_glue`] applies to the glue.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::setup::node_tool;

/// The module name Binaryen gives every import.
const MODULE: &str = "a";

/// Renames the imports and exports of `wasm` in place and in the glue
/// `glue` (wasm-bindgen's, before minification) that loads it as `module`.
pub fn bundle(wasm: &Path, glue: &Path, module: &str) -> Result<()> {
    let out = Command::new(node_tool(".bin/wasm-opt"))
        .arg(wasm)
        .args(["--minify-imports-and-exports-and-modules", "-o"])
        .arg(wasm)
        .output()
        .context("running wasm-opt")?;
    if !out.status.success() {
        bail!("wasm-opt --minify-imports-and-exports-and-modules failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let map: Mapping = serde_json::from_slice(&out.stdout).context("reading wasm-opt's name mapping")?;
    let text = std::fs::read_to_string(glue)?;
    std::fs::write(glue, rename_glue(&text, module, &map)?)?;
    Ok(())
}

/// wasm-opt's mapping: `[module, old, new]` per import, `[old, new]` per export.
#[derive(serde::Deserialize)]
pub struct Mapping {
    imports: Vec<(String, String, String)>,
    exports: Vec<(String, String)>,
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// The glue with the new names: the import object's module key, its
/// keys (whole identifiers only), and every `wasm.<export>`.
pub fn rename_glue(glue: &str, module: &str, map: &Mapping) -> Result<String> {
    let imports: HashMap<&str, &str> =
        map.imports.iter().filter(|(m, _, _)| m == module).map(|(_, old, new)| (old.as_str(), new.as_str())).collect();
    let exports: HashMap<&str, &str> = map.exports.iter().map(|(o, n)| (o.as_str(), n.as_str())).collect();
    let key = format!("\"{module}\":");
    if glue.matches(&key).count() != 1 {
        bail!("the glue has no single import object for {module:?} (has its layout changed?)");
    }
    let glue = glue.replace(&key, &format!("\"{MODULE}\":"));
    let mut out = String::with_capacity(glue.len());
    let mut rest = glue.as_str();
    let mut seen = 0;
    while let Some(start) = rest.find(|c: char| is_ident(c)) {
        out.push_str(&rest[..start]);
        let len = rest[start..].find(|c: char| !is_ident(c)).unwrap_or(rest.len() - start);
        let word = &rest[start..start + len];
        let after_wasm = out.ends_with("wasm.");
        match (imports.get(word), exports.get(word)) {
            (Some(new), _) if !after_wasm => {
                seen += 1;
                out.push_str(new)
            }
            (_, Some(new)) if after_wasm => out.push_str(new),
            _ => out.push_str(word),
        }
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    if seen < imports.len() {
        bail!("the glue names {seen} of the wasm's {} imports (has its layout changed?)", imports.len());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_whole_names_only() {
        let map = Mapping {
            imports: vec![
                ("./x_bg.js".into(), "__wbg_set_0123456789abcdef".into(), "$".into()),
                ("./x_bg.js".into(), "__wbg_get_0123456789abcdef".into(), "b".into()),
            ],
            exports: vec![("f_1".into(), "c".into()), ("f_1_2".into(), "d".into()), ("memory".into(), "e".into())],
        };
        let glue = r#"const import0 = { __wbg_set_0123456789abcdef: function(a) { wasm.f_1(a); wasm.f_1_2(); },
__wbg_get_0123456789abcdef: function() { return wasm.memory.buffer; } };
const f_1 = 3; return { "./x_bg.js": import0 };"#;
        let out = rename_glue(glue, "./x_bg.js", &map).unwrap();
        assert_eq!(
            out,
            r#"const import0 = { $: function(a) { wasm.c(a); wasm.d(); },
b: function() { return wasm.e.buffer; } };
const f_1 = 3; return { "a": import0 };"#
        );
        assert!(rename_glue(glue, "./y_bg.js", &map).is_err(), "another module");
        let missing = glue.replace("__wbg_get_0123456789abcdef", "other");
        assert!(rename_glue(&missing, "./x_bg.js", &map).is_err(), "an import the glue lacks");
    }
}
