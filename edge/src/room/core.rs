//! The room core, sans-IO: one [`Core`] per awake Conversation or Channel
//! object. It takes a client's frame and returns the [`Effect`]s the shell
//! carries out (answers, broadcasts, reports, the inbox notice), reading
//! and writing only through a [`RoomStore`].
//!
//! Architecture invariant: a message is acknowledged only after
//! [`RoomStore::insert`] returned; a client id (per author, per member in a
//! channel) maps to at most one message for the room's whole life;
//! sequence numbers have no gaps. The steady path of an accepted text is
//! one write and no read (the insert itself finds a resend: the client id
//! is unique per author); everything else it needs is in memory.

use shared::moderation_case::{Hit, Report, ReportStatus, Room, SanctionRecord, VIEWER_REPORT};
use shared::rules::{Action, Category};
use shared::staff::{Capability, StaffRole};
use shared::workflow::{apply, Event, Sanction, Severity, State};
use shared::{ChatMessage, ClientEnvelope, ClientMsg, Detail, ErrorCode, Role, ServerMsg, WireName};

use super::memory::{record, MemberLog, Members, Sanctions, MINUTE_MS};
use super::policy::{self, Draft, Refusal, Screening, Settings};
use super::store::{RoomStore, StoreError};
use super::Held;
use crate::calls::room::{Lift, Removal, ReviewHeld, ViewerReport};

mod files;
pub use files::{FilePost, FILE_HELD};

/// Who is on a socket, as its attachment says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    /// Customer or operator.
    pub role: Role,
    /// A staff member's role (`None`: a customer).
    pub staff: Option<StaffRole>,
    /// The member id (a customer's, from their visitor token; `""` for staff).
    pub member: String,
    /// The display name.
    pub name: String,
}

/// What the shell does after a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Answer the sender's frame.
    Reply(ServerMsg),
    /// Deliver a new timeline message to every socket, as each role sees it.
    Broadcast(ChatMessage),
    /// Tell the site's inbox about the conversation's newest message.
    Notify(ChatMessage),
    /// File a report with the site's moderation desk.
    Report(shared::moderation_case::Report),
    /// Relay typing to the other side.
    Typing(Role, bool),
    /// Send the sender what it missed after this sequence number (one by
    /// one if it fits in a page, else the newest page).
    Replay(u64),
    /// Send the sender the page before this sequence number.
    Page(u64),
    /// Tell a member's sockets a moderator's notice.
    Tell(String, shared::Notice),
    /// Log this (a storage failure; the client was told to resend).
    Log(String),
    /// A ban: tell the member's sockets and close them.
    Ban(String, Refusal),
    /// A held message was rejected: its sender's copy shows why.
    Rejected(String, String),
    /// A staff whisper (its client id and the note): kept, then sent to
    /// the staff sockets only.
    Whisper(String, shared::Whisper),
    /// A moderator removed this message: every socket shows a tombstone.
    Removed(u64),
}

/// Who routing acts as in a conversation's timeline.
pub const ROUTING: &str = "routing";

/// One room's state in memory and its policy.
pub struct Core {
    /// The room (for reports).
    pub room: Room,
    /// The highest stored sequence number.
    pub last_seq: u64,
    /// The site's settings, with their version.
    pub settings: Settings,
    /// The sanctions in force here.
    pub sanctions: Sanctions,
    /// Members' recent activity.
    pub members: Members,
    /// The conversation's workflow state (`None`: a channel).
    pub workflow: Option<State>,
    /// Whether reports are kept that the site's Inbox has not taken yet
    /// (the shell files them; see `room::reports`).
    pub unfiled: bool,
    /// The site's identity secret for the frame in hand when it confirms
    /// an order and the site has a checkout (the shell fetches it first).
    pub signer: Option<super::sales::Signer>,
}

impl Core {
    /// Rebuilds the core when the object wakes: the last sequence number
    /// and the sanctions are read; members are read as they write.
    pub fn wake(
        store: &impl RoomStore,
        room: Room,
        settings: Settings,
        workflow: Option<State>,
        now: u64,
    ) -> Result<Self, StoreError> {
        let sanctions = Sanctions::from_records(store.sanctions()?, now);
        let last_seq = store.last_seq()?;
        Ok(Self {
            room,
            last_seq,
            settings,
            sanctions,
            members: Members::default(),
            workflow,
            unfiled: false,
            signer: None,
        })
    }

    fn is_channel(&self) -> bool {
        self.workflow.is_none()
    }

    /// What writing here takes: moderating in a channel; in a conversation,
    /// what its workflow takes (`shared::practice::writes_need`: replying,
    /// or moderating in a moderation one — a practice run).
    fn writes_need(&self) -> Capability {
        match &self.workflow {
            None => Capability::Moderate,
            Some(state) => shared::practice::writes_need(state.workflow),
        }
    }

    /// `text` with the personal data the site redacts removed
    /// (`shared::redact`), before anything screens, stores, reports or
    /// sends it; cut to the message limit if the masks made it longer.
    fn redacted(&self, text: &str) -> String {
        let (clean, _) = shared::redact::redact(text, self.settings.config.redaction);
        match clean.char_indices().nth(shared::MAX_MESSAGE_CHARS) {
            Some((cut, _)) => clean[..cut].to_owned(),
            None => clean,
        }
    }

    /// Handles one decoded client frame.
    pub fn handle(&mut self, store: &impl RoomStore, who: &Who, env: ClientEnvelope, now: u64) -> Vec<Effect> {
        let id = env.id;
        let writes = matches!(
            env.msg,
            ClientMsg::Send { .. } | ClientMsg::Act { .. } | ClientMsg::Typing { .. } | ClientMsg::Whisper { .. }
        );
        if writes {
            if let Err(refusal) = policy::authorise(who.staff, self.writes_need()) {
                return refuse(refusal);
            }
        }
        let result = match env.msg {
            ClientMsg::Send { text } => self.send(store, who, &id, &self.redacted(&text), None, now),
            ClientMsg::Act { event: Event::FollowUpDue {} } => {
                Err(Stop::Refused(Refusal::new(ErrorCode::Forbidden, "a follow-up falls due by itself")))
            }
            ClientMsg::Act { event } if !self.is_channel() => self.act(store, who, &id, &event, now),
            ClientMsg::Typing { on } if !self.is_channel() => Ok(vec![Effect::Typing(who.role, on)]),
            ClientMsg::Typing { .. } => Ok(Vec::new()),
            ClientMsg::Whisper { .. } if who.role == Role::Customer => {
                Err(Stop::Refused(Refusal::new(ErrorCode::Forbidden, "whispers are between staff")))
            }
            ClientMsg::Whisper { text } if !self.is_channel() => {
                let text = self.redacted(&text);
                Ok(vec![Effect::Whisper(id.clone(), shared::Whisper { from: who.name.clone(), text, at: now })])
            }
            ClientMsg::Sync { after } => Ok(vec![Effect::Replay(after)]),
            ClientMsg::History { before } => Ok(vec![Effect::Page(before)]),
            _ => Err(Stop::Refused(Refusal::new(ErrorCode::UnknownType, "not supported on this socket"))),
        };
        result.unwrap_or_else(stopped)
    }

    /// Loads `member`'s recent activity into memory if it is not there.
    fn member(&mut self, store: &impl RoomStore, member: &str, now: u64) -> Result<&mut MemberLog, StoreError> {
        if !self.members.has(member) {
            let limit = self.settings.config.limits.messages_per_minute as usize;
            let recent = store.recent(member, now.saturating_sub(MINUTE_MS), limit)?;
            self.members.load(member, MemberLog::from_recent(recent));
        }
        let log = self.members.get_mut(member).expect("loaded above");
        log.active = now;
        Ok(log)
    }

    /// A new text (or a channel's file, `text` its caption). The steady
    /// path reads nothing: the insert itself finds a resend (the client id
    /// is unique per author); the refusals, a hold and a reopen look for a
    /// resend first, so a stored message is acked again rather than
    /// refused. A resend is one more attempt in the window.
    fn send(
        &mut self,
        store: &impl RoomStore,
        who: &Who,
        id: &str,
        text: &str,
        file: Option<&FilePost>,
        now: u64,
    ) -> Result<Vec<Effect>, Stop> {
        let (mut effects, mut report) = (Vec::new(), None);
        if who.role == Role::Customer {
            // A resend of a held message is held again (no new report).
            let log = self.member(store, &who.member, now)?;
            if let Some(told) = log.held.get(id) {
                return Ok(vec![Effect::Reply(told.clone())]);
            }
            let mut screening = self.screen(store, who, id, text, now)?;
            if let Some(file) = file {
                screening = file.screened(screening, &self.room, who, id, text, now);
            }
            if !matches!(screening, Screening::Deliver(_)) {
                if let Some(again) = stored_already(store, who, id, text)? {
                    return Ok(again);
                }
            }
            match screening {
                Screening::Deliver(flagged) => report = flagged,
                Screening::Hold(caught, reason, detail) => {
                    let event = file.map(FilePost::event_json).transpose()?;
                    let held = Held { event, ..Held::of(who, id, text, now, &reason, &detail) };
                    store.hold(&held)?;
                    let (log, told) = (self.member(store, &who.member, now)?, held.told());
                    log.held.insert(id.to_owned(), told.clone());
                    log.wrote(text, now);
                    return Ok(vec![Effect::Reply(told), Effect::Report(caught)]);
                }
                Screening::Refuse(mut refusal, caught) => {
                    let mut told = Vec::new();
                    if let Some(mute) = caught.as_ref().and_then(|r| r.auto_mute()) {
                        // The rule's mute: the refusal says until when; kept,
                        // and told to every window of the member, as a moderator's is.
                        refusal = refusal.with(Detail::sanction(mute.until, &mute.reason));
                        told = self.sanction(store, &mute)?;
                    }
                    let report = caught.map(Effect::Report);
                    return Ok(refuse(refusal).into_iter().chain(told).chain(report).collect());
                }
            }
            if self.workflow.as_ref().is_some_and(State::closed) {
                if let Some(again) = stored_already(store, who, id, text)? {
                    return Ok(again);
                }
                // A customer writing after close reopens the conversation first.
                let reopen = self.act(store, who, &format!("reopen-{id}"), &Event::Reopen {}, now)?;
                effects.extend(reopen.into_iter().filter(|e| !matches!(e, Effect::Reply(_))));
            }
        }
        let event = file.map(|f| Event::File(Box::new(f.file.clone())));
        let m = self.message(who, id, text.to_owned(), event, now);
        if !store.insert(&m, None)? {
            let again = stored_already(store, who, id, text)?;
            return again.ok_or_else(|| Stop::Store(StoreError(format!("id {id} is taken but not found"))));
        }
        self.last_seq = m.seq;
        if who.role == Role::Customer {
            self.member(store, &who.member, now)?.wrote(text, now);
        }
        Ok(self.stored(m, effects, report))
    }

    /// Screens a customer's new text; every attempt counts in the window.
    fn screen(
        &mut self,
        store: &impl RoomStore,
        who: &Who,
        id: &str,
        text: &str,
        now: u64,
    ) -> Result<Screening, StoreError> {
        let per_minute = self.settings.config.limits.messages_per_minute;
        self.member(store, &who.member, now)?;
        let log = self.members.get_mut(&who.member).expect("loaded above");
        let draft = Draft { room: &self.room, member: &who.member, name: &who.name, client_id: id, text, now };
        let screening = policy::screen(&draft, log, &self.sanctions, &self.settings);
        record(&mut log.attempts, now, per_minute);
        Ok(screening)
    }

    fn act(
        &mut self,
        store: &impl RoomStore,
        who: &Who,
        id: &str,
        event: &Event,
        now: u64,
    ) -> Result<Vec<Effect>, Stop> {
        // A customer's file after close reopens the conversation first, as their text does.
        let reopens = who.role == Role::Customer
            && matches!(event, Event::File(_))
            && self.workflow.as_ref().is_some_and(State::closed)
            && store.find(who.role, &who.member, id)?.is_none();
        let mut reopened = Vec::new();
        if reopens {
            let reopen = self.act(store, who, &format!("reopen-{id}"), &Event::Reopen {}, now)?;
            reopened.extend(reopen.into_iter().filter(|e| !matches!(e, Effect::Reply(_))));
        }
        let state = self.workflow.clone().unwrap_or_default();
        if who.role == Role::Customer && matches!(event, Event::Collect { .. }) {
            return Err(Stop::Refused(Refusal::new(
                ErrorCode::Forbidden,
                "answers are collected by the form when the chat starts",
            )));
        }
        if !event.allowed_for(who.role) {
            return Err(Stop::Refused(Refusal::new(
                ErrorCode::Forbidden,
                format!("a {} may not do this", who.role.as_str()),
            )));
        }
        if let Some(existing) = store.find(who.role, &who.member, id)? {
            return repeat(existing.event.as_ref().map(Event::as_sent) == Some(event.as_sent()), &existing);
        }
        if let Event::Edit { seq, text, .. } = event {
            return self.edit(store, who, id, *seq, text, now);
        }
        if who.role == Role::Customer {
            let per_minute = self.settings.config.limits.messages_per_minute;
            let log = self.member(store, &who.member, now)?;
            let allowed = policy::event_rate(log, per_minute, now);
            record(&mut log.events, now, per_minute);
            allowed?;
        }
        self.settings
            .config
            .check_event(event)
            .map_err(|why| Stop::Refused(Refusal::new(ErrorCode::IllegalMove, why)))?;
        if let Some(staff) = who.staff {
            let to = match event {
                Event::Assign { to, .. } => Some(Some(to.as_str())),
                Event::Release {} => Some(None),
                _ => None,
            };
            if let Some(to) = to {
                let supervises = staff.may(Capability::Supervise);
                shared::routing::may_reassign(state.assignee.as_deref(), &who.name, to, supervises)
                    .map_err(|why| Stop::Refused(Refusal::new(ErrorCode::Forbidden, why)))?;
            }
        }
        let event = match event.as_sent() {
            Event::FollowUp { due, note, .. } => super::follow_up::scheduled(due, note, &who.name, now),
            Event::ConfirmOrder { .. } => {
                super::sales::confirmed(&self.settings.config.sales, &state, &self.room, self.signer.take(), now)
            }
            sent => super::sales::priced(&self.settings.config, &state, who.staff, sent, now),
        };
        let event = &event.map_err(Stop::Refused)?;
        let (state, _) =
            apply(&state, event).map_err(|e| Stop::Refused(Refusal::new(ErrorCode::IllegalMove, e.to_string())))?;
        let m = self.message(who, id, event.describe(), Some(event.clone()), now);
        store.insert(&m, Some(&state))?;
        self.last_seq = m.seq;
        self.workflow = Some(state);
        Ok(self.stored(m, reopened, None))
    }

    /// An operator's edit of their own message: changed in place (its
    /// row, and every socket gets it again with the new text), and kept as
    /// an internal `edit` event with what it said before (the audit).
    fn edit(
        &mut self,
        store: &impl RoomStore,
        who: &Who,
        id: &str,
        seq: u64,
        text: &str,
        now: u64,
    ) -> Result<Vec<Effect>, Stop> {
        let minutes = self.settings.config.limits.edit_minutes;
        let (original, text) = super::edit::checked(store.at(seq)?, who, text, minutes, now).map_err(Stop::Refused)?;
        let text = if text.is_empty() { text } else { self.redacted(&text) };
        let event = Event::Edit { seq, text: text.clone(), was: Some(original.text.clone()) };
        let state = self.workflow.clone().unwrap_or_default();
        let m = self.message(who, id, event.describe(), Some(event), now);
        store.insert(&m, Some(&state))?;
        store.edit(seq, &text)?;
        self.last_seq = m.seq;
        let edited = ChatMessage { text, ..original };
        Ok(self.stored(m, vec![Effect::Broadcast(edited)], None))
    }

    /// The next timeline message (a channel's carry their sender).
    fn message(&self, who: &Who, id: &str, text: String, event: Option<Event>, now: u64) -> ChatMessage {
        let channel = self.is_channel();
        // A conversation's customer sees who of the team wrote where the site says so.
        let named = who.role == Role::Operator && self.settings.config.appearance.operator_names;
        ChatMessage {
            seq: self.last_seq + 1,
            client_id: id.to_owned(),
            author: who.role,
            text,
            at: now,
            event,
            name: (channel || named && !who.name.is_empty()).then(|| who.name.clone()),
            from: (channel && !who.member.is_empty()).then(|| who.member.clone()),
            removed: false,
            by: (!channel && who.role == Role::Operator && !who.name.is_empty()).then(|| who.name.clone()),
        }
    }

    /// The effects of a newly stored message, after `before`: the answer
    /// first, then the delivery, the report (another object's round trip)
    /// and the inbox notice last (it may wait for the one in flight).
    fn stored(&self, m: ChatMessage, mut before: Vec<Effect>, report: Option<Report>) -> Vec<Effect> {
        before.push(Effect::Reply(ServerMsg::Ack { seq: m.seq, at: m.at }));
        before.push(Effect::Broadcast(m.clone()));
        before.extend(report.map(Effect::Report));
        if !self.is_channel() {
            before.push(Effect::Notify(m));
        }
        before
    }

    /// A new conversation's first messages: the proactive greeting (from
    /// the operator) and the pre-chat form's answers (the customer's
    /// `collect` events, checked against the site's form by the Worker).
    /// The newest message, for the inbox line.
    pub fn start(
        &mut self,
        store: &impl RoomStore,
        greeting: Option<&str>,
        fields: Vec<(String, String)>,
        now: u64,
    ) -> Result<Option<ChatMessage>, String> {
        let operator = Who { role: Role::Operator, staff: None, member: String::new(), name: String::new() };
        let customer = Who { role: Role::Customer, ..operator.clone() };
        let mut newest = None;
        if let Some(text) = greeting {
            let m = self.message(&operator, "greeting", text.to_owned(), None, now);
            store.insert(&m, None).map_err(|e| e.to_string())?;
            self.last_seq = m.seq;
            newest = Some(m);
        }
        for (field, value) in fields {
            let event = Event::Collect { field: field.clone(), value };
            let state = self.workflow.clone().unwrap_or_default();
            let (state, _) = apply(&state, &event).map_err(|e| e.to_string())?;
            let m = self.message(&customer, &format!("field-{field}"), event.describe(), Some(event), now);
            store.insert(&m, Some(&state)).map_err(|e| e.to_string())?;
            self.last_seq = m.seq;
            self.workflow = Some(state);
            newest = Some(m);
        }
        Ok(newest)
    }

    /// Routing's decision (an assignment, or a conversation taken back),
    /// stored as an operator's event under `id` (a resend is answered
    /// again, not stored twice) if `holder` still has it (`None`: nobody,
    /// so a conversation someone took meanwhile is not given away). The
    /// refusal, if the workflow or the holder refuses it.
    pub fn route(
        &mut self,
        store: &impl RoomStore,
        event: &Event,
        id: &str,
        holder: Option<&str>,
        now: u64,
    ) -> Result<Vec<Effect>, String> {
        let who = Who { role: Role::Operator, staff: None, member: String::new(), name: ROUTING.into() };
        if store.find(who.role, &who.member, id).map_err(|e| e.to_string())?.is_none() {
            let assignee = self.workflow.as_ref().and_then(|s| s.assignee.as_deref());
            if assignee != holder {
                return Err(format!("{} has it now", assignee.unwrap_or("nobody")));
            }
        }
        match self.act(store, &who, id, event, now) {
            Ok(effects) => Ok(effects),
            Err(Stop::Refused(r)) => Err(r.message),
            Err(Stop::Store(e)) => Err(e.to_string()),
        }
    }

    /// When the pending follow-up is due (`None`: none is pending).
    pub fn next_follow_up(&self) -> Option<u64> {
        self.workflow.as_ref()?.follow_up.as_ref().filter(|f| !f.fired).map(|f| f.due)
    }

    /// The follow-up fell due at `now` (the object's alarm): stored as
    /// routing's `followUpDue`, which opens the conversation again for the
    /// queue. Nothing when none is due yet.
    pub fn follow_up_due(&mut self, store: &impl RoomStore, now: u64) -> Result<Vec<Effect>, String> {
        let Some(due) = self.next_follow_up().filter(|due| *due <= now) else { return Ok(Vec::new()) };
        let holder = self.workflow.as_ref().and_then(|s| s.assignee.clone());
        self.route(store, &Event::FollowUpDue {}, &super::follow_up::due_id(due), holder.as_deref(), now)
    }

    /// A practice run's scripted customer says `text` (with `event`) under
    /// `id`: stored once (a repeat is answered with nothing), unmoderated
    /// (the Worker wrote it), delivered like a customer's message.
    pub fn scripted(
        &mut self,
        store: &impl RoomStore,
        id: &str,
        text: &str,
        event: Option<Event>,
        now: u64,
    ) -> Result<Vec<Effect>, String> {
        if store.find(Role::Customer, "", id).map_err(|e| e.to_string())?.is_some() {
            return Ok(Vec::new());
        }
        let who = Who { role: Role::Customer, staff: None, member: String::new(), name: String::new() };
        let state = match &event {
            Some(e) => Some(apply(&self.workflow.clone().unwrap_or_default(), e).map_err(|e| e.to_string())?.0),
            None => None,
        };
        let text = event.as_ref().map_or_else(|| text.to_owned(), Event::describe);
        let m = self.message(&who, id, text, event, now);
        store.insert(&m, state.as_ref()).map_err(|e| e.to_string())?;
        self.last_seq = m.seq;
        if state.is_some() {
            self.workflow = state;
        }
        let mut effects = self.stored(m, Vec::new(), None);
        effects.retain(|e| !matches!(e, Effect::Reply(_)));
        Ok(effects)
    }

    /// A moderator's decision on a held message: store and deliver it, or
    /// tell its sender it was not published.
    pub fn review(&mut self, store: &impl RoomStore, review: &ReviewHeld, now: u64) -> Result<Vec<Effect>, StoreError> {
        let Some(held) = store.take_held(&review.member, &review.message)? else { return Ok(Vec::new()) };
        if let Some(log) = self.members.get_mut(&held.member) {
            log.held.remove(&held.client_id);
        }
        if !review.approve {
            return Ok(vec![Effect::Rejected(held.member, held.client_id)]);
        }
        let who = Who { role: Role::Customer, staff: None, member: held.member.clone(), name: held.name.clone() };
        if store.find(Role::Customer, &held.member, &held.client_id)?.is_some() {
            return Ok(Vec::new());
        }
        let event = held.event.as_deref().and_then(|e| serde_json::from_str(e).ok());
        let m = self.message(&who, &held.client_id, held.text, event, now);
        store.insert(&m, None)?;
        self.last_seq = m.seq;
        let mut effects = self.stored(m, Vec::new(), None);
        effects.retain(|e| !matches!(e, Effect::Reply(_)));
        Ok(effects)
    }

    /// A moderator's sanction: kept here (a warning is only told); a ban
    /// closes the member's sockets.
    pub fn sanction(&mut self, store: &impl RoomStore, record: &SanctionRecord) -> Result<Vec<Effect>, StoreError> {
        let records = self.sanctions.with(record);
        store.set_sanctions(&record.member, &records)?;
        self.sanctions.set(&record.member, records);
        let mut effects = vec![Effect::Tell(record.member.clone(), record.told())];
        if record.kind == Sanction::Ban {
            effects.push(Effect::Ban(record.member.clone(), record.refusal(ErrorCode::Banned)));
        }
        Ok(effects)
    }

    /// A viewer reports a published channel message to the moderators:
    /// filed as a report about its sender (flagged, open), with the
    /// viewer's reason; the desk keeps one line per message and each
    /// further viewer raises it a step. Nothing for an unknown or removed
    /// message, or in a conversation.
    pub fn report(&self, store: &impl RoomStore, report: &ViewerReport) -> Result<Vec<Effect>, StoreError> {
        let (seq, reason) = (report.seq, report.reason);
        let found = store.after(seq.saturating_sub(1), 1)?.into_iter().next();
        let Some(m) = found.filter(|m| self.is_channel() && m.seq == seq && !m.removed && m.event.is_none()) else {
            return Ok(Vec::new());
        };
        let severity = reason.map_or(Severity::Low, |c| c.preset().0);
        let why = format!("reported by a viewer: {}", reason.map_or("something else", Category::label));
        let member = Some(report.member.clone());
        let hit = Hit { rule: VIEWER_REPORT.into(), severity, action: Action::Flag, why, found: member };
        let filed = Report {
            id: 0,
            room: self.room.clone(),
            member: m.from.unwrap_or_default(),
            name: m.name.unwrap_or_default(),
            message: m.client_id,
            text: m.text,
            at: m.at,
            hits: vec![hit],
            action: Action::Flag,
            severity,
            status: ReportStatus::Open,
            count: 1,
            file: None,
        };
        Ok(vec![Effect::Report(filed)])
    }

    /// A moderator removes a published message for everyone: its text
    /// leaves the room (the row stays, blank: a tombstone) and goes to the
    /// moderation desk as evidence, in a report marked done. Nothing
    /// happens for an unknown or already removed message.
    pub fn remove(&mut self, store: &impl RoomStore, removal: &Removal) -> Result<Vec<Effect>, StoreError> {
        let Some(original) = store.remove(removal.seq)? else { return Ok(Vec::new()) };
        let hit = Hit {
            rule: shared::moderation_case::REMOVED.into(),
            severity: Severity::High,
            action: Action::Block,
            why: format!("removed for everyone by {} after it was published", removal.by),
            found: Some(removal.by.clone()),
        };
        let evidence = Report {
            id: 0,
            room: self.room.clone(),
            member: original.from.clone().unwrap_or_default(),
            name: original.name.clone().unwrap_or_default(),
            message: original.client_id,
            text: original.text,
            at: original.at,
            hits: vec![hit],
            action: Action::Block,
            severity: Severity::High,
            status: ReportStatus::Done,
            count: 1,
            file: None,
        };
        Ok(vec![Effect::Report(evidence), Effect::Removed(removal.seq)])
    }

    /// A moderator lifts a mute or ban.
    pub fn lift(&mut self, store: &impl RoomStore, lift: &Lift) -> Result<Vec<Effect>, StoreError> {
        let records = self.sanctions.without(&lift.member, lift.kind);
        store.set_sanctions(&lift.member, &records)?;
        self.sanctions.set(&lift.member, records);
        let told = shared::Notice { kind: lift.kind, until: None, reason: String::new(), lifted: true };
        Ok(vec![Effect::Tell(lift.member.clone(), told)])
    }

    /// At a customer's connect: takes the site's sanctions for `member`
    /// (written only if they changed) and refuses a banned one.
    pub fn admit(
        &mut self,
        store: &impl RoomStore,
        member: &str,
        records: Vec<SanctionRecord>,
        now: u64,
    ) -> Result<Result<(), Refusal>, StoreError> {
        let records: Vec<_> = records.into_iter().filter(|r| r.in_force(now)).collect();
        if records != self.sanctions.of(member) {
            store.set_sanctions(member, &records)?;
            self.sanctions.set(member, records);
        }
        Ok(match self.sanctions.banning(member, now) {
            Some(ban) => Err(ban.refusal(ErrorCode::Banned)),
            None => Ok(()),
        })
    }
}

impl Held {
    fn of(who: &Who, id: &str, text: &str, now: u64, reason: &str, detail: &Detail) -> Self {
        Held {
            member: who.member.clone(),
            client_id: id.to_owned(),
            name: who.name.clone(),
            text: text.to_owned(),
            at: now,
            reason: reason.to_owned(),
            event: None,
            detail: serde_json::to_string(detail).ok(),
        }
    }
}

/// A resend of a message already stored: its ack again, or a conflict if
/// the text differs. `None`: nothing is stored under this id.
fn stored_already(store: &impl RoomStore, who: &Who, id: &str, text: &str) -> Result<Option<Vec<Effect>>, Stop> {
    match store.find(who.role, &who.member, id)? {
        Some(existing) => repeat(existing.text == text, &existing).map(Some),
        None => Ok(None),
    }
}

/// A resend: the original's ack if it is the same, else the id conflict.
fn repeat(same: bool, existing: &ChatMessage) -> Result<Vec<Effect>, Stop> {
    if same {
        Ok(vec![Effect::Reply(ServerMsg::Ack { seq: existing.seq, at: existing.at })])
    } else {
        Err(Stop::Refused(Refusal::new(ErrorCode::IdConflict, "this id was already used for another message")))
    }
}

/// What the sender is told of a frame that stored nothing.
fn stopped(stop: Stop) -> Vec<Effect> {
    match stop {
        Stop::Refused(refusal) => refuse(refusal),
        Stop::Store(e) => {
            let answer = refuse(Refusal::new(ErrorCode::Internal, "not stored; please resend"));
            [vec![Effect::Log(e.to_string())], answer].concat()
        }
    }
}

fn refuse(refusal: Refusal) -> Vec<Effect> {
    vec![Effect::Reply(refusal.into())]
}

/// Why a frame stored nothing.
enum Stop {
    /// The policy refused it.
    Refused(Refusal),
    /// Storage failed: the client is told to resend; the cause is logged.
    Store(StoreError),
}

impl From<StoreError> for Stop {
    fn from(e: StoreError) -> Self {
        Stop::Store(e)
    }
}

impl From<Refusal> for Stop {
    fn from(r: Refusal) -> Self {
        Stop::Refused(r)
    }
}
