//! A conversation's creation (`RoomCall::Init`): its identity, the site's
//! settings as the Worker read them, the workflow, and the first messages
//! (a proactive greeting, the pre-chat form's answers; a practice run's
//! scripted opening).

use shared::moderation_case::Room;
use shared::workflow::State as Workflow;
use worker::{Response, Result};

use super::sql::{write_meta, SqlStore};
use super::Conversation;
use crate::calls::room::Init;
use crate::error::internal;
use crate::room::{Core, Settings};

impl Conversation {
    /// Creates the conversation once; a second `Init` is refused (409).
    pub(super) async fn init(&self, init: Init) -> Result<Response> {
        if !write_meta(&self.db, &init.meta).map_err(internal)? {
            return Response::error("conversation exists", 409);
        }
        let (version, config) = init.settings;
        crate::room::sql::save_settings(&self.db, version, &config).map_err(internal)?;
        let store = SqlStore(&self.db);
        let room = Room::Conversation(init.meta.conversation.clone());
        let now = init.meta.created_at;
        let mut core =
            Core::wake(&store, room, Settings::new(version, config), Some(Workflow::new(init.workflow)), now)
                .map_err(internal)?;
        let newest = core.start(&store, init.greeting.as_deref(), init.fields, now).map_err(internal)?;
        let summary = init.meta.summary(newest.as_ref(), core.workflow.as_ref().expect("a conversation"));
        let practice = init.meta.practice();
        *self.meta.borrow_mut() = Some(init.meta);
        *self.core.borrow_mut() = Some(core);
        self.db.called();
        // A practice run: the scripted customer opens; no inbox line.
        if let Some(script) = practice.and_then(|p| shared::practice::script(&p.script)) {
            self.say("script-open", script.opening, None).await;
            return Response::empty().map(|r| r.with_status(201));
        }
        if let Err(e) = crate::calls::inbox::touch(&self.env, summary, None).await {
            worker::console_error!("inbox update failed: {e}");
        }
        Response::empty().map(|r| r.with_status(201))
    }
}
