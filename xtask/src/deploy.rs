//! `cargo xtask deploy`: `wrangler deploy` of the Worker to the Cloudflare
//! account wrangler is signed in to (its `[build]` runs `cargo xtask
//! build`; wrangler's own arguments are passed on); `cargo xtask wrangler`:
//! the pinned wrangler in `edge/` (login, secrets, rollback); and `cargo xtask
//! bootstrap`: a new deployment's first organisation, site and owner,
//! through `POST /api/setup` with the deployment's `SETUP_KEY`, once.
//! DEPLOY.md walks through both.

use std::process::Command;

use anyhow::{bail, Context, Result};
use shared::staff::{NewSite, Seed, SeedAccount, StaffRole};

use crate::setup::node_tool;
use crate::{root, run, step};

/// `wrangler deploy`, after installing what is missing.
pub fn deploy(args: &[String]) -> Result<()> {
    crate::setup::all(false)?;
    step("wrangler deploy");
    wrangler(&[&["deploy".to_owned()], args].concat())
}

/// The pinned wrangler (with the pinned Node) in `edge/`, with `args`:
/// `login`, `secret put SETUP_KEY`, `rollback`, …
pub fn wrangler(args: &[String]) -> Result<()> {
    let edge = root().join("edge");
    run(Command::new(e2e::wrangler::node_bin())
        .arg(node_tool("wrangler/bin/wrangler.js"))
        .args(args)
        .current_dir(&edge))
}

/// The first organisation of a deployment at `--url`: `--org`, `--site`
/// (id) and `--site-name`, and its owner `--email` and `--name`. The setup
/// key and the owner's first password come from the environment
/// (`SETUP_KEY`, `OWNER_PASSWORD`), never the command line (shell history).
pub fn bootstrap(args: &[String]) -> Result<()> {
    let flag = |name: &str| -> Result<String> {
        let at = args.iter().position(|a| a == name).with_context(|| format!("{name} is missing\n\n{USAGE}"))?;
        args.get(at + 1).cloned().with_context(|| format!("{name} needs a value"))
    };
    let url = flag("--url")?.trim_end_matches('/').to_owned();
    let key = std::env::var("SETUP_KEY").context("set SETUP_KEY to the deployment's setup key")?;
    let password = std::env::var("OWNER_PASSWORD").context("set OWNER_PASSWORD to the owner's first password")?;
    let seed =
        seed(&flag("--org")?, &flag("--site")?, &flag("--site-name")?, &flag("--email")?, &flag("--name")?, password)?;
    step(&format!("bootstrap: organisation {:?} at {url}", seed.org));
    if !e2e::accounts::seed(&url, &key, &seed)? {
        bail!("this deployment already has its first organisation (the setup route answered 409)");
    }
    println!("Created. Sign in at {url}/console as {}.", seed.accounts[0].email);
    Ok(())
}

/// How `bootstrap` is called.
const USAGE: &str = "SETUP_KEY=… OWNER_PASSWORD=… cargo xtask bootstrap --url https://chat.example.com \
--org \"Acme\" --site acme --site-name \"Acme shop\" --email owner@acme.example --name \"Olivia Owner\"";

/// The seed of a first organisation, checked as the Worker will.
fn seed(org: &str, site: &str, site_name: &str, email: &str, name: &str, password: String) -> Result<Seed> {
    if let Some(problem) = shared::staff::password_problem(&password) {
        bail!("OWNER_PASSWORD: {problem}");
    }
    let email = shared::staff::normalize_email(email);
    if !shared::staff::email_ok(&email) {
        bail!("--email: {email:?} is not an e-mail address");
    }
    let id = site.parse().map_err(|e| anyhow::anyhow!("--site: {e}"))?;
    let owner = SeedAccount { email, name: name.trim().to_owned(), role: StaffRole::Owner, password };
    Ok(Seed {
        org: org.trim().to_owned(),
        sites: vec![NewSite { id, name: site_name.trim().to_owned() }],
        accounts: vec![owner],
    })
}

#[cfg(test)]
mod tests {
    use super::seed;

    #[test]
    fn a_first_organisation_is_checked_before_anything_is_sent() {
        let ok = seed("Acme", "acme", "Acme shop", " Owner@Acme.Example ", "Olivia", "a long password".into()).unwrap();
        assert_eq!(ok.accounts[0].email, "owner@acme.example");
        assert_eq!(ok.sites[0].id.as_str(), "acme");
        let err = |r: anyhow::Result<shared::staff::Seed>| r.unwrap_err().to_string();
        assert!(err(seed("Acme", "acme", "A", "owner@acme.example", "O", "short".into())).contains("OWNER_PASSWORD"));
        assert!(err(seed("Acme", "acme", "A", "not an address", "O", "a long password".into())).contains("--email"));
        assert!(
            err(seed("Acme", "Not A Site!", "A", "o@acme.example", "O", "a long password".into())).contains("--site")
        );
    }
}
