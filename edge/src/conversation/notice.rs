//! The Conversation's inbox notices, coalesced: at most one in flight and
//! one every [`SPACING`]; the messages stored meanwhile are told by the
//! next notice (the newest wins: an inbox line shows only the newest). A
//! burst of messages costs the site's Inbox one call per spacing, not one
//! per message. Each notice also carries the text messages stored since
//! the last one, for the site's search index (`Said`); when the index
//! answers that it misses some (a lost notice, a wake with an empty
//! memory), the missing run is read from the store and sent at once. A
//! close also files the conversation's facts with the site's stats
//! (`file_facts`).

use std::cell::{Cell, RefCell};
use std::time::Duration;

use shared::ChatMessage;

use super::Conversation;
use crate::calls::inbox::{Moment, Said};
use crate::room::RoomStore;

/// The most messages read to file a closed conversation's facts.
const FACTS_READ: usize = 5_000;
/// The most messages read from the store per notice repairing the index.
const REPAIR_READ: usize = 500;
/// The most repairing notices after one notice.
const REPAIRS: usize = 20;

/// The least time between two notices of one conversation.
pub const SPACING: Duration = Duration::from_millis(100);

/// Whether a notice is in flight, the newest message waiting for the
/// next, and the messages for the search index since the last.
#[derive(Default)]
pub struct Notices {
    busy: Cell<bool>,
    waiting: RefCell<Option<ChatMessage>>,
    said: RefCell<Option<Said>>,
}

/// Whether the search index keeps `m`: a text anyone reads.
fn searchable(m: &ChatMessage) -> bool {
    m.event.is_none() && !m.removed && !m.text.is_empty()
}

/// What webhooks may want of `m`: an order confirmed (its order is
/// added at the notice, from the workflow state), a rating.
fn moment(m: &ChatMessage) -> Option<Moment> {
    use shared::webhooks::HookEvent;
    use shared::workflow::Event;
    let (event, key, data) = match m.event.as_ref()? {
        Event::ConfirmOrder { .. } => (HookEvent::OrderConfirmed, "order", serde_json::json!({})),
        Event::Rate { score } => (HookEvent::CsatReceived, "rated", serde_json::json!({ "rating": score })),
        _ => return None,
    };
    Some(Moment { event, id: format!("{key}.{}", m.seq), at: m.at, seq: m.seq, data })
}

/// The index's entry of `m`.
fn entry(m: &ChatMessage) -> (u64, shared::Role, u64, String) {
    (m.seq, m.author, m.at, m.text.clone())
}

impl Notices {
    /// Whether the caller tells `m` now; `false`: a notice is in flight and
    /// its sender tells `m` (or a newer message) next. Either way `m` joins
    /// the run for the index.
    pub fn start(&self, m: &ChatMessage) -> bool {
        {
            let mut said = self.said.borrow_mut();
            let run = said.get_or_insert_with(|| Said { after: m.seq.saturating_sub(1), ..Said::default() });
            run.upto = run.upto.max(m.seq);
            if searchable(m) {
                run.messages.push(entry(m));
            }
            run.moments.extend(moment(m));
            if let Some(shared::workflow::Event::Edit { seq, text, .. }) = &m.event {
                run.edits.push((*seq, text.clone()));
            }
        }
        if self.busy.replace(true) {
            *self.waiting.borrow_mut() = Some(m.clone());
            return false;
        }
        true
    }

    /// After a notice and the spacing: the message to tell next (`None`:
    /// nothing waits, and the next message starts a notice at once).
    pub fn next(&self) -> Option<ChatMessage> {
        let next = self.waiting.borrow_mut().take();
        self.busy.set(next.is_some());
        next
    }

    /// The run for the index, taken for a notice.
    fn take_said(&self) -> Option<Said> {
        self.said.borrow_mut().take()
    }

    /// A notice failed: its run goes back before what came since.
    fn put_back(&self, mut run: Said) {
        let mut said = self.said.borrow_mut();
        if let Some(later) = said.take() {
            run.upto = run.upto.max(later.upto);
            run.messages.extend(later.messages);
            run.moments.extend(later.moments);
            run.edits.extend(later.edits);
        }
        *said = Some(run);
    }
}

impl Conversation {
    /// Tells the site's inbox about `m`, coalesced; the site's settings
    /// version (`None`: not told now, or the Inbox did not answer).
    pub(super) async fn tell_inbox(&self, m: &ChatMessage) -> Option<u64> {
        // A practice run has no inbox line.
        if self.practice().is_some() || !self.notices.start(m) {
            return None;
        }
        let (mut m, mut version) = (m.clone(), None);
        loop {
            version = self.touch(&m).await.or(version);
            worker::Delay::from(SPACING).await;
            match self.notices.next() {
                Some(next) => m = next,
                None => return version,
            }
        }
    }

    /// Closed: its facts (with its adherence grade, by the site's canned
    /// guidance and reply time) go to the site's stats. One read of the
    /// timeline per close; best effort (logged), like the notice.
    pub(super) async fn file_facts(&self) {
        let Some((site, id)) = self.meta.borrow().as_ref().map(|m| (m.site.clone(), m.conversation.clone())) else {
            return;
        };
        let (kind, canned, reply_ms) = {
            let core = self.core.borrow();
            let Some(core) = core.as_ref() else { return };
            let Some(state) = core.workflow.as_ref() else { return };
            let config = &core.settings.config;
            (state.workflow, config.canned.clone(), config.routing.no_reply_ms())
        };
        let timeline = match super::sql::SqlStore(&self.db).after(0, FACTS_READ) {
            Ok(t) => t,
            Err(e) => return worker::console_error!("facts of {id}: {e}"),
        };
        let mut facts = shared::metrics::facts(kind, &timeline);
        facts.adherence = Some(shared::grading::grade(kind, &timeline, &canned, reply_ms).score);
        self.db.called();
        if let Err(e) = crate::calls::inbox::file(&self.env, site.as_str(), vec![(id.to_string(), facts)]).await {
            worker::console_error!("facts of {id}: {e}");
        }
    }

    /// One notice: the conversation's inbox line with `m` as its newest
    /// message, and the messages for the index since the last notice.
    async fn touch(&self, m: &ChatMessage) -> Option<u64> {
        let (summary, quote) = {
            let core = self.core.borrow();
            let state = core.as_ref()?.workflow.as_ref()?;
            let summary = self.meta.borrow().as_ref()?.summary(Some(m), state);
            (shared::ConversationSummary { tags: self.tags.borrow().clone(), ..summary }, state.quote.clone())
        };
        let mut run = self.notices.take_said();
        // A confirmed order's webhook carries the order.
        for c in run.iter_mut().flat_map(|r| &mut r.moments) {
            if c.event == shared::webhooks::HookEvent::OrderConfirmed {
                c.data["order"] = serde_json::to_value(&quote).unwrap_or_default();
            }
        }
        self.db.called();
        // Best effort: the message is stored and acknowledged; a lost
        // update is repaired by the next one (updates carry `last_seq`,
        // the index's run comes back for the next notice).
        let touched = match crate::calls::inbox::touch(&self.env, summary.clone(), run.clone()).await {
            Ok(t) => t,
            Err(e) => {
                run.map(|r| self.notices.put_back(r));
                worker::console_error!("inbox: {e}");
                return None;
            }
        };
        let mut indexed = touched.indexed;
        for _ in 0..REPAIRS {
            // A gap: everything after what the index holds, through this run.
            let Some(run) = run.as_ref().filter(|r| indexed < r.upto) else { break };
            let Some(repair) = self.missing(indexed, run.upto) else { break };
            let next = crate::calls::inbox::touch(&self.env, summary.clone(), Some(repair)).await;
            match next.map_err(|e| worker::console_error!("inbox: {e}")) {
                Ok(t) if t.indexed > indexed => indexed = t.indexed,
                _ => break,
            }
        }
        Some(touched.version)
    }

    /// The text messages after `indexed` the index misses (a run ending at
    /// `upto`, or earlier when more than one read's worth are missing).
    fn missing(&self, indexed: u64, upto: u64) -> Option<Said> {
        let read = super::sql::SqlStore(&self.db).after(indexed, REPAIR_READ);
        let read = read.map_err(|e| worker::console_error!("index repair: {e}")).ok()?;
        let upto = match read.len() {
            REPAIR_READ => read.last()?.seq,
            _ => upto,
        };
        let read = || read.iter().filter(|m| m.seq <= upto);
        let messages = read().filter(|m| searchable(m)).map(entry).collect();
        let edits = read()
            .filter_map(|m| match &m.event {
                Some(shared::workflow::Event::Edit { seq, text, .. }) => Some((*seq, text.clone())),
                _ => None,
            })
            .collect();
        Some(Said { after: indexed, upto, messages, moments: read().filter_map(moment).collect(), edits })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(seq: u64) -> ChatMessage {
        let (author, text) = (shared::Role::Customer, String::new());
        ChatMessage {
            seq,
            client_id: seq.to_string(),
            author,
            text,
            at: seq,
            event: None,
            name: None,
            from: None,
            removed: false,
            by: None,
        }
    }

    #[test]
    fn a_burst_is_told_by_two_notices_the_first_and_the_newest() {
        let n = Notices::default();
        assert!(n.start(&message(1)));
        for seq in 2..=50 {
            assert!(!n.start(&message(seq)), "{seq} waits for the notice in flight");
        }
        assert_eq!(n.next().map(|m| m.seq), Some(50));
        assert_eq!(n.next(), None);
        assert!(n.start(&message(51)), "nothing in flight: told at once");
    }

    #[test]
    fn every_text_stored_since_the_last_notice_goes_to_the_index_once_and_back_if_the_notice_failed() {
        let n = Notices::default();
        let text = |seq: u64| ChatMessage { text: format!("m{seq}"), ..message(seq) };
        let event = |seq: u64| ChatMessage { event: Some(shared::workflow::Event::AskRating {}), ..text(seq) };
        assert!(n.start(&text(7)));
        assert!(!n.start(&event(8)));
        assert!(!n.start(&ChatMessage { removed: true, ..text(9) }));
        assert!(!n.start(&text(10)));
        let run = n.take_said().unwrap();
        assert_eq!((run.after, run.upto), (6, 10), "the run vouches for 7 to 10");
        assert_eq!(run.messages.iter().map(|m| m.0).collect::<Vec<_>>(), [7, 10], "texts only");
        // Stored while the notice was out, then the notice failed: one run again.
        assert!(!n.start(&text(11)));
        n.put_back(run);
        let run = n.take_said().unwrap();
        assert_eq!((run.after, run.upto), (6, 11));
        assert_eq!(run.messages.iter().map(|m| m.0).collect::<Vec<_>>(), [7, 10, 11]);
        assert_eq!(n.take_said(), None);
    }
}
