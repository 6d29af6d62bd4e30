//! A webhook receiver on this machine, as a site's integration runs one:
//! it reads each delivery, checks its signature (HMAC-SHA256 of `t.body`
//! with the endpoint's secret, the time within 5 minutes) and keeps it,
//! then answers as the test says (a status, after a delay), so tests can
//! fail deliveries, hold one while the Worker stops, and count duplicates.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Result;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use shared::webhooks::{parse_signature, signed_text, Payload, TOLERANCE_S};

/// One delivery as received.
#[derive(Debug, Clone)]
pub struct Got {
    /// The `X-Chat-Delivery` header.
    pub delivery: String,
    /// The `X-Chat-Event` header.
    pub event: String,
    /// The body, read.
    pub payload: Payload,
    /// Whether the signature is the secret's, and recent.
    pub valid: bool,
}

/// How the receiver answers a delivery: a status, after a delay.
pub type Policy = Box<dyn FnMut(&Got) -> (u16, Duration) + Send>;

/// The receiver (it runs until the test ends).
pub struct Receiver {
    /// Its address (`http://127.0.0.1:PORT/hook`).
    pub url: String,
    got: Arc<Mutex<Vec<Got>>>,
    secret: Arc<Mutex<String>>,
    policy: Arc<Mutex<Policy>>,
}

fn valid(secret: &str, header: &str, body: &str) -> bool {
    let Some((t, sigs)) = parse_signature(header) else { return false };
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(signed_text(t, body).as_bytes());
    let want = shared::ids::hex(&mac.finalize().into_bytes());
    now.abs_diff(t) <= TOLERANCE_S && sigs.contains(&want.as_str())
}

impl Receiver {
    /// Starts one that answers 200 at once.
    pub fn start() -> Result<Receiver> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let url = format!("http://127.0.0.1:{}/hook", listener.local_addr()?.port());
        let got = Arc::new(Mutex::new(Vec::new()));
        let secret = Arc::new(Mutex::new(String::new()));
        let policy: Arc<Mutex<Policy>> = Arc::new(Mutex::new(Box::new(|_| (200, Duration::ZERO))));
        let (g, s, p) = (got.clone(), secret.clone(), policy.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (g, s, p) = (g.clone(), s.clone(), p.clone());
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(&stream);
                    let (mut headers, mut line) = (Vec::new(), String::new());
                    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                        headers.push(line.trim_end().to_owned());
                        line.clear();
                    }
                    let header = |name: &str| {
                        headers
                            .iter()
                            .find_map(|h| {
                                let (k, v) = h.split_once(':')?;
                                k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
                            })
                            .unwrap_or_default()
                    };
                    let mut body = vec![0; header("content-length").parse().unwrap_or(0)];
                    if reader.read_exact(&mut body).is_err() {
                        return;
                    }
                    let body = String::from_utf8_lossy(&body).into_owned();
                    let Ok(payload) = serde_json::from_str::<Payload>(&body) else { return };
                    let secret = s.lock().unwrap().clone();
                    let got = Got {
                        delivery: header("x-chat-delivery"),
                        event: header("x-chat-event"),
                        valid: valid(&secret, &header("x-chat-signature"), &body),
                        payload,
                    };
                    g.lock().unwrap().push(got.clone());
                    let (status, delay) = (p.lock().unwrap())(&got);
                    std::thread::sleep(delay);
                    let answer = format!("HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    let _ = (&stream).write_all(answer.as_bytes());
                });
            }
        });
        Ok(Receiver { url, got, secret, policy })
    }

    /// The endpoint's secret, once the Worker answered it.
    pub fn set_secret(&self, secret: &str) {
        *self.secret.lock().unwrap() = secret.to_owned();
    }

    /// How the receiver answers from now on.
    pub fn answer(&self, policy: Policy) {
        *self.policy.lock().unwrap() = policy;
    }

    /// Everything received so far.
    pub fn got(&self) -> Vec<Got> {
        self.got.lock().unwrap().clone()
    }

    /// Waits (up to `secs`) until `done` holds for what was received.
    pub fn until(&self, secs: u64, done: impl Fn(&[Got]) -> bool) -> Vec<Got> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let got = self.got();
            if done(&got) || Instant::now() > deadline {
                return got;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
