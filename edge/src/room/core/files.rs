//! Files in the room core: an uploaded file (the Worker checked and stored
//! it) becomes a message like any other. In a conversation it is a
//! workflow act (a file after close reopens); in a channel it is screened
//! as a text with its caption ("📎 name (size)"), so a mute, a lock, slow
//! mode, the rate and the rules apply to it. Where the site holds the
//! files of visitors it did not sign in, it waits for a moderator as a
//! held message that keeps the file: an approval publishes it. Every
//! report of a file links to it, so a moderator can look.

use shared::files::Attachment;
use shared::moderation_case::{Hit, Report, ReportStatus, Room};
use shared::rules::Action;
use shared::workflow::{Event, Severity};
use shared::{ClientEnvelope, ClientMsg, Detail, ServerMsg, PROTOCOL_VERSION};

use super::{stopped, Core, Effect, Stop, Who};
use crate::room::policy::Screening;
use crate::room::store::{RoomStore, StoreError};
use crate::room::Held;

/// What a visitor reads when their file waits for review.
pub const FILE_HELD: &str =
    "Files from visitors who are not signed in are checked by a moderator before anyone else sees them.";

/// An uploaded file for a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePost {
    /// The file, checked and stored.
    pub file: Attachment,
    /// Where it is read (the room's id is in it).
    pub path: String,
    /// The site holds it for review (its sender is not signed in).
    pub hold: bool,
}

impl FilePost {
    /// The message event, as a held row keeps it.
    pub fn event_json(&self) -> Result<String, StoreError> {
        Ok(serde_json::to_string(&Event::File(Box::new(self.file.clone())))?)
    }

    /// The hit that holds it.
    fn hit(&self) -> Hit {
        Hit {
            rule: "files.holdUnverified".into(),
            severity: Severity::Low,
            action: Action::Hold,
            why: format!("a {} file from a visitor the site did not sign in", self.file.kind.label()),
            found: None,
        }
    }

    /// The screening of its caption, with the site's hold on top (a
    /// flag's hits stay in the report); every report links the file.
    pub(super) fn screened(
        &self,
        screening: Screening,
        room: &Room,
        who: &Who,
        id: &str,
        text: &str,
        now: u64,
    ) -> Screening {
        let link = |r: Report| Report { file: Some(self.path.clone()), ..r };
        match screening {
            Screening::Deliver(flagged) if self.hold => {
                let hits = flagged.map(|r| r.hits).unwrap_or_default();
                Screening::Hold(self.held_report(room, who, id, text, hits, now), FILE_HELD.into(), Detail::Unverified)
            }
            Screening::Deliver(flagged) => Screening::Deliver(flagged.map(link)),
            Screening::Hold(caught, why, detail) => Screening::Hold(link(caught), why, detail),
            Screening::Refuse(refusal, caught) => Screening::Refuse(refusal, caught.map(link)),
        }
    }

    /// The report of a file held for review, after `hits` the rules made.
    fn held_report(&self, room: &Room, who: &Who, id: &str, text: &str, mut hits: Vec<Hit>, now: u64) -> Report {
        hits.push(self.hit());
        Report {
            id: 0,
            room: room.clone(),
            member: who.member.clone(),
            name: who.name.clone(),
            message: id.to_owned(),
            text: text.to_owned(),
            at: now,
            hits,
            action: Action::Hold,
            severity: Severity::Low,
            status: ReportStatus::Open,
            count: 1,
            file: Some(self.path.clone()),
        }
    }
}

impl Core {
    /// An uploaded file from `who` under client id `id`: stored and
    /// delivered, held, or refused, as [`FilePost`] says and the room's
    /// policy decides; a resend is the same message.
    pub fn file(&mut self, store: &impl RoomStore, who: &Who, id: &str, post: FilePost, now: u64) -> Vec<Effect> {
        if self.is_channel() {
            let text = post.file.describe();
            return self.send(store, who, id, &text, Some(&post), now).unwrap_or_else(stopped);
        }
        if post.hold {
            return self.hold_file(store, who, id, &post, now).map_err(Stop::from).unwrap_or_else(stopped);
        }
        let msg = ClientMsg::Act { event: Event::File(Box::new(post.file)) };
        self.handle(store, who, ClientEnvelope { v: PROTOCOL_VERSION, id: id.to_owned(), msg }, now)
    }

    /// A conversation's file held for review: kept as a held message with
    /// the file and reported. A resend is held again; once approved, acked.
    fn hold_file(
        &mut self,
        store: &impl RoomStore,
        who: &Who,
        id: &str,
        post: &FilePost,
        now: u64,
    ) -> Result<Vec<Effect>, StoreError> {
        if let Some(m) = store.find(who.role, &who.member, id)? {
            return Ok(vec![Effect::Reply(ServerMsg::Ack { seq: m.seq, at: m.at })]);
        }
        let room = self.room.clone();
        let log = self.member(store, &who.member, now)?;
        if let Some(told) = log.held.get(id) {
            return Ok(vec![Effect::Reply(told.clone())]);
        }
        let text = post.file.describe();
        let held =
            Held { event: Some(post.event_json()?), ..Held::of(who, id, &text, now, FILE_HELD, &Detail::Unverified) };
        store.hold(&held)?;
        let told = held.told();
        log.held.insert(id.to_owned(), told.clone());
        let report = post.held_report(&room, who, id, &text, Vec::new(), now);
        Ok(vec![Effect::Reply(told), Effect::Report(report)])
    }
}
