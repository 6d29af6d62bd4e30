//! The pre-chat form: the site's support fields (name, email, issue type,
//! ...), asked before the first message; the answers start the conversation
//! and tick the matching workflow steps on the server. Built with the plain
//! helpers of [`crate::dom`] (small wasm); the browser checks required fields.

use leptos::prelude::*;
use shared::site::FormField;
use web_sys::Element;

use crate::dom::{add, flag, on, prop, set};

/// Fills `form` (a `<form>`) with `fields`; `on_submit` gets the (field id,
/// value) pairs of the filled fields.
pub fn fill(form: Element, fields: Vec<FormField>, on_submit: Callback<Vec<(String, String)>>) {
    add(&form, "p", "", "Tell us a little about it and we'll be right with you.");
    let mut inputs = Vec::new();
    for f in fields {
        let label = add(&form, "label", "", &f.label);
        if f.required {
            add(&label, "span", "", " *");
        }
        set(&label, "for", &f.id);
        let input = if f.kind == "select" {
            let select = add(&form, "select", "", "");
            set(&add(&select, "option", "", "Choose…"), "value", "");
            for o in &f.options {
                set(&add(&select, "option", "", o), "value", o);
            }
            select
        } else {
            let input = add(&form, "input", "", "");
            set(&input, "type", &f.kind);
            set(&input, "maxlength", "500");
            input
        };
        set(&input, "id", &f.id);
        set(&input, "data-testid", "chat-prechat-field");
        set(&input, "data-field", &f.id);
        flag(&input, "required", f.required);
        inputs.push((f.id, input));
    }
    set(&add(&form, "button", "", "Start chat"), "data-testid", "chat-prechat-submit");
    on(
        &form,
        "submit",
        Box::new(move |e| {
            e.prevent_default();
            let answers = inputs
                .iter()
                .map(|(id, input)| {
                    (id.clone(), prop(input, "value").as_string().unwrap_or_default().trim().to_string())
                })
                .filter(|(_, v)| !v.is_empty())
                .collect();
            on_submit.run(answers);
        }),
    );
}
