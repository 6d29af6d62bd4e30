//! The move from the legacy Directory (one object for the whole
//! deployment) to per-organisation objects, against the real Worker: an
//! organisation written the old way cannot sign in until `POST
//! /api/setup/migrate` runs; then its people sign in with their old
//! passwords and roles, see their site, and work on it; a second run finds
//! nothing left; the deployment counts as set up, and the migrated site id
//! and addresses stay taken. The same step moves a site's inbox lines and
//! desk rows from its settings object (where they were before the inbox
//! was split) into its list and desk objects. Also: `/api/setup` works once. Starts its own
//! Worker (an empty deployment with `BENCH=on`, which writes the legacy
//! organisation).

use e2e::accounts::{demo_email, org_seed, seed, sign_up_org, Staff, TEST_PASSWORD, TEST_SETUP_KEY};
use e2e::client::{create_conversation, Socket};
use e2e::wrangler::OwnWorker;
use shared::api::{inbox_socket_path, MIGRATE_PATH, PEOPLE_PATH};
use shared::moderation_case::{Hit, Report, ReportStatus, Room};
use shared::rules::Action;
use shared::staff::{Migrated, People, StaffRole};
use shared::workflow::Severity;
use shared::{ConversationId, ConversationSummary, ServerMsg};

fn migrate(base: &str, key: &str) -> Result<Migrated, u16> {
    let r = ureq::post(&format!("{base}{MIGRATE_PATH}")).set("Authorization", &format!("Bearer {key}")).call();
    match r {
        Ok(resp) => Ok(resp.into_json().unwrap()),
        Err(ureq::Error::Status(code, _)) => Err(code),
        Err(e) => panic!("{e}"),
    }
}

/// A line and a report written where the site's inbox kept them before its split.
fn legacy_inbox(base: &str) -> (ConversationSummary, Report) {
    let id = ConversationId::from_random([9; 16]);
    let line = ConversationSummary {
        last_seq: 3,
        last_author: Some(shared::Role::Customer),
        preview: "from before the split".into(),
        created_at: 1,
        updated_at: 2,
        ..ConversationSummary::new(id, "oldshop".parse().unwrap(), shared::workflow::WorkflowKind::Support)
    };
    let report = Report {
        id: 0,
        room: Room::Conversation(line.id.clone()),
        member: "m1".into(),
        name: "Eve".into(),
        message: "c1".into(),
        text: "a held message from before the split".into(),
        at: 2,
        hits: vec![Hit {
            rule: "profanity".into(),
            severity: Severity::Low,
            action: Action::Hold,
            why: "matches".into(),
            found: None,
        }],
        action: Action::Hold,
        severity: Severity::Low,
        status: ReportStatus::Open,
        count: 1,
        file: None,
    };
    let body = serde_json::json!({ "lines": [line], "reports": [report] });
    let written = ureq::post(&format!("{base}/api/bench/legacy-inbox/oldshop")).send_json(body).unwrap();
    assert_eq!(written.status(), 201);
    (line, report)
}

#[test]
fn a_legacy_directory_migrates_once_and_its_people_work_on() {
    let w = OwnWorker::start("e2e-migration", &[("BENCH", "on")], false).unwrap();
    let base = w.base();

    let legacy = org_seed("Old Shop", "oldshop");
    let written = ureq::post(&format!("{base}/api/bench/legacy-seed")).send_json(&legacy).unwrap();
    assert_eq!(written.status(), 201);
    let owner_email = "owner@oldshop.test";
    let before = Staff::login(base, owner_email, TEST_PASSWORD);
    assert!(matches!(before, Err(e) if e.to_string().contains("401")), "no organisation object yet");

    let (line, report) = legacy_inbox(base);
    assert_eq!(migrate(base, "wrong key"), Err(401));
    let all = Migrated { orgs: 1, sites: 1, accounts: 5, inboxes: 1, moved: 2 };
    assert_eq!(migrate(base, TEST_SETUP_KEY), Ok(all));

    // Everyone signs in with their old password, in their old role, and sees the site.
    for role in StaffRole::ALL {
        let s = Staff::login(base, &format!("{}@oldshop.test", role.as_str()), TEST_PASSWORD).unwrap();
        assert_eq!((s.me.role, s.me.org_name.as_str()), (role, "Old Shop"));
        assert_eq!(s.me.sites.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["oldshop"]);
    }
    let owner = Staff::login(base, owner_email, TEST_PASSWORD).unwrap();
    let people: People = owner.get(PEOPLE_PATH).call().unwrap().into_json().unwrap();
    assert_eq!(people.people.len(), 5);
    // The site works: a customer's new conversation reaches the migrated operator's inbox.
    let operator = Staff::login(base, "operator@oldshop.test", TEST_PASSWORD).unwrap();
    let mut inbox: Socket = operator.socket(&inbox_socket_path("oldshop", &shared::scope::Scope::All)).unwrap();
    let ServerMsg::Inbox { conversations } = inbox.recv().unwrap().msg else { panic!("no inbox") };
    assert!(conversations.iter().any(|c| c.id == line.id), "the line from before the split is listed");
    let moderator = Staff::login(base, "moderator@oldshop.test", TEST_PASSWORD).unwrap();
    let reports: Vec<Report> = moderator.get("/api/console/sites/oldshop/reports").call().unwrap().into_json().unwrap();
    assert_eq!(reports.iter().map(|r| r.text.as_str()).collect::<Vec<_>>(), [report.text.as_str()]);
    let c = create_conversation(base, "oldshop").unwrap();
    let seen = inbox.recv_until(|f| match &f.msg {
        ServerMsg::InboxUpdate(list) | ServerMsg::Inbox { conversations: list } => {
            list.iter().any(|s| s.id == c.conversation)
        }
        _ => false,
    });
    assert!(seen.is_ok(), "the new conversation shows in the migrated operator's inbox");

    // Nothing is left to migrate; the deployment counts as set up.
    assert_eq!(migrate(base, TEST_SETUP_KEY), Ok(Migrated { inboxes: 1, ..Migrated::default() }));
    assert!(!seed(base, TEST_SETUP_KEY, &org_seed("Late", "late")).unwrap(), "setup after a migration: 409");
    // The migrated site id and addresses stay taken.
    let clash = sign_up_org(base, "Copycat", "oldshop");
    assert!(matches!(clash, Err(e) if e.to_string().contains("409")), "the site id is taken");
}

#[test]
fn setup_works_once_on_an_empty_deployment() {
    let w = OwnWorker::start("e2e-setup", &[], false).unwrap();
    let base = w.base();
    assert!(seed(base, TEST_SETUP_KEY, &org_seed("First", "first")).unwrap(), "the first setup");
    assert!(!seed(base, TEST_SETUP_KEY, &org_seed("Second", "second")).unwrap(), "a second setup: 409");
    assert!(Staff::login(base, "owner@first.test", TEST_PASSWORD).is_ok());
    assert!(Staff::login(base, "owner@second.test", TEST_PASSWORD).is_err(), "the second wrote nothing");
    assert!(Staff::login(base, &demo_email(StaffRole::Owner), TEST_PASSWORD).is_err());
}
