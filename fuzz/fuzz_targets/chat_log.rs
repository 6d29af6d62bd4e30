//! Fuzz target: any sequence of server frames (JSON lines) and sends through
//! the client-side `ChatLog` (`older` lines ask for the page before the
//! oldest held). It must never panic, and the messages it shows are always
//! consecutive (no gap, no duplicate); a log that does not start at 1 says
//! older messages exist.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::chat_log::ChatLog;
use shared::ServerEnvelope;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut log = ChatLog::default();
    for (i, line) in text.lines().enumerate() {
        if let Some(rest) = line.strip_prefix("send ") {
            log.queue(format!("f{i}"), rest.to_owned());
            continue;
        }
        if line == "older" {
            if let Some(frame) = log.older_frame() {
                assert!(matches!(frame.msg, shared::ClientMsg::History { before } if before > 1));
            }
            continue;
        }
        if let Ok(frame) = serde_json::from_str::<ServerEnvelope>(line) {
            log.receive(frame);
        }
        let seqs: Vec<u64> = log.messages().iter().map(|m| m.seq).collect();
        let first = seqs.first().copied().unwrap_or(1);
        assert!(seqs.iter().enumerate().all(|(k, s)| *s == first + k as u64), "gap or duplicate: {seqs:?}");
        assert_eq!(log.has_older(), first > 1 && !seqs.is_empty());
    }
});
