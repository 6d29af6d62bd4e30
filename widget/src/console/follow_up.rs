//! The guide's follow-up: when (the operator's own time, three days ahead
//! unless set) and what to follow up on, scheduled at any step or at close;
//! the plan as it stands (to come, or due now and back in the queue).

use leptos::prelude::*;
use shared::workflow::{Event, State};
use wasm_bindgen::JsValue;

use super::guide::Act;

/// Three days, the usual "check in on it" delay.
const DEFAULT_AHEAD_MS: f64 = 3.0 * 86_400_000.0;

/// A time in ms as the operator's local date and time.
fn local(ms: u64) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    String::from(d.to_locale_string("default", &JsValue::UNDEFINED))
}

/// The `datetime-local` value (local time) in ms; empty: three days ahead.
fn due_of(value: &str) -> Option<u64> {
    let ms = if value.is_empty() {
        js_sys::Date::now() + DEFAULT_AHEAD_MS
    } else {
        js_sys::Date::new(&JsValue::from_str(value)).get_time()
    };
    (ms.is_finite() && ms > 0.0).then_some(ms as u64)
}

/// The follow-up form and the plan.
#[component]
pub fn FollowUpPanel(state: Memo<State>, busy: RwSignal<bool>, run: Callback<Event>) -> impl IntoView {
    let at = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let make = move || Some(Event::FollowUp { due: due_of(&at.get())?, note: note.get(), by: String::new() });
    let plan = move || {
        state.with(|s| {
            s.follow_up.as_ref().map(|f| match f.fired {
                false => format!("Follow-up on {} by {}: {}", local(f.due), f.by, f.note),
                true => format!("Follow-up due since {} ({}): {}", local(f.due), f.by, f.note),
            })
        })
    };
    view! {
        <section>
            <h3>"Follow up"</h3>
            <p data-testid="console-follow-up-plan">{plan}</p>
            <div class="row-form">
                <input type="datetime-local" step="1" aria-label="Follow up on" title="Empty: in three days"
                    data-testid="console-follow-up-at"
                    prop:value=move || at.get() on:input=move |e| at.set(event_target_value(&e))/>
                <input placeholder="What to follow up on" aria-label="Follow-up note" data-testid="console-follow-up-note"
                    prop:value=move || note.get() on:input=move |e| note.set(event_target_value(&e))/>
                <Act state busy run label="Schedule" testid="console-follow-up" make/>
            </div>
        </section>
    }
}
