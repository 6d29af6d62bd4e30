//! The site's webhooks: endpoints made with an address and the events
//! they want (the signing secret shown once, to copy), listed and removed;
//! the delivery log (event, attempts, state, last status or error), each
//! delivery replayable.

use leptos::prelude::*;
use shared::webhooks::{CreatedHook, Delivery, DeliveryState, Hook, HookEvent, NewHook};

use super::Note;
use crate::console::{api, Session};

fn path(site: &str, rest: &str) -> String {
    format!("/api/console/sites/{}/webhooks{rest}", shared::api::encode_query(site))
}

/// The webhooks section.
#[component]
pub fn Hooks() -> impl IntoView {
    let site = expect_context::<Session>().site;
    let hooks = RwSignal::new(Vec::<Hook>::new());
    let log = RwSignal::new(Vec::<Delivery>::new());
    let secret = RwSignal::new(None::<String>);
    let note: Note = RwSignal::new(None);
    let url = RwSignal::new(String::new());
    let events = RwSignal::new(vec![HookEvent::MessageCreated]);
    let reload = move || {
        leptos::task::spawn_local(async move {
            if let Ok(text) = api("GET", &path(&site.get_value(), ""), None).await {
                hooks.set(crate::json::decode(&text).unwrap_or_default());
            }
            if let Ok(text) = api("GET", &path(&site.get_value(), "/deliveries"), None).await {
                log.set(crate::json::decode(&text).unwrap_or_default());
            }
        })
    };
    reload();
    let send = move |method: &'static str, rest: String, body: Option<String>, done: &'static str| {
        leptos::task::spawn_local(async move {
            match api(method, &path(&site.get_value(), &rest), body).await {
                Ok(text) => {
                    if let Some(made) = crate::json::decode::<CreatedHook>(&text) {
                        secret.set(Some(made.secret));
                        url.set(String::new());
                    }
                    note.set(Some(Ok(done.into())));
                    reload();
                }
                Err(e) => note.set(Some(Err(e))),
            }
        });
    };
    let add = move |_| {
        let body = NewHook { url: url.get_untracked(), events: events.get_untracked() };
        send("POST", String::new(), crate::json::encode(&body), "Added. Copy the secret now: it is not shown again.");
    };
    view! {
        <section data-testid="console-hooks">
            <h3>"Webhooks"</h3>
            <p>"Each event is POSTed as JSON to your address, signed in the "<code>"X-Chat-Signature"</code>
                " header: "<code>"t=<seconds>,v1=<HMAC-SHA256 of \"t.body\" with the secret>"</code>
                ". Failed deliveries are tried again for a day; an event keeps its id however often it comes."</p>
            <ul>
                <For each=move || hooks.get() key=|h| h.id.clone() let:h>
                    {
                        let id = h.id.clone();
                        let events = h.events.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(", ");
                        view! {
                            <li data-testid="console-hook" data-hook=h.id.clone()>
                                <code>{h.url.clone()}</code>{format!(" · {events} · by {}", h.created_by)}" "
                                <button type="button" class="link" data-testid="console-hook-remove"
                                    on:click=move |_| send("POST", format!("/{id}/delete"), None, "Removed.")>"Remove"</button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <div class="actions">
                <input aria-label="Endpoint address" placeholder="https://crm.example.com/hooks" size="36"
                    data-testid="console-hook-url" prop:value=url on:input=move |e| url.set(event_target_value(&e))/>
                <fieldset class="events">
                    <legend>"Events"</legend>
                    {HookEvent::ALL.into_iter().map(|e| view! {
                        <label>
                            <input type="checkbox" data-testid="console-hook-event" value=e.as_str()
                                prop:checked=move || events.with(|x| x.contains(&e))
                                on:change=move |_| events.update(|x| if x.contains(&e) { x.retain(|y| *y != e) } else { x.push(e) })/>
                            {e.as_str()}
                        </label>
                    }).collect_view()}
                </fieldset>
                <button type="button" data-testid="console-hook-add" on:click=add>"Add webhook"</button>
                {move || secret.get().map(|s| view! { <code data-testid="console-hook-secret">{s}</code> })}
                {super::note_view(note, "console-hook-note")}
            </div>
            <h4>"Deliveries"</h4>
            <button type="button" class="link" data-testid="console-hook-refresh" on:click=move |_| reload()>"Refresh"</button>
            <table class="figures">
                <thead><tr><th>"Event"</th><th>"Attempts"</th><th>"State"</th><th>"Last answer"</th><th></th></tr></thead>
                <tbody>
                    <For each=move || log.get() key=|d| (d.id, d.attempts, d.state as u8) let:d>
                        {
                            let id = d.id;
                            let state = match d.state {
                                DeliveryState::Pending => "pending",
                                DeliveryState::Delivered => "delivered",
                                DeliveryState::Failed => "failed",
                            };
                            let answer = d.status.map(|s| s.to_string()).or(d.error.clone()).unwrap_or_default();
                            view! {
                                <tr data-testid="console-hook-delivery" data-state=state data-event=d.event.as_str()>
                                    <td>{d.event.as_str()}" "<small>{d.event_id.clone()}</small></td>
                                    <td>{d.attempts}</td>
                                    <td>{state}</td>
                                    <td>{answer}</td>
                                    <td><button type="button" class="link" data-testid="console-hook-replay"
                                        on:click=move |_| send("POST", format!("/deliveries/{id}/replay"), None, "Sent again.")>"Replay"</button></td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
        </section>
    }
}
