//! Benchmarks against the real Worker (`cargo xtask bench`): latency of a
//! bare Durable Object echo vs a durable send (ack) vs delivery to an
//! operator, durable throughput into one conversation, and many sockets at
//! once. Every function returns figures; `xtask` prints them. No assertion
//! here is about time: only about correctness (every message stored).

use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use shared::ServerMsg;

use shared::api::{customer_socket_path, inbox_socket_path, operator_socket_path};

use crate::client::{create_conversation, Socket};

/// p50 / p95 / p99 of a set of samples.
#[derive(Debug, Clone, Copy)]
pub struct Percentiles {
    /// Median.
    pub p50: Duration,
    /// 95th percentile.
    pub p95: Duration,
    /// 99th percentile.
    pub p99: Duration,
}

impl Percentiles {
    /// Computes the percentiles (nearest rank) of `samples`.
    pub fn of(samples: &mut [Duration]) -> Self {
        samples.sort();
        let at = |q: f64| samples[((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1];
        Self { p50: at(0.50), p95: at(0.95), p99: at(0.99) }
    }
}

/// Milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// Work a conversation object did (its `GET /counts`, with `BENCH=on`).
#[derive(Debug, Clone, Copy, Default, serde::Deserialize)]
pub struct Work {
    /// SQLite statements that read.
    pub reads: u64,
    /// SQLite statements that wrote.
    pub writes: u64,
    /// Requests to other Durable Objects.
    pub calls: u64,
    /// Client frames handled.
    pub frames: u64,
}

impl Work {
    fn of(base: &str, conversation: &str) -> Result<Self> {
        Ok(ureq::get(&format!("{base}/api/bench/counts/{conversation}")).call()?.into_json()?)
    }

    fn since(self, before: Work) -> Work {
        Work {
            reads: self.reads - before.reads,
            writes: self.writes - before.writes,
            calls: self.calls - before.calls,
            frames: self.frames - before.frames,
        }
    }
}

/// The latency series.
#[derive(Debug)]
pub struct Latency {
    /// Samples per series.
    pub n: usize,
    /// A bare WebSocket echo through a Durable Object that stores nothing.
    pub echo: Percentiles,
    /// The same echo after one SQLite insert of the frame: the floor of a durable send.
    pub durable: Percentiles,
    /// Customer messages the work was counted over (series b with its warm-up).
    pub sent: usize,
    /// The conversation's work over those `sent` accepted customer messages.
    pub work: Work,
    /// Customer send → ack (stored).
    pub ack: Percentiles,
    /// Customer send → the message on an operator's socket.
    pub deliver: Percentiles,
}

pub(crate) fn frame(id: &str, text: &str) -> String {
    format!(r#"{{"v":1,"id":"{id}","msg":{{"send":{{"text":"{text}"}}}}}}"#)
}

const TEXT: &str = "Hello, I have a question about my order, it has not arrived yet.";

/// One round trip on an echo socket.
fn echo_once(echo: &mut Socket, id: &str) -> Result<Duration> {
    let f = frame(id, TEXT);
    let t = Instant::now();
    echo.send_raw(&f)?;
    let back = echo.recv_raw()?;
    let dt = t.elapsed();
    ensure!(back == f, "echo returned another frame");
    Ok(dt)
}

/// One customer send, until its ack.
fn ack_once(cust: &mut Socket, id: &str) -> Result<Duration> {
    let t = Instant::now();
    cust.send_raw(&frame(id, TEXT))?;
    match cust.reply_to(id)?.0 {
        ServerMsg::Ack { .. } => Ok(t.elapsed()),
        other => anyhow::bail!("expected an ack, got {other:?}"),
    }
}

/// Measures the latency series, `n` samples each (after a tenth to warm
/// up). Series (a), (d) and (b) are interleaved — each round measures all
/// three, in a rotating order — so a burst of load on this shared machine
/// falls on the floor and on the send alike, and their ratio holds.
pub fn latency(base: &str, n: usize) -> Result<Latency> {
    let mut echo = Socket::open(base, "/api/bench/echo/ws").context("echo route (is BENCH=on?)")?;
    let mut floor = Socket::open(base, "/api/bench/echo/ws?durable=1")?;
    let c = create_conversation(base, "demo")?;
    let id = c.conversation.as_str();
    let mut cust = Socket::open(base, &customer_socket_path(id, &c.token, 0))?;
    cust.welcome_and_replay(0)?;
    // The first message reads the customer's recent activity into memory.
    ack_once(&mut cust, "a-first")?;
    let before = Work::of(base, id)?;
    let (mut a, mut d, mut b) = (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    let rounds = n + n / 10;
    for i in 0..rounds {
        for k in 0..3 {
            let tag = format!("r{i}");
            let (series, dt) = match (i + k) % 3 {
                0 => (&mut a, echo_once(&mut echo, &tag)?),
                1 => (&mut d, echo_once(&mut floor, &tag)?),
                _ => (&mut b, ack_once(&mut cust, &tag)?),
            };
            if i >= n / 10 {
                series.push(dt);
            }
        }
    }
    echo.close();
    floor.close();
    let work = Work::of(base, id)?.since(before);
    ensure!(work.frames == rounds as u64, "the object slept during the series ({work:?}); counts are per wake");
    let (echo, durable, ack) = (Percentiles::of(&mut a), Percentiles::of(&mut d), Percentiles::of(&mut b));
    let n_stored = rounds as u64 + 1;
    let operator = crate::accounts::Staff::demo(base, shared::staff::StaffRole::Operator)?;
    let mut op = operator.socket(&operator_socket_path("demo", id, n_stored))?;
    op.welcome_and_replay(n_stored)?;
    let mut delivered = Vec::with_capacity(n);
    for i in 0..n {
        let cid = format!("d{i}");
        let t = Instant::now();
        cust.send_raw(&frame(&cid, TEXT))?;
        op.recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.client_id == cid))?;
        delivered.push(t.elapsed());
        cust.reply_to(&cid)?;
    }
    let stored = n_stored + n as u64;
    let (last, _) = Socket::open(base, &customer_socket_path(id, &c.token, stored))?.welcome_and_replay(stored)?;
    ensure!(last == stored, "stored {last} of {stored} messages");
    Ok(Latency { n, echo, durable, sent: rounds, work, ack, deliver: Percentiles::of(&mut delivered) })
}

/// Durable throughput into one conversation.
#[derive(Debug)]
pub struct Throughput {
    /// Concurrent senders (sockets of the same conversation).
    pub senders: usize,
    /// Messages each sender has sent and not yet seen acknowledged, at most.
    pub in_flight: usize,
    /// Messages sent, each acknowledged.
    pub messages: usize,
    /// Wall time.
    pub elapsed: Duration,
}

impl Throughput {
    /// Acknowledged, stored messages per second.
    pub fn per_second(&self) -> f64 {
        self.messages as f64 / self.elapsed.as_secs_f64()
    }
}

/// `senders` sockets each send `per_sender` messages, each waiting for its
/// ack before the next; checks that every message was stored once.
pub fn throughput(base: &str, senders: usize, per_sender: usize) -> Result<Throughput> {
    let c = create_conversation(base, "demo")?;
    let mut sockets = Vec::new();
    for _ in 0..senders {
        let mut s = Socket::open(base, &customer_socket_path(c.conversation.as_str(), &c.token, 0))?;
        s.welcome_and_replay(0)?;
        sockets.push(s);
    }
    let start = Instant::now();
    let handles: Vec<_> = sockets
        .into_iter()
        .enumerate()
        .map(|(k, mut s)| {
            std::thread::spawn(move || -> Result<()> {
                for i in 0..per_sender {
                    let id = format!("s{k}-{i}");
                    s.send_raw(&frame(&id, TEXT))?;
                    match s.reply_to(&id)?.0 {
                        ServerMsg::Ack { .. } => {}
                        other => anyhow::bail!("expected an ack, got {other:?}"),
                    }
                }
                Ok(())
            })
        })
        .collect();
    for h in handles {
        h.join().map_err(|_| anyhow::anyhow!("sender panicked"))??;
    }
    let elapsed = start.elapsed();
    let total = senders * per_sender;
    let (last, _) = Socket::open(base, &customer_socket_path(c.conversation.as_str(), &c.token, total as u64))?
        .welcome_and_replay(total as u64)?;
    ensure!(last == total as u64, "stored {last} of {total}");
    Ok(Throughput { senders, in_flight: 1, messages: total, elapsed })
}

/// One socket sends `n` messages with up to `window` not yet acknowledged
/// (as an outbox flushed after a reconnect does); checks each is stored once.
pub fn throughput_pipelined(base: &str, n: usize, window: usize) -> Result<Throughput> {
    let c = create_conversation(base, "demo")?;
    let path = customer_socket_path(c.conversation.as_str(), &c.token, 0);
    let mut s = Socket::open(base, &path)?;
    s.welcome_and_replay(0)?;
    let start = Instant::now();
    let (mut sent, mut acked) = (0, 0);
    while acked < n {
        while sent < n && sent - acked < window {
            s.send_raw(&frame(&format!("p{sent}"), TEXT))?;
            sent += 1;
        }
        let f = s.recv()?;
        match (f.re, f.msg) {
            (Some(_), ServerMsg::Ack { .. }) => acked += 1,
            (Some(re), other) => anyhow::bail!("{re}: expected an ack, got {other:?}"),
            (None, _) => {}
        }
    }
    let elapsed = start.elapsed();
    let (last, _) = Socket::open(base, &customer_socket_path(c.conversation.as_str(), &c.token, n as u64))?
        .welcome_and_replay(n as u64)?;
    ensure!(last == n as u64, "stored {last} of {n}");
    Ok(Throughput { senders: 1, in_flight: window, messages: n, elapsed })
}

/// The floor: `n` sequential round trips through the durable echo (one
/// SQLite insert each).
pub fn floor_throughput(base: &str, n: usize) -> Result<Throughput> {
    let mut floor = Socket::open(base, "/api/bench/echo/ws?durable=1").context("echo route (is BENCH=on?)")?;
    let start = Instant::now();
    for i in 0..n {
        echo_once(&mut floor, &format!("f{i}"))?;
    }
    Ok(Throughput { senders: 1, in_flight: 1, messages: n, elapsed: start.elapsed() })
}

/// Many sockets at once.
#[derive(Debug)]
pub struct Concurrency {
    /// Customer sockets held open.
    pub sockets: usize,
    /// Conversations they are spread over.
    pub conversations: usize,
    /// Time to open each socket (handshake through welcome).
    pub connect: Percentiles,
    /// Time to open them all, one after another.
    pub connect_all: Duration,
    /// Send → delivered on another socket of the conversation, under that load.
    pub deliver: Percentiles,
    /// Send → the inbox update on the operator's inbox socket.
    pub inbox: Percentiles,
}

/// Opens `sockets` customer sockets over `conversations` conversations plus
/// an operator inbox, then measures `samples` deliveries while all are open.
pub fn concurrency(base: &str, sockets: usize, conversations: usize, samples: usize) -> Result<Concurrency> {
    let convs: Vec<_> = (0..conversations).map(|_| create_conversation(base, "demo")).collect::<Result<_>>()?;
    let operator = crate::accounts::Staff::demo(base, shared::staff::StaffRole::Operator)?;
    let mut inbox = operator.socket(&inbox_socket_path("demo", &shared::scope::Scope::All))?;
    inbox.recv()?;
    let mut open = Vec::with_capacity(sockets);
    let mut connect = Vec::with_capacity(sockets);
    let all = Instant::now();
    for i in 0..sockets {
        let c = &convs[i % conversations];
        let t = Instant::now();
        let mut s = Socket::open(base, &customer_socket_path(c.conversation.as_str(), &c.token, 0))?;
        s.recv()?; // welcome
        connect.push(t.elapsed());
        open.push(s);
    }
    let connect_all = all.elapsed();
    let mut deliver = Vec::with_capacity(samples);
    let mut inbox_lat = Vec::with_capacity(samples);
    for k in 0..samples {
        // Sender: socket k of conversation k; receiver: the next socket of the same conversation.
        let conv = k % conversations;
        let (a, b) = (conv, conv + conversations);
        ensure!(b < sockets, "need at least two sockets per conversation");
        let id = format!("c{k}");
        let t = Instant::now();
        open[a].send_raw(&frame(&id, TEXT))?;
        open[b].recv_until(|f| matches!(&f.msg, ServerMsg::Message(m) if m.client_id == id))?;
        deliver.push(t.elapsed());
        let want = convs[conv].conversation.clone();
        inbox.recv_until(
            |f| matches!(&f.msg, ServerMsg::InboxUpdate(changed) if changed.iter().any(|s| s.id == want)),
        )?;
        inbox_lat.push(t.elapsed());
        open[a].reply_to(&id)?;
    }
    drop(open);
    Ok(Concurrency {
        sockets,
        conversations,
        connect: Percentiles::of(&mut connect),
        connect_all,
        deliver: Percentiles::of(&mut deliver),
        inbox: Percentiles::of(&mut inbox_lat),
    })
}

/// Sign-in latency: `n` sequential sign-ins with the right password (the
/// Worker runs Argon2id for each, plus two Directory calls), and `n` with a
/// wrong one for an unknown address (the decoy hash: the same work).
pub fn sign_in(base: &str, n: usize) -> Result<(Percentiles, Percentiles)> {
    let email = crate::accounts::demo_email(shared::staff::StaffRole::Operator);
    let mut right = Vec::with_capacity(n);
    let mut unknown = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        crate::accounts::Staff::login(base, &email, crate::accounts::TEST_PASSWORD)?;
        right.push(t.elapsed());
        let t = Instant::now();
        let body = shared::staff::Login {
            email: format!("nobody-{i}@bench.test"),
            password: "wrong password".into(),
            code: None,
        };
        let refused = ureq::post(&format!("{base}{}", shared::api::LOGIN_PATH)).set("Origin", base).send_json(&body);
        ensure!(matches!(refused, Err(ureq::Error::Status(401, _))), "an unknown address was not refused");
        unknown.push(t.elapsed());
    }
    Ok((Percentiles::of(&mut right), Percentiles::of(&mut unknown)))
}

/// What a visitor's join of a public channel cost: the frames it received
/// and the time to its first page, over `joins` fresh visitors.
#[derive(Debug, Clone, Copy)]
pub struct Join {
    /// Messages the channel held.
    pub history: u64,
    /// Socket opened → the newest message received.
    pub page: Percentiles,
    /// Messages received with the join (the most any join got).
    pub messages: usize,
    /// Frames received after the welcome (the most any join got).
    pub frames: usize,
}

/// Tops the demo site's `live` channel up to `history` messages (sent by a
/// moderator, pipelined 50 at a time), then joins it `joins` times as new
/// visitors, counting what each received.
pub fn channel_join(base: &str, history: u64, joins: usize) -> Result<Join> {
    use shared::api::{channel_socket_path, operator_channel_path};
    let moderator = crate::accounts::Staff::demo(base, shared::staff::StaffRole::Moderator)?;
    let mut mo = moderator.socket(&operator_channel_path("demo", "live", u64::MAX >> 12))?;
    let held = match mo.recv()?.msg {
        ServerMsg::Welcome { last_seq, .. } => last_seq,
        other => anyhow::bail!("expected a welcome, got {other:?}"),
    };
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_nanos();
    let missing: Vec<u64> = (held..history).collect();
    for chunk in missing.chunks(50) {
        for i in chunk {
            mo.send_raw(&frame(&format!("j{nanos}-{i}"), &format!("channel history {i}")))?;
        }
        for i in chunk {
            ensure!(matches!(mo.reply_to(&format!("j{nanos}-{i}"))?.0, ServerMsg::Ack { .. }), "not stored");
        }
    }
    let (mut page, mut messages, mut frames) = (Vec::with_capacity(joins), 0, 0);
    for j in 0..joins {
        let visitor = crate::identity::visitor_token("demo", format!("{nanos}-{j}"));
        let t = Instant::now();
        let mut s = Socket::open(base, &channel_socket_path("demo", "live", &visitor, "Bench", 0))?;
        let last = match s.recv()?.msg {
            ServerMsg::Welcome { last_seq, .. } => last_seq,
            other => anyhow::bail!("expected a welcome, got {other:?}"),
        };
        ensure!(last >= history, "the channel holds {last} messages, not {history}");
        // A short history comes message by message, a long one as its
        // newest page: read until 300 ms pass without a frame.
        s.set_read_timeout(Duration::from_millis(300))?;
        let (mut got, mut count, mut newest) = (0, 0, 0);
        while let Ok(f) = s.recv() {
            count += 1;
            let batch = match f.msg {
                ServerMsg::Message(m) => vec![m],
                ServerMsg::History { messages, .. } => messages,
                other => anyhow::bail!("expected history, got {other:?}"),
            };
            got += batch.len();
            if batch.last().map(|m| m.seq) == Some(last) {
                newest += 1;
                page.push(t.elapsed());
            }
        }
        ensure!(newest == 1, "the newest message came {newest} times");
        messages = messages.max(got);
        frames = frames.max(count);
    }
    Ok(Join { history, page: Percentiles::of(&mut page), messages, frames })
}
