//! docs/webhooks.md's checking code, run: the Node function (with the
//! pinned Node) and the Python one (Debian's `python3`) must accept the
//! documented test vector and refuse a changed body, a changed secret and
//! an old time; and the Worker's signature (`edge/src/inbox/hooks.rs`) is
//! what the receiver in `e2e::hooks` checks in `tests/webhooks.rs`.

use std::process::{Command, Stdio};

use e2e::wrangler::{node_bin, repo_root};

const HEADER: &str = "t=1700000000,v1=66457fe752dfb1fb7c1b8f77a3c224217f27586a99aae68318a98154b48dc07f";
const BODY: &str = r#"{"id":"c.1","type":"message.created"}"#;

/// The fenced block of `lang` under `### heading` in docs/webhooks.md.
fn snippet(heading: &str, lang: &str) -> String {
    let doc = std::fs::read_to_string(repo_root().join("docs/webhooks.md")).unwrap();
    let from = doc.find(&format!("### {heading}")).expect("the heading");
    let fence = format!("```{lang}\n");
    let start = from + doc[from..].find(&fence).expect("its code block") + fence.len();
    let end = start + doc[start..].find("```").expect("the block's end");
    doc[start..end].to_owned()
}

fn run(program: &std::path::Path, code: &str) -> Vec<String> {
    use std::io::Write;
    let mut child = Command::new(program).arg("-").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(code.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{} failed on:\n{code}", program.display());
    String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).collect()
}

/// The four checks, each a call of `verify(secret, header, body, now)`.
fn cases() -> [(&'static str, String, &'static str, u64); 4] {
    let changed = BODY.replace("c.1", "c.2");
    [
        ("whsec_test", BODY.to_owned(), "true", 1_700_000_100),
        ("whsec_test", changed, "false", 1_700_000_100),
        ("whsec_other", BODY.to_owned(), "false", 1_700_000_100),
        ("whsec_test", BODY.to_owned(), "false", 1_700_000_301),
    ]
}

#[test]
fn the_documented_node_check_accepts_the_vector_and_refuses_changes() {
    let mut code = snippet("Node", "js");
    for (secret, body, _, now) in cases() {
        code.push_str(&format!("console.log(verify({secret:?}, {HEADER:?}, {body:?}, {now}));\n"));
    }
    assert_eq!(run(&node_bin(), &code), cases().map(|c| c.2));
}

#[test]
fn the_documented_python_check_accepts_the_vector_and_refuses_changes() {
    let mut code = snippet("Python", "python");
    for (secret, body, _, now) in cases() {
        code.push_str(&format!("print(str(verify({secret:?}, {HEADER:?}, {body:?}, {now})).lower())\n"));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let python = std::env::split_paths(&path).map(|d| d.join("python3")).find(|p| p.is_file());
    let python = python.expect("python3 (cargo xtask setup installs it)");
    assert_eq!(run(&python, &code), cases().map(|c| c.2));
}
