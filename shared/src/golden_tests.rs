//! Golden JSON examples: one file per protocol variant under `shared/golden/`,
//! so every wire change shows up as a diff. `UPDATE_GOLDEN=1 cargo test -p
//! shared` rewrites the files after an intended change.

use std::path::PathBuf;

use crate::api::{ApiError, ConversationCreated, CreateConversation};
use crate::moderation_case::DeskItem;
use crate::pricing::Discount;
use crate::protocol::*;
use crate::sales::{Quote, QuoteLine, QuoteSaving};
use crate::workflow::*;
use crate::ConversationId;

fn conv() -> ConversationId {
    "0123456789abcdef0123456789abcdef".parse().unwrap()
}

fn summary() -> ConversationSummary {
    ConversationSummary {
        id: conv(),
        site: "demo".parse().unwrap(),
        last_seq: 7,
        last_author: Some(Role::Customer),
        preview: "My order has not arrived".into(),
        created_at: 1_795_000_000_000,
        updated_at: 1_795_000_060_000,
        workflow: WorkflowKind::Support,
        step: 2,
        team: Some("billing".into()),
        assignee: Some("Ada".into()),
        outcome: None,
        follow_up: Some(1_796_659_200_000),
        follow_up_by: Some("Ada".into()),
        approval: Some("20 % off EUR 98.00".into()),
        customer: Some("Ada".into()),
        tags: vec!["vip".into()],
        member: None,
    }
}

/// The name of a client variant. Exhaustive on purpose: a new variant does
/// not compile until it gets a golden example below.
fn client_name(m: &ClientMsg) -> &'static str {
    match m {
        ClientMsg::Send { .. } => "send",
        ClientMsg::Sync { .. } => "sync",
        ClientMsg::Act { .. } => "act",
        ClientMsg::Typing { .. } => "typing",
        ClientMsg::History { .. } => "history",
        ClientMsg::Whisper { .. } => "whisper",
        ClientMsg::Presence { .. } => "presence",
        ClientMsg::Seen(_) => "seen",
    }
}

fn server_name(m: &ServerMsg) -> &'static str {
    match m {
        ServerMsg::Welcome { .. } => "welcome",
        ServerMsg::Message(_) => "message",
        ServerMsg::Ack { .. } => "ack",
        ServerMsg::Error { .. } => "error",
        ServerMsg::Inbox { .. } => "inbox",
        ServerMsg::InboxUpdate(_) => "inboxUpdate",
        ServerMsg::Typing { .. } => "typing",
        ServerMsg::Held { .. } => "held",
        ServerMsg::Moderation { .. } => "moderation",
        ServerMsg::History { .. } => "history",
        ServerMsg::Queue { .. } => "queue",
        ServerMsg::Whisper(_) => "whisper",
        ServerMsg::Board(_) => "board",
        ServerMsg::Assignment { .. } => "assignment",
        ServerMsg::Seen(_) => "seen",
        ServerMsg::Removed { .. } => "removed",
    }
}

fn event_name(e: &Event) -> &'static str {
    match e {
        Event::CompleteStep { .. } => "completeStep",
        Event::Collect { .. } => "collect",
        Event::Assign { .. } => "assign",
        Event::Release {} => "release",
        Event::Escalate { .. } => "escalate",
        Event::Checklist { .. } => "checklist",
        Event::Tick { .. } => "tick",
        Event::Present(_) => "present",
        Event::Add { .. } => "add",
        Event::Order { .. } => "order",
        Event::ConfirmOrder { .. } => "confirmOrder",
        Event::CancelOrder { .. } => "cancelOrder",
        Event::AskApproval { .. } => "askApproval",
        Event::Decide { .. } => "decide",
        Event::AskResolution {} => "askResolution",
        Event::Resolve { .. } => "resolve",
        Event::AskRating {} => "askRating",
        Event::Rate { .. } => "rate",
        Event::Flag { .. } => "flag",
        Event::Assess { .. } => "assess",
        Event::Sanction { .. } => "sanction",
        Event::Lift { .. } => "lift",
        Event::LogIncident { .. } => "logIncident",
        Event::Close { .. } => "close",
        Event::Reopen {} => "reopen",
        Event::FollowUp { .. } => "followUp",
        Event::FollowUpDue {} => "followUpDue",
        Event::Edit { .. } => "edit",
        Event::File(_) => "file",
    }
}

fn event_examples() -> Vec<Event> {
    let product = Product { family: "plans".into(), variant: "Team".into(), ..Product::new("team", "Team plan", 4900) };
    let presented = Product {
        quote: Some(Quote {
            currency: "EUR".into(),
            lines: vec![QuoteLine { product: "team".into(), name: "Team plan".into(), qty: 1, unit: 4900 }],
            savings: vec![QuoteSaving {
                id: "spring".into(),
                name: "Spring sale".into(),
                off: 490,
                ends_ms: Some(1_790_000_000_000),
            }],
            subtotal: 4900,
            net: 4410,
            tax: 0,
            tax_included: true,
            total: 4410,
            list_total: 4900,
        }),
        ..product
    };
    vec![
        Event::CompleteStep { step: "greet".into() },
        Event::Collect { field: "account_id".into(), value: "AC-1042".into() },
        Event::Assign { to: "Ada".into() },
        Event::Release {},
        Event::Escalate { team: "billing".into(), note: "Refund over the limit".into() },
        Event::Checklist { items: vec!["Sign out".into(), "Clear the cache".into()] },
        Event::Tick { item: 1, done: true },
        Event::Present(presented),
        Event::Add { product: "team".into() },
        Event::Order {
            lines: vec![OrderLine { product: "team".into(), qty: 2 }],
            codes: vec!["SPRING".into()],
            discount: Some(Discount::Percent(500)),
            quote: Some(Quote {
                currency: "EUR".into(),
                lines: vec![QuoteLine { product: "team".into(), name: "Team plan".into(), qty: 2, unit: 4900 }],
                savings: vec![
                    QuoteSaving {
                        id: "spring".into(),
                        name: "Spring sale".into(),
                        off: 980,
                        ends_ms: Some(1_790_000_000_000),
                    },
                    QuoteSaving { id: "negotiated".into(), name: "Your discount".into(), off: 441, ends_ms: None },
                ],
                subtotal: 9800,
                net: 8379,
                tax: 1396,
                tax_included: true,
                total: 8379,
                list_total: 9800,
            }),
        },
        Event::ConfirmOrder { checkout: Some("/checkout?cart=eyJ2IjoxfQ&sig=00".into()) },
        Event::CancelOrder { reason: "Ordered the wrong plan".into() },
        Event::AskApproval { discount: Discount::Amount(2000), note: "Two-year commitment".into() },
        Event::Decide { approve: true, note: "Fine for two years".into() },
        Event::AskResolution {},
        Event::Resolve { solved: true },
        Event::AskRating {},
        Event::Rate { score: 5 },
        Event::Flag { note: "Insults another visitor".into() },
        Event::Assess { severity: Severity::High },
        Event::Sanction { kind: Sanction::Mute, minutes: Some(30) },
        Event::Lift { kind: Sanction::Ban },
        Event::LogIncident { summary: "Insult; muted 10 min".into() },
        Event::Close { outcome: Outcome::Resolved },
        Event::Reopen {},
        Event::FollowUp { due: 1_796_659_200_000, note: "Check the delivery arrived".into(), by: "Ada".into() },
        Event::FollowUpDue {},
        Event::Edit {
            seq: 12,
            text: "The invoice is attached now.".into(),
            was: Some("The invoice is atached.".into()),
        },
        Event::File(Box::new(crate::files::tests::attachment())),
    ]
}

fn client_examples() -> Vec<ClientEnvelope> {
    let env = |id: &str, msg| ClientEnvelope { v: PROTOCOL_VERSION, id: id.into(), msg };
    vec![
        env("m-01HX3", ClientMsg::Send { text: "Hello, my order has not arrived".into() }),
        env("s-2", ClientMsg::Sync { after: 41 }),
        env("e-7", ClientMsg::Act { event: Event::ConfirmOrder { checkout: None } }),
        env("t-1", ClientMsg::Typing { on: true }),
        env("h-3", ClientMsg::History { before: 101 }),
        env("w-1", ClientMsg::Whisper { text: "Offer the refund, it is within policy".into() }),
        env("p-1", ClientMsg::Presence { status: crate::routing::Presence::Away }),
        env("seen-1", ClientMsg::Seen(crate::SeenMark { conversation: conv(), seq: 42 })),
    ]
}

fn server_examples() -> Vec<ServerEnvelope> {
    vec![
        ServerEnvelope::push(ServerMsg::Welcome {
            conversation: conv(),
            role: Role::Customer,
            last_seq: 42,
            workflow: WorkflowKind::Sales,
            member: None,
            state: None,
            files: true,
        }),
        ServerEnvelope::push(ServerMsg::Message(ChatMessage {
            seq: 42,
            client_id: "m-01HX3".into(),
            author: Role::Operator,
            text: "<b>Hi!</b> Let me check.".into(),
            at: 1_795_000_060_000,
            event: None,
            name: None,
            from: None,
            removed: false,
            by: None,
        })),
        ServerEnvelope::reply("m-01HX3", ServerMsg::Ack { seq: 42, at: 1_795_000_060_000 }),
        ServerEnvelope::reply(
            "m-01HX4",
            ServerMsg::Error {
                code: ErrorCode::MessageTooLong,
                message: "the message is 4001 characters long; the limit is 4000".into(),
                detail: Some(crate::Detail::Max { max: 4000 }),
            },
        ),
        ServerEnvelope::push(ServerMsg::Inbox { conversations: vec![summary()] }),
        ServerEnvelope::push(ServerMsg::InboxUpdate(vec![summary()])),
        ServerEnvelope::push(ServerMsg::Typing { role: Role::Operator, on: true }),
        ServerEnvelope::reply(
            "m-01HX5",
            ServerMsg::Held {
                reason: "Waiting for a moderator to review it (rule: links).".into(),
                detail: Some(crate::Detail::Rule { rule: "links".into() }),
            },
        ),
        ServerEnvelope::push(ServerMsg::Moderation {
            alert: Some("Case 4 escalated to admin-legal: threat".into()),
            changed: vec![DeskItem::Lifted { member: "m-7f3a".into(), kind: Sanction::Mute }],
            notice: None,
        }),
        ServerEnvelope::reply(
            "h-3",
            ServerMsg::History {
                messages: vec![
                    ChatMessage {
                        seq: 99,
                        client_id: "m-01HW9".into(),
                        author: Role::Customer,
                        text: "Order 1042, placed on Monday.".into(),
                        at: 1_795_000_000_000,
                        event: None,
                        name: None,
                        from: None,
                        removed: false,
                        by: None,
                    },
                    ChatMessage {
                        seq: 100,
                        client_id: "m-01HWA".into(),
                        author: Role::Operator,
                        text: "Thanks, looking it up.".into(),
                        at: 1_795_000_030_000,
                        event: None,
                        name: None,
                        from: None,
                        removed: false,
                        by: None,
                    },
                ],
                more: true,
            },
        ),
        ServerEnvelope::push(ServerMsg::Queue {
            position: 2,
            wait_ms: Some(240_000),
            text: crate::routing::queue_text(2, Some(240_000), None),
            away: None,
        }),
        ServerEnvelope::push(ServerMsg::Whisper(Whisper {
            from: "Sam".into(),
            text: "Offer the refund, it is within policy".into(),
            at: 1_795_000_090_000,
        })),
        ServerEnvelope::push(ServerMsg::Board(crate::routing::Board {
            operators: vec![crate::routing::BoardOperator {
                name: "Ada".into(),
                presence: crate::routing::Presence::Online,
                load: 2,
                capacity: 3,
                teams: vec!["billing".into()],
                mentor: Some("Sam".into()),
            }],
            chats: vec![crate::routing::BoardChat {
                conversation: conv(),
                assignee: "Ada".into(),
                workflow: crate::workflow::WorkflowKind::Support,
                step: 2,
                waiting_since: Some(1_795_000_060_000),
            }],
            queues: vec![crate::routing::QueueLine {
                team: Some("billing".into()),
                length: 4,
                oldest: 1_795_000_000_000,
            }],
        })),
        ServerEnvelope::push(ServerMsg::Assignment {
            conversation: conv(),
            to_you: false,
            why: "No first reply in 2 min: back in the queue".into(),
        }),
        ServerEnvelope::push(ServerMsg::Seen(vec![crate::SeenMark { conversation: conv(), seq: 42 }])),
        ServerEnvelope::push(ServerMsg::Removed { seq: 7 }),
    ]
}

fn check<T>(name: &str, value: &T)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("golden").join(format!("{name}.json"));
    let actual = serde_json::to_string_pretty(value).unwrap() + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing {}; run with UPDATE_GOLDEN=1", path.display()));
    assert_eq!(actual, expected, "{name}: wire format changed; run with UPDATE_GOLDEN=1 if intended");
    let back: T = serde_json::from_str(&expected).unwrap();
    assert_eq!(&back, value, "{name}: golden file does not read back");
}

#[test]
fn client_variants_match_golden_files() {
    let examples = client_examples();
    let mut names: Vec<_> = examples.iter().map(|e| client_name(&e.msg)).collect();
    for e in &examples {
        check(&format!("client.{}", client_name(&e.msg)), e);
    }
    names.sort();
    let mut types = ClientMsg::TYPES.to_vec();
    types.sort();
    assert_eq!(names, types, "ClientMsg::TYPES must list exactly the variants");
}

#[test]
fn server_variants_match_golden_files() {
    let examples = server_examples();
    for e in &examples {
        check(&format!("server.{}", server_name(&e.msg)), e);
    }
    assert_eq!(examples.len(), 16, "one example per server variant");
}

/// What an operator's welcome adds: the workflow state as of `lastSeq`.
#[test]
fn an_operators_welcome_matches_its_golden_file() {
    let mut state = shared_state();
    state.assignee = Some("Ann".into());
    let welcome = ServerMsg::Welcome {
        conversation: conv(),
        role: Role::Operator,
        last_seq: 42,
        workflow: WorkflowKind::Support,
        member: None,
        state: Some(state),
        files: false,
    };
    check("server.welcome.operator", &ServerEnvelope::push(welcome));
}

fn shared_state() -> crate::workflow::State {
    let events = [
        Event::CompleteStep { step: "greet".into() },
        Event::Collect { field: "order".into(), value: "1042".into() },
        Event::Checklist { items: vec!["Restart the app".into()] },
    ];
    crate::workflow::State::replay(WorkflowKind::Support, events.iter())
}

/// What a channel adds: the caller's member id, each sender's name and
/// id, and a removed message's tombstone.
#[test]
fn channel_frames_match_golden_files() {
    let welcome = ServerMsg::Welcome {
        conversation: conv(),
        role: Role::Customer,
        last_seq: 6,
        workflow: WorkflowKind::Support,
        member: Some("3f2a9c0d11e4b7a5".into()),
        state: None,
        files: false,
    };
    check("server.welcome.channel", &ServerEnvelope::push(welcome));
    let message = ChatMessage {
        seq: 7,
        client_id: "m-01HX9".into(),
        author: Role::Customer,
        text: "Great goal!".into(),
        at: 1_795_000_070_000,
        event: None,
        name: Some("Sam".into()),
        from: Some("3f2a9c0d11e4b7a5".into()),
        removed: false,
        by: None,
    };
    check("server.message.channel", &ServerEnvelope::push(ServerMsg::Message(message.clone())));
    let tombstone = ChatMessage { text: String::new(), removed: true, ..message };
    check("server.message.removed", &ServerEnvelope::push(ServerMsg::Message(tombstone)));
    let muted = ServerMsg::Error {
        code: ErrorCode::Muted,
        message: "You are muted until 2026-11-20 10:00 UTC: spam".into(),
        detail: Some(crate::Detail::Until { until: 1_795_000_100_000, reason: "spam".into() }),
    };
    check("server.error.muted", &ServerEnvelope::reply("m-01HX6", muted));
    let notice =
        crate::Notice { kind: Sanction::Mute, until: Some(1_795_000_100_000), reason: "spam".into(), lifted: false };
    let told = ServerMsg::Moderation {
        alert: Some("You are muted until 2026-11-20 10:00 UTC: spam".into()),
        changed: Vec::new(),
        notice: Some(notice),
    };
    check("server.moderation.notice", &ServerEnvelope::push(told));
    let plain =
        ServerMsg::Error { code: ErrorCode::Forbidden, message: "a customer may not do this".into(), detail: None };
    check("server.error.plain", &ServerEnvelope::reply("e-8", plain));
    let english = crate::routing::team_away("Billing", Some("Monday 09:00 (Europe/Berlin)"));
    let away = ServerMsg::Queue {
        position: 3,
        wait_ms: None,
        text: crate::routing::queue_text(3, None, Some(&english)),
        away: Some(crate::routing::TeamAway { team: "Billing".into(), until: Some(1_795_334_400_000) }),
    };
    check("server.queue.away", &ServerEnvelope::push(away));
    let file = ServerMsg::Held {
        reason: "Files from visitors who are not signed in are checked by a moderator before anyone else sees them."
            .into(),
        detail: Some(crate::Detail::Unverified),
    };
    check("server.held.file", &ServerEnvelope::reply("m-01HXA", file));
}

#[test]
fn event_variants_match_golden_files() {
    let examples = event_examples();
    let mut names: Vec<_> = examples.iter().map(event_name).collect();
    for e in &examples {
        check(&format!("event.{}", event_name(e)), e);
    }
    names.sort();
    let mut types = Event::TYPES.to_vec();
    types.sort();
    assert_eq!(names, types, "Event::TYPES must list exactly the variants");
}

fn names_are_serdes<T: WireName + serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>() {
    for v in T::ALL {
        assert_eq!(serde_json::to_string(v).unwrap(), format!("\"{}\"", v.as_str()));
        assert_eq!(T::from_wire(v.as_str()), Some(*v));
    }
    assert_eq!(T::from_wire("no such name"), None);
}

#[test]
fn wire_names_are_serdes_names() {
    names_are_serdes::<Role>();
    names_are_serdes::<ErrorCode>();
    names_are_serdes::<WorkflowKind>();
    names_are_serdes::<Outcome>();
    names_are_serdes::<Severity>();
    names_are_serdes::<Sanction>();
    names_are_serdes::<crate::site::Side>();
    names_are_serdes::<crate::routing::Presence>();
    names_are_serdes::<crate::files::FileType>();
}

#[test]
fn http_bodies_match_golden_files() {
    check("api.createConversation", &CreateConversation::new("demo".parse().unwrap()));
    let pre_chat = CreateConversation {
        fields: vec![("name".into(), "Ada".into()), ("issue_type".into(), "Billing".into())],
        ..CreateConversation::new("demo".parse().unwrap())
    };
    check("api.createConversation.preChat", &pre_chat);
    let proactive =
        CreateConversation { trigger: Some("pricing".into()), ..CreateConversation::new("demo".parse().unwrap()) };
    check("api.createConversation.proactive", &proactive);
    let visitor =
        CreateConversation { visitor: Some("5a".repeat(32)), ..CreateConversation::new("demo".parse().unwrap()) };
    check("api.createConversation.visitor", &visitor);
    let identity = CreateConversation {
        identity: Some(crate::api::Identity { user: "user-42".into(), expires: 1_796_400_600, hash: "ab".repeat(32) }),
        resume: true,
        ..CreateConversation::new("demo".parse().unwrap())
    };
    check("api.createConversation.identity", &identity);
    let page = CreateConversation {
        page: Some("https://shop.example/pricing?plan=team".into()),
        ..CreateConversation::new("demo".parse().unwrap())
    };
    check("api.createConversation.page", &page);
    let away = CreateConversation {
        email: Some("ada@example.com".into()),
        ..CreateConversation::new("demo".parse().unwrap())
    };
    check("api.createConversation.away", &away);
    let online = crate::api::Availability { online: true, reply_ms: Some(180_000), away: false, next_open: None };
    check("api.availability.online", &online);
    let away =
        crate::api::Availability { online: false, reply_ms: None, away: true, next_open: Some(1_774_854_000_000) };
    check("api.availability.away", &away);
    check("api.widgetConfig", &crate::site::SiteConfig::default().widget());
    check(
        "api.conversationCreated",
        &ConversationCreated { conversation: conv(), token: "9f".repeat(32), visitor: None },
    );
    let visitor = Some("5e".repeat(32));
    check(
        "api.conversationCreatedVisitor",
        &ConversationCreated { conversation: conv(), token: "9f".repeat(32), visitor },
    );
    check("api.visitorIssued", &crate::api::VisitorIssued { visitor: "5e".repeat(32) });
    check(
        "api.error",
        &ApiError { code: ErrorCode::UnknownSite, message: "no site has the id \"nope\"".into(), detail: None },
    );
    let detail = Some(crate::Detail::Size { bytes: 10_000_000 });
    let too_large =
        ApiError { code: ErrorCode::FrameTooLarge, message: "the file is larger than 10 MB".into(), detail };
    check("api.error.detail", &too_large);
}
