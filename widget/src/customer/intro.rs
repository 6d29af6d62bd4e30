//! What the widget shows before a conversation exists: the pre-chat form
//! (the site's support fields: name, email, issue type, ...; the answers
//! start the conversation and tick the matching workflow steps on the
//! server), or a proactive trigger's greeting. Built with the plain helpers
//! of [`crate::dom`] (small wasm) into the app's `.intro` element; the
//! browser checks required fields. While nobody is there, the form asks
//! for a message and an e-mail instead.

use leptos::prelude::*;
use shared::site::FormField;
use web_sys::Element;

use crate::dom::{add, find, flag, on, prop, set};
use crate::i18n::t;

/// What the intro shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intro {
    /// Nothing.
    None,
    /// The pre-chat form with these fields.
    Form(Vec<FormField>),
    /// A proactive greeting.
    Greeting(String),
    /// Leave a message and an e-mail: nobody is there.
    Away,
}

/// Redraws the page's `.intro` element; the composer hides while the form shows.
pub fn draw(what: Intro, on_submit: Callback<Vec<(String, String)>>, on_leave: Callback<(String, String)>) {
    let (Some(el), Some(composer)) = (find(".intro"), find(".composer-wrap")) else { return };
    flag(&composer, "hidden", matches!(what, Intro::Form(_) | Intro::Away));
    el.set_text_content(None);
    match what {
        Intro::None => {}
        Intro::Greeting(text) => {
            let row = add(&el, "div", "row theirs", "");
            set(&add(&row, "div", "bubble", &text), "data-testid", "chat-greeting");
        }
        Intro::Form(fields) => form(&add(&el, "form", "prechat", ""), fields, on_submit),
        Intro::Away => away(&add(&el, "form", "prechat", ""), on_leave),
    }
}

/// Fills `form` with an e-mail and a message; `on_leave` gets both.
fn away(form: &Element, on_leave: Callback<(String, String)>) {
    set(form, "data-testid", "chat-away");
    add(form, "p", "", &t("Leave us a message and your e-mail; we'll answer as soon as we're back."));
    let field = |tag: &str, label: &str, testid: &str| {
        set(&add(form, "label", "", label), "for", testid);
        let input = add(form, tag, "", "");
        set(&input, "id", testid);
        set(&input, "data-testid", testid);
        flag(&input, "required", true);
        input
    };
    let email = field("input", &t("E-mail"), "chat-away-email");
    known(&email, "email");
    set(&email, "type", "email");
    set(&email, "maxlength", "254");
    let text = field("textarea", &t("Message"), "chat-away-message");
    set(&text, "maxlength", "4000");
    set(&add(form, "button", "", &t("Leave message")), "data-testid", "chat-away-send");
    let value = |el: &Element| prop(el, "value").as_string().unwrap_or_default().trim().to_string();
    on(
        form,
        "submit",
        Box::new(move |e| {
            e.prevent_default();
            on_leave.run((value(&email), value(&text)));
        }),
    );
}

/// Starts `input` with what the site said of its customer for field `id`
/// (`identify`'s `name` or `email`, which [`super::host`] kept on
/// `<body>`); the customer may change it.
fn known(input: &Element, id: &str) {
    let said = find("body").filter(|_| matches!(id, "name" | "email"));
    if let Some(v) = said.and_then(|b| crate::wire::text(&prop(&b, "known"), id)) {
        set(input, "value", &v);
    }
}

/// Fills `form` with `fields`; `on_submit` gets the (field id, value) pairs
/// of the filled fields.
fn form(form: &Element, fields: Vec<FormField>, on_submit: Callback<Vec<(String, String)>>) {
    set(form, "data-testid", "chat-prechat");
    add(form, "p", "", &t("Tell us a little about it and we'll be right with you."));
    let mut inputs = Vec::new();
    for f in fields {
        let label = add(form, "label", "", &f.label);
        if f.required {
            add(&label, "span", "", " *");
        }
        set(&label, "for", &f.id);
        let input = if f.kind == "select" {
            let select = add(form, "select", "", "");
            set(&add(&select, "option", "", &t("Choose…")), "value", "");
            for o in &f.options {
                set(&add(&select, "option", "", o), "value", o);
            }
            select
        } else {
            let input = add(form, "input", "", "");
            set(&input, "type", &f.kind);
            set(&input, "maxlength", "500");
            known(&input, &f.id);
            input
        };
        set(&input, "id", &f.id);
        set(&input, "data-testid", "chat-prechat-field");
        set(&input, "data-field", &f.id);
        flag(&input, "required", f.required);
        inputs.push((f.id, input));
    }
    set(&add(form, "button", "", &t("Start chat")), "data-testid", "chat-prechat-submit");
    on(
        form,
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
