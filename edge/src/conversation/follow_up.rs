//! The conversation's follow-up on its alarm: armed for the pending plan's
//! due time after a frame scheduled one (an earlier alarm is left: every
//! alarm looks at what is due and sets the next), and brought back when due.

use std::time::Duration;

use worker::Result;

use super::Conversation;
use crate::room::shell::Host;

impl Conversation {
    /// Makes sure the alarm comes by the pending follow-up's due time.
    pub(super) async fn arm_follow_up(&self) -> Result<()> {
        let next = self.core.borrow().as_ref().and_then(|c| c.next_follow_up());
        if next == self.follow_up_armed.replace(next) {
            return Ok(());
        }
        let Some(due) = next else { return Ok(()) };
        let storage = self.state.storage();
        match storage.get_alarm().await? {
            Some(at) if (at.max(0) as u64) <= due => Ok(()),
            _ => {
                let now = worker::Date::now().as_millis();
                storage.set_alarm(Duration::from_millis(due.saturating_sub(now).max(1))).await
            }
        }
    }

    /// Brings back the follow-up that is due (stored, delivered to the
    /// staff, told to the inbox, which routes it).
    pub(super) async fn follow_up_due(&self) {
        match self.ready().await {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => return worker::console_error!("follow-up not checked: {e}"),
        }
        let now = worker::Date::now().as_millis();
        let effects = {
            let store = self.store();
            let mut core = self.core.borrow_mut();
            core.as_mut().expect("ready").follow_up_due(&store, now)
        };
        match effects {
            Ok(effects) => self.carry_out(None, effects).await,
            Err(why) => worker::console_error!("follow-up not brought back: {why}"),
        }
        self.follow_up_armed.set(self.core.borrow().as_ref().and_then(|c| c.next_follow_up()));
    }
}
