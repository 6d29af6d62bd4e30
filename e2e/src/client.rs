//! A blocking client for the Worker: HTTP calls, and a WebSocket that sends
//! and reads typed `shared` frames with a timeout.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use shared::api::{ConversationCreated, CreateConversation, CONVERSATIONS_PATH};
use shared::workflow::Event;
use shared::{ChatMessage, ClientEnvelope, ClientMsg, ServerEnvelope, ServerMsg, PROTOCOL_VERSION};
use tungstenite::{Message, WebSocket};

/// How long a read waits for a frame before the test fails.
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// `POST /api/conversations` for `site`.
pub fn create_conversation(base: &str, site: &str) -> Result<ConversationCreated> {
    create_conversation_with(base, &CreateConversation::new(site.parse()?))
}

/// `POST /api/conversations` with a full body (trigger, pre-chat fields).
pub fn create_conversation_with(base: &str, body: &CreateConversation) -> Result<ConversationCreated> {
    // As the widget does: from the service's own origin.
    let resp = ureq::post(&format!("{base}{CONVERSATIONS_PATH}")).set("Origin", base).send_json(body)?;
    Ok(resp.into_json()?)
}

/// Drops the site's flood and repeat rules and raises its per-minute
/// message limit and its sockets per customer: the benchmarks and the chaos runs send far faster than a
/// person types. Every other rule stays, so screening still costs what it costs.
pub fn without_rate_rules(base: &str, site: &str) -> Result<()> {
    let admin = crate::accounts::Staff::demo(base, shared::staff::StaffRole::Admin)?;
    let path = shared::api::site_config_path(site);
    let mut config: shared::site::SiteConfig = admin.get(&path).call()?.into_json()?;
    config
        .rules
        .retain(|r| !matches!(r.kind, shared::rules::RuleKind::Flood { .. } | shared::rules::RuleKind::Repeat { .. }));
    config.limits.messages_per_minute = shared::site::MAX_LIMIT;
    config.limits.windows_per_customer = shared::site::MAX_LIMIT;
    admin.send("PUT", &path).send_json(&config)?;
    Ok(())
}

/// A socket speaking the chat protocol.
pub struct Socket {
    ws: WebSocket<TcpStream>,
}

impl Socket {
    /// Opens a socket to `path` on the Worker at `base` (`http://host:port`),
    /// from the Worker's own origin, as its apps do.
    pub fn open(base: &str, path: &str) -> Result<Self> {
        Self::open_with_origin(base, path, base)
    }

    /// Opens a socket to `path` with the handshake's `Origin` set to `origin`.
    pub fn open_with_origin(base: &str, path: &str, origin: &str) -> Result<Self> {
        Self::open_with(base, path, &[("Origin", origin)])
    }

    /// Opens a socket to `path` with these handshake headers, offering the
    /// `chat` protocol and, beside it, the secret the path carries
    /// ([`shared::api::socket_target`]), as the apps do.
    pub fn open_with(base: &str, path: &str, headers: &[(&str, &str)]) -> Result<Self> {
        use tungstenite::client::IntoClientRequest;
        let host = base.strip_prefix("http://").context("base is http://host:port")?;
        let stream = TcpStream::connect(host)?;
        stream.set_read_timeout(Some(READ_TIMEOUT))?;
        stream.set_nodelay(true)?;
        let (address, secret) = shared::api::socket_target(path);
        let mut request = format!("ws://{host}{address}").into_client_request()?;
        let protocols = match secret {
            Some(s) => format!("{}, {s}", shared::api::SOCKET_PROTOCOL),
            None => shared::api::SOCKET_PROTOCOL.to_owned(),
        };
        request.headers_mut().insert("Sec-WebSocket-Protocol", protocols.parse()?);
        for (k, v) in headers {
            request.headers_mut().insert(tungstenite::http::HeaderName::from_bytes(k.as_bytes())?, v.parse()?);
        }
        let (ws, _resp) =
            tungstenite::client(request, stream).map_err(|e| anyhow::anyhow!("handshake to {path}: {e}"))?;
        Ok(Self { ws })
    }

    /// Sends a raw text frame, as a buggy or hostile client might.
    pub fn send_raw(&mut self, text: &str) -> Result<()> {
        self.ws.send(Message::Text(text.to_owned()))?;
        Ok(())
    }

    /// Sends a binary frame.
    pub fn send_binary(&mut self, bytes: &[u8]) -> Result<()> {
        self.ws.send(Message::Binary(bytes.to_vec()))?;
        Ok(())
    }

    /// Sends a typed client frame.
    pub fn send_msg(&mut self, id: &str, msg: ClientMsg) -> Result<()> {
        let env = ClientEnvelope { v: PROTOCOL_VERSION, id: id.to_owned(), msg };
        self.send_raw(&serde_json::to_string(&env)?)
    }

    /// Sends a chat message with client id `id`.
    pub fn send_text(&mut self, id: &str, text: &str) -> Result<()> {
        self.send_msg(id, ClientMsg::Send { text: text.to_owned() })
    }

    /// Reads the next text frame as it came (fails after [`READ_TIMEOUT`] or on close).
    pub fn recv_raw(&mut self) -> Result<String> {
        loop {
            match self.ws.read().context("reading a frame")? {
                Message::Text(t) => return Ok(t),
                Message::Close(c) => bail!("socket closed: {c:?}"),
                _ => continue,
            }
        }
    }

    /// Reads the next server frame (fails after [`READ_TIMEOUT`] or on close).
    pub fn recv(&mut self) -> Result<ServerEnvelope> {
        let t = self.recv_raw()?;
        serde_json::from_str(&t).with_context(|| format!("bad frame {t}"))
    }

    /// Sets how long a read waits (reads then fail with a timeout error,
    /// after which the socket is still usable).
    pub fn set_read_timeout(&mut self, d: Duration) -> Result<()> {
        self.ws.get_ref().set_read_timeout(Some(d))?;
        Ok(())
    }

    /// Drops the connection without a closing handshake, as a lost network does.
    pub fn drop_abruptly(self) {
        let _ = self.ws.get_ref().shutdown(std::net::Shutdown::Both);
    }

    /// Reads frames until one matches, returning it and the ones skipped.
    pub fn recv_until(
        &mut self,
        mut pred: impl FnMut(&ServerEnvelope) -> bool,
    ) -> Result<(ServerEnvelope, Vec<ServerEnvelope>)> {
        let deadline = Instant::now() + READ_TIMEOUT;
        let mut skipped = Vec::new();
        while Instant::now() < deadline {
            let f = self.recv()?;
            if pred(&f) {
                return Ok((f, skipped));
            }
            skipped.push(f);
        }
        bail!("no matching frame; saw {skipped:?}")
    }

    /// Reads the frame that answers client frame `id` (ack or error), and
    /// returns the chat messages pushed before it.
    pub fn reply_to(&mut self, id: &str) -> Result<(ServerMsg, Vec<ChatMessage>)> {
        let (f, skipped) = self.recv_until(|f| f.re.as_deref() == Some(id))?;
        Ok((f.msg, messages(skipped)))
    }

    /// Sends `text` and returns the ack's `(seq, at)`.
    pub fn send_acked(&mut self, id: &str, text: &str) -> Result<(u64, u64)> {
        self.send_text(id, text)?;
        match self.reply_to(id)?.0 {
            ServerMsg::Ack { seq, at } => Ok((seq, at)),
            other => bail!("expected an ack for {id}, got {other:?}"),
        }
    }

    /// Sends a workflow event and returns the answer (an ack or an error).
    pub fn act(&mut self, id: &str, event: Event) -> Result<ServerMsg> {
        self.send_msg(id, ClientMsg::Act { event })?;
        Ok(self.reply_to(id)?.0)
    }

    /// Reads the welcome frame, then what is replayed up to `last_seq`: the
    /// missed messages one by one, or (more than a page missed) the newest page.
    pub fn welcome_and_replay(&mut self, after: u64) -> Result<(u64, Vec<ChatMessage>)> {
        let last_seq = match self.recv()?.msg {
            ServerMsg::Welcome { last_seq, .. } => last_seq,
            other => bail!("expected welcome, got {other:?}"),
        };
        let mut out = Vec::new();
        while out.last().map_or(after, |m: &ChatMessage| m.seq) < last_seq {
            match self.recv()?.msg {
                ServerMsg::Message(m) => out.push(m),
                ServerMsg::History { messages, .. } if out.is_empty() => out = messages,
                other => bail!("expected replayed messages, got {other:?}"),
            }
        }
        Ok((last_seq, out))
    }

    /// The page before `before`, as a `history` request answers it (waiting
    /// out the per-socket limit if it is reached).
    pub fn page_before(&mut self, before: u64) -> Result<(Vec<ChatMessage>, bool)> {
        loop {
            let id = format!("history-{before}");
            let frame = ClientEnvelope { v: 1, id: id.clone(), msg: ClientMsg::History { before } };
            self.send_raw(&serde_json::to_string(&frame)?)?;
            match self.reply_to(&id)?.0 {
                ServerMsg::History { messages, more } => return Ok((messages, more)),
                ServerMsg::Error { code: shared::ErrorCode::RateLimited, .. } => {
                    std::thread::sleep(std::time::Duration::from_millis(500))
                }
                other => bail!("expected a page, got {other:?}"),
            }
        }
    }

    /// Connects' replay from 0, then every older page: the whole stored
    /// history, oldest first.
    pub fn whole_history(&mut self) -> Result<Vec<ChatMessage>> {
        let (_, mut all) = self.welcome_and_replay(0)?;
        while let Some(first) = all.first().map(|m| m.seq).filter(|s| *s > 1) {
            let (mut page, _) = self.page_before(first)?;
            if page.is_empty() {
                bail!("no page before {first}");
            }
            page.append(&mut all);
            all = page;
        }
        Ok(all)
    }

    /// Closes the socket politely.
    pub fn close(mut self) {
        let _ = self.ws.close(None);
        let _ = self.ws.flush();
    }
}

/// The chat messages among `frames`.
pub fn messages(frames: Vec<ServerEnvelope>) -> Vec<ChatMessage> {
    frames
        .into_iter()
        .filter_map(|f| match f.msg {
            ServerMsg::Message(m) => Some(m),
            _ => None,
        })
        .collect()
}

/// Whether a read failed only because nothing came in time (the socket is
/// still usable).
pub fn is_timeout(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<tungstenite::Error>().is_some_and(|t| {
            matches!(t, tungstenite::Error::Io(io) if matches!(io.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut))
        })
    })
}

/// An HTTP call's status, refused or not (a transport error panics: the
/// Worker is meant to be there).
pub fn status(r: Result<ureq::Response, ureq::Error>) -> u16 {
    status_text(r).0
}

/// The status of an HTTP call and its body (a refusal's JSON), whether it succeeded or not.
pub fn status_text(r: Result<ureq::Response, ureq::Error>) -> (u16, String) {
    match r {
        Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
        Err(ureq::Error::Status(s, r)) => (s, r.into_string().unwrap_or_default()),
        Err(e) => panic!("{e}"),
    }
}
