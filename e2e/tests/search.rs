//! Search across a site's conversations against the real Worker: messages
//! found by their words (the last one a prefix) newest first, each naming
//! its conversation and message, with the matched words marked; the
//! filters (customer, tag, workflow, status, operator, dates) alone and
//! with words; pages of 20 with a cursor; typed search syntax read as
//! text; bad parts refused with the reason; the REST API's search with a
//! key; and an erased customer's messages gone from the index.

use std::time::{Duration, Instant};

use e2e::accounts::Staff;
use e2e::base_url;
use e2e::client::status_text as status;
use e2e::client::{create_conversation_with, Socket};
use e2e::identity::visitor_token;
use shared::api::{customer_erase_path, customer_socket_path, operator_socket_path, search_path, CreateConversation};
use shared::keys::{IssuedKey, KeyScope};
use shared::search::{SearchPage, SearchQuery, Status, MARK, PAGE, UNMARK};
use shared::staff::StaffRole;
use shared::workflow::{Event, WorkflowKind};
use shared::Role;

/// A word no other test writes: letters only (one token for the index).
fn nonce(what: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let letters: String = format!("{nanos}").bytes().map(|b| char::from(b'a' + (b - b'0'))).collect();
    format!("{what}{letters}")
}

/// A conversation of a new visitor who gave `name` on the pre-chat form.
fn start(name: &str) -> (String, Socket) {
    let f = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    let body = CreateConversation {
        fields: vec![
            f("name", name),
            f("email", "someone@example.com"),
            f("issue_type", "Billing"),
            f("error_message", "none"),
            f("account_id", "AC-9"),
        ],
        visitor: Some(visitor_token("demo", nonce("search-visitor"))),
        ..CreateConversation::new("demo".parse().unwrap())
    };
    let c = create_conversation_with(&base_url(), &body).unwrap();
    let mut s = Socket::open(&base_url(), &customer_socket_path(c.conversation.as_str(), &c.token, 0)).unwrap();
    s.welcome_and_replay(0).unwrap();
    (c.conversation.to_string(), s)
}

fn search(staff: &Staff, q: SearchQuery) -> SearchPage {
    let r = staff.get(&search_path("demo", &q)).call();
    let (code, body) = status(r);
    assert_eq!(code, 200, "{q:?}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// Searches until `want` hits come (the index follows the notices, which
/// follow the acknowledgements).
fn found(staff: &Staff, q: SearchQuery, want: usize) -> SearchPage {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let page = search(staff, q.clone());
        if page.hits.len() >= want || Instant::now() > deadline {
            return page;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn text(q: &str) -> SearchQuery {
    SearchQuery { text: q.into(), ..Default::default() }
}

#[test]
fn messages_are_found_by_words_and_filters_newest_first_with_the_words_marked() {
    let word = nonce("refundz");
    let op = Staff::demo(&base_url(), StaffRole::Operator).unwrap();
    let (a, mut ada) = start(&format!("Ada {word}"));
    let (b, mut bo) = start("Bo Other");
    let (seq1, at1) = ada.send_acked("a1", &format!("My card was charged twice, {word} please")).unwrap();
    bo.send_acked("b1", &format!("Is a {word} possible for pricing?")).unwrap();
    let mut ops = op.socket(&operator_socket_path("demo", &a, 0)).unwrap();
    ops.welcome_and_replay(0).unwrap();
    assert!(matches!(ops.act("o0", Event::Assign { to: op.me.name.clone() }).unwrap(), shared::ServerMsg::Ack { .. }));
    let (seq3, _) = ops.send_acked("o1", &format!("Your {word} is on its way <b>today</b>")).unwrap();
    let tags = serde_json::json!({ "tags": ["vip"] });
    op.send("PUT", &shared::api::tags_path("demo", &b)).send_json(tags).unwrap();

    // Every message with the word, newest first, each at its message.
    let page = found(&op, text(&word), 3);
    let at: Vec<(&str, u64)> = page.hits.iter().map(|h| (h.conversation.id.as_str(), h.seq)).collect();
    assert_eq!(at.len(), 3, "{page:?}");
    assert_eq!(at[0], (a.as_str(), seq3));
    assert_eq!(at[1].0, b.as_str());
    assert_eq!(at[2], (a.as_str(), seq1));
    assert_eq!(page.hits[0].author, Some(Role::Operator));
    assert_eq!(page.hits[2].author, Some(Role::Customer));
    assert_eq!(page.hits[2].at, at1);
    assert!(page.hits[0].snippet.contains(&format!("{MARK}{word}{UNMARK}")), "{}", page.hits[0].snippet);
    assert!(page.hits[0].snippet.contains("<b>today</b>"), "stored as typed, shown as text by the console");
    assert_eq!(page.hits[2].conversation.customer.as_deref(), Some(format!("Ada {word}").as_str()));
    assert!(page.next.is_none());

    // All words must match; the last one as the start of a word.
    let both = search(&op, text(&format!("{word} charg")));
    assert_eq!(both.hits.iter().map(|h| h.seq).collect::<Vec<_>>(), [seq1]);
    assert!(search(&op, text(&format!("{word} charg "))).hits.is_empty(), "a space ends the prefix");
    assert_eq!(search(&op, text(&word[..word.len() - 3])).hits.len(), 3, "a prefix of the word");
    assert!(search(&op, text(&format!("{word} nothingsaidlikethis"))).hits.is_empty());

    // Filters, with words.
    let with = |f: fn(&mut SearchQuery)| {
        let mut q = text(&word);
        f(&mut q);
        search(&op, q).hits.into_iter().map(|h| (h.conversation.id.to_string(), h.seq)).collect::<Vec<_>>()
    };
    assert_eq!(with(|q| q.tag = "vip".into()).len(), 1);
    assert_eq!(with(|q| q.tag = "vip".into())[0].0, b);
    assert_eq!(with(|q| q.tag = "vi".into()).len(), 0, "a whole tag, not part of one");
    assert_eq!(with(|q| q.customer = "ada".into()).len(), 2);
    assert_eq!(with(|q| q.workflow = Some(WorkflowKind::Support)).len(), 3);
    assert_eq!(with(|q| q.workflow = Some(WorkflowKind::Sales)).len(), 0);
    assert_eq!(with(|q| q.status = Some(Status::Open)).len(), 3);
    assert_eq!(with(|q| q.status = Some(Status::Closed)).len(), 0);
    let mine = {
        let mut q = text(&word);
        q.operator = op.me.name.clone();
        search(&op, q).hits
    };
    assert_eq!(mine.len(), 2);
    assert!(mine.iter().all(|h| h.conversation.id.as_str() == a));
    let later = {
        let mut q = text(&word);
        q.from = Some(at1 + 1);
        search(&op, q).hits
    };
    assert_eq!(later.len(), 2, "the first message was before `from`");
    let earlier = {
        let mut q = text(&word);
        q.to = Some(at1 + 1);
        search(&op, q).hits
    };
    assert_eq!(earlier.iter().map(|h| h.seq).collect::<Vec<_>>(), [seq1]);

    // Filters alone: conversations, not messages.
    let by_name = search(&op, SearchQuery { customer: word.clone(), ..Default::default() });
    assert_eq!(by_name.hits.iter().map(|h| h.conversation.id.to_string()).collect::<Vec<_>>(), [a.clone()]);
    assert_eq!(by_name.hits[0].seq, by_name.hits[0].conversation.last_seq);

    // What someone types is text, never search syntax.
    for typed in [format!("\"{word}\" OR *"), "NEAR(a b".into(), format!("{word}:x"), "*".into(), "\"".into()] {
        let (code, body) = status(op.get(&search_path("demo", &text(&typed))).call());
        assert_eq!(code, 200, "{typed}: {body}");
    }
    // Bad parts: refused with the reason.
    for (path, why) in [
        ("/api/console/sites/demo/search?status=waiting", "open or closed"),
        ("/api/console/sites/demo/search?workflow=billing", "no workflow"),
        ("/api/console/sites/demo/search?from=9&to=3", "before"),
    ] {
        let (code, body) = status(op.get(path).call());
        assert_eq!(code, 400, "{path}");
        assert!(body.contains(why), "{path}: {body}");
    }
    let long = format!("/api/console/sites/demo/search?q={}", "x".repeat(201));
    assert_eq!(status(op.get(&long).call()).0, 400);
}

#[test]
fn pages_of_twenty_follow_the_cursor_without_repeats() {
    let word = nonce("pagez");
    let op = Staff::demo(&base_url(), StaffRole::Operator).unwrap();
    let (a, _cust) = start("Pager");
    let mut ops = op.socket(&operator_socket_path("demo", &a, 0)).unwrap();
    ops.welcome_and_replay(0).unwrap();
    let total = PAGE + 5;
    for i in 0..total {
        ops.send_acked(&format!("p{i}"), &format!("note {i} about {word}")).unwrap();
    }
    // Once the last one is in, all are (a conversation's notices come in order).
    let last = format!("note {} about {word} ", total - 1);
    assert_eq!(found(&op, text(&last), 1).hits.len(), 1, "the last message indexed");
    let first = search(&op, text(&word));
    assert_eq!(first.hits.len(), PAGE);
    let next = first.next.clone().expect("a second page");
    let second = search(&op, SearchQuery { cursor: Some(next.clone()), ..text(&word) });
    assert_eq!(second.hits.len(), total - PAGE);
    assert!(second.next.is_none());
    let mut seqs: Vec<u64> = first.hits.iter().chain(&second.hits).map(|h| h.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "newest first across pages: {seqs:?}");
    seqs.dedup();
    assert_eq!(seqs.len(), total);
}

#[test]
fn the_rest_api_searches_with_a_key_and_an_erased_customer_is_gone_from_the_index() {
    let word = nonce("erasez");
    let admin = Staff::demo(&base_url(), StaffRole::Admin).unwrap();
    let (a, mut cust) = start("Erin Erased");
    let (b, mut other) = start("Kept Customer");
    cust.send_acked("e1", &format!("my secret {word} story")).unwrap();
    other.send_acked("k1", &format!("my {word} stays")).unwrap();
    assert_eq!(found(&admin, text(&word), 2).hits.len(), 2);

    let key: IssuedKey = admin
        .send("POST", &shared::keys::keys_path("demo"))
        .send_json(serde_json::json!({ "label": "search", "scope": KeyScope::Read }))
        .unwrap()
        .into_json()
        .unwrap();
    let api = |q: &str| {
        let r = ureq::get(&format!("{}/api/v1/sites/demo/search?q={q}", base_url()))
            .set("Authorization", &format!("Bearer {}", key.key))
            .call();
        let (code, body) = status(r);
        assert_eq!(code, 200, "{body}");
        serde_json::from_str::<SearchPage>(&body).unwrap()
    };
    assert_eq!(api(&word).hits.len(), 2);

    let r = admin.send("POST", &customer_erase_path("demo", &a)).call();
    assert_eq!(status(r).0, 200);
    let left = search(&admin, text(&word));
    assert_eq!(left.hits.iter().map(|h| h.conversation.id.to_string()).collect::<Vec<_>>(), [b]);
    assert!(api("secret").hits.iter().all(|h| !h.snippet.contains(&word)));
    admin.send("POST", &shared::keys::revoke_key_path("demo", &key.info.id)).call().unwrap();
}
