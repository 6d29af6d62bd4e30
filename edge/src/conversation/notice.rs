//! The Conversation's inbox notices, coalesced: at most one in flight and
//! one every [`SPACING`]; the messages stored meanwhile are told by the
//! next notice (the newest wins: an inbox line shows only the newest). A
//! burst of messages costs the site's Inbox one call per spacing, not one
//! per message. A close also files the conversation's facts with the
//! site's stats (`file_facts`).

use std::cell::{Cell, RefCell};
use std::time::Duration;

use shared::ChatMessage;

use super::Conversation;

/// The most messages read to file a closed conversation's facts.
const FACTS_READ: usize = 5_000;

/// The least time between two notices of one conversation.
pub const SPACING: Duration = Duration::from_millis(100);

/// Whether a notice is in flight, and the newest message waiting for the next.
#[derive(Default)]
pub struct Notices {
    busy: Cell<bool>,
    waiting: RefCell<Option<ChatMessage>>,
}

impl Notices {
    /// Whether the caller tells `m` now; `false`: a notice is in flight and
    /// its sender tells `m` (or a newer message) next.
    pub fn start(&self, m: &ChatMessage) -> bool {
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
        use crate::room::RoomStore;
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

    /// One notice: the conversation's inbox line with `m` as its newest message.
    async fn touch(&self, m: &ChatMessage) -> Option<u64> {
        let summary = {
            let core = self.core.borrow();
            let summary = self.meta.borrow().as_ref()?.summary(Some(m), core.as_ref()?.workflow.as_ref()?);
            shared::ConversationSummary { tags: self.tags.borrow().clone(), ..summary }
        };
        self.db.called();
        // Best effort: the message is stored and acknowledged; a lost
        // update is repaired by the next one (updates carry `last_seq`).
        crate::calls::inbox::touch(&self.env, summary).await.map_err(|e| worker::console_error!("inbox: {e}")).ok()
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
}
