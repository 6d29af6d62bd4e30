//! Chaos runs (`cargo xtask chaos`): seeded, reproducible conversations in
//! which customers (two tabs) and operators send with client ids while the
//! harness drops sockets mid-send, resends duplicates, reconnects in shuffled
//! order and kills and restarts the Worker. Each participant keeps its state
//! in `shared::chat_log::ChatLog`, the same client logic the widget and
//! console run. After each run every participant settles and the invariants
//! are checked against the stored history.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use shared::chat_log::{ChatLog, Effect};
use shared::{ChatMessage, Role, ServerMsg};

use shared::api::{customer_socket_path, operator_socket_path};

use crate::client::{create_conversation, Socket};
use crate::wrangler::{Options, Wrangler};

/// A small seeded PRNG (SplitMix64): the same seed replays the same run.
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// What one run did and found.
#[derive(Debug, Default)]
pub struct Report {
    /// Messages the participants meant to send.
    pub sent: usize,
    /// Of those, missing from the stored history after settling.
    pub lost: usize,
    /// Stored more than once (same author and client id).
    pub duplicated: usize,
    /// Duplicate resends the harness made on purpose.
    pub resends: usize,
    /// Sockets dropped mid-stream.
    pub drops: usize,
    /// Worker restarts.
    pub restarts: usize,
    /// Broken invariants, in words (empty when the run passed).
    pub violations: Vec<String>,
}

struct Peer {
    role: Role,
    /// The operators' session cookie (empty for customers).
    cookie: String,
    name: String,
    socket: Option<Socket>,
    log: ChatLog,
    /// Client id → text of every message this peer meant to send.
    intended: Vec<(String, String)>,
    /// Client id → the seq its ack carried.
    acks: HashMap<String, u64>,
}

const WORDS: &[&str] = &["order", "refund", "hello", "<b>bold</b>", "ünïcödé", "🙂", "where", "is", "my", "parcel"];

impl Peer {
    fn path(&self, conv: &str, token: &str) -> String {
        let after = self.log.last_seq();
        match self.role {
            Role::Customer => customer_socket_path(conv, token, after),
            Role::Operator => operator_socket_path(crate::accounts::DEMO_SITE, conv, after),
        }
    }

    fn connect(&mut self, base: &str, conv: &str, token: &str, report: &mut Report) {
        let headers = [("Origin", base), ("Cookie", self.cookie.as_str())];
        match Socket::open_with(base, &self.path(conv, token), &headers) {
            Ok(mut s) => {
                let _ = s.set_read_timeout(Duration::from_millis(15));
                self.socket = Some(s);
                self.pump(report, Duration::from_millis(30));
            }
            Err(_) => self.socket = None,
        }
    }

    /// Sends a frame; a dead socket is dropped (the outbox keeps the message).
    fn send(&mut self, frame: &shared::ClientEnvelope) {
        if let Some(s) = self.socket.as_mut() {
            if s.send_raw(&serde_json::to_string(frame).expect("frames encode")).is_err() {
                self.socket = None;
            }
        }
    }

    /// Reads what arrives for about `budget`, feeding the log.
    fn pump(&mut self, report: &mut Report, budget: Duration) {
        let start = Instant::now();
        while start.elapsed() < budget {
            let Some(s) = self.socket.as_mut() else { return };
            let frame = match s.recv() {
                Ok(f) => f,
                Err(e) if crate::client::is_timeout(&e) => return,
                Err(_) => {
                    self.socket = None;
                    return;
                }
            };
            if let (ServerMsg::Ack { seq, .. }, Some(re)) = (&frame.msg, &frame.re) {
                if let Some(old) = self.acks.insert(re.clone(), *seq) {
                    if old != *seq {
                        report.violations.push(format!("{}: {re} acked as {old} then {seq}", self.name));
                    }
                }
            }
            match self.log.receive(frame) {
                Effect::Resend(frames) => frames.iter().for_each(|f| self.send(f)),
                Effect::Sync(f) => self.send(&f),
                Effect::Refused(code, why) => report.violations.push(format!("{}: refused {code:?}: {why}", self.name)),
                _ => {}
            }
        }
    }
}

/// One seeded run. `restart` also kills and restarts the Worker mid-stream.
pub fn run(worker: &mut Wrangler, opts: &Options, seed: u64, restart: bool) -> Result<Report> {
    let mut rng = Rng::new(seed);
    let mut report = Report::default();
    let base = worker.base_url.clone();
    let c = create_conversation(&base, "demo")?;
    let (conv, token) = (c.conversation.to_string(), c.token.clone());
    // Half the runs start past a page of history: peers then connect to the
    // newest page and must keep a gapless tail of the history.
    if rng.below(2) == 0 {
        seed_history(&base, &conv, &token, shared::PAGE + 1 + rng.below(shared::PAGE))?;
    }
    let operator = crate::accounts::Staff::demo(&base, shared::staff::StaffRole::Operator)?;
    let mut peers: Vec<Peer> = [
        ("customer-tab-1", Role::Customer),
        ("customer-tab-2", Role::Customer),
        ("operator-1", Role::Operator),
        ("operator-2", Role::Operator),
    ]
    .into_iter()
    .map(|(name, role)| Peer {
        role,
        cookie: if role == Role::Operator { operator.cookie.clone() } else { String::new() },
        name: name.into(),
        socket: None,
        log: ChatLog::default(),
        intended: vec![],
        acks: HashMap::new(),
    })
    .collect();
    for p in peers.iter_mut() {
        p.connect(&base, &conv, &token, &mut report);
    }
    let steps = 25 + rng.below(25);
    let restart_at = restart.then(|| rng.below(steps));
    for step in 0..steps {
        if restart_at == Some(step) {
            worker.stop();
            *worker = Wrangler::start(opts.clone())?;
            report.restarts += 1;
        }
        let i = rng.below(peers.len());
        match rng.below(100) {
            0..=44 => {
                let p = &mut peers[i];
                let id = format!("{seed:x}-{i}-{}", p.intended.len());
                let text: Vec<&str> = (0..1 + rng.below(6)).map(|_| WORDS[rng.below(WORDS.len())]).collect();
                let text = text.join(" ");
                p.intended.push((id.clone(), text.clone()));
                report.sent += 1;
                let frame = p.log.queue(id, text);
                p.send(&frame);
                if rng.below(5) == 0 {
                    // Dropped right after the send: the ack may or may not have been written.
                    if let Some(s) = p.socket.take() {
                        s.drop_abruptly();
                        report.drops += 1;
                    }
                }
            }
            45..=54 => {
                let p = &mut peers[i];
                if !p.intended.is_empty() {
                    let (id, text) = p.intended[rng.below(p.intended.len())].clone();
                    let frame = shared::ClientEnvelope { v: 1, id, msg: shared::ClientMsg::Send { text } };
                    p.send(&frame);
                    report.resends += 1;
                }
            }
            55..=64 => {
                if let Some(s) = peers[i].socket.take() {
                    s.drop_abruptly();
                    report.drops += 1;
                }
            }
            65..=74 => {
                // Reconnect everyone who is down, in a shuffled order.
                let mut order: Vec<usize> = (0..peers.len()).filter(|&k| peers[k].socket.is_none()).collect();
                for k in (1..order.len()).rev() {
                    order.swap(k, rng.below(k + 1));
                }
                for k in order {
                    peers[k].connect(&base, &conv, &token, &mut report);
                }
            }
            _ => peers[i].pump(&mut report, Duration::from_millis(20)),
        }
    }
    if let Err(e) = settle(&mut peers, &base, &conv, &token, &mut report) {
        report.violations.push(e.to_string());
    }
    check(&peers, &base, &conv, &token, &mut report)?;
    Ok(report)
}

/// Reconnects everyone and reads until every outbox is empty and every log
/// has caught up with the others.
fn settle(peers: &mut [Peer], base: &str, conv: &str, token: &str, report: &mut Report) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        for p in peers.iter_mut() {
            if p.socket.is_none() {
                p.connect(base, conv, token, report);
            }
            p.pump(report, Duration::from_millis(20));
        }
        let high = peers.iter().map(|p| p.log.last_seq()).max().unwrap_or(0);
        if peers.iter().all(|p| p.log.outbox().is_empty() && p.log.last_seq() == high) {
            return Ok(());
        }
        if Instant::now() > deadline {
            let state: Vec<_> =
                peers.iter().map(|p| (p.name.clone(), p.log.last_seq(), p.log.outbox().len())).collect();
            bail!("did not settle: {state:?}");
        }
    }
}

/// Stores `n` messages from a customer socket that is not a peer.
fn seed_history(base: &str, conv: &str, token: &str, n: usize) -> Result<()> {
    let mut s = Socket::open(base, &customer_socket_path(conv, token, 0))?;
    s.welcome_and_replay(0)?;
    for i in 0..n {
        let frame = shared::ClientEnvelope {
            v: 1,
            id: format!("seed-{i}"),
            msg: shared::ClientMsg::Send { text: format!("earlier {i}") },
        };
        s.send_raw(&serde_json::to_string(&frame)?)?;
        s.reply_to(&format!("seed-{i}"))?;
    }
    s.close();
    Ok(())
}

fn check(peers: &[Peer], base: &str, conv: &str, token: &str, report: &mut Report) -> Result<()> {
    let mut s = Socket::open(base, &customer_socket_path(conv, token, 0))?;
    let history = s.whole_history()?;
    let v = &mut report.violations;
    for (i, m) in history.iter().enumerate() {
        if m.seq != i as u64 + 1 {
            v.push(format!("gap: position {i} has seq {}", m.seq));
            break;
        }
    }
    let mut seen = HashSet::new();
    for m in &history {
        if !seen.insert((m.author, m.client_id.clone())) {
            report.duplicated += 1;
        }
    }
    let stored: HashMap<&str, &ChatMessage> = history.iter().map(|m| (m.client_id.as_str(), m)).collect();
    for p in peers {
        for (id, text) in &p.intended {
            match stored.get(id.as_str()) {
                None => report.lost += 1,
                Some(m) if &m.text != text || m.author != p.role => v.push(format!("{id} stored altered")),
                _ => {}
            }
        }
        for (id, seq) in &p.acks {
            if stored.get(id.as_str()).map(|m| m.seq) != Some(*seq) {
                v.push(format!("{}: acked {id} as {seq}, not stored there", p.name));
            }
        }
        // A gapless tail of the stored history, ending at its newest
        // message, and at least a page of it (or all of a shorter one).
        // (Compared as the customer receives them: staff also get who wrote
        // an operator's message and the customer's name.)
        let view: Vec<ChatMessage> = p.log.messages().iter().map(|m| m.clone().seen_by(Role::Customer)).collect();
        let view = view.into_iter().map(|m| ChatMessage { name: None, ..m }).collect::<Vec<_>>();
        let from = view.first().map_or(history.len(), |m| (m.seq as usize).saturating_sub(1));
        let tail = history.get(from..).unwrap_or_default();
        if view != tail || view.len() < history.len().min(shared::PAGE) {
            v.push(format!("{}: its view is not the stored history's newest messages", p.name));
        }
    }
    if report.lost > 0 || report.duplicated > 0 {
        v.push(format!("lost {}, duplicated {}", report.lost, report.duplicated));
    }
    Ok(())
}
