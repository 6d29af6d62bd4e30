//! The side panel of the open conversation: its workflow's task sequence with
//! the current step, the step's guidance and requirement, the workflow's
//! decision-matrix column, canned responses for the step, and every action
//! the workflow has (fields, checklist, products and order, escalation,
//! follow-up, rating, close). Each action is offered only when the state machine
//! (`State::allows`) accepts it; the server checks again.

use leptos::prelude::*;
use shared::workflow::{Event, Outcome, Sanction, Severity, State, WorkflowKind, MATRIX_ROWS};
use shared::WireName;

use super::Session;
use crate::chat::Chat;

/// A button that runs the event `make()` builds, enabled only when the
/// workflow accepts it (the reason is its tooltip otherwise) and no other
/// action is on its way. Used by the conversation guide and the moderation
/// case panel.
#[component]
pub(super) fn Act(
    state: Memo<State>,
    busy: RwSignal<bool>,
    run: Callback<Event>,
    label: &'static str,
    testid: &'static str,
    make: impl Fn() -> Option<Event> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let why_not = move || match make() {
        None => Some("fill in the form first".to_string()),
        Some(e) => state.with(|s| shared::workflow::apply(s, &e).err().map(|e| e.to_string())),
    };
    view! {
        <button
            type="button"
            data-testid=testid
            disabled=move || busy.get() || why_not().is_some()
            title=move || why_not().unwrap_or_default()
            on:click=move |_| {
                if let Some(e) = make() {
                    run.run(e);
                }
            }
        >
            {label}
        </button>
    }
}

/// The workflow's steps as list items `testid`, each with its state (done /
/// current / todo) as `data-state` and class. Used by the conversation
/// guide and the moderation case panel.
pub(super) fn step_items(s: &State, testid: &'static str) -> impl IntoView {
    s.def()
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let st = if i < s.done {
                "done"
            } else if i == s.done && !s.closed() {
                "current"
            } else {
                "todo"
            };
            view! { <li data-testid=testid data-step=step.id data-state=st class=st>{step.title}</li> }
        })
        .collect_view()
}

/// The `<option>`s of a select over a wire enum, `chosen` selected.
pub(super) fn choices<T: WireName + PartialEq>(all: &'static [T], chosen: T) -> impl IntoView {
    all.iter()
        .map(|v| {
            let mut label = v.as_str().to_owned();
            label[..1].make_ascii_uppercase();
            view! { <option value=v.as_str() selected=*v == chosen>{label}</option> }
        })
        .collect_view()
}

/// The guide for one conversation.
#[component]
pub fn Guide(chat: Chat, state: Memo<State>, text: RwSignal<String>) -> impl IntoView {
    let session = expect_context::<Session>();
    // Events go out on the conversation's socket (never "busy": sends queue).
    let run = Callback::new(move |e| chat.act(e));
    let busy = RwSignal::new(false);
    let kind = move || state.with(|s| s.workflow);
    let def = move || kind().def();
    let steps = move || state.with(|s| step_items(s, "console-step"));
    let current = move || state.with(|s| if s.closed() { None } else { s.current().copied() });
    let complete = move || current().map(|c| Event::CompleteStep { step: c.id.to_string() });
    let canned = move || {
        let step = current().map(|c| c.id).unwrap_or_default();
        let k = kind();
        session.config.with(|c| {
            let mut all: Vec<_> = c.iter().flat_map(|c| c.canned.iter()).filter(|r| r.workflow == k).cloned().collect();
            all.sort_by_key(|r| r.step != step);
            all
        })
    };
    let insert = move |t: String| {
        text.set(t);
        super::keys::focus("[data-testid=console-input]", false);
    };

    // Field form.
    let field_id = RwSignal::new(String::new());
    let field_value = RwSignal::new(String::new());
    let collect = move || {
        let (f, v) = (field_id.get(), field_value.get());
        (!f.is_empty() && !v.trim().is_empty()).then_some(Event::Collect { field: f, value: v })
    };
    let suggestions = move || {
        let mut ids: Vec<String> =
            session.config.with(|c| c.iter().flat_map(|c| c.fields.iter().map(|f| f.id.clone())).collect());
        for s in def().steps {
            if let shared::workflow::Requirement::Fields(f) = s.requires {
                ids.extend(f.iter().map(|f| f.to_string()));
            }
        }
        ids.sort();
        ids.dedup();
        ids
    };
    let fields = move || {
        state.with(|s| {
            s.fields
                .iter()
                .map(|(k, v)| view! { <dt>{k.clone()}</dt><dd data-field=k.clone()>{v.clone()}</dd> })
                .collect_view()
        })
    };

    // Support: checklist and resolution.
    let checklist_text = RwSignal::new(String::new());
    let checklist = move || {
        let items: Vec<String> =
            checklist_text.get().lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
        (!items.is_empty()).then_some(Event::Checklist { items })
    };
    let ticks = move || {
        state.with(|s| {
            s.checklist
                .iter()
                .map(|(item, done)| view! { <li class:done=*done data-done=done.to_string()>{item.clone()}</li> })
                .collect_view()
        })
    };
    let solved = move || match state.with(|s| s.solved) {
        Some(true) => "The customer says it is solved.",
        Some(false) => "The customer says it is not solved.",
        None => "",
    };

    // Sales: catalogue, order.
    let products = move || session.config.with(|c| c.as_ref().map(|c| c.products.clone()).unwrap_or_default());
    let currency = move || session.currency();
    let wanted = move || state.with(|s| s.wanted.join(", "));
    let to_suggest = move || {
        let now = js_sys::Date::now() as u64;
        session.config.with(|c| {
            c.as_ref().map_or_else(Vec::new, |c| {
                state.with(|s| shared::sales::suggest::suggest(&c.sales, &c.products, s, now))
            })
        })
    };

    // Moderation.
    let flag_note = RwSignal::new(String::new());
    let severity = RwSignal::new(Severity::Medium);
    let sanction = RwSignal::new(Sanction::Warn);
    let incident = RwSignal::new(String::new());

    // Escalation and closing.
    let team = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let teams = move || session.config.with(|c| c.as_ref().map(|c| c.teams.clone()).unwrap_or_default());
    let escalate = move || {
        let t = team.get();
        let t = if t.is_empty() { current().map(|c| c.escalation.to_string()).unwrap_or_default() } else { t };
        (!note.get().trim().is_empty()).then(|| Event::Escalate { team: t, note: note.get() })
    };
    let outcome = RwSignal::new(None::<Outcome>);
    let close = move || {
        let o = outcome.get().or_else(|| def().outcomes.first().copied())?;
        Some(Event::Close { outcome: o })
    };
    let rating = move || state.with(|s| s.rating.map(|r| format!("Rating: {r}/5")));

    view! {
        <aside class="guide" data-testid="console-guide">
            <section>
                <h2>{move || def().name}" workflow"</h2>
                <ol class="steps" data-testid="console-steps">{steps}</ol>
                {move || match current() {
                    Some(step) => view! {
                        <div class="current" data-testid="console-current-step" data-step=step.id>
                            <strong>{step.title}</strong>
                            <p data-testid="console-guidance">{step.guidance}</p>
                            <p class="needs">"Done when: "{step.requires.describe()}</p>
                            <Act state busy run label="Mark step done" testid="console-complete-step" make=complete/>
                        </div>
                    }.into_any(),
                    None => view! { <p class="current">{move || state.with(|s| match s.outcome {
                        Some(o) => format!("Closed: {}", o.as_str()),
                        None => "Every step is done — close the conversation.".into(),
                    })}</p> }.into_any(),
                }}
            </section>
            <section>
                <h3>"Decision matrix"</h3>
                <table class="matrix" data-testid="console-matrix">
                    {move || MATRIX_ROWS.iter().zip(def().matrix).map(|(row, cell)| view! {
                        <tr><th>{*row}</th><td>{cell}</td></tr>
                    }).collect_view()}
                </table>
            </section>
            <section>
                <h3>"Canned responses"</h3>
                <ul class="canned" data-testid="console-canned">
                    {move || canned().into_iter().map(|c| {
                        let t = c.text.clone();
                        view! { <li><button type="button" data-testid="console-canned-item" data-step=c.step.clone()
                            title=c.text.clone() on:click=move |_| insert(t.clone())>{c.title.clone()}</button></li> }
                    }).collect_view()}
                </ul>
            </section>
            <section>
                <h3>"Collected"</h3>
                <dl class="fields" data-testid="console-fields">{fields}</dl>
                <div class="row-form">
                    <input list="field-ids" placeholder="field" aria-label="Field" data-testid="console-field-id"
                        prop:value=move || field_id.get() on:input=move |e| field_id.set(event_target_value(&e))/>
                    <datalist id="field-ids">{move || suggestions().into_iter().map(|f| view! { <option value=f/> }).collect_view()}</datalist>
                    <input placeholder="value" aria-label="Value" data-testid="console-field-value"
                        prop:value=move || field_value.get() on:input=move |e| field_value.set(event_target_value(&e))/>
                    <Act state busy run label="Save" testid="console-field-save" make=collect/>
                </div>
            </section>
            <Show when=move || kind() == WorkflowKind::Support>
                <section>
                    <h3>"Troubleshooting"</h3>
                    <ol class="checklist" data-testid="console-checklist">{ticks}</ol>
                    <textarea rows="3" placeholder="One step per line" aria-label="Checklist steps" data-testid="console-checklist-items"
                        prop:value=move || checklist_text.get() on:input=move |e| checklist_text.set(event_target_value(&e))></textarea>
                    <Act state busy run label="Send checklist" testid="console-checklist-send" make=checklist/>
                    <Act state busy run label="Ask: did this solve it?" testid="console-ask-resolution" make=|| Some(Event::AskResolution {})/>
                    <p data-testid="console-solved">{solved}</p>
                </section>
            </Show>
            <Show when=move || kind() == WorkflowKind::Sales>
                <section>
                    <h3>"Products"</h3>
                    <ul class="products">
                        {move || products().into_iter().map(|p| {
                            let label = format!("{} — {}", p.name, shared::pricing::format(i64::from(p.price), &currency()));
                            let id = p.id.clone();
                            let (family, variant) = (p.family.clone(), p.variant.clone());
                            let make = StoredValue::new(p);
                            view! { <li data-testid="console-product" data-product=id data-family=family>
                                <span>{label}</span>
                                <small class="variant" data-testid="console-product-variant">{variant}</small>
                                <Act state busy run label="Present" testid="console-present" make=move || Some(Event::Present(make.get_value()))/>
                            </li> }
                        }).collect_view()}
                    </ul>
                    <p>"Customer added: "<span data-testid="console-wanted">{wanted}</span></p>
                    <h3>"Suggestions"</h3>
                    <ul class="products" data-testid="console-suggestions">
                        {move || to_suggest().into_iter().map(|sug| {
                            let id = sug.product.id.clone();
                            let offers = (!sug.offers.is_empty()).then(|| format!(" · {}", sug.offers.join(", ")));
                            let name = sug.product.name.clone();
                            let make = StoredValue::new(sug.product);
                            view! { <li data-testid="console-suggestion" data-product=id>
                                <span><strong>{name}</strong>" — "{sug.why}{offers}</span>
                                <Act state busy run label="Send" testid="console-suggestion-send" make=move || Some(Event::Present(make.get_value()))/>
                            </li> }
                        }).collect_view()}
                    </ul>
                    <super::order::OrderPanel state busy run/>
                </section>
            </Show>
            <Show when=move || kind() == WorkflowKind::Moderation>
                <section>
                    <h3>"Moderation"</h3>
                    <input placeholder="Rule and what happened" aria-label="Violation" data-testid="console-flag-note"
                        prop:value=move || flag_note.get() on:input=move |e| flag_note.set(event_target_value(&e))/>
                    <Act state busy run label="Flag violation" testid="console-flag" make=move || Some(Event::Flag { note: flag_note.get() })/>
                    <select aria-label="Severity" data-testid="console-severity"
                        on:change=move |e| severity.set(Severity::from_wire(&event_target_value(&e)).unwrap_or(Severity::Medium))>
                        {choices(Severity::ALL, Severity::Medium)}
                    </select>
                    <Act state busy run label="Set severity" testid="console-assess" make=move || Some(Event::Assess { severity: severity.get() })/>
                    <select aria-label="Sanction" data-testid="console-sanction"
                        on:change=move |e| sanction.set(Sanction::from_wire(&event_target_value(&e)).unwrap_or(Sanction::Warn))>
                        {choices(Sanction::ALL, Sanction::Warn)}
                    </select>
                    <Act state busy run label="Apply" testid="console-sanction-apply" make=move || { let kind = sanction.get(); Some(Event::Sanction { kind, minutes: (kind == Sanction::Mute).then_some(30) }) }/>
                    <input placeholder="Incident summary" aria-label="Incident" data-testid="console-incident"
                        prop:value=move || incident.get() on:input=move |e| incident.set(event_target_value(&e))/>
                    <Act state busy run label="Log incident" testid="console-log-incident" make=move || Some(Event::LogIncident { summary: incident.get() })/>
                </section>
            </Show>
            <section>
                <h3>"Escalate / transfer"</h3>
                <select aria-label="Team" data-testid="console-escalate-team" on:change=move |e| team.set(event_target_value(&e))>
                    <option value="">{move || format!("Default ({})", current().map_or("", |c| c.escalation))}</option>
                    {move || teams().into_iter().map(|t| view! { <option value=t.id.clone()>{t.name.clone()}</option> }).collect_view()}
                </select>
                <input placeholder="Note for the team (the customer does not see it)" aria-label="Note" data-testid="console-escalate-note"
                    prop:value=move || note.get() on:input=move |e| note.set(event_target_value(&e))/>
                <Act state busy run label="Escalate" testid="console-escalate" make=escalate/>
            </section>
            <super::follow_up::FollowUpPanel state busy run/>
            <section>
                <h3>"Close"</h3>
                <Act state busy run label="Ask for a rating" testid="console-ask-rating" make=|| Some(Event::AskRating {})/>
                <p data-testid="console-rating">{rating}</p>
                <select aria-label="Outcome" data-testid="console-close-outcome" on:change=move |e| {
                    let v = event_target_value(&e);
                    outcome.set(def().outcomes.iter().copied().find(|o| o.as_str() == v));
                }>
                    {move || def().outcomes.iter().map(|o| view! { <option value=o.as_str()>{o.as_str()}</option> }).collect_view()}
                </select>
                <Act state busy run label="Close conversation" testid="console-close" make=close/>
                <p class="closure">"Closure rule: "{move || def().closure()}</p>
            </section>
        </aside>
    }
}
