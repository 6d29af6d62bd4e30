//! The console's search across the site's conversations: words (the last
//! one a prefix) and filters — customer, tag, workflow, status, operator,
//! dates — asked of `GET …/search` (the site's index; no conversation is
//! read), pages of 20 with "More results", each hit with its matched words
//! marked (as text: the marks are split out, never parsed as HTML). A hit
//! opens its conversation at the message ([`Found`]: the pane loads older
//! pages until the message is there, scrolls to it and marks it).

use std::time::Duration;

use leptos::prelude::*;
use shared::search::{marked, Hit, SearchPage, SearchQuery, Status};
use shared::workflow::WorkflowKind;
use shared::{ConversationId, Role, WireName};

use super::{api, Session};

/// The message a search hit opens at: its conversation and sequence number
/// (the pane that shows it scrolls there and clears it).
#[derive(Clone, Copy)]
pub struct Found(pub RwSignal<Option<(ConversationId, u64)>>);

/// How often, and how many times, the pane looks for the message while
/// older pages arrive.
const LOOK_EVERY: Duration = Duration::from_millis(150);
const LOOKS: u32 = 80;

/// Ms since the epoch of a date field's `YYYY-MM-DD`, at local midnight
/// (`None`: empty or not a date); `end`: the next day's midnight.
fn day(value: &str, end: bool) -> Option<u64> {
    let mut parts = value.split('-').map(|p| p.parse::<i32>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let date = js_sys::Date::new_with_year_month_day(y as u32, m - 1, d + i32::from(end));
    let ms = date.get_time();
    (ms.is_finite() && ms >= 0.0).then_some(ms as u64)
}

/// A hit's time as the console shows it: date and clock, local time.
fn when(ms: u64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!("{:04}-{:02}-{:02} {}", d.get_full_year(), d.get_month() + 1, d.get_date(), crate::util::clock(ms))
}

/// The search overlay; `open` opens a hit's conversation at its message.
#[component]
pub fn SearchView(on_close: Callback<()>, open: Callback<(ConversationId, u64)>) -> impl IntoView {
    let site = expect_context::<Session>().site;
    let query = RwSignal::new(SearchQuery::default());
    let (from, to) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let hits = RwSignal::new(None::<Vec<Hit>>);
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let ask = move |more: bool| {
        let mut q = query.get_untracked();
        q.from = day(&from.get_untracked(), false);
        q.to = day(&to.get_untracked(), true);
        q.cursor = if more { next.get_untracked() } else { None };
        let path = shared::api::search_path(&site.get_value(), &q);
        leptos::task::spawn_local(async move {
            match api("GET", &path, None).await.and_then(|t| crate::json::decode::<SearchPage>(&t).ok_or(t)) {
                Ok(page) => {
                    error.set(None);
                    next.set(page.next);
                    hits.update(|h| match (more, h) {
                        (true, Some(h)) => h.extend(page.hits),
                        (_, h) => *h = Some(page.hits),
                    });
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let set = move |f: fn(&mut SearchQuery, String)| move |e| query.update(|q| f(q, event_target_value(&e)));
    view! {
        <div class="overlay" role="dialog" aria-modal="true" aria-label="Search" data-testid="console-search">
            <div class="settings wide">
                <h2>"Search conversations"</h2>
                <form class="search-form" on:submit=move |e| {
                    e.prevent_default();
                    ask(false);
                }>
                    <input type="search" data-testid="console-search-text" aria-label="Words" placeholder="Words in a message"
                        autofocus=true on:input=set(|q, v| q.text = v)/>
                    <input data-testid="console-search-customer" aria-label="Customer" placeholder="Customer name"
                        on:input=set(|q, v| q.customer = v)/>
                    <input data-testid="console-search-tag" aria-label="Tag" placeholder="Tag" size="8"
                        on:input=set(|q, v| q.tag = v.trim().to_lowercase())/>
                    <select data-testid="console-search-workflow" aria-label="Workflow"
                        on:change=set(|q, v| q.workflow = WorkflowKind::ALL.into_iter().find(|k| k.as_str() == v))>
                        <option value="">"Any workflow"</option>
                        {WorkflowKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.def().name}</option> }).collect_view()}
                    </select>
                    <select data-testid="console-search-status" aria-label="Status" on:change=set(|q, v| {
                        q.status = match v.as_str() {
                            "open" => Some(Status::Open),
                            "closed" => Some(Status::Closed),
                            _ => None,
                        }
                    })>
                        <option value="">"Open and closed"</option>
                        <option value="open">"Open"</option>
                        <option value="closed">"Closed"</option>
                    </select>
                    <input data-testid="console-search-operator" aria-label="Operator" placeholder="Operator"
                        on:input=set(|q, v| q.operator = v)/>
                    <label>"From "<input type="date" data-testid="console-search-from" on:input=move |e| from.set(event_target_value(&e))/></label>
                    <label>"To "<input type="date" data-testid="console-search-to" on:input=move |e| to.set(event_target_value(&e))/></label>
                    <button type="submit" data-testid="console-search-go">"Search"</button>
                </form>
                {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="console-search-error">{e}</p> })}
                {move || hits.get().map(|list| {
                    if list.is_empty() {
                        return view! { <p class="empty" data-testid="console-search-empty">"No matches."</p> }.into_any();
                    }
                    view! {
                        <ul class="search-hits" aria-live="polite">
                            {list.into_iter().map(|h| {
                                let (id, seq) = (h.conversation.id.clone(), h.seq);
                                let who = match h.author {
                                    Some(Role::Operator) => "Operator",
                                    Some(Role::Customer) => "Customer",
                                    None => "",
                                };
                                let snippet = marked(&h.snippet).into_iter().map(|(hit, part)| {
                                    let part = part.to_owned();
                                    match hit {
                                        true => view! { <mark data-testid="console-search-mark">{part}</mark> }.into_any(),
                                        false => part.into_any(),
                                    }
                                }).collect_view();
                                view! {
                                    <li>
                                        <button class="hit" data-testid="console-search-hit"
                                            data-conversation=id.to_string() data-seq=seq
                                            on:click=move |_| open.run((id.clone(), seq))>
                                            <span class="line1">
                                                <span class="who">{super::customer_name(h.conversation.customer.as_deref(), &h.conversation.id)}</span>
                                                <span class="time">{when(h.at)}</span>
                                            </span>
                                            <span class="line2">
                                                <span class="author">{who}{(!who.is_empty()).then_some(": ")}</span>
                                                <span class="snippet" data-testid="console-search-snippet">{snippet}</span>
                                            </span>
                                            <span class="line3 tags">
                                                {h.conversation.workflow.def().name}
                                                {h.conversation.outcome.map_or(" · open".to_owned(), |o| format!(" · {}", o.as_str()))}
                                                {h.conversation.assignee.map(|a| format!(" · {a}"))}
                                                {h.conversation.tags.iter().map(|t| view! { <span class="tag">{t.clone()}</span> }).collect_view()}
                                            </span>
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                })}
                <Show when=move || next.with(Option::is_some)>
                    <button class="link" data-testid="console-search-more" on:click=move |_| ask(true)>"More results"</button>
                </Show>
                " "
                <button class="link" data-testid="console-search-close" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
        </div>
    }
}

/// In a conversation's pane: when a search hit opened it at `seq`, brings
/// the message into view — older pages are asked (by scrolling the list to
/// its top, as a reader would) until it is rendered — then scrolls to it
/// and marks it (`data-found`).
pub fn look_for(found: Found, id: ConversationId) {
    crate::effect(move || {
        let Some((at, seq)) = found.0.get() else { return };
        if at != id {
            return;
        }
        let pane = format!("section[data-conversation=\"{id}\"]:not(.beside)");
        look(found, pane, seq, LOOKS);
    });
}

fn look(found: Found, pane: String, seq: u64, left: u32) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    if let Ok(Some(el)) = doc.query_selector(&format!("{pane} [data-seq=\"{seq}\"]")) {
        let _ = el.set_attribute("data-found", "");
        el.scroll_into_view();
        found.0.set(None);
        return;
    }
    if left == 0 {
        return;
    }
    if let Ok(Some(list)) = doc.query_selector(&format!("{pane} .messages")) {
        list.set_scroll_top(0);
        if let Ok(e) = web_sys::Event::new("scroll") {
            let _ = list.dispatch_event(&e);
        }
    }
    set_timeout(move || look(found, pane, seq, left - 1), LOOK_EVERY);
}
