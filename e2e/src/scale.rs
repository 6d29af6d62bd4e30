//! The scale bench's counts (`cargo xtask bench --only scale`): work
//! counted on the objects, not time, since loopback enforces none of
//! Cloudflare's per-object limits. One site: many live conversations, a
//! steady rate of customer messages and many operators with the inbox open;
//! what each part of the site's inbox is asked (its list part is the
//! busiest), and how many frames each operator's inbox socket gets.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde::Deserialize;
use shared::api::{customer_socket_path, inbox_socket_path};

use crate::bench::frame;
use crate::client::{create_conversation, Socket};

use shared::api::InboxCounts as PartCounts;

/// A site's inbox parts' counts (`GET /api/bench/inbox-counts/{site}`).
#[derive(Debug, Clone, Copy, Default)]
pub struct InboxCounts {
    /// The settings part.
    pub settings: PartCounts,
    /// The conversation list (the operators' sockets).
    pub list: PartCounts,
    /// The moderation desk.
    pub desk: PartCounts,
    /// The admission counters.
    pub admission: PartCounts,
    /// The webhooks.
    pub hooks: PartCounts,
}

impl InboxCounts {
    /// A site's inbox parts' counts.
    pub fn of(base: &str, site: &str) -> Result<Self> {
        let parts: Vec<PartCounts> = ureq::get(&format!("{base}/api/bench/inbox-counts/{site}")).call()?.into_json()?;
        let [settings, list, desk, admission, _, hooks, ..] = parts[..] else {
            anyhow::bail!("6 parts expected: {parts:?}")
        };
        Ok(InboxCounts { settings, list, desk, admission, hooks })
    }

    /// The requests each part got since `before`: settings, list, desk, admission.
    pub fn since(&self, before: &InboxCounts) -> [u64; 4] {
        let (a, b) = (
            [self.settings, self.list, self.desk, self.admission],
            [before.settings, before.list, before.desk, before.admission],
        );
        std::array::from_fn(|i| a[i].requests.saturating_sub(b[i].requests))
    }

    /// The search index's work since `before`: messages told, rows
    /// written, gaps repaired, bytes the list part's database grew by.
    pub fn index_since(&self, before: &InboxCounts) -> [u64; 4] {
        let (a, b) = (self.list, before.list);
        [
            a.indexed.saturating_sub(b.indexed),
            a.index_rows.saturating_sub(b.index_rows),
            a.index_gaps.saturating_sub(b.index_gaps),
            a.db_bytes.saturating_sub(b.db_bytes),
        ]
    }

    /// Routing's passes and calls (the list part's) since `before`.
    pub fn routing_since(&self, before: &InboxCounts) -> (u64, u64) {
        let (a, b) = (self.list, before.list);
        (a.routing_passes.saturating_sub(b.routing_passes), a.routing_calls.saturating_sub(b.routing_calls))
    }
}

/// What one run counted.
#[derive(Debug, Clone)]
pub struct InboxLoad {
    /// Live conversations (one customer socket each).
    pub conversations: usize,
    /// Operator inbox sockets.
    pub operators: usize,
    /// Customer messages sent.
    pub messages: u64,
    /// Seconds they were sent over.
    pub seconds: f64,
    /// Requests each inbox part handled meanwhile: settings, list, desk, admission.
    pub part_requests: [u64; 4],
    /// Frames per operator socket per second: the mean and the most any got.
    pub frames_per_socket_s: (f64, f64),
    /// Routing while the conversations were created and the operators came
    /// online: list part requests, routing passes, routing's calls.
    pub opening: (u64, u64, u64),
    /// Routing's passes and calls while the messages were sent.
    pub routing: (u64, u64),
    /// The search index meanwhile ([`InboxCounts::index_since`]).
    pub index: [u64; 4],
    /// A search's round trip over what was sent: a word in every message,
    /// a word in one, and a word in one with a filter.
    pub search: [crate::bench::Percentiles; 3],
    /// Webhooks (an endpoint wanting `message.created` on this machine):
    /// the list part's requests to the hooks part, the hooks part's
    /// requests, deliveries received, of them with a valid signature.
    pub hooks: [u64; 4],
}

/// Opens a customer socket on each of `conversations` new conversations and
/// `operators` inbox sockets, then sends `rate` messages a second for
/// `seconds` (round robin over the conversations) and counts.
///
/// Routing is on (the site's `autoAssign`), with the demo operator's seat
/// at the most chats: what it costs is counted apart while the
/// conversations open and the operators come online, and while the
/// messages flow.
pub fn inbox_load(base: &str, conversations: usize, operators: usize, rate: u64, seconds: u64) -> Result<InboxLoad> {
    let admin = crate::accounts::Staff::demo(base, shared::staff::StaffRole::Admin)?;
    let path = shared::api::site_config_path("demo");
    let mut config: shared::site::SiteConfig = admin.get(&path).call()?.into_json()?;
    config.routing.auto_assign = true;
    admin.send("PUT", &path).send_json(&config)?;
    let name = crate::accounts::demo_name(shared::staff::StaffRole::Operator);
    let seat =
        shared::routing::Seat { capacity: shared::routing::MAX_CAPACITY, ..shared::routing::Seat::default_for(name) };
    admin.send("PUT", &shared::api::seats_path("demo")).send_json(&seat)?;
    let opening = InboxCounts::of(base, "demo")?;
    let mut customers = Vec::with_capacity(conversations);
    for _ in 0..conversations {
        let c = create_conversation(base, "demo")?;
        let mut s = Socket::open(base, &customer_socket_path(c.conversation.as_str(), &c.token, 0))?;
        s.recv()?; // welcome
        customers.push(s);
    }
    let staff = crate::accounts::Staff::demo(base, shared::staff::StaffRole::Operator)?;
    let stop = Arc::new(AtomicBool::new(false));
    let mut readers = Vec::new();
    for _ in 0..operators {
        let mut s = staff.socket(&inbox_socket_path("demo", &shared::scope::Scope::All))?;
        s.recv()?; // the whole list
        s.set_read_timeout(Duration::from_millis(200))?;
        let (stop, frames) = (stop.clone(), Arc::new(AtomicU64::new(0)));
        let counted = frames.clone();
        readers.push((
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    if s.recv().is_ok() {
                        counted.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }),
            frames,
        ));
    }
    // The opening pushes and routing's passes settle (quiet for a second).
    let mut before = InboxCounts::of(base, "demo")?;
    for _ in 0..30 {
        std::thread::sleep(Duration::from_millis(1000));
        let now = InboxCounts::of(base, "demo")?;
        let quiet = now.routing_since(&before) == (0, 0);
        before = now;
        if quiet {
            break;
        }
    }
    let (passes, calls) = before.routing_since(&opening);
    let opened = (before.since(&opening)[1], passes, calls);
    // A webhook endpoint wanting every message, on this machine.
    let receiver = crate::hooks::Receiver::start()?;
    let hooks_path = "/api/console/sites/demo/webhooks";
    let made: shared::webhooks::CreatedHook = admin
        .send("POST", hooks_path)
        .send_json(serde_json::json!({ "url": receiver.url, "events": ["message.created"] }))?
        .into_json()?;
    receiver.set_secret(&made.secret);
    let before = InboxCounts::of(base, "demo")?;
    readers.iter().for_each(|(_, f)| f.store(0, Ordering::Relaxed));
    let (start, total) = (Instant::now(), rate * seconds);
    for k in 0..total {
        let due = Duration::from_secs_f64(k as f64 / rate as f64);
        if let Some(wait) = due.checked_sub(start.elapsed()) {
            std::thread::sleep(wait);
        }
        customers[k as usize % conversations].send_raw(&frame(&format!("s{k}"), &format!("Where is my order {k}?")))?;
    }
    let elapsed = start.elapsed().as_secs_f64();
    std::thread::sleep(Duration::from_millis(600)); // the last gathered push
    let after = InboxCounts::of(base, "demo")?;
    stop.store(true, Ordering::Relaxed);
    let got = receiver.until(60, |got| got.len() as u64 >= total);
    let hooked = InboxCounts::of(base, "demo")?;
    let hooks = [
        after.list.hook_requests.saturating_sub(before.list.hook_requests),
        hooked.hooks.requests.saturating_sub(before.hooks.requests),
        got.len() as u64,
        got.iter().filter(|g| g.valid).count() as u64,
    ];
    admin.send("POST", &format!("{hooks_path}/{}/delete", made.hook.id)).call()?;
    let search = searches(&admin, total)?;
    // The tables after this one find the demo site as it was.
    config.routing.auto_assign = false;
    admin.send("PUT", &path).send_json(&config)?;
    let per_socket: Vec<f64> = readers
        .into_iter()
        .map(|(t, f)| {
            let _ = t.join();
            f.load(Ordering::Relaxed) as f64 / elapsed
        })
        .collect();
    let mean = per_socket.iter().sum::<f64>() / per_socket.len().max(1) as f64;
    let most = per_socket.iter().cloned().fold(0.0, f64::max);
    Ok(InboxLoad {
        conversations,
        operators,
        messages: total,
        seconds: elapsed,
        part_requests: after.since(&before),
        frames_per_socket_s: (mean, most),
        opening: opened,
        routing: after.routing_since(&before),
        index: after.index_since(&before),
        search,
        hooks,
    })
}

/// Times searches over the messages just sent ("Where is my order {k}?").
fn searches(admin: &crate::accounts::Staff, sent: u64) -> Result<[crate::bench::Percentiles; 3]> {
    use shared::search::SearchQuery;
    let queries = [
        SearchQuery { text: "order".into(), ..Default::default() },
        SearchQuery { text: format!("order {}", sent / 2), ..Default::default() },
        SearchQuery {
            text: format!("order {}", sent / 3),
            status: Some(shared::search::Status::Open),
            ..Default::default()
        },
    ];
    let mut out = Vec::new();
    for q in queries {
        let path = shared::api::search_path("demo", &q);
        let mut samples = Vec::new();
        for _ in 0..100 {
            let t = Instant::now();
            let page: shared::search::SearchPage = admin.get(&path).call()?.into_json()?;
            samples.push(t.elapsed());
            anyhow::ensure!(!page.hits.is_empty(), "nothing found for {:?}", q.text);
        }
        out.push(crate::bench::Percentiles::of(&mut samples));
    }
    Ok([out[0], out[1], out[2]])
}

/// What a channel's fan-out counted.
#[derive(Debug, Clone)]
pub struct Fanout {
    /// Viewer sockets open (over the relays).
    pub viewers: usize,
    /// Messages the moderator sent meanwhile.
    pub messages: u64,
    /// Requests the channel object made to its relays for them.
    pub relay_calls: u64,
    /// Viewer sockets on the emptiest and the fullest relay.
    pub per_relay: (u64, u64),
    /// Sampled viewers that got every message, in order, once.
    pub complete: (usize, usize),
}

#[derive(Deserialize)]
struct ChannelCounts {
    channel: crate::bench::Work,
    viewers: Vec<u64>,
}

fn channel_counts(base: &str) -> Result<ChannelCounts> {
    Ok(ureq::get(&format!("{base}/api/bench/channel-counts/demo/live")).call()?.into_json()?)
}

/// Opens `viewers` viewer sockets on the demo site's `live` channel (8 at
/// a time), then a moderator sends `messages` messages; counts the
/// channel's requests to its relays, the sockets on each relay, and checks
/// a sample of viewers got every message.
pub fn channel_fanout(base: &str, viewers: usize, messages: u64) -> Result<Fanout> {
    use shared::api::{channel_socket_path, operator_channel_path};
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_nanos();
    let open = |j: usize| -> Result<(Socket, u64)> {
        let visitor = crate::identity::visitor_token("demo", format!("{nanos}-{j}"));
        let mut s = Socket::open(base, &channel_socket_path("demo", "live", &visitor, "Viewer", 0))?;
        match s.recv()?.msg {
            shared::ServerMsg::Welcome { last_seq, .. } => Ok((s, last_seq)),
            other => anyhow::bail!("viewer {j}: expected a welcome, got {other:?}"),
        }
    };
    let opened: Vec<Result<Vec<(Socket, u64)>>> = std::thread::scope(|scope| {
        let open = &open;
        let threads: Vec<_> =
            (0..8).map(|t| scope.spawn(move || (t..viewers).step_by(8).map(open).collect())).collect();
        threads.into_iter().map(|t| t.join().unwrap_or_else(|_| Err(anyhow::anyhow!("a thread panicked")))).collect()
    });
    let mut sockets: Vec<(Socket, u64)> = Vec::with_capacity(viewers);
    for part in opened {
        sockets.extend(part?);
    }
    let moderator = crate::accounts::Staff::demo(base, shared::staff::StaffRole::Moderator)?;
    let mut mo = moderator.socket(&operator_channel_path("demo", "live", u64::MAX >> 12))?;
    mo.recv()?; // welcome
    std::thread::sleep(Duration::from_millis(300)); // the joins' pages pass
    let before = channel_counts(base)?;
    let mut last = 0;
    for chunk in (0..messages).collect::<Vec<_>>().chunks(10) {
        for i in chunk {
            mo.send_raw(&frame(&format!("f{nanos}-{i}"), &format!("fan-out {i}")))?;
        }
        for i in chunk {
            match mo.reply_to(&format!("f{nanos}-{i}"))?.0 {
                shared::ServerMsg::Ack { seq, .. } => last = seq,
                other => anyhow::bail!("not stored: {other:?}"),
            }
        }
    }
    std::thread::sleep(Duration::from_millis(500)); // the last batch reaches the relays
    let after = channel_counts(base)?;
    // Every 100th viewer reads what came after its welcome.
    let mut complete = (0, 0);
    for (s, welcome_seq) in sockets.iter_mut().step_by(100) {
        complete.1 += 1;
        s.set_read_timeout(Duration::from_secs(2))?;
        let mut seqs = Vec::new();
        while seqs.last() != Some(&last) {
            let Ok(f) = s.recv() else { break };
            match f.msg {
                shared::ServerMsg::Message(m) if m.seq > *welcome_seq => seqs.push(m.seq),
                shared::ServerMsg::History { messages, .. } => {
                    seqs.extend(messages.iter().map(|m| m.seq).filter(|s| s > welcome_seq));
                }
                _ => {}
            }
        }
        let expected: Vec<u64> = (last + 1 - messages..=last).collect();
        if seqs.iter().filter(|s| **s > last - messages).copied().collect::<Vec<_>>() == expected {
            complete.0 += 1;
        }
    }
    let (least, most) =
        (after.viewers.iter().min().copied().unwrap_or(0), after.viewers.iter().max().copied().unwrap_or(0));
    Ok(Fanout {
        viewers: sockets.len(),
        messages,
        relay_calls: after.channel.calls - before.channel.calls,
        per_relay: (least, most),
        complete,
    })
}
