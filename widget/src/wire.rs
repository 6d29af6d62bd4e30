//! The wire protocol's JSON in the browser, written out by hand over
//! `JSON.parse` / `JSON.stringify`: server frames and HTTP answers in,
//! client frames and HTTP bodies out. The types are `shared`'s; only the
//! (de)serialising code is ours, because serde's generated code for them cost
//! the customer widget ~30 KB of wasm (see ARCHITECTURE.md, "Sizes"). The
//! in-browser tests below check it against every golden file, so it cannot
//! drift from what the Worker speaks.
//!
//! Decoding is strict where serde is (missing fields, wrong types, unknown
//! variants → `None`) and ignores unknown fields, as serde does.

use js_sys::{Array, Object, Reflect, JSON};
use shared::api::{ApiError, ConversationCreated, CreateConversation};
use shared::pricing::Discount;
use shared::sales::{Quote, QuoteLine, QuoteSaving};
use shared::site::FormField;
use shared::workflow::{Event, OrderLine, Product};
use shared::{
    ChatMessage, ClientEnvelope, ClientMsg, ConversationSummary, Detail, ServerEnvelope, ServerMsg, WireName,
};
use wasm_bindgen::{JsCast, JsValue};

/// Largest integer a JSON number carries exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

pub(crate) fn get(o: &JsValue, key: &str) -> JsValue {
    if !o.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn absent(v: &JsValue) -> bool {
    v.is_null() || v.is_undefined()
}

pub(crate) fn text(o: &JsValue, key: &str) -> Option<String> {
    get(o, key).as_string()
}

/// An optional string: absent or null is `Some(None)`; another type is `None`.
fn opt_text(o: &JsValue, key: &str) -> Option<Option<String>> {
    let v = get(o, key);
    if absent(&v) {
        Some(None)
    } else {
        v.as_string().map(Some)
    }
}

pub(crate) fn uint(o: &JsValue, key: &str) -> Option<u64> {
    let n = get(o, key).as_f64()?;
    (n >= 0.0 && n.fract() == 0.0 && n <= MAX_SAFE).then_some(n as u64)
}

fn small<T: TryFrom<u64>>(o: &JsValue, key: &str) -> Option<T> {
    T::try_from(uint(o, key)?).ok()
}

/// An optional number: absent or null is `Some(None)`.
fn opt_small<T: TryFrom<u64>>(o: &JsValue, key: &str) -> Option<Option<T>> {
    if absent(&get(o, key)) {
        Some(None)
    } else {
        small(o, key).map(Some)
    }
}

fn flag(o: &JsValue, key: &str) -> Option<bool> {
    get(o, key).as_bool()
}

/// An optional flag that defaults to `false` (serde `#[serde(default)]`).
fn flag_or_false(o: &JsValue, key: &str) -> Option<bool> {
    let v = get(o, key);
    if absent(&v) {
        Some(false)
    } else {
        v.as_bool()
    }
}

fn name<T: WireName>(o: &JsValue, key: &str) -> Option<T> {
    T::from_wire(&text(o, key)?)
}

fn opt_name<T: WireName>(o: &JsValue, key: &str) -> Option<Option<T>> {
    match opt_text(o, key)? {
        None => Some(None),
        Some(s) => T::from_wire(&s).map(Some),
    }
}

fn array(v: JsValue) -> Option<Array> {
    Array::is_array(&v).then(|| v.unchecked_into())
}

/// Every element of the array `o[key]` read by `f` (`default`: absent is empty).
pub(crate) fn list<T>(o: &JsValue, key: &str, default: bool, f: fn(&JsValue) -> Option<T>) -> Option<Vec<T>> {
    let v = get(o, key);
    if default && absent(&v) {
        return Some(Vec::new());
    }
    array(v)?.iter().map(|e| f(&e)).collect()
}

/// A JSON string's text.
pub(crate) fn string(v: &JsValue) -> Option<String> {
    v.as_string()
}

/// An externally tagged enum value: `"name"` (no data) or `{"name": data}`.
fn tagged(v: &JsValue) -> Option<(String, JsValue)> {
    if let Some(name) = v.as_string() {
        return Some((name, JsValue::UNDEFINED));
    }
    let keys = Object::keys(v.dyn_ref::<Object>()?);
    (keys.length() == 1).then_some(())?;
    let key = keys.get(0).as_string()?;
    let data = get(v, &key);
    Some((key, data))
}

pub(crate) fn parse(json: &str) -> Option<JsValue> {
    JSON::parse(json).ok()
}

/// A frame of a customer's conversation socket. Customers only ever receive
/// the events they see as cards or answers ([`Event::visible_to_customer`]);
/// any other event would be read as none (the message's text still shows).
/// Refusals, moderators' notices, holds and queue places are read as `say`
/// says them.
pub fn server(json: &str, say: Say) -> Option<ServerEnvelope> {
    // The customer reads the queue's words only (the numbers are for programs).
    let more = |tag: &str, d: &JsValue, say: Say| match tag {
        "queue" => Some(ServerMsg::Queue { position: 0, wait_ms: None, text: say(d, "text")?, away: None }),
        _ => None,
    };
    frame::<false, false>(json, more, |v| Some(visible_event(v)), say)
}

/// A frame of a channel viewer's socket: a customer's frames, and removals.
pub fn server_channel(json: &str, say: Say) -> Option<ServerEnvelope> {
    let more = |tag: &str, d: &JsValue, _: Say| match tag {
        "removed" => Some(ServerMsg::Removed { seq: uint(d, "seq")? }),
        _ => None,
    };
    frame::<true, false>(json, more, |v| Some(visible_event(v)), say)
}

/// A frame of an operator's conversation or inbox socket (every event).
pub fn server_or_inbox(json: &str) -> Option<ServerEnvelope> {
    let more = |tag: &str, d: &JsValue, _: Say| match tag {
        "inbox" => Some(ServerMsg::Inbox { conversations: list(d, "conversations", false, summary)? }),
        "removed" => Some(ServerMsg::Removed { seq: uint(d, "seq")? }),
        "inboxUpdate" => {
            Some(ServerMsg::InboxUpdate(array(d.clone())?.iter().map(|s| summary(&s)).collect::<Option<_>>()?))
        }
        _ => None,
    };
    // Routing's frames (board, assignment, whisper, seen marks; a queue
    // place, which only customers get) are read by serde.
    let Some(mut env) = frame::<true, true>(json, more, |v| event(v).map(Some), ENGLISH) else {
        return crate::json::decode::<ServerEnvelope>(json).filter(|e| {
            matches!(
                e.msg,
                ServerMsg::Board(_)
                    | ServerMsg::Assignment { .. }
                    | ServerMsg::Whisper(_)
                    | ServerMsg::Queue { .. }
                    | ServerMsg::Seen(_)
            )
        });
    };
    // What only operators get is read by serde (console only): an
    // operator's welcome carries the workflow state, a desk push its changes.
    #[derive(serde::Deserialize)]
    struct Frame {
        msg: Msg,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    enum Msg {
        Welcome {
            #[serde(default)]
            state: Option<shared::workflow::State>,
        },
        Moderation {
            #[serde(default)]
            changed: Vec<shared::moderation_case::DeskItem>,
            #[serde(default)]
            notice: Option<shared::Notice>,
        },
    }
    match &mut env.msg {
        ServerMsg::Welcome { state, .. } => {
            let Msg::Welcome { state: read } = crate::json::decode::<Frame>(json)?.msg else { return None };
            *state = read;
        }
        ServerMsg::Moderation { changed, notice, .. } => {
            let Msg::Moderation { changed: read, notice: told } = crate::json::decode::<Frame>(json)?.msg else {
                return None;
            };
            (*changed, *notice) = (read, told);
        }
        _ => {}
    }
    Some(env)
}

/// How a frame reader reads a message's event: `None` refuses the frame,
/// `Some(None)` reads it as no event.
type EventReader = fn(&JsValue) -> Option<Option<Event>>;

/// How a frame reader says what the server wrote for people: the sentence
/// of a frame's object (a refusal, a moderator's notice, a hold, a queue
/// place) whose English is in the field named (none: no sentence; where
/// one is required, the frame is refused).
pub type Say = fn(&JsValue, &str) -> Option<String>;

/// What the server wrote, in English (the console's reader).
pub const ENGLISH: Say = text;

/// A server frame; `more` decodes the variants the common ones do not cover.
/// `TOMBSTONES`: whether messages can be removed (channels; a customer's
/// conversation never has one, so its reader leaves the flag out).
/// `DETAIL`: whether the particulars of a refusal or a hold are read (the
/// console's; the customers' readers have them said in the sentence).
fn frame<const TOMBSTONES: bool, const DETAIL: bool>(
    json: &str,
    more: fn(&str, &JsValue, Say) -> Option<ServerMsg>,
    ev: EventReader,
    say: Say,
) -> Option<ServerEnvelope> {
    let v = parse(json)?;
    let (tag, d) = tagged(&get(&v, "msg"))?;
    let msg = match tag.as_str() {
        "welcome" => ServerMsg::Welcome {
            conversation: text(&d, "conversation")?.parse().ok()?,
            role: name(&d, "role")?,
            last_seq: uint(&d, "lastSeq")?,
            workflow: name(&d, "workflow")?,
            member: opt_text(&d, "member")?,
            state: None,
            files: flag_or_false(&d, "files")?,
        },
        "message" => ServerMsg::Message(message::<TOMBSTONES>(&d, ev)?),
        "ack" => ServerMsg::Ack { seq: uint(&d, "seq")?, at: uint(&d, "at")? },
        "error" => ServerMsg::Error {
            code: name(&d, "code")?,
            message: say(&d, "message")?,
            detail: if DETAIL { detail(&d) } else { None },
        },
        "typing" => ServerMsg::Typing { role: name(&d, "role")?, on: flag(&d, "on")? },
        "held" => ServerMsg::Held { reason: say(&d, "reason")?, detail: if DETAIL { detail(&d) } else { None } },
        "moderation" => ServerMsg::Moderation { alert: say(&d, "alert"), changed: Vec::new(), notice: None },
        "history" => ServerMsg::History {
            messages: array(get(&d, "messages"))?
                .iter()
                .map(|m| message::<TOMBSTONES>(&m, ev))
                .collect::<Option<_>>()?,
            more: flag(&d, "more")?,
        },
        other => more(other, &d, say)?,
    };
    Some(ServerEnvelope { v: small(&v, "v")?, re: opt_text(&v, "re")?, msg })
}

fn message<const TOMBSTONES: bool>(d: &JsValue, ev: EventReader) -> Option<ChatMessage> {
    let e = get(d, "event");
    Some(ChatMessage {
        seq: uint(d, "seq")?,
        client_id: text(d, "clientId")?,
        author: name(d, "author")?,
        text: match TOMBSTONES && get(d, "removed").as_bool() == Some(true) {
            true => shared::protocol::REMOVED.into(),
            false => text(d, "text")?,
        },
        at: uint(d, "at")?,
        event: if absent(&e) { None } else { ev(&e)? },
        name: opt_text(d, "name")?,
        from: opt_text(d, "from")?,
        removed: TOMBSTONES && get(d, "removed").as_bool() == Some(true),
        // Staff only (the customer's frames never carry it).
        by: if TOMBSTONES { opt_text(d, "by")? } else { None },
    })
}

fn summary(d: &JsValue) -> Option<ConversationSummary> {
    Some(ConversationSummary {
        id: text(d, "id")?.parse().ok()?,
        site: text(d, "site")?.parse().ok()?,
        last_seq: uint(d, "lastSeq")?,
        last_author: opt_name(d, "lastAuthor")?,
        preview: text(d, "preview")?,
        created_at: uint(d, "createdAt")?,
        updated_at: uint(d, "updatedAt")?,
        workflow: name(d, "workflow")?,
        step: small(d, "step")?,
        team: opt_text(d, "team")?,
        assignee: opt_text(d, "assignee")?,
        outcome: opt_name(d, "outcome")?,
        follow_up: opt_small(d, "followUp")?,
        follow_up_by: opt_text(d, "followUpBy")?,
        approval: opt_text(d, "approval")?,
        customer: opt_text(d, "customer")?,
        tags: list(d, "tags", true, string)?,
        member: opt_text(d, "member")?,
    })
}

fn product(d: &JsValue) -> Option<Product> {
    let or_empty = |key| Some(opt_text(d, key)?.unwrap_or_default());
    Some(Product {
        id: text(d, "id")?,
        name: text(d, "name")?,
        price: small(d, "price")?,
        image: or_empty("image")?,
        family: or_empty("family")?,
        variant: or_empty("variant")?,
        quote: opt(d, "quote", quote)?,
    })
}

fn order_line(d: &JsValue) -> Option<OrderLine> {
    Some(OrderLine { product: text(d, "product")?, qty: small(d, "qty")? })
}

/// `o[key]` read by `f`; absent or null is `Some(None)`.
fn opt<T>(o: &JsValue, key: &str, f: fn(&JsValue) -> Option<T>) -> Option<Option<T>> {
    let v = get(o, key);
    if absent(&v) {
        Some(None)
    } else {
        f(&v).map(Some)
    }
}

fn money(o: &JsValue, key: &str) -> Option<i64> {
    small(o, key)
}

fn discount(v: &JsValue) -> Option<Discount> {
    let (tag, d) = tagged(v)?;
    let n = d.as_f64().filter(|n| n.fract() == 0.0 && n.abs() <= MAX_SAFE)?;
    match tag.as_str() {
        "percent" => u32::try_from(n as i64).ok().map(Discount::Percent),
        "amount" => Some(Discount::Amount(n as i64)),
        _ => None,
    }
}

fn quote_line(d: &JsValue) -> Option<QuoteLine> {
    Some(QuoteLine {
        product: text(d, "product")?,
        name: text(d, "name")?,
        qty: small(d, "qty")?,
        unit: money(d, "unit")?,
    })
}

fn saving(d: &JsValue) -> Option<QuoteSaving> {
    let ends_ms = opt_small(d, "endsMs")?;
    Some(QuoteSaving { id: text(d, "id")?, name: text(d, "name")?, off: money(d, "off")?, ends_ms })
}

fn quote(d: &JsValue) -> Option<Quote> {
    Some(Quote {
        currency: text(d, "currency")?,
        lines: list(d, "lines", false, quote_line)?,
        savings: list(d, "savings", false, saving)?,
        subtotal: money(d, "subtotal")?,
        net: money(d, "net")?,
        tax: money(d, "tax")?,
        tax_included: flag(d, "taxIncluded")?,
        total: money(d, "total")?,
        list_total: money(d, "listTotal")?,
    })
}

/// An event a customer sees (a card or an answer), or `None`.
fn visible_event(v: &JsValue) -> Option<Event> {
    let (tag, d) = tagged(v)?;
    let d = &d;
    let empty = || d.is_object().then_some(());
    Some(match tag.as_str() {
        "checklist" => Event::Checklist { items: list(d, "items", false, string)? },
        "tick" => Event::Tick { item: small(d, "item")?, done: flag(d, "done")? },
        "present" => Event::Present(product(d)?),
        "add" => Event::Add { product: text(d, "product")? },
        "order" => Event::Order {
            lines: list(d, "lines", false, order_line)?,
            codes: list(d, "codes", true, string)?,
            discount: opt(d, "discount", discount)?,
            quote: opt(d, "quote", quote)?,
        },
        "confirmOrder" => Event::ConfirmOrder { checkout: opt_text(d, "checkout")? },
        "askResolution" => empty().map(|_| Event::AskResolution {})?,
        "resolve" => Event::Resolve { solved: flag(d, "solved")? },
        "askRating" => empty().map(|_| Event::AskRating {})?,
        "rate" => Event::Rate { score: small(d, "score")? },
        "file" => Event::File(Box::new(attachment(d)?)),
        _ => return None,
    })
}

/// Any workflow event.
pub fn event(v: &JsValue) -> Option<Event> {
    if let Some(e) = visible_event(v) {
        return Some(e);
    }
    let (tag, d) = tagged(v)?;
    let d = &d;
    Some(match tag.as_str() {
        "completeStep" => Event::CompleteStep { step: text(d, "step")? },
        "collect" => Event::Collect { field: text(d, "field")?, value: text(d, "value")? },
        "assign" => Event::Assign { to: text(d, "to")? },
        "release" => Event::Release {},
        "escalate" => Event::Escalate { team: text(d, "team")?, note: text(d, "note")? },
        "flag" => Event::Flag { note: text(d, "note")? },
        "assess" => Event::Assess { severity: name(d, "severity")? },
        "sanction" => Event::Sanction { kind: name(d, "kind")?, minutes: opt_small(d, "minutes")? },
        "lift" => Event::Lift { kind: name(d, "kind")? },
        "logIncident" => Event::LogIncident { summary: text(d, "summary")? },
        "close" => Event::Close { outcome: name(d, "outcome")? },
        "reopen" => Event::Reopen {},
        "cancelOrder" => Event::CancelOrder { reason: text(d, "reason")? },
        "askApproval" => Event::AskApproval { discount: discount(&get(d, "discount"))?, note: text(d, "note")? },
        "decide" => Event::Decide { approve: flag(d, "approve")?, note: text(d, "note").unwrap_or_default() },
        "followUp" => {
            Event::FollowUp { due: uint(d, "due")?, note: text(d, "note")?, by: opt_text(d, "by")?.unwrap_or_default() }
        }
        "followUpDue" => Event::FollowUpDue {},
        "edit" => Event::Edit { seq: uint(d, "seq")?, text: text(d, "text")?, was: opt_text(d, "was")? },
        _ => return None,
    })
}

/// A file a message carries.
fn attachment(d: &JsValue) -> Option<shared::files::Attachment> {
    let (id, name, key) = (text(d, "id")?, text(d, "name")?, text(d, "key")?);
    Some(shared::files::Attachment { id, name, kind: self::name(d, "type")?, size: uint(d, "size")?, key })
}

/// `{conversation, token}` (the answer to starting a conversation, and the
/// session the loader keeps).
pub fn created(json: &str) -> Option<ConversationCreated> {
    created_from(&parse(json)?)
}

/// [`created`] from a parsed value.
pub fn created_from(v: &JsValue) -> Option<ConversationCreated> {
    let visitor = text(v, "visitor").filter(|t| shared::api::visitor_token_ok(t));
    Some(ConversationCreated {
        conversation: text(v, "conversation")?.parse().ok()?,
        token: text(v, "token")?,
        visitor,
    })
}

/// The body of a refused HTTP request, its sentence as `say` says it (the
/// particulars: none, they are said in it).
pub fn api_error(json: &str, say: Say) -> Option<ApiError> {
    let v = parse(json)?;
    Some(ApiError { code: name(&v, "code")?, message: say(&v, "message")?, detail: None })
}

fn form_field(d: &JsValue) -> Option<FormField> {
    Some(FormField {
        id: text(d, "id")?,
        label: text(d, "label")?,
        kind: text(d, "kind")?,
        required: flag_or_false(d, "required")?,
        options: list(d, "options", true, string)?,
    })
}

/// What the loader tells the widget of the site's configuration, already
/// applied to the host page: the pre-chat form (none where the page starts
/// a sales chat), the empty chat's greeting, and the greeting of the
/// trigger that opened the chat (the loader reads the rest).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostConfig {
    /// The pre-chat form's fields.
    pub fields: Vec<FormField>,
    /// The empty chat's greeting (empty: the widget's own).
    pub welcome: String,
    /// The opening trigger's greeting (empty: none).
    pub greeting: String,
    /// What the customer can expect now, in a sentence in the page's
    /// language (empty: unknown); [`host_config`] leaves it empty, the
    /// bridge has it said (`i18n::expect`, in JavaScript).
    pub expect: String,
    /// Nobody is there: the widget asks for a message and an e-mail.
    pub away: bool,
}

/// The loader's `chat:config` message's `config`.
pub fn host_config(v: &JsValue) -> Option<HostConfig> {
    Some(HostConfig {
        fields: list(v, "fields", false, form_field)?,
        welcome: text(v, "welcome").unwrap_or_default(),
        greeting: text(v, "greeting").unwrap_or_default(),
        expect: String::new(),
        away: get(&get(v, "expect"), "away").as_bool() == Some(true),
    })
}

/// A refusal's particulars (none, or a `why` this client does not know:
/// `None`, and the English message says it).
fn detail(error: &JsValue) -> Option<Detail> {
    let d = get(error, "detail");
    Some(match text(&d, "why")?.as_str() {
        "wait" => Detail::Wait { seconds: uint(&d, "seconds")? },
        "max" => Detail::Max { max: uint(&d, "max")? },
        "size" => Detail::Size { bytes: uint(&d, "bytes")? },
        "until" => Detail::Until { until: uint(&d, "until")?, reason: text(&d, "reason")? },
        "forGood" => Detail::ForGood { reason: text(&d, "reason")? },
        "locked" => Detail::Locked,
        "staffName" => Detail::StaffName,
        "rule" => Detail::Rule { rule: text(&d, "rule")? },
        "unverified" => Detail::Unverified,
        _ => return None,
    })
}

/// A JSON object under construction.
pub(crate) struct Obj(Object);

impl Obj {
    pub(crate) fn new() -> Self {
        Obj(Object::new())
    }

    pub(crate) fn put(self, key: &str, value: impl Into<JsValue>) -> Self {
        let _ = Reflect::set(&self.0, &JsValue::from_str(key), &value.into());
        self
    }

    fn num(self, key: &str, n: u64) -> Self {
        self.put(key, n as f64)
    }

    pub(crate) fn js(self) -> JsValue {
        self.0.into()
    }
}

fn strings(items: &[String]) -> JsValue {
    items.iter().map(|s| JsValue::from_str(s)).collect::<Array>().into()
}

fn tag(name: &str, data: Obj) -> JsValue {
    Obj::new().put(name, data.js()).js()
}

pub(crate) fn stringify(v: &JsValue) -> String {
    JSON::stringify(v).ok().and_then(|s| s.as_string()).unwrap_or_default()
}

/// A customer's answer to a card as JSON (the only events a customer sends).
fn answer_js(e: &Event) -> Option<JsValue> {
    let o = Obj::new();
    Some(match e {
        Event::Tick { item, done } => tag("tick", o.num("item", u64::from(*item)).put("done", *done)),
        Event::Add { product } => tag("add", o.put("product", product)),
        Event::ConfirmOrder { .. } => tag("confirmOrder", o),
        Event::Resolve { solved } => tag("resolve", o.put("solved", *solved)),
        Event::Rate { score } => tag("rate", o.num("score", u64::from(*score))),
        _ => return None,
    })
}

fn discount_js(d: Discount) -> JsValue {
    match d {
        Discount::Percent(bp) => Obj::new().num("percent", u64::from(bp)).js(),
        Discount::Amount(minor) => Obj::new().put("amount", minor as f64).js(),
    }
}

/// Any workflow event as JSON.
pub fn event_js(e: &Event) -> JsValue {
    if let Some(answer) = answer_js(e) {
        return answer;
    }
    let o = Obj::new();
    match e {
        Event::CompleteStep { step } => tag("completeStep", o.put("step", step)),
        Event::Collect { field, value } => tag("collect", o.put("field", field).put("value", value)),
        Event::Assign { to } => tag("assign", o.put("to", to)),
        Event::Release {} => tag("release", o),
        Event::Escalate { team, note } => tag("escalate", o.put("team", team).put("note", note)),
        Event::Checklist { items } => tag("checklist", o.put("items", strings(items))),
        Event::Present(p) => tag(
            "present",
            o.put("id", &p.id)
                .put("name", &p.name)
                .num("price", u64::from(p.price))
                .put("image", &p.image)
                .put("family", &p.family)
                .put("variant", &p.variant),
        ),
        Event::Order { lines, codes, discount, .. } => {
            let lines: Array =
                lines.iter().map(|l| Obj::new().put("product", &l.product).num("qty", u64::from(l.qty)).js()).collect();
            let o = o.put("lines", lines);
            let o = if codes.is_empty() { o } else { o.put("codes", strings(codes)) };
            tag("order", if let Some(d) = discount { o.put("discount", discount_js(*d)) } else { o })
        }
        Event::CancelOrder { reason } => tag("cancelOrder", o.put("reason", reason)),
        Event::AskApproval { discount, note } => {
            tag("askApproval", o.put("discount", discount_js(*discount)).put("note", note))
        }
        Event::Decide { approve, note } => tag("decide", o.put("approve", *approve).put("note", note)),
        Event::AskResolution {} => tag("askResolution", o),
        Event::AskRating {} => tag("askRating", o),
        Event::Flag { note } => tag("flag", o.put("note", note)),
        Event::Assess { severity } => tag("assess", o.put("severity", severity.as_str())),
        Event::Sanction { kind, minutes } => {
            let o = o.put("kind", kind.as_str());
            tag("sanction", if let Some(m) = minutes { o.num("minutes", u64::from(*m)) } else { o })
        }
        Event::Lift { kind } => tag("lift", o.put("kind", kind.as_str())),
        Event::LogIncident { summary } => tag("logIncident", o.put("summary", summary)),
        Event::Close { outcome } => tag("close", o.put("outcome", outcome.as_str())),
        Event::Reopen {} => tag("reopen", o),
        Event::FollowUp { due, note, .. } => tag("followUp", o.num("due", *due).put("note", note)),
        Event::FollowUpDue {} => tag("followUpDue", o),
        Event::Edit { seq, text, .. } => tag("edit", o.num("seq", *seq).put("text", text)),
        _ => JsValue::NULL,
    }
}

/// A channel viewer's report of a message as JSON (without serde_json, which
/// the channel app does not otherwise link).
pub fn viewer_report(r: &shared::api::ViewerReport) -> String {
    let o = Obj::new().put("visitor", &r.visitor);
    stringify(
        &match r.reason {
            Some(c) => o.put("reason", c.key()),
            None => o,
        }
        .js(),
    )
}

/// How one side reads and writes its socket frames.
pub struct Codec {
    /// Reads a server frame.
    pub decode: fn(&str) -> Option<ServerEnvelope>,
    /// Writes a client frame.
    pub encode: fn(&ClientEnvelope) -> String,
}

/// The customer's: conversation frames, and only answers as events (the
/// operator-only parts are then not in the widget's wasm).
/// Refusals and notices are read in the page's language ([`crate::i18n::SAID`]).
pub const CUSTOMER: Codec = Codec {
    decode: |json| server(json, crate::i18n::SAID),
    encode: |env| client_with(env, |e| answer_js(e).unwrap_or(JsValue::NULL)),
};

/// A channel viewer's: the customer's, and removals (refusals and notices likewise).
pub const CHANNEL: Codec = Codec { decode: |json| server_channel(json, crate::i18n::SAID), encode: CUSTOMER.encode };

/// The console's: every frame and event.
pub const OPERATOR: Codec = Codec { decode: server_or_inbox, encode: client };

/// A client frame as JSON text (the console's: whispers and presence too).
pub fn client(env: &ClientEnvelope) -> String {
    let msg = match &env.msg {
        ClientMsg::Whisper { text } => tag("whisper", Obj::new().put("text", text)),
        ClientMsg::Presence { status } => tag("presence", Obj::new().put("status", status.as_str())),
        ClientMsg::Seen(m) => tag("seen", Obj::new().put("conversation", m.conversation.as_str()).num("seq", m.seq)),
        _ => return client_with(env, event_js),
    };
    stringify(&Obj::new().num("v", u64::from(env.v)).put("id", &env.id).put("msg", msg).js())
}

fn client_with(env: &ClientEnvelope, event: fn(&Event) -> JsValue) -> String {
    let o = Obj::new();
    let msg = match &env.msg {
        ClientMsg::Send { text } => tag("send", o.put("text", text)),
        ClientMsg::Sync { after } => tag("sync", o.num("after", *after)),
        ClientMsg::Act { event: e } => tag("act", o.put("event", event(e))),
        ClientMsg::Typing { on } => tag("typing", o.put("on", *on)),
        ClientMsg::History { before } => tag("history", o.num("before", *before)),
        _ => JsValue::NULL,
    };
    stringify(&Obj::new().num("v", u64::from(env.v)).put("id", &env.id).put("msg", msg).js())
}

/// The body that starts a conversation.
pub fn create(body: &CreateConversation) -> String {
    let mut o = Obj::new().put("site", body.site.as_str());
    if let Some(t) = &body.trigger {
        o = o.put("trigger", t);
    }
    if !body.fields.is_empty() {
        let pairs: Array = body.fields.iter().map(|(k, v)| JsValue::from(Array::of2(&k.into(), &v.into()))).collect();
        o = o.put("fields", pairs);
    }
    if let Some(v) = &body.visitor {
        o = o.put("visitor", v);
    }
    if let Some(p) = &body.page {
        o = o.put("page", p);
    }
    if let Some(e) = &body.email {
        o = o.put("email", e);
    }
    if let Some(i) = &body.identity {
        let identity = Obj::new().put("user", &i.user).num("expires", i.expires).put("hash", &i.hash);
        o = o.put("identity", identity.js()).put("resume", body.resume);
    }
    stringify(&o.js())
}

/// A conversation and its token as JSON (the session the loader keeps).
pub fn created_js(c: &ConversationCreated) -> JsValue {
    Obj::new().put("conversation", c.conversation.as_str()).put("token", &c.token).js()
}

/// [`created_js`] as JSON text.
pub fn created_text(c: &ConversationCreated) -> String {
    stringify(&created_js(c))
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    //! In-browser tests (`wasm-bindgen-test`): every golden file decodes to
    //! what serde_json makes of it, every client-side value encodes to the
    //! same JSON as serde's, and malformed input is refused.
    use super::*;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    macro_rules! golden {
        ($name:literal) => {
            include_str!(concat!("../../shared/golden/", $name, ".json"))
        };
    }

    const SERVER: &[&str] = &[
        golden!("server.welcome"),
        golden!("server.message"),
        golden!("server.ack"),
        golden!("server.error"),
        golden!("server.inbox"),
        golden!("server.inboxUpdate"),
        golden!("server.typing"),
        golden!("server.held"),
        golden!("server.held.file"),
        golden!("server.moderation"),
        golden!("server.welcome.channel"),
        golden!("server.welcome.operator"),
        golden!("server.message.channel"),
        golden!("server.history"),
        golden!("server.queue"),
        golden!("server.queue.away"),
        golden!("server.whisper"),
        golden!("server.board"),
        golden!("server.seen"),
        golden!("server.assignment"),
        golden!("server.removed"),
        golden!("server.message.removed"),
        golden!("server.error.muted"),
        golden!("server.error.plain"),
        golden!("server.moderation.notice"),
    ];

    const EVENTS: &[&str] = &[
        golden!("event.completeStep"),
        golden!("event.collect"),
        golden!("event.assign"),
        golden!("event.release"),
        golden!("event.escalate"),
        golden!("event.checklist"),
        golden!("event.tick"),
        golden!("event.present"),
        golden!("event.add"),
        golden!("event.order"),
        golden!("event.confirmOrder"),
        golden!("event.followUp"),
        golden!("event.followUpDue"),
        golden!("event.edit"),
        golden!("event.cancelOrder"),
        golden!("event.askApproval"),
        golden!("event.decide"),
        golden!("event.askResolution"),
        golden!("event.resolve"),
        golden!("event.askRating"),
        golden!("event.rate"),
        golden!("event.flag"),
        golden!("event.assess"),
        golden!("event.sanction"),
        golden!("event.lift"),
        golden!("event.logIncident"),
        golden!("event.close"),
        golden!("event.reopen"),
        golden!("event.file"),
    ];

    const CLIENT: &[&str] = &[
        golden!("client.send"),
        golden!("client.sync"),
        golden!("client.act"),
        golden!("client.typing"),
        golden!("client.history"),
        golden!("client.whisper"),
        golden!("client.presence"),
        golden!("client.seen"),
    ];

    fn same_json(a: &str, b: &str) {
        let (a, b): (serde_json::Value, serde_json::Value) =
            (serde_json::from_str(a).unwrap(), serde_json::from_str(b).unwrap());
        assert_eq!(a, b);
    }

    #[wasm_bindgen_test]
    fn the_customers_readers_say_refusals_notices_holds_and_places_as_told_and_keep_a_refusals_code() {
        // What i18n.js is handed: the whole object, particulars too, and
        // the field of its English.
        let say: Say = |o, english| {
            let (d, notice, away) = (get(o, "detail"), get(o, "notice"), get(o, "away"));
            let typed = text(&d, "why").or(text(&notice, "kind")).or(text(&away, "team"))?;
            Some(format!("{typed}/{}/{}", text(o, english).is_some(), uint(&away, "until").unwrap_or(0)))
        };
        let g = golden!("server.error.muted");
        for read in [server(g, say), server_channel(g, say)] {
            let msg = read.map(|f| f.msg);
            let want =
                ServerMsg::Error { code: shared::ErrorCode::Muted, message: "until/true/0".into(), detail: None };
            assert_eq!(msg, Some(want));
        }
        assert_eq!(server(golden!("server.error.plain"), say), None, "no particulars: this `say` refuses");
        let told = ServerMsg::Moderation { alert: Some("mute/true/0".into()), changed: Vec::new(), notice: None };
        assert_eq!(server_channel(golden!("server.moderation.notice"), say).map(|f| f.msg), Some(told));
        for (g, why) in [(golden!("server.held"), "rule/true/0"), (golden!("server.held.file"), "unverified/true/0")] {
            let held = ServerMsg::Held { reason: why.into(), detail: None };
            assert_eq!(server(g, say).map(|f| f.msg), Some(held.clone()));
            assert_eq!(server_channel(g, say).map(|f| f.msg), Some(held));
        }
        let place =
            ServerMsg::Queue { position: 0, wait_ms: None, text: "Billing/true/1795334400000".into(), away: None };
        assert_eq!(server(golden!("server.queue.away"), say).map(|f| f.msg), Some(place));
    }

    #[wasm_bindgen_test]
    fn golden_server_frames_decode_as_serde_json_does() {
        assert_eq!(SERVER.len(), 25, "one per ServerMsg variant, the channel forms, an operator's welcome, refusals");
        for g in SERVER {
            let want: ServerEnvelope = serde_json::from_str(g).unwrap();
            // Readers that know tombstones show a removed message's words.
            let tomb = |mut e: ServerEnvelope| {
                if let ServerMsg::Message(m) = &mut e.msg {
                    if m.removed {
                        m.text = shared::protocol::REMOVED.into();
                    }
                }
                e
            };
            assert_eq!(server_or_inbox(g), Some(tomb(want.clone())), "{g}");
            // Inbox frames and staff frames never reach a customer's reader.
            let staff = matches!(
                want.msg,
                ServerMsg::Inbox { .. }
                    | ServerMsg::InboxUpdate(_)
                    | ServerMsg::Board(_)
                    | ServerMsg::Assignment { .. }
                    | ServerMsg::Whisper(_)
                    | ServerMsg::Seen(_)
            );
            // Only operators get the workflow state and desk changes; the
            // customer's reader skips them, and reads the queue's words only.
            let mut seen = want;
            match &mut seen.msg {
                ServerMsg::Welcome { state, .. } => *state = None,
                ServerMsg::Moderation { changed, notice, .. } => (*changed, *notice) = (Vec::new(), None),
                ServerMsg::Queue { position, wait_ms, away, .. } => (*position, *wait_ms, *away) = (0, None, None),
                // Customers read a refusal's (and a hold's) particulars in its sentence.
                ServerMsg::Error { detail, .. } | ServerMsg::Held { detail, .. } => *detail = None,
                _ => {}
            }
            // A removal only comes on a channel's sockets: the channel's
            // reader has it; a conversation has none, so its reader skips the flag.
            let removal = matches!(seen.msg, ServerMsg::Removed { .. });
            let mut customers = seen.clone();
            if let ServerMsg::Message(m) = &mut customers.msg {
                m.removed = false;
            }
            let customers = (!staff && !removal).then_some(customers);
            assert_eq!(server(g, ENGLISH), customers, "customers' sockets never carry staff frames: {g}");
            // A channel has no queue: its reader has none.
            let queue = matches!(seen.msg, ServerMsg::Queue { .. });
            assert_eq!(server_channel(g, ENGLISH), (!staff && !queue).then_some(tomb(seen)), "{g}");
        }
    }

    #[wasm_bindgen_test]
    fn every_event_decodes_and_encodes_as_serde_does() {
        assert_eq!(EVENTS.len(), Event::TYPES.len(), "one per Event variant");
        for g in EVENTS {
            let want: Event = serde_json::from_str(g).unwrap();
            let parsed = JSON::parse(g).unwrap();
            assert_eq!(event(&parsed), Some(want.clone()), "{g}");
            // Clients send events without what the Worker adds (a quote);
            // a file is never sent as an event, but uploaded.
            if !matches!(want, Event::File(_)) {
                same_json(&stringify(&event_js(&want.as_sent())), &serde_json::to_string(&want.as_sent()).unwrap());
            }
            // And inside a message: the console reads every event, a customer
            // the ones it can see (others as none; the server never sends them).
            let m = ChatMessage { event: Some(want.clone()), ..sample_message() };
            let frame = serde_json::to_string(&ServerEnvelope::push(ServerMsg::Message(m.clone()))).unwrap();
            assert_eq!(server_or_inbox(&frame).map(|f| f.msg), Some(ServerMsg::Message(m.clone())));
            let seen = ChatMessage { event: want.visible_to_customer().then_some(want), ..m };
            assert_eq!(server(&frame, ENGLISH).map(|f| f.msg), Some(ServerMsg::Message(seen)));
        }
    }

    #[wasm_bindgen_test]
    fn a_viewer_report_encodes_as_serde_does() {
        let reasons = shared::rules::Category::ALL.iter().map(|c| Some(*c)).chain([None]);
        for reason in reasons {
            let r = shared::api::ViewerReport { visitor: "v_\"quoted\"".into(), reason };
            same_json(&viewer_report(&r), &serde_json::to_string(&r).unwrap());
        }
    }

    fn sample_message() -> ChatMessage {
        let golden: ServerEnvelope = serde_json::from_str(golden!("server.message")).unwrap();
        match golden.msg {
            ServerMsg::Message(m) => m,
            _ => unreachable!(),
        }
    }

    #[wasm_bindgen_test]
    fn client_frames_and_bodies_encode_as_serde_does() {
        for g in CLIENT {
            let env: ClientEnvelope = serde_json::from_str(g).unwrap();
            same_json(&client(&env), g);
            // Whispers and presence are staff's: the customer's writer has none.
            if !matches!(env.msg, ClientMsg::Whisper { .. } | ClientMsg::Presence { .. } | ClientMsg::Seen(_)) {
                same_json(&(CUSTOMER.encode)(&env), g);
            }
        }
        // A customer writes every event it may send as serde does (the form's
        // answers and reopening are the server's, in the customer's name).
        for g in EVENTS {
            let e: Event = serde_json::from_str(g).unwrap();
            // Files are uploaded, never written as events.
            let server_made = matches!(e, Event::Collect { .. } | Event::Reopen {} | Event::File(_));
            if e.allowed_for(shared::Role::Customer) && !server_made {
                assert_eq!(answer_js(&e).map(|v| stringify(&v)), Some(stringify(&event_js(&e))), "{g}");
            }
        }
        for g in [
            golden!("api.createConversation"),
            golden!("api.createConversation.preChat"),
            golden!("api.createConversation.proactive"),
            golden!("api.createConversation.visitor"),
            golden!("api.createConversation.away"),
        ] {
            let body: CreateConversation = serde_json::from_str(g).unwrap();
            same_json(&create(&body), g);
        }
        let c: ConversationCreated = serde_json::from_str(golden!("api.conversationCreated")).unwrap();
        same_json(&created_text(&c), golden!("api.conversationCreated"));
    }

    #[wasm_bindgen_test]
    fn http_answers_decode_as_serde_json_does() {
        let g = golden!("api.conversationCreated");
        assert_eq!(created(g), Some(serde_json::from_str(g).unwrap()));
        // (A refusal's particulars are said in its sentence, not kept.)
        for g in [golden!("api.error"), golden!("api.error.detail")] {
            let want: ApiError = serde_json::from_str(g).unwrap();
            assert_eq!(api_error(g, ENGLISH), Some(ApiError { detail: None, ..want }), "{g}");
        }
        let g = golden!("api.widgetConfig");
        let c: shared::site::WidgetConfig = serde_json::from_str(g).unwrap();
        let msg = format!(
            r#"{{"fields":{},"welcome":"Hi","greeting":"Hello","expect":{{"away":true,"online":false}}}}"#,
            serde_json::to_string(&c.fields).unwrap(),
        );
        let want = HostConfig {
            fields: c.fields,
            welcome: "Hi".into(),
            greeting: "Hello".into(),
            expect: String::new(),
            away: true,
        };
        assert_eq!(host_config(&JSON::parse(&msg).unwrap()), Some(want));
    }

    #[wasm_bindgen_test]
    fn wrong_input_is_refused_not_guessed() {
        let bad = [
            "",
            "not json",
            "[]",
            r#"{"v":1}"#,
            r#"{"v":1,"msg":{}}"#,
            r#"{"v":1,"msg":{"ack":{"seq":1}}}"#,
            r#"{"v":1,"msg":{"ack":{"seq":-1,"at":2}}}"#,
            r#"{"v":1,"msg":{"ack":{"seq":1.5,"at":2}}}"#,
            r#"{"v":1,"msg":{"ack":{"seq":"1","at":2}}}"#,
            r#"{"v":1,"msg":{"nope":{}}}"#,
            r#"{"v":1,"msg":{"ack":{"seq":1,"at":2},"error":{}}}"#,
            r#"{"v":1,"re":5,"msg":{"ack":{"seq":1,"at":2}}}"#,
            r#"{"v":1,"msg":{"error":{"code":"noSuchCode","message":"x"}}}"#,
            r#"{"v":1,"msg":{"typing":{"role":"admin","on":true}}}"#,
            r#"{"v":1,"msg":{"message":{"seq":1,"clientId":"a","author":"customer","text":"x","at":1,"event":{"tick":{"item":0}}}}}"#,
            r#"{"v":1,"msg":{"message":{"seq":1,"clientId":"a","author":"customer","text":"x","at":1,"event":"nope"}}}"#,
        ];
        for b in bad {
            assert_eq!(server_or_inbox(b), None, "{b}");
        }
        assert_eq!(created(r#"{"conversation":"short","token":"t"}"#), None);
        assert_eq!(host_config(&JSON::parse(r#"{"fields":[{"id":"a"}]}"#).unwrap()), None);
    }
}
