//! The site's operators' seats in the console: loaded once per workspace
//! (the transfer control and the mentor's view read the names and
//! mentors), and the supervisors' editor — capacity, teams, skills and
//! mentor per operator, each saved on its own (the Worker checks it).

use leptos::prelude::*;
use shared::api::seats_path;
use shared::routing::{Seat, MAX_CAPACITY};

use super::{api, Session};

/// The seats as last loaded.
#[derive(Clone, Copy)]
pub struct Seats(pub RwSignal<Vec<Seat>>);

impl Seats {
    /// Loads them (again).
    pub fn load(self, site: String) {
        leptos::task::spawn_local(async move {
            if let Ok(text) = api("GET", &seats_path(&site), None).await {
                self.0.set(crate::json::decode(&text).unwrap_or_default());
            }
        });
    }

    /// Every operator's name, sorted.
    pub fn names(self) -> Vec<String> {
        let mut names: Vec<String> = self.0.with(|s| s.iter().map(|s| s.name.clone()).collect());
        names.sort();
        names
    }

    /// Those whom `me` mentors.
    pub fn mentees(self, me: &str) -> Vec<String> {
        self.0.with(|s| s.iter().filter(|s| s.mentor.as_deref() == Some(me)).map(|s| s.name.clone()).collect())
    }
}

/// "a, b" for a list; and back.
fn joined(list: &[String]) -> String {
    list.join(", ")
}

fn split(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// The supervisors' seat editor.
#[component]
pub fn SeatsView(seats: Seats, on_close: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let site = session.site.get_value();
    let note = RwSignal::new(None::<Result<String, String>>);
    let new_name = RwSignal::new(String::new());
    let save = {
        let site = site.clone();
        move |seat: Seat| {
            let site = site.clone();
            let body = crate::json::encode(&seat);
            leptos::task::spawn_local(async move {
                match api("PUT", &seats_path(&site), body).await {
                    Ok(_) => {
                        note.set(Some(Ok(format!("Saved {}.", seat.name))));
                        seats.load(site);
                    }
                    Err(e) => note.set(Some(Err(e))),
                }
            });
        }
    };
    let add = {
        let save = save.clone();
        move |e: leptos::ev::SubmitEvent| {
            e.prevent_default();
            let name = new_name.get_untracked().trim().to_owned();
            if !name.is_empty() {
                save(Seat::default_for(&name));
                new_name.set(String::new());
            }
        }
    };
    view! {
        <div class="overlay" role="dialog" aria-modal="true" aria-label="Seats" data-testid="console-seats">
            <div class="settings">
                <h2>"Seats"</h2>
                <p class="hint">"Chats at once (0–"{MAX_CAPACITY}"), teams (their ids, comma separated), skills and mentor."</p>
                <ul class="seats">
                    <For each=move || seats.0.get() key=|s| s.name.clone() let:seat>
                        {
                            let capacity = RwSignal::new(seat.capacity.to_string());
                            let teams = RwSignal::new(joined(&seat.teams));
                            let skills = RwSignal::new(joined(&seat.skills));
                            let mentor = RwSignal::new(seat.mentor.clone().unwrap_or_default());
                            let save = save.clone();
                            let name = seat.name.clone();
                            let store = move |_| {
                                let Ok(capacity) = capacity.get_untracked().trim().parse() else {
                                    note.set(Some(Err("capacity is a number".into())));
                                    return;
                                };
                                let mentor = mentor.get_untracked().trim().to_owned();
                                save(Seat {
                                    name: name.clone(),
                                    capacity,
                                    teams: split(&teams.get_untracked()),
                                    skills: split(&skills.get_untracked()),
                                    mentor: (!mentor.is_empty()).then_some(mentor),
                                });
                            };
                            view! {
                                <li data-testid="console-seat" data-name=seat.name.clone()>
                                    <strong>{seat.name.clone()}</strong>
                                    <input type="number" min="0" max=MAX_CAPACITY aria-label="Chats at once" data-testid="console-seat-capacity"
                                        prop:value=capacity on:input=move |e| capacity.set(event_target_value(&e))/>
                                    <input aria-label="Teams" placeholder="teams" data-testid="console-seat-teams"
                                        prop:value=teams on:input=move |e| teams.set(event_target_value(&e))/>
                                    <input aria-label="Skills" placeholder="skills" data-testid="console-seat-skills"
                                        prop:value=skills on:input=move |e| skills.set(event_target_value(&e))/>
                                    <input aria-label="Mentor" placeholder="mentor" data-testid="console-seat-mentor"
                                        prop:value=mentor on:input=move |e| mentor.set(event_target_value(&e))/>
                                    <button type="button" data-testid="console-seat-save" on:click=store>"Save"</button>
                                </li>
                            }
                        }
                    </For>
                </ul>
                <form on:submit=add>
                    <input aria-label="Operator's name" placeholder="Operator's name" data-testid="console-seat-new"
                        prop:value=new_name on:input=move |e| new_name.set(event_target_value(&e))/>
                    <button type="submit" data-testid="console-seat-add">"Add a seat"</button>
                </form>
                {move || note.get().map(|n| match n {
                    Ok(t) => view! { <p class="ok" data-testid="console-seats-note">{t}</p> }.into_any(),
                    Err(t) => view! { <p class="error" role="alert" data-testid="console-seats-error">{t}</p> }.into_any(),
                })}
                <button type="button" data-testid="console-seats-close" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
        </div>
    }
}
