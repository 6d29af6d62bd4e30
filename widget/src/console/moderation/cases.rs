//! The list of moderation cases (newest first): offender, room, and where
//! the case stands; picking one opens it in the panel.

use leptos::prelude::*;
use shared::WireName;

use super::Desk;

/// The cases.
#[component]
pub fn Cases(error: RwSignal<Option<String>>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    view! {
        <section class="cases">
            <h3>"Cases"</h3>
            {super::error_line(error, "console-cases-error")}
            <Show when=move || desk.cases.with(Vec::is_empty)>
                <p class="empty">"No cases yet."</p>
            </Show>
            <ul data-testid="console-cases">
                <For each=move || desk.cases.get() key=|c| (c.id, c.log.len()) let:c>
                    {
                        let id = c.id;
                        let stands = match (c.state.outcome, c.state.current()) {
                            (Some(o), _) => format!("closed: {}", o.as_str()),
                            (None, Some(step)) => step.id.to_string(),
                            (None, None) => "to close".into(),
                        };
                        view! {
                            <li>
                                <button type="button" data-testid="console-case" data-case=id.to_string()
                                    class:active=move || desk.selected.get() == Some(id)
                                    on:click=move |_| desk.selected.set(Some(id))>
                                    <span class="line1"><span class="who">{c.name.clone()}</span><span class="time">{c.room.label()}</span></span>
                                    <span class="line3">{format!("Case {id} · {stands}")}</span>
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </section>
    }
}
