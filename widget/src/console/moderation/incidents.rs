//! The incident log: every logged incident, searched as one types, with
//! JSON and CSV exports (plain download links; the key is in the query).

use crate::util::when;
use leptos::prelude::*;
use shared::api::{encode_query, DeskRoute};
use shared::moderation_case::{DeskItem, Incident};
use shared::WireName;

use super::{Desk, Session};

/// One incident, as text.
fn describe(i: &Incident) -> (String, String) {
    let head = format!("Case {} · {} · {} · {} · by {}", i.case, i.name, i.room.label(), when(i.at), i.moderator);
    let mut parts = vec![
        format!("rules: {}", i.rules.join(", ")),
        format!("severity: {}", i.severity.map_or("—", |s| s.as_str())),
        format!("actions: {}", if i.actions.is_empty() { "none".into() } else { i.actions.join("; ") }),
    ];
    parts.extend(i.escalation.iter().map(|e| format!("escalated: {e}")));
    parts.extend(i.evidence.iter().map(|r| format!("evidence: {}", r.text)));
    (head, parts.join(" · "))
}

/// The incident log.
#[component]
pub fn Incidents() -> impl IntoView {
    let session = expect_context::<Session>();
    let desk = expect_context::<Desk>();
    let q = RwSignal::new(String::new());
    let list = RwSignal::new(Vec::<Incident>::new());
    let search = move |format: &str| {
        let format = if format.is_empty() { String::new() } else { format!("&format={format}") };
        super::path(session, DeskRoute::Incidents, &format!("&q={}{format}", encode_query(&q.get())))
    };
    let error = super::fetch_into(desk, list, move || search(""));
    // A new incident joins the full log; a search shows what it found.
    desk.on_push(move |item| {
        if let DeskItem::Incident(i) = item {
            if q.with_untracked(String::is_empty) {
                list.try_update(|l| l.insert(0, i.clone()));
            }
        }
    });
    let rows = move || {
        list.get()
            .iter()
            .map(|i| {
                let (head, body) = describe(i);
                view! {
                    <li data-testid="console-incident-item" data-case=i.case.to_string()>
                        <span class="line1">{head}</span>
                        <p class="text">{i.summary.clone()}</p>
                        <span class="line3">{body}</span>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="incidents">
            <h3>"Incident log"</h3>
            <input type="search" placeholder="Search incidents" aria-label="Search incidents"
                data-testid="console-incident-search"
                prop:value=move || q.get() on:input=move |e| q.set(event_target_value(&e))/>
            <p class="exports">
                "Export: "
                <a data-testid="console-incidents-json" href=move || search("") download="incidents.json">"JSON"</a>
                " · "
                <a data-testid="console-incidents-csv" href=move || search("csv") download="incidents.csv">"CSV"</a>
            </p>
            {super::error_line(error, "console-incidents-error")}
            <Show when=move || list.with(Vec::is_empty)>
                <p class="empty">"No incidents found."</p>
            </Show>
            <ul data-testid="console-incidents">{rows}</ul>
        </section>
    }
}
