//! A conversation's creation (`POST /init`): its identity, the site's
//! settings as the Worker read them, the workflow, and the first messages
//! (a proactive greeting, the pre-chat form's answers).

use serde::{Deserialize, Serialize};
use shared::moderation_case::Room;
use shared::site::SiteConfig;
use shared::workflow::{State as Workflow, WorkflowKind};
use worker::{Response, Result};

use super::sql::{write_meta, Meta, SqlStore};
use super::Conversation;
use crate::error::internal;
use crate::room::{Core, Settings};

/// Body of `POST /init`: the conversation's identity and how it starts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Init {
    /// Identity.
    pub meta: Meta,
    /// Its workflow.
    pub workflow: WorkflowKind,
    /// A proactive greeting, stored as the first operator message.
    pub greeting: Option<String>,
    /// Pre-chat answers, collected as customer events (already checked
    /// against the site's form).
    pub fields: Vec<(String, String)>,
    /// The site's settings as the Worker read them, and their version.
    pub settings: (u64, SiteConfig),
}

impl Conversation {
    /// Creates the conversation once; a second `/init` is refused (409).
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
        *self.meta.borrow_mut() = Some(init.meta);
        *self.core.borrow_mut() = Some(core);
        self.db.called();
        if let Err(e) = crate::inbox::touch(&self.env, &summary).await {
            worker::console_error!("inbox update failed: {e}");
        }
        Response::empty().map(|r| r.with_status(201))
    }
}
