//! The review queue: every message the rules caught (open first, most
//! severe, newest, as the Worker orders it) with its rules, sender, room,
//! time and text; held ones can be approved (delivered) or rejected, and
//! any open one taken into a case; a word a rule matched by mistake is
//! allowed for the site in one click (the rules stop matching it).

use crate::util::when;
use leptos::prelude::*;
use shared::api::DeskRoute;
use shared::moderation_case::{queue_order, DeskItem, OpenCase, Report, ReportStatus, Review, VIEWER_REPORT};
use shared::rules::Action;
use shared::WireName;

use super::{Desk, Session};

/// The wire name of what the rules did.
fn action_name(a: Action) -> &'static str {
    match a {
        Action::Flag => "flag",
        Action::Hold => "hold",
        Action::Block => "block",
        Action::Mute { .. } => "mute",
    }
}

/// What the rules did, for people.
fn action_label(a: Action) -> String {
    match a {
        Action::Flag => "Flagged".into(),
        Action::Hold => "Held".into(),
        Action::Block => "Blocked".into(),
        Action::Mute { minutes } => format!("Blocked, muted {minutes} min"),
    }
}

/// The queue.
#[component]
pub fn Queue() -> impl IntoView {
    let session = expect_context::<Session>();
    let desk = expect_context::<Desk>();
    let reports = RwSignal::new(Vec::<Report>::new());
    let error = super::fetch_into(desk, reports, move || super::path(session, DeskRoute::Reports, ""));
    desk.on_push(move |item| {
        if let DeskItem::Report(r) = item {
            reports.try_update(|l| {
                match l.iter_mut().find(|x| x.id == r.id) {
                    Some(slot) => *slot = r.clone(),
                    None => l.push(r.clone()),
                }
                l.sort_by(queue_order);
            });
        }
    });
    let busy = RwSignal::new(false);
    let review = move |id: u64, approve: bool| {
        let path = super::path(session, DeskRoute::Review(id), "");
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let answer = super::post::<Report>(path, &Review { approve }).await;
            busy.try_set(false);
            match answer {
                Ok(r) => {
                    reports.try_update(|l| l.iter_mut().filter(|x| x.id == r.id).for_each(|x| *x = r.clone()));
                    desk.changed();
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let allowed = RwSignal::new(None::<String>);
    let allow = move |word: String| {
        let path = shared::api::allowed_words_path(&session.site.get_value());
        let body = crate::json::encode(&shared::site::AllowWord { word });
        error.set(None);
        leptos::task::spawn_local(async move {
            match crate::console::api("POST", &path, body)
                .await
                .map(|t| crate::json::decode::<shared::site::AllowWord>(&t))
            {
                Ok(Some(a)) => {
                    allowed.try_set(Some(format!("“{}” is allowed: the rules no longer match it.", a.word)));
                }
                Ok(None) => {
                    error.try_set(Some(crate::http::UNREADABLE.into()));
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let open_case =
        move |id: u64| super::open_case(session, desk, OpenCase { report: Some(id), conversation: None }, busy, error);
    view! {
        <section class="queue">
            <h3>"Review queue"</h3>
            {super::error_line(error, "console-queue-error")}
            {move || allowed.get().map(|t| view! { <p class="ok" data-testid="console-allowed-note">{t}</p> })}
            <Show when=move || reports.with(Vec::is_empty)>
                <p class="empty">"Nothing caught by the rules yet."</p>
            </Show>
            <ul data-testid="console-queue">
                <For each=move || reports.get() key=|r| (r.id, r.status.as_str(), r.count + r.reporters().count() as u32) let:r>
                    {
                        let id = r.id;
                        let open = r.status == ReportStatus::Open;
                        let held = open && r.action == Action::Hold;
                        let rules: Vec<&str> = r.hits.iter().map(|h| h.rule.as_str()).collect();
                        let viewers = r.reporters().count();
                        let times = match (r.count, viewers) {
                            (_, n @ 2..) => format!(" · reported by {n} viewers"),
                            (n @ 2.., _) => format!(" · {n} times"),
                            _ => String::new(),
                        };
                        let line1 = format!("{} · {} · {}{times}", action_label(r.action), r.severity.as_str(), rules.join(", "));
                        let line2 = format!("{} · {} · {}", r.name, r.room.label(), when(r.at));
                        // Viewers' reasons, for a message they reported.
                        let reasons = (viewers > 0).then(|| {
                            let mut whys: Vec<&str> = r.hits.iter().map(|h| h.why.as_str()).collect();
                            whys.dedup();
                            whys.join("; ")
                        });
                        // The single words word rules matched: each can be allowed.
                        let mut words: Vec<String> =
                            r.hits.iter().filter(|h| h.rule != VIEWER_REPORT).filter_map(|h| h.found.clone()).filter(|w| !w.contains(' ')).collect();
                        words.dedup();
                        view! {
                            <li data-testid="console-report" data-report=id.to_string() data-status=r.status.as_str() data-count=r.count.to_string()
                                data-reporters=viewers.to_string()
                                data-action=action_name(r.action) class=format!("report {}", r.severity.as_str()) class:closed=!open>
                                <span class="line1">{line1}</span>
                                <span class="line2">{line2}</span>
                                {reasons.map(|w| view! { <span class="line2" data-testid="console-report-reasons">{w}</span> })}
                                <p class="text">{r.text.clone()}</p>
                                {r.file.clone().map(|href| view! {
                                    <a href=href target="_blank" rel="noopener" data-testid="console-report-file">"Look at the file"</a>
                                })}
                                {open.then(|| view! {
                                    <div class="actions">
                                        {held.then(|| view! {
                                            <button type="button" data-testid="console-report-approve" disabled=move || busy.get()
                                                on:click=move |_| review(id, true)>"Approve"</button>
                                            <button type="button" data-testid="console-report-reject" disabled=move || busy.get()
                                                on:click=move |_| review(id, false)>"Reject"</button>
                                        })}
                                        <button type="button" data-testid="console-report-case" disabled=move || busy.get()
                                            on:click=move |_| open_case(id)>"Open case"</button>
                                        {words.into_iter().map(|w| {
                                            let label = format!("Allow “{w}”");
                                            view! {
                                                <button type="button" class="link" data-testid="console-report-allow" data-word=w.clone()
                                                    on:click=move |_| allow(w.clone())>{label}</button>
                                            }
                                        }).collect_view()}
                                    </div>
                                })}
                                {(!open).then(|| view! { <span class="status">{r.status.as_str()}</span> })}
                            </li>
                        }
                    }
                </For>
            </ul>
        </section>
    }
}
