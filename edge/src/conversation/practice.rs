//! A practice run (`shared::practice`): the Worker plays the scripted
//! customer. After each operator frame, the operator's messages since the
//! customer's last are looked at; when one is the cue of the script's next
//! line, the customer's line (and
//! event) is stored under the line's fixed id, so a line is said once
//! however often this runs, also after the object was evicted. A practice
//! conversation has no inbox line and no figures; at its close it is graded
//! (`shared::grading`, by the site's canned guidance and reply time) and
//! the result goes to the site's list part, where the console reads it and
//! routing checks a site's onboarding rule.

use shared::practice::{line_id, next, script, PracticeResult};
use shared::Role;

use super::sql::SqlStore;
use super::Conversation;
use crate::room::shell::Host;
use crate::room::RoomStore;

/// The newest messages looked at for a cue.
const RECENT: usize = 10;
/// The most messages read to grade a run.
const GRADE_READ: usize = 2_000;

impl Conversation {
    /// The practice run this is, if one.
    pub(super) fn practice(&self) -> Option<shared::practice::Practice> {
        self.meta.borrow().as_ref().and_then(|m| m.practice())
    }

    /// Stores the customer's part `id` (text, then event), delivered like a
    /// customer's message.
    pub(super) async fn say(&self, id: &str, text: &str, event: Option<shared::workflow::Event>) {
        let now = worker::Date::now().as_millis();
        let mut all = Vec::new();
        for (id, text, event) in [(id.to_owned(), text, None), (format!("{id}-event"), "", event)] {
            if text.is_empty() && event.is_none() {
                continue;
            }
            let effects = {
                let store = SqlStore(&self.db);
                let mut core = self.core.borrow_mut();
                let Some(core) = core.as_mut() else { return };
                core.scripted(&store, &id, text, event, now)
            };
            match effects {
                Ok(e) => all.extend(e),
                Err(e) => worker::console_error!("practice line {id}: {e}"),
            }
        }
        self.carry_out(None, all).await;
    }

    /// After an operator's frame: the script's next line, if its cue came.
    pub(super) async fn practice_turn(&self) {
        let Some(p) = self.practice() else { return };
        let Some(s) = script(&p.script) else { return };
        let store = SqlStore(&self.db);
        // The operator's messages since the customer's last (a reply may be
        // followed by its assignment, for one).
        let Some(last) = self.core.borrow().as_ref().map(|c| c.last_seq) else { return };
        let Ok(recent) = store.before(last + 1, RECENT) else { return };
        let since = recent.iter().rposition(|m| m.author == Role::Customer).map_or(0, |i| i + 1);
        let theirs = &recent[since..];
        if theirs.is_empty() {
            return;
        }
        // Lines said so far: their ids are fixed.
        let said = (0..s.lines.len())
            .take_while(|i| {
                let (text, event) = (line_id(*i, false), line_id(*i, true));
                [text, event].iter().any(|id| store.find(Role::Customer, "", id).ok().flatten().is_some())
            })
            .count();
        if let Some(line) = theirs.iter().find_map(|m| next(&s, said, m)) {
            self.say(&line_id(said, false), line.text, line.event.clone()).await;
        }
    }

    /// A practice run closed: graded, and the result filed.
    pub(super) async fn file_practice(&self, p: shared::practice::Practice) {
        let Some(site) = self.meta.borrow().as_ref().map(|m| m.site.clone()) else { return };
        let (kind, canned, reply_ms) = {
            let core = self.core.borrow();
            let Some(core) = core.as_ref() else { return };
            let Some(state) = core.workflow.as_ref() else { return };
            let config = &core.settings.config;
            (state.workflow, config.canned.clone(), config.routing.no_reply_ms())
        };
        let Ok(timeline) = SqlStore(&self.db).after(0, GRADE_READ) else { return };
        let grade = shared::grading::grade(kind, &timeline, &canned, reply_ms);
        let at = worker::Date::now().as_millis();
        let result = PracticeResult { script: p.script, workflow: kind, trainee: p.trainee, at, grade };
        if let Err(e) = crate::calls::inbox::practiced(&self.env, site.as_str(), result).await {
            worker::console_error!("practice result: {e}");
        }
    }
}
