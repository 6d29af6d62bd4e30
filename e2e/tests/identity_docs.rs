//! docs/identity.md's signing code, run: the Node function (with the pinned
//! Node), the Python one and the PHP one (Debian's `python3` and `php-cli`,
//! which `cargo xtask setup` installs) must give the documented test
//! vectors. (The Worker's side: `edge/src/identity/tests.rs`.)

use std::process::Command;

use e2e::wrangler::{node_bin, repo_root};

const VECTORS: [(&str, &str); 2] = [
    ("user-42", "2c3d0f0cc6fefb965415a8f77b2397d28d03e76ec294c2751827a19e8df66c22"),
    ("Zoë|ops@x", "07db29ac99a088b0d279eedaf6c5693e27d69fbb446f19f22a0d065c73b6dcbc"),
];

/// The first fenced block of `lang` after `heading` in docs/identity.md.
fn snippet(heading: &str, lang: &str) -> String {
    let doc = std::fs::read_to_string(repo_root().join("docs/identity.md")).unwrap();
    let from = doc.find(heading).unwrap_or_else(|| panic!("docs/identity.md has no {heading:?}"));
    let fence = format!("```{lang}\n");
    let start = from + doc[from..].find(&fence).expect("its code block") + fence.len();
    let end = start + doc[start..].find("```").expect("the block's end");
    doc[start..end].to_owned()
}

/// Runs `program` with `code` on stdin; its output, trimmed.
fn run(program: &std::path::Path, args: &[&str], code: &str) -> String {
    use std::io::Write;
    let mut child = Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()));
    child.stdin.take().unwrap().write_all(code.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{} failed on:\n{code}", program.display());
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn the_documented_node_signing_gives_the_test_vectors() {
    let mut code = snippet("Node.js:", "js");
    for (user, _) in VECTORS {
        code.push_str(&format!(
            "console.log(signIdentity(\"test-identity-secret\", \"demo\", {user:?}, 1796400600));\n"
        ));
    }
    let out = run(&node_bin(), &["-"], &code);
    assert_eq!(out.lines().collect::<Vec<_>>(), VECTORS.map(|(_, h)| h));
}

#[test]
fn the_documented_python_signing_gives_the_test_vectors() {
    let python = which("python3").expect("python3 (cargo xtask setup installs it)");
    let mut code = snippet("Python:", "python");
    for (user, _) in VECTORS {
        code.push_str(&format!("print(sign_identity(\"test-identity-secret\", \"demo\", {user:?}, 1796400600))\n"));
    }
    let out = run(&python, &["-"], &code);
    assert_eq!(out.lines().collect::<Vec<_>>(), VECTORS.map(|(_, h)| h));
}

#[test]
fn the_documented_php_signing_gives_the_test_vectors() {
    let php = which("php").expect("php (cargo xtask setup installs php-cli)");
    let mut code = format!("<?php\n{}", snippet("PHP:", "php"));
    for (user, _) in VECTORS {
        code.push_str(&format!(
            "echo sign_identity('test-identity-secret', 'demo', {}, 1796400600), \"\\n\";\n",
            php_string(user)
        ));
    }
    let out = run(&php, &[], &code);
    assert_eq!(out.lines().collect::<Vec<_>>(), VECTORS.map(|(_, h)| h));
}

/// A PHP single-quoted string literal of `s`.
fn php_string(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// `name` on the PATH.
fn which(name: &str) -> Result<std::path::PathBuf, ()> {
    let path = std::env::var_os("PATH").ok_or(())?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file()).ok_or(())
}
