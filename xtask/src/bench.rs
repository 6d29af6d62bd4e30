//! `cargo xtask bench [--quick] [--only TABLE]`: sizes, screening cost, latency, throughput,
//! concurrency, host-page impact and console-at-scale against the real
//! Worker in `wrangler dev` on loopback, printed as Markdown tables (the
//! format of `BENCHMARKS.md`). `--quick` is the smoke run `cargo xtask test`
//! does: same code, small counts, nothing about speed asserted. `--only`
//! runs some tables (comma-separated: `sizes`, `screening`, `latency`, `sign-in`, `throughput`,
//! `concurrency`, `join`, `scale`, `fanout`, `deployment`, `browser`,
//! `week`), for profiling one change.

use std::process::Command;

use anyhow::Result;
use e2e::bench::{
    channel_join, concurrency, floor_throughput, latency, ms, throughput, throughput_pipelined, Percentiles, Throughput,
};
use e2e::wrangler::{Options, Wrangler};

use crate::{build, root, setup, sizes, step};

/// Counts for one run.
struct Counts {
    latency: usize,
    sign_ins: usize,
    throughput: [(usize, usize); 3],
    sockets: usize,
    conversations: usize,
    samples: usize,
    browser_runs: usize,
    history: usize,
    joins: usize,
    /// Scale: live conversations, operator inbox sockets, messages/s, seconds.
    scale: (usize, usize, u64, u64),
    /// Simulated week: seconds per day, each kind of traffic per day.
    week: (u64, usize),
    /// Fan-out: channel viewers, messages. (4,000, not the 5,000 of 1/10
    /// size: workerd here runs out of file descriptors at ~4,950 sockets,
    /// RLIMIT_NOFILE being 20,000 and not raisable in this container.)
    fanout: (usize, u64),
    /// Deployment: organisations, sites and accounts each, rounds of console requests.
    deployment: (usize, usize, usize, usize),
}

const FULL: Counts = Counts {
    latency: 2000,
    sign_ins: 100,
    throughput: [(1, 2000), (10, 200), (50, 40)],
    sockets: 1000,
    conversations: 100,
    samples: 500,
    browser_runs: 10,
    history: 100_000,
    joins: 20,
    scale: (1_000, 50, 70, 20),
    fanout: (4_000, 50),
    week: (4, 10),
    deployment: (1_000, 10, 50, 20),
};

const QUICK: Counts = Counts {
    latency: 50,
    sign_ins: 5,
    throughput: [(1, 20), (10, 5), (50, 2)],
    sockets: 40,
    conversations: 10,
    samples: 20,
    browser_runs: 1,
    history: 300,
    joins: 3,
    scale: (20, 3, 10, 2),
    fanout: (20, 5),
    week: (1, 2),
    deployment: (10, 3, 5, 3),
};

/// Entry point of `cargo xtask bench`.
pub fn run(args: &[String]) -> Result<()> {
    let quick = args.iter().any(|a| a == "--quick");
    let only = args.iter().position(|a| a == "--only").and_then(|i| args.get(i + 1)).map(String::as_str);
    if let Some(tables) = only {
        for table in tables.split(',') {
            anyhow::ensure!(TABLES.contains(&table), "--only takes tables of {TABLES:?}, separated by commas");
        }
    }
    setup::all(true)?;
    build::all()?;
    run_built(quick, only)
}

/// The tables, in the order they run.
const TABLES: [&str; 12] = [
    "sizes",
    "screening",
    "latency",
    "sign-in",
    "throughput",
    "concurrency",
    "join",
    "scale",
    "fanout",
    "deployment",
    "browser",
    "week",
];

/// The benchmarks on an already built tree (`only`: one table).
pub fn run_built(quick: bool, only: Option<&str>) -> Result<()> {
    let counts = if quick { QUICK } else { FULL };
    let runs = |table: &str| only.is_none_or(|o| o.split(',').any(|t| t == table));
    let mut opts = Options::fresh_for_tests("bench");
    opts.vars.push(("BENCH".into(), "on".into()));
    let w = Wrangler::start(opts)?;
    e2e::client::without_rate_rules(&w.base_url, "demo")?;
    machine();
    if runs("sizes") {
        sizes_table()?;
    }
    if runs("screening") {
        crate::screening::table(if quick { 20 } else { 500 })?;
    }
    if runs("latency") {
        latency_table(&w.base_url, counts.latency)?;
    }
    if runs("sign-in") {
        sign_in_table(&w.base_url, counts.sign_ins)?;
    }
    if runs("throughput") {
        throughput_table(&w.base_url, &counts.throughput)?;
    }
    if runs("concurrency") {
        concurrency_table(&w.base_url, &counts)?;
    }
    if runs("join") {
        join_table(&w.base_url, &counts)?;
    }
    if runs("scale") {
        scale_table(&w.base_url, &counts)?;
    }
    if runs("fanout") {
        fanout_table(&w.base_url, &counts)?;
    }
    if runs("deployment") {
        deployment_table(&w.base_url, &counts)?;
    }
    if runs("browser") {
        browser_tables(&w.base_url, &counts)?;
    }
    // Its own Worker, with a short day (two `wrangler dev` at once clash).
    drop(w);
    if runs("week") {
        week_table(&counts)?;
    }
    Ok(())
}

fn week_table(c: &Counts) -> Result<()> {
    let (day_seconds, per_day) = c.week;
    step(&format!(
        "retention, a simulated week ({day_seconds} s a day): each day {per_day} sign-ins, refused sign-ins, \
         conversations closed and channel messages; closed conversations and channel messages kept a day"
    ));
    let w = e2e::week::simulated_week(day_seconds, per_day)?;
    println!("| rows | made in the week | most at a day's end | left at the end |\n|---|---:|---:|---:|");
    for (name, made, most, left) in [
        ("sessions", w.made.sessions, w.most.sessions, w.left.sessions),
        ("sign-in attempts", w.made.attempts, w.most.attempts, w.left.attempts),
        ("conversations (inbox lines)", w.made.lines, w.most.lines, w.left.lines),
        ("channel messages", w.made.channel, w.most.channel, w.left.channel),
    ] {
        println!("| {name} | {made} | {most} | {left} |");
    }
    Ok(())
}

fn machine() {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    step("machine");
    println!("{cores} cores ({cpu}); Worker on workerd via wrangler dev, loopback");
}

fn sizes_table() -> Result<()> {
    step("sizes of shipped files");
    println!("| file group | raw B | gzip B | brotli B |\n|---|---:|---:|---:|");
    for g in sizes::groups()? {
        println!("| {} | {} | {} | {} |", g.name, g.raw, g.gzip, g.brotli);
    }
    Ok(())
}

fn row(name: &str, p: &Percentiles) -> String {
    format!("| {name} | {} | {} | {} |", ms(p.p50), ms(p.p95), ms(p.p99))
}

fn ratio(a: &Percentiles, base: &Percentiles) -> String {
    let r = |x: std::time::Duration, y: std::time::Duration| x.as_secs_f64() / y.as_secs_f64();
    format!("| {:.2} | {:.2} | {:.2} |", r(a.p50, base.p50), r(a.p95, base.p95), r(a.p99, base.p99))
}

fn latency_table(base: &str, n: usize) -> Result<()> {
    step(&format!("latency, {n} sequential round trips per series, (a) (d) (b) interleaved (ms)"));
    let l = latency(base, n)?;
    println!("| series | p50 | p95 | p99 |\n|---|---:|---:|---:|");
    println!("{}", row("(a) echo through a Durable Object, nothing stored", &l.echo));
    println!("{}", row("(d) echo after one SQLite insert (durable floor)", &l.durable));
    println!("{}", row("(b) customer send → ack (stored)", &l.ack));
    println!("{}", row("(c) customer send → delivered to operator", &l.deliver));
    println!("| (b)/(a) {}", ratio(&l.ack, &l.echo).trim_start_matches("| "));
    println!("| (b)/(d) {}", ratio(&l.ack, &l.durable).trim_start_matches("| "));
    println!("| (c)/(a) {}", ratio(&l.deliver, &l.echo).trim_start_matches("| "));
    let per = |x: u64| x as f64 / l.sent as f64;
    println!("\nwork per accepted customer message (series b, the Conversation object's counters):");
    println!("| SQLite reads | SQLite writes | calls to other objects |\n|---:|---:|---:|");
    println!("| {:.2} | {:.2} | {:.2} |", per(l.work.reads), per(l.work.writes), per(l.work.calls));
    Ok(())
}

fn sign_in_table(base: &str, n: usize) -> Result<()> {
    step(&format!("console sign-in, {n} sequential sign-ins per series (ms; Argon2id 19 MiB, t=2, p=1)"));
    let (right, unknown) = e2e::bench::sign_in(base, n)?;
    println!("| series | p50 | p95 | p99 |\n|---|---:|---:|---:|");
    println!("{}", row("right password (hash, session)", &right));
    println!("{}", row("unknown address (decoy hash), refused", &unknown));
    Ok(())
}

fn throughput_table(base: &str, runs: &[(usize, usize)]) -> Result<()> {
    step("durable throughput into one conversation (each message acked and stored)");
    println!("| senders | in flight each | messages | seconds | messages/s |\n|---|---:|---:|---:|---:|");
    let line = |what: &str, t: &Throughput| {
        let (n, s) = (t.messages, t.elapsed.as_secs_f64());
        println!("| {what} | {} | {n} | {s:.2} | {:.0} |", t.in_flight, t.per_second());
    };
    let (_, per) = runs[0];
    line("floor: the durable echo, 1 socket", &floor_throughput(base, per)?);
    for &(senders, per) in runs {
        line(&senders.to_string(), &throughput(base, senders, per)?);
    }
    line("1", &throughput_pipelined(base, per, PIPELINE)?);
    Ok(())
}

/// Messages one pipelined sender keeps unacknowledged.
const PIPELINE: usize = 32;

fn concurrency_table(base: &str, c: &Counts) -> Result<()> {
    step(&format!(
        "concurrency: {} customer sockets over {} conversations + an operator inbox (ms)",
        c.sockets, c.conversations
    ));
    let r = concurrency(base, c.sockets, c.conversations, c.samples)?;
    println!("| measure | p50 | p95 | p99 |\n|---|---:|---:|---:|");
    println!("{}", row("connect (handshake → welcome)", &r.connect));
    println!("{}", row(&format!("send → delivered, {} samples under load", c.samples), &r.deliver));
    println!("{}", row("send → operator inbox update", &r.inbox));
    println!("all {} sockets opened one after another in {:.2} s", r.sockets, r.connect_all.as_secs_f64());
    Ok(())
}

fn scale_table(base: &str, c: &Counts) -> Result<()> {
    let (conversations, operators, rate, seconds) = c.scale;
    step(&format!(
        "scale, one site: {conversations} live conversations, {operators} operators with the inbox open, \
         {rate} customer messages/s for {seconds} s (counted, not timed)"
    ));
    let r = e2e::scale::inbox_load(base, conversations, operators, rate, seconds)?;
    println!("| measure | counted |\n|---|---:|");
    println!("| messages sent | {} in {:.1} s |", r.messages, r.seconds);
    for (part, n) in ["settings", "list", "desk", "admission"].iter().zip(r.part_requests) {
        let (per_s, per_message) = (n as f64 / r.seconds, n as f64 / r.messages.max(1) as f64);
        println!("| requests to the inbox's {part} part | {n} ({per_s:.1}/s, {per_message:.2} per message) |");
    }
    println!(
        "| frames per operator inbox socket per second | mean {:.2}, most {:.2} |",
        r.frames_per_socket_s.0, r.frames_per_socket_s.1
    );
    let per = |n: u64| n as f64 / conversations.max(1) as f64;
    let (requests, passes, calls) = r.opening;
    println!(
        "| routing while {conversations} conversations opened and {operators} operator sockets came online | \
         list part {requests} requests ({:.2} per conversation), {passes} passes, {calls} calls to conversations ({:.2} per conversation) |",
        per(requests),
        per(calls)
    );
    println!("| routing while the messages flowed | {} passes, {} calls to conversations |", r.routing.0, r.routing.1);
    let [told, rows, gaps, bytes] = r.index;
    let per_message = |n: u64| n as f64 / told.max(1) as f64;
    println!("| search index: messages told with the notices, extra requests | {told} of {} sent, 0 |", r.messages);
    println!(
        "| search index: rows written per message (its table and FTS5's) | {:.2} |\n\
         | search index: gaps repaired (a run read back from the conversation) | {gaps} |\n\
         | search index: list part's database growth per message | {:.0} B |",
        per_message(rows),
        per_message(bytes)
    );
    let [handed, requests, delivered, signed] = r.hooks;
    println!(
        "| webhooks (an endpoint wanting message.created): the list part's requests to the hooks part | {handed} ({:.2} per message) |\n\
         | webhooks: requests the hooks part handled | {requests} ({:.2} per message) |\n\
         | webhooks: deliveries received, signature valid | {delivered} of {} messages, {signed} valid |",
        per_message(handed),
        per_message(requests),
        r.messages
    );
    println!(
        "\n| search over the {} messages (round trip, loopback) | p50 | p95 | p99 |\n|---|---:|---:|---:|",
        r.messages
    );
    for (what, p) in
        ["a word in every message", "a word in one message", "a word in one, open only"].iter().zip(&r.search)
    {
        println!("{}", row(what, p));
    }
    Ok(())
}

fn fanout_table(base: &str, c: &Counts) -> Result<()> {
    let (viewers, messages) = c.fanout;
    step(&format!("scale, one channel: {viewers} viewers over its relays, {messages} messages (counted, not timed)"));
    let f = e2e::scale::channel_fanout(base, viewers, messages)?;
    println!("| measure | counted |\n|---|---:|");
    println!("| viewer sockets | {} |", f.viewers);
    println!("| viewer sockets per relay (least, most) | {}, {} |", f.per_relay.0, f.per_relay.1);
    println!("| messages | {} |", f.messages);
    println!(
        "| channel requests to its relays | {} ({:.2} per message) |",
        f.relay_calls,
        f.relay_calls as f64 / f.messages as f64
    );
    println!("| sampled viewers with every message once, in order | {} of {} |", f.complete.0, f.complete.1);
    anyhow::ensure!(f.complete.0 == f.complete.1, "a sampled viewer missed messages");
    Ok(())
}

fn deployment_table(base: &str, c: &Counts) -> Result<()> {
    let (orgs, sites, accounts, rounds) = c.deployment;
    step(&format!(
        "scale, one deployment: {orgs} organisations × {sites} sites × {accounts} accounts seeded; \
         one organisation's console requests (session check, people page), counted before and after"
    ));
    let d = e2e::deployment::deployment_load(base, orgs, sites, accounts, rounds)?;
    println!("seeded {} sites and {} accounts in {:.1} s", d.sites, d.accounts, d.seed_seconds);
    println!("| deployment | console requests | calls to own Org per request | rows read there per request (mean, most in a round) | calls outside the organisation |");
    println!("|---|---:|---:|---:|---:|");
    for (name, r) in [("1 organisation", d.before), (&format!("{orgs} organisations") as &str, d.after)] {
        println!(
            "| {name} | {} | {:.2} | {:.2}, {} | {} |",
            r.requests, r.own_calls, r.rows_read.0, r.rows_read.1, r.outside_calls
        );
    }
    Ok(())
}

fn join_table(base: &str, c: &Counts) -> Result<()> {
    step("a visitor joins a public channel: 100 messages of history, then the channel topped up");
    println!("| history | messages received | frames after the welcome | newest message p50 ms | p99 ms |");
    println!("|---:|---:|---:|---:|---:|");
    for history in [100, c.history as u64] {
        let j = channel_join(base, history, c.joins)?;
        println!("| {} | {} | {} | {} | {} |", j.history, j.messages, j.frames, ms(j.page.p50), ms(j.page.p99));
    }
    Ok(())
}

fn browser_tables(base: &str, c: &Counts) -> Result<()> {
    step("host-page impact and console at scale (headless Chromium)");
    crate::run(
        Command::new(e2e::wrangler::node_bin())
            .arg(root().join("e2e/browser/bench.mjs"))
            .env("E2E_BASE_URL", base)
            .env("E2E_PASSWORD", e2e::accounts::TEST_PASSWORD)
            .env("BENCH_RUNS", c.browser_runs.to_string())
            .env("BENCH_HISTORY", c.history.to_string())
            .current_dir(root()),
    )
}
