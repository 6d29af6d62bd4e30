//! What the list part gathers between two pushes to its consoles, and the
//! frames one push sends each socket: the changed conversations of its
//! scope in one `inboxUpdate` (each once, as it is now, and also those that
//! just left the scope, so the console drops them), the desk's changes in
//! one `moderation` frame.

use shared::moderation_case::DeskBatch;
use shared::scope::Scope;
use shared::{ConversationSummary, ServerEnvelope, ServerMsg};

use super::sql::Was;

/// Changes waiting for the next push.
#[derive(Debug, Default)]
pub struct Gathered {
    changed: Vec<(ConversationSummary, Was)>,
    desk: DeskBatch,
    desk_due: bool,
}

/// One push, taken from [`Gathered`], told to each socket by [`Push::frames`].
#[derive(Debug)]
pub struct Push {
    changed: Vec<(ConversationSummary, Was)>,
    desk: Option<ServerEnvelope>,
    evicted: bool,
}

impl Gathered {
    /// A conversation changed (it replaces what was gathered of it, and
    /// keeps what it was before the first of those changes).
    pub fn conversation(&mut self, summary: ConversationSummary, was: Was) {
        let was = match self.changed.iter().position(|(s, _)| s.id == summary.id) {
            Some(i) => self.changed.remove(i).1,
            None => was,
        };
        self.changed.push((summary, was));
    }

    /// The desk changed.
    pub fn desk(&mut self, changes: DeskBatch) {
        changes.items.into_iter().for_each(|item| self.desk.add(item));
        self.desk.too_many |= changes.too_many;
        self.desk.alert = changes.alert.or(self.desk.alert.take());
        self.desk_due = true;
    }

    /// The push, leaving nothing gathered. With nothing gathered the object
    /// was evicted since the push was due and forgot what changed: each
    /// socket gets its scope's first page, and a desk push with no change
    /// (the consoles fetch their desk lists again, as they do for a push
    /// with too much for one frame).
    pub fn take(&mut self) -> Push {
        let Gathered { changed, desk, desk_due } = std::mem::take(self);
        let evicted = changed.is_empty() && !desk_due;
        let desk = (desk_due || evicted).then(|| {
            let (alert, changed) = desk.pushed();
            ServerEnvelope::push(ServerMsg::Moderation { alert, changed, notice: None })
        });
        Push { changed, desk, evicted }
    }
}

impl Push {
    /// The frames for a socket showing `scope` to the operator named `me`;
    /// `page` reads that scope's first page (only after an eviction).
    pub fn frames<E>(
        &self,
        scope: &Scope,
        me: &str,
        page: impl FnOnce() -> Result<Vec<ConversationSummary>, E>,
    ) -> Result<Vec<ServerEnvelope>, E> {
        let mut frames = Vec::new();
        if self.evicted {
            frames.push(ServerEnvelope::push(ServerMsg::Inbox { conversations: page()? }));
        } else {
            let shown: Vec<ConversationSummary> = self
                .changed
                .iter()
                .filter(|(now, was)| scope.keeps(now, me) || was_kept(scope, me, now, was))
                .map(|(now, _)| now.clone())
                .collect();
            if !shown.is_empty() {
                frames.push(ServerEnvelope::push(ServerMsg::InboxUpdate(shown)));
            }
        }
        frames.extend(self.desk.clone());
        Ok(frames)
    }
}

/// Whether the line was in the scope before its change.
fn was_kept(scope: &Scope, me: &str, now: &ConversationSummary, was: &Was) -> bool {
    let Some((team, assignee, _)) = was else { return false };
    let before = ConversationSummary { team: team.clone(), assignee: assignee.clone(), ..now.clone() };
    scope.keeps(&before, me)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::ConversationId;

    fn summary(id: &ConversationId, seq: u64) -> ConversationSummary {
        ConversationSummary {
            last_seq: seq,
            updated_at: seq,
            ..ConversationSummary::new(id.clone(), "demo".parse().unwrap(), shared::workflow::WorkflowKind::Support)
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
            g.conversation(summary(&ids[seq as usize % 10], seq), None);
        }
        let frames = g.take().frames(&Scope::All, "Ann", never).unwrap();
        assert_eq!(frames.len(), 1);
        let ServerMsg::InboxUpdate(changed) = &frames[0].msg else { panic!("{frames:?}") };
        assert_eq!(changed.len(), 10);
        for s in changed {
            let newest = (1..=100).filter(|seq| ids[*seq as usize % 10] == s.id).max().unwrap();
            assert_eq!(s.last_seq, newest);
        }
        // Nothing is left for the next push.
        let next = g.take().frames(&Scope::All, "Ann", || Ok::<_, ()>(Vec::new())).unwrap();
        assert!(matches!(next[0].msg, ServerMsg::Inbox { .. }));
    }

    #[test]
    fn desk_changes_alone_are_one_moderation_frame() {
        let mut g = Gathered::default();
        g.desk(DeskBatch { too_many: true, ..DeskBatch::default() });
        let frames = g.take().frames(&Scope::Mine, "Ann", never).unwrap();
        assert_eq!(frames.len(), 1);
        assert!(matches!(frames[0].msg, ServerMsg::Moderation { .. }));
    }

    #[test]
    fn after_an_eviction_the_consoles_get_the_whole_list_and_refetch_the_desk() {
        let id = ConversationId::from_random([7; 16]);
        let frames =
            Gathered::default().take().frames(&Scope::All, "Ann", || Ok::<_, ()>(vec![summary(&id, 3)])).unwrap();
        assert!(matches!(&frames[0].msg, ServerMsg::Inbox { conversations } if conversations[0].id == id));
        assert!(matches!(&frames[1].msg, ServerMsg::Moderation { changed, .. } if changed.is_empty()));
    }

    #[test]
    fn a_socket_gets_its_scope_and_the_lines_that_just_left_it() {
        let ids: Vec<ConversationId> = (0..3u8).map(|i| ConversationId::from_random([i; 16])).collect();
        let mut g = Gathered::default();
        // 0: new, nobody's. 1: was nobody's, now Ann's. 2: Cy's, still Cy's.
        g.conversation(summary(&ids[0], 1), None);
        let ann = ConversationSummary { assignee: Some("Ann".into()), ..summary(&ids[1], 1) };
        g.conversation(ann.clone(), Some((None, None, true)));
        g.conversation(ConversationSummary { last_seq: 2, ..ann }, Some((None, Some("Ann".into()), true)));
        let cy = ConversationSummary { assignee: Some("Cy".into()), ..summary(&ids[2], 1) };
        g.conversation(cy, Some((None, Some("Cy".into()), true)));
        let push = g.take();
        let shown = |scope: Scope, me: &str| -> Vec<ConversationId> {
            match &push.frames(&scope, me, never).unwrap()[..] {
                [] => vec![],
                [f] => match &f.msg {
                    ServerMsg::InboxUpdate(c) => c.iter().map(|c| c.id.clone()).collect(),
                    other => panic!("{other:?}"),
                },
                more => panic!("{more:?}"),
            }
        };
        assert_eq!(shown(Scope::All, "Ann"), ids);
        assert_eq!(shown(Scope::Mine, "Ann"), vec![ids[1].clone()]);
        // Taken by Ann: it left the unassigned queue, whose consoles are told.
        assert_eq!(shown(Scope::Unassigned, "Ann"), vec![ids[0].clone(), ids[1].clone()]);
        assert_eq!(shown(Scope::Mine, "Bo"), vec![]);
        assert_eq!(shown(Scope::Team("billing".into()), "Ann"), vec![]);
    }
}
