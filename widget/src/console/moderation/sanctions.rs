//! The mutes and bans in force on the site: whom, until when (in the
//! moderator's own time zone, named) and why.

use crate::util::when;
use leptos::prelude::*;
use shared::api::DeskRoute;
use shared::moderation_case::{DeskItem, SanctionRecord};
use shared::WireName;

use super::{Desk, Session};

/// The sanctions in force.
#[component]
pub fn Sanctions() -> impl IntoView {
    let session = expect_context::<Session>();
    let desk = expect_context::<Desk>();
    let list = RwSignal::new(Vec::<SanctionRecord>::new());
    let error = super::fetch_into(desk, list, move || super::path(session, DeskRoute::Sanctions, ""));
    desk.on_push(move |item| match item {
        DeskItem::Sanction(r) => {
            list.try_update(|l| l.insert(0, r.clone()));
        }
        DeskItem::Lifted { member, kind } => {
            list.try_update(|l| l.retain(|r| !(&r.member == member && r.kind == *kind)));
        }
        _ => {}
    });
    // Records name the member; the cases about them know their display name.
    let who = move |member: &str| {
        let short: String = member.chars().take(8).collect();
        let name = desk.cases.with(|l| l.iter().find(|c| c.member == member).map(|c| c.name.clone()));
        match name {
            Some(n) => format!("{n} ({short}…)"),
            None => format!("member {short}…"),
        }
    };
    let rows = move || {
        list.get()
            .into_iter()
            .map(|r| {
                let until = r.until.map_or_else(|| "for good".to_string(), |u| format!("until {}", when(u)));
                view! {
                    <li data-testid="console-sanction-item" data-kind=r.kind.as_str()>
                        <span class="line1"><strong>{r.kind.as_str()}</strong>" "{who(&r.member)}</span>
                        <span class="line3">{until}" · "{r.reason}</span>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="sanctions">
            <h3>"Sanctions in force"</h3>
            {super::error_line(error, "console-sanctions-error")}
            <Show when=move || list.with(Vec::is_empty)>
                <p class="empty">"Nobody is muted or banned."</p>
            </Show>
            <ul data-testid="console-sanctions">{rows}</ul>
        </section>
    }
}
