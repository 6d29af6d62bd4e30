//! The pre-chat form: the site's support fields (name, email, issue type,
//! ...), asked before the first message; the answers start the conversation
//! and tick the matching workflow steps on the server.

use leptos::prelude::*;
use shared::site::FormField;

/// The form; `on_submit` gets (field id, value) pairs of the filled fields.
#[component]
pub fn PreChat(fields: Vec<FormField>, on_submit: Callback<Vec<(String, String)>>) -> impl IntoView {
    let values: Vec<RwSignal<String>> = fields.iter().map(|_| RwSignal::new(String::new())).collect();
    let ids: Vec<String> = fields.iter().map(|f| f.id.clone()).collect();
    let inputs = fields
        .into_iter()
        .zip(values.clone())
        .map(|(f, v)| {
            let input = if f.kind == "select" {
                view! {
                    <select id=f.id.clone() data-testid="chat-prechat-field" data-field=f.id.clone() required=f.required
                        on:change=move |e| v.set(event_target_value(&e))>
                        <option value="">"Choose…"</option>
                        {f.options.into_iter().map(|o| { let label = o.clone(); view! { <option value=o>{label}</option> } }).collect_view()}
                    </select>
                }
                .into_any()
            } else {
                view! {
                    <input id=f.id.clone() type=f.kind data-testid="chat-prechat-field" data-field=f.id.clone()
                        required=f.required maxlength="500" on:input=move |e| v.set(event_target_value(&e))/>
                }
                .into_any()
            };
            view! { <label for=f.id>{f.label}{f.required.then_some(" *")}</label>{input} }
        })
        .collect_view();
    view! {
        <form class="prechat" data-testid="chat-prechat" on:submit=move |e| {
            e.prevent_default();
            let answers = ids
                .iter()
                .zip(&values)
                .map(|(id, v)| (id.clone(), v.get_untracked().trim().to_string()))
                .filter(|(_, v)| !v.is_empty())
                .collect();
            on_submit.run(answers);
        }>
            <p>"Tell us a little about it and we'll be right with you."</p>
            {inputs}
            <button type="submit" data-testid="chat-prechat-submit">"Start chat"</button>
        </form>
    }
}
