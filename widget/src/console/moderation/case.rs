//! The case panel: one offender's case run through the moderation workflow
//! (its steps, the decision-matrix column, the current step's guidance),
//! the evidence and the log, and every moderation action, each offered only
//! when the workflow (`apply`) accepts it (the reason is its tooltip
//! otherwise); the Worker checks again and enforces sanctions.

use crate::util::when;
use leptos::prelude::*;
use shared::api::DeskRoute;
use shared::moderation_case::{Case, CaseAct};
use shared::workflow::{Event, Outcome, Sanction, Severity, State, WorkflowKind, MATRIX_ROWS};
use shared::WireName;

use super::super::guide::{choices, step_items, Act};
use super::{Desk, Session};

/// An input bound to `value`.
fn text_input(value: RwSignal<String>, label: &'static str, testid: &'static str) -> impl IntoView {
    view! {
        <input placeholder=label aria-label=label data-testid=testid
            prop:value=move || value.get() on:input=move |e| value.set(event_target_value(&e))/>
    }
}

/// `Some(text)` if it is not blank.
fn filled(value: RwSignal<String>) -> Option<String> {
    let v = value.get();
    (!v.trim().is_empty()).then_some(v)
}

/// The panel of the case `id` (from the desk's list, so it follows every
/// change; the form keeps what was typed).
#[component]
pub fn CasePanel(id: u64) -> impl IntoView {
    let session = expect_context::<Session>();
    let desk = expect_context::<Desk>();
    let case = Memo::new(move |_| desk.cases.with(|l| l.iter().find(|c| c.id == id).cloned()));
    let state = Memo::new(move |_| {
        case.with(|c| c.as_ref().map_or_else(|| State::new(WorkflowKind::Moderation), |c| c.state.clone()))
    });
    let def = WorkflowKind::Moderation.def();

    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let run = Callback::new(move |event: Event| {
        let path = super::path(session, DeskRoute::Act(id), "");
        busy.set(true);
        leptos::task::spawn_local(async move {
            let answer = super::post::<Case>(path, &CaseAct { event }).await;
            busy.try_set(false);
            match answer {
                Ok(c) => {
                    error.try_set(None);
                    desk.put(c);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    });

    let steps = move || state.with(|s| step_items(s, "console-case-step"));
    let current = move || state.with(|s| if s.closed() { None } else { s.current() });
    let complete = move || current().map(|c| Event::CompleteStep { step: c.id.to_string() });

    let flag_note = RwSignal::new(String::new());
    let severity = RwSignal::new(Severity::Medium);
    let sanction = RwSignal::new(Sanction::Warn);
    let minutes = RwSignal::new("30".to_string());
    let sanction_event = move || {
        let kind = sanction.get();
        let m = minutes.get();
        let minutes = match m.trim() {
            _ if kind == Sanction::Warn => None,
            "" => None,
            m => Some(m.parse::<u32>().ok()?),
        };
        Some(Event::Sanction { kind, minutes })
    };
    let note = RwSignal::new(String::new());
    let escalate = move || {
        let team = state.with(|s| s.current().or(def.steps.last()).map(|st| st.escalation))?;
        Some(Event::Escalate { team: team.to_string(), note: filled(note)? })
    };
    let incident = RwSignal::new(String::new());
    let outcome = RwSignal::new(Outcome::Resolved);

    let header = move || {
        case.with(|c| {
            c.as_ref().map(|c| {
                let member: String = c.member.chars().take(8).collect();
                view! {
                    <h2>{c.name.clone()}" · "{c.room.label()}</h2>
                    <p class="meta">{format!("Case {} · member {member}… · opened {}", c.id, when(c.opened_at))}</p>
                }
            })
        })
    };
    let evidence = move || {
        case.with(|c| {
            c.iter()
                .flat_map(|c| c.evidence.iter())
                .map(|r| {
                    let rules: Vec<&str> = r.hits.iter().map(|h| h.rule.as_str()).collect();
                    let meta = format!("{} · {} · {}", when(r.at), r.severity.as_str(), rules.join(", "));
                    view! { <li><span class="meta">{meta}</span><p class="text">{r.text.clone()}</p></li> }
                })
                .collect_view()
        })
    };
    let history = move || {
        case.with(|c| {
            c.iter()
                .flat_map(|c| c.log.iter())
                .map(|e| view! { <li>{format!("{} · {} · {}", when(e.at), e.by, e.event.describe())}</li> })
                .collect_view()
        })
    };
    view! {
        <section class="case" data-testid="console-case-panel" data-case=id.to_string()>
            <header>{header}</header>
            {move || case.with(Option::is_none).then(|| view! { <p class="empty">"Loading the case…"</p> })}
            <ol class="steps">{steps}</ol>
            {move || match current() {
                Some(step) => view! {
                    <div class="current" data-testid="console-case-guidance" data-step=step.id>
                        <strong>{step.title}</strong>
                        <p>{step.guidance}</p>
                        <p class="needs">"Tone: "{step.tone}" · done when: "{step.requires.describe()}</p>
                        <Act state busy run label="Mark step done" testid="console-case-step-done" make=complete/>
                    </div>
                }.into_any(),
                None => view! { <p class="current">{move || state.with(|s| match s.outcome {
                    Some(o) => format!("Closed: {}", o.as_str()),
                    None => "Every step is done — close the case.".into(),
                })}</p> }.into_any(),
            }}
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="console-case-error">{e}</p> })}
            <h3>"Decision matrix"</h3>
            <table class="matrix" data-testid="console-case-matrix">
                {MATRIX_ROWS.iter().zip(def.matrix).map(|(row, cell)| view! { <tr><th>{*row}</th><td>{cell}</td></tr> }).collect_view()}
            </table>
            <h3>"Evidence"</h3>
            <ul class="evidence" data-testid="console-case-evidence">{evidence}</ul>
            <h3>"Actions"</h3>
            <div class="row-form">
                {text_input(flag_note, "Rule and what happened", "console-case-flag-note")}
                <Act state busy run label="Flag violation" testid="console-case-flag" make=move || Some(Event::Flag { note: filled(flag_note)? })/>
            </div>
            <div class="row-form">
                <select aria-label="Severity" data-testid="console-case-severity"
                    on:change=move |e| severity.set(Severity::from_wire(&event_target_value(&e)).unwrap_or(Severity::Medium))>
                    {choices(Severity::ALL, Severity::Medium)}
                </select>
                <Act state busy run label="Set severity" testid="console-case-assess" make=move || Some(Event::Assess { severity: severity.get() })/>
            </div>
            <div class="row-form">
                <select aria-label="Sanction" data-testid="console-case-sanction"
                    on:change=move |e| sanction.set(Sanction::from_wire(&event_target_value(&e)).unwrap_or(Sanction::Warn))>
                    {choices(Sanction::ALL, Sanction::Warn)}
                </select>
                <input type="number" min="1" aria-label="Minutes (a ban without: for good)" placeholder="for good"
                    data-testid="console-case-minutes" disabled=move || sanction.get() == Sanction::Warn
                    prop:value=move || minutes.get() on:input=move |e| minutes.set(event_target_value(&e))/>
                <span class="unit">"min"</span>
                <Act state busy run label="Apply" testid="console-case-sanction-apply" make=sanction_event/>
            </div>
            <div class="row-form">
                <Act state busy run label="Unmute" testid="console-case-lift-mute" make=|| Some(Event::Lift { kind: Sanction::Mute })/>
                <Act state busy run label="Unban" testid="console-case-lift-ban" make=|| Some(Event::Lift { kind: Sanction::Ban })/>
            </div>
            <div class="row-form">
                {text_input(note, "Note for admin / legal", "console-case-escalate-note")}
                <Act state busy run label="Escalate to admin / legal" testid="console-case-escalate" make=escalate/>
            </div>
            <textarea rows="3" placeholder="Incident: rule, evidence, severity, action" aria-label="Incident summary"
                data-testid="console-case-incident"
                prop:value=move || incident.get() on:input=move |e| incident.set(event_target_value(&e))></textarea>
            <Act state busy run label="Log incident" testid="console-case-log" make=move || Some(Event::LogIncident { summary: filled(incident)? })/>
            <div class="row-form">
                <select aria-label="Outcome" data-testid="console-case-outcome"
                    on:change=move |e| outcome.set(Outcome::from_wire(&event_target_value(&e)).unwrap_or(Outcome::Resolved))>
                    {choices(def.outcomes, Outcome::Resolved)}
                </select>
                <Act state busy run label="Close case" testid="console-case-close" make=move || Some(Event::Close { outcome: outcome.get() })/>
            </div>
            <p class="closure">"Closure rule: "{def.closure()}</p>
            <h3>"Log"</h3>
            <ol class="history" data-testid="console-case-history">{history}</ol>
        </section>
    }
}
