//! The scale bench's simulated week (`cargo xtask bench --only week`): a
//! Worker of its own whose "day" is a few seconds (sessions, sign-in
//! windows and sweeps shortened in step), a site keeping closed
//! conversations and channel messages one day, and each day the same
//! traffic — sign-ins (sessions), wrong sign-ins (attempts), conversations
//! started and closed, channel messages. What was made is counted against
//! the rows left at the end: with retention on they stay about one day's
//! worth, however many days pass.

use std::time::{Duration, Instant};

use anyhow::Result;
use serde::Deserialize;
use shared::api::{customer_socket_path, operator_channel_path, operator_socket_path, site_config_path, LOGIN_PATH};
use shared::site::SiteConfig;
use shared::staff::{Login, StaffRole};
use shared::workflow::{Event, Outcome};

use crate::accounts::Staff;
use crate::client::{create_conversation, Socket};
use crate::wrangler::OwnWorker;

/// The rows retention bounds, as the Worker counts them.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
pub struct Rows {
    /// Sessions in the demo organisation.
    pub sessions: u64,
    /// Sign-in attempts in every index shard.
    pub attempts: u64,
    /// Inbox lines (one per conversation kept).
    pub lines: u64,
    /// Message rows of the demo site's `live` channel.
    pub channel: u64,
}

#[derive(Deserialize)]
struct Expiring {
    sessions: u64,
    attempts: u64,
}

#[derive(Deserialize)]
struct SiteRows {
    lines: u64,
    channels: std::collections::HashMap<String, u64>,
}

fn rows(base: &str) -> Result<Rows> {
    let e: Expiring = ureq::get(&format!("{base}/api/bench/expiring")).call()?.into_json()?;
    let s: SiteRows = ureq::get(&format!("{base}/api/bench/site-rows/demo")).call()?.into_json()?;
    let channel = s.channels.get("live").copied().unwrap_or(0);
    Ok(Rows { sessions: e.sessions, attempts: e.attempts, lines: s.lines, channel })
}

/// One simulated week.
#[derive(Debug, Clone)]
pub struct Week {
    /// Seconds per simulated day.
    pub day_seconds: u64,
    /// What the week made: sessions opened, sign-ins refused,
    /// conversations closed, channel messages.
    pub made: Rows,
    /// The rows left at the end of the seventh day.
    pub left: Rows,
    /// The most rows seen at any day's end.
    pub most: Rows,
}

/// Runs a week of `per_day` of each kind of traffic, a day being
/// `day_seconds`, on a Worker of its own.
pub fn simulated_week(day_seconds: u64, per_day: usize) -> Result<Week> {
    let (day, ttl) = (day_seconds.to_string(), (day_seconds / 2).max(1).to_string());
    let vars = [
        ("BENCH", "on"),
        ("RETENTION_DAY_SECONDS", day.as_str()),
        ("RETENTION_SWEEP_SECONDS", "1"),
        // 12 h and 15 min of a day, at least the 1 s these count in.
        ("SESSION_TTL_SECONDS", ttl.as_str()),
        ("LOGIN_WINDOW_SECONDS", "1"),
    ];
    let w = OwnWorker::start("week", &vars, true)?;
    let base = w.base();
    let admin = Staff::demo(base, StaffRole::Admin)?;
    let mut config: SiteConfig = admin.get(&site_config_path("demo")).call()?.into_json()?;
    (config.retention.closed_days, config.retention.channel_days) = (1, 1);
    admin.send("PUT", &site_config_path("demo")).send_json(&config)?;

    let (mut made, mut most) = (Rows::default(), Rows::default());
    let start = Instant::now();
    for d in 0..7 {
        for i in 0..per_day {
            Staff::demo(base, StaffRole::Operator)?;
            made.sessions += 1;
            let wrong = Login { email: format!("nobody-{d}-{i}@week.test"), password: "not it".into(), code: None };
            let _ = ureq::post(&format!("{base}{LOGIN_PATH}")).set("Origin", base).send_json(&wrong);
            made.attempts += 1;
            let c = create_conversation(base, "demo")?;
            let mut customer = Socket::open(base, &customer_socket_path(c.conversation.as_str(), &c.token, 0))?;
            customer.welcome_and_replay(0)?;
            customer.send_acked("q", "hello")?;
            let operator = Staff::demo(base, StaffRole::Operator)?;
            made.sessions += 1;
            let mut op = operator.socket(&operator_socket_path("demo", c.conversation.as_str(), 0))?;
            op.welcome_and_replay(0)?;
            op.act("e", Event::Escalate { team: "billing".into(), note: "refund".into() })?;
            op.act("x", Event::Close { outcome: Outcome::Escalated })?;
            made.lines += 1;
            // Sessions last half a day: each message its own sign-in.
            let moderator = Staff::demo(base, StaffRole::Moderator)?;
            made.sessions += 1;
            let mut channel = moderator.socket(&operator_channel_path("demo", "live", u64::MAX >> 12))?;
            channel.recv()?; // welcome
            channel.send_acked(&format!("d{d}-{i}"), &format!("day {d}, message {i}"))?;
            made.channel += 1;
        }
        let day_end = Duration::from_secs(day_seconds * (d + 1));
        if let Some(wait) = day_end.checked_sub(start.elapsed()) {
            std::thread::sleep(wait);
        }
        let now = rows(base)?;
        most = Rows {
            sessions: most.sessions.max(now.sessions),
            attempts: most.attempts.max(now.attempts),
            lines: most.lines.max(now.lines),
            channel: most.channel.max(now.channel),
        };
    }
    let left = rows(base)?;
    Ok(Week { day_seconds, made, left, most })
}
