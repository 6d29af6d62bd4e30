//! What the Inbox gathers between two pushes to its consoles, and the
//! frames one push sends: the changed conversations in one `inboxUpdate`
//! (each once, as it is now), the desk's changes in one `moderation` frame.

use shared::moderation_case::DeskBatch;
use shared::{ConversationSummary, ServerEnvelope, ServerMsg};

/// Changes waiting for the next push.
#[derive(Debug, Default)]
pub struct Gathered {
    changed: Vec<ConversationSummary>,
    desk: DeskBatch,
    desk_due: bool,
}

impl Gathered {
    /// A conversation changed (it replaces what was gathered of it).
    pub fn conversation(&mut self, summary: ConversationSummary) {
        self.changed.retain(|s| s.id != summary.id);
        self.changed.push(summary);
    }

    /// The desk changed.
    pub fn desk(&mut self, changes: DeskBatch) {
        changes.items.into_iter().for_each(|item| self.desk.add(item));
        self.desk.too_many |= changes.too_many;
        self.desk.alert = changes.alert.or(self.desk.alert.take());
        self.desk_due = true;
    }

    /// The frames of one push, leaving nothing gathered. With nothing
    /// gathered the object was evicted since the push was due and forgot
    /// what changed: the whole list (`list()`) and a desk push with no
    /// change (the consoles fetch their desk lists again, as they do for a
    /// push with too much for one frame).
    pub fn frames<E>(
        &mut self,
        list: impl FnOnce() -> Result<Vec<ConversationSummary>, E>,
    ) -> Result<Vec<ServerEnvelope>, E> {
        let Gathered { changed, desk, desk_due } = std::mem::take(self);
        let evicted = changed.is_empty() && !desk_due;
        let mut frames = Vec::new();
        if evicted {
            frames.push(ServerEnvelope::push(ServerMsg::Inbox { conversations: list()? }));
        } else if !changed.is_empty() {
            frames.push(ServerEnvelope::push(ServerMsg::InboxUpdate(changed)));
        }
        if desk_due || evicted {
            let (alert, changed) = desk.pushed();
            frames.push(ServerEnvelope::push(ServerMsg::Moderation { alert, changed }));
        }
        Ok(frames)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::ConversationId;

    fn summary(id: &ConversationId, seq: u64) -> ConversationSummary {
        ConversationSummary {
            id: id.clone(),
            site: "demo".parse().unwrap(),
            last_seq: seq,
            last_author: None,
            preview: String::new(),
            created_at: 0,
            updated_at: seq,
            workflow: shared::workflow::WorkflowKind::Support,
            step: 0,
            team: None,
            assignee: None,
            outcome: None,
        }
    }

    fn never() -> Result<Vec<ConversationSummary>, ()> {
        panic!("the whole list is read only after an eviction")
    }

    #[test]
    fn a_burst_over_many_conversations_is_one_frame_with_each_once_as_it_is_now() {
        let ids: Vec<ConversationId> = (0..10u8).map(|i| ConversationId::from_random([i; 16])).collect();
        let mut g = Gathered::default();
        for seq in 1..=100 {
            g.conversation(summary(&ids[seq as usize % 10], seq));
        }
        let frames = g.frames(never).unwrap();
        assert_eq!(frames.len(), 1);
        let ServerMsg::InboxUpdate(changed) = &frames[0].msg else { panic!("{frames:?}") };
        assert_eq!(changed.len(), 10);
        for s in changed {
            let newest = (1..=100).filter(|seq| ids[*seq as usize % 10] == s.id).max().unwrap();
            assert_eq!(s.last_seq, newest);
        }
        // Nothing is left for the next push.
        assert!(matches!(g.frames(|| Ok::<_, ()>(Vec::new())).unwrap()[0].msg, ServerMsg::Inbox { .. }));
    }

    #[test]
    fn desk_changes_alone_are_one_moderation_frame() {
        let mut g = Gathered::default();
        g.desk(DeskBatch { too_many: true, ..DeskBatch::default() });
        let frames = g.frames(never).unwrap();
        assert_eq!(frames.len(), 1);
        assert!(matches!(frames[0].msg, ServerMsg::Moderation { .. }));
    }

    #[test]
    fn after_an_eviction_the_consoles_get_the_whole_list_and_refetch_the_desk() {
        let id = ConversationId::from_random([7; 16]);
        let frames = Gathered::default().frames(|| Ok::<_, ()>(vec![summary(&id, 3)])).unwrap();
        assert!(matches!(&frames[0].msg, ServerMsg::Inbox { conversations } if conversations[0].id == id));
        assert!(matches!(&frames[1].msg, ServerMsg::Moderation { changed, .. } if changed.is_empty()));
    }
}
