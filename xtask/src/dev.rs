//! `cargo xtask dev`: installs what is missing, builds, and runs the Worker
//! on `workerd` through `wrangler dev` at http://127.0.0.1:8787 with state
//! kept in `.state/dev`. Wrangler rebuilds on edits (its `[build]` command
//! is `cargo xtask build`). The first run seeds a demo organisation (site
//! `demo`, one account per role, random passwords kept in
//! `edge/.dev-logins`) through `/api/setup` and prints the logins.

use anyhow::Result;
use e2e::wrangler::{Options, Wrangler};
use shared::staff::{NewSite, Seed, SeedAccount, StaffRole};

use crate::{build, root, setup, step};

/// The port of the local Worker.
pub const PORT: u16 = 8787;

/// Runs the product locally until Ctrl-C.
pub fn run() -> Result<()> {
    setup::all(false)?;
    build::all()?;
    let key = setup_key()?;
    let seed = demo_seed()?;
    step("starting wrangler dev (workerd)");
    let state = root().join(".state/dev");
    std::fs::create_dir_all(&state)?;
    let opts = Options {
        port: PORT,
        state_dir: state.clone(),
        build: true,
        vars: vec![("DEMO".into(), "on".into()), ("HOOKS_HTTP".into(), "on".into())],
        log: None,
        seed_demo: false,
    };
    let mut w = Wrangler::start(opts)?;
    let fresh = e2e::accounts::seed(&w.base_url, &key, &seed)?;
    if let Err(e) = working_day(&w.base_url, &seed) {
        println!("could not seed the demo's working day: {e:#}");
    }
    println!(
        "\n  Demo customer page  http://localhost:{PORT}/demo\n  \
         Operator console    http://127.0.0.1:{PORT}/console\n  \
         Local state         {}\n\n  {} (also in edge/.dev-logins):",
        state.display(),
        if fresh { "Seeded the demo organisation; its logins" } else { "Demo logins" }
    );
    for a in &seed.accounts {
        println!("    {:<11} {:<24} {}", a.role.as_str(), a.email, a.password);
    }
    println!("\n  Ctrl-C stops.\n");
    w.wait()
}

/// The demo's working day, at every start: a week of closed conversations
/// for the performance page (up to now), and the operator's and the
/// supervisor's weekly shifts for the coverage grid, the operator's seat
/// (teams, mentor) and the billing team's own hours.
fn working_day(base: &str, seed: &Seed) -> Result<()> {
    use shared::hours::{Day, Opening, Shifts};
    let login = |role: StaffRole| -> Result<e2e::accounts::Staff> {
        let a = seed.accounts.iter().find(|a| a.role == role).expect("every role is seeded");
        e2e::accounts::Staff::login(base, &a.email, &a.password)
    };
    let (supervisor, operator) = (login(StaffRole::Supervisor)?, login(StaffRole::Operator)?);
    let names = [supervisor.me.name.clone(), operator.me.name.clone()];
    supervisor
        .send("POST", "/api/console/sites/demo/performance/seed")
        .send_json(serde_json::json!({ "operators": names }))?;
    let week = |from: &str, to: &str| -> Vec<Opening> {
        Day::ALL[..5].iter().map(|d| Opening { day: *d, from: from.into(), to: to.into() }).collect()
    };
    let path = shared::api::shifts_path("demo");
    operator
        .send("PUT", &path)
        .send_json(Shifts { time_zone: "Europe/Berlin".into(), week: week("08:00", "16:00") })?;
    supervisor
        .send("PUT", &path)
        .send_json(Shifts { time_zone: "America/New_York".into(), week: week("09:00", "13:00") })?;
    // Seats: the operator on technical and billing, mentored by the
    // supervisor (the board, the mentor's scope, hand-overs).
    let seat = shared::routing::Seat {
        capacity: 3,
        teams: vec!["technical".into(), "billing".into()],
        skills: vec!["refunds".into()],
        mentor: Some(supervisor.me.name.clone()),
        ..shared::routing::Seat::default_for(&operator.me.name)
    };
    supervisor.send("PUT", &shared::api::seats_path("demo")).send_json(&seat)?;
    // Billing keeps office hours of its own (an escalation outside them
    // tells the customer when the team is back); the site stays open.
    // Confirmed orders go to the demo's checkout page with the signed cart.
    use shared::pricing::{Discount, Offer};
    let admin = login(StaffRole::Admin)?;
    let config_path = shared::api::site_config_path("demo");
    let mut config: shared::site::SiteConfig = admin.get(&config_path).call()?.into_json()?;
    let before = config.clone();
    if !config.hours.iter().any(|h| h.team.as_deref() == Some("billing")) {
        config.hours.push(shared::hours::Hours {
            team: Some("billing".into()),
            time_zone: "Europe/Berlin".into(),
            week: week("09:00", "17:00"),
            holidays: Vec::new(),
        });
    }
    if config.sales.checkout.is_empty() {
        config.sales.checkout = "/demo/checkout?cart={cart}&sig={sig}".into();
    }
    // A launch offer on the starter plan that ends in a month: its product
    // card strikes the old price through and says until when.
    if !config.sales.offers.iter().any(|o| o.id == "starter-launch") {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis() as u64;
        let launch = Discount::Percent(2_000);
        config.sales.offers.push(Offer {
            products: vec!["starter".into()],
            ends_ms: Some(now + 30 * 86_400_000),
            ..Offer::new("starter-launch", "Launch month: 20 % off", launch)
        });
    }
    if config != before {
        admin.send("PUT", &config_path).send_json(&config)?;
    }
    Ok(())
}

/// 16 random bytes as hex.
fn random_hex() -> Result<String> {
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom").and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The setup key from `edge/.dev.vars`, created with a random one if missing.
fn setup_key() -> Result<String> {
    let path = root().join("edge/.dev.vars");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    if let Some(key) = text.lines().find_map(|l| l.strip_prefix("SETUP_KEY=")) {
        return Ok(key.trim().trim_matches('"').to_owned());
    }
    let key = random_hex()?;
    std::fs::write(&path, format!("{text}SETUP_KEY={key}\n"))?;
    println!("created {} with a new setup key", path.display());
    Ok(key)
}

/// The demo organisation: its logins from `edge/.dev-logins` (`role email
/// password` per line), created with random passwords if missing.
fn demo_seed() -> Result<Seed> {
    let path = root().join("edge/.dev-logins");
    let mut accounts = Vec::new();
    for line in std::fs::read_to_string(&path).unwrap_or_default().lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        if let [role, email, password] = parts.as_slice() {
            if let Some(role) = StaffRole::parse(role) {
                let name = format!("Demo {}", role.as_str());
                accounts.push(SeedAccount { email: (*email).into(), name, role, password: (*password).into() });
            }
        }
    }
    if accounts.len() != StaffRole::ALL.len() {
        accounts.clear();
        let mut text = String::new();
        for role in StaffRole::ALL {
            let (email, password) = (format!("{}@demo.example", role.as_str()), random_hex()?);
            text.push_str(&format!("{} {email} {password}\n", role.as_str()));
            let name = format!("Demo {}", role.as_str());
            accounts.push(SeedAccount { email, name, role, password });
        }
        std::fs::write(&path, text)?;
    }
    Ok(Seed {
        org: "Demo Shop".into(),
        sites: vec![NewSite { id: "demo".parse()?, name: "Demo shop".into() }],
        accounts,
    })
}
