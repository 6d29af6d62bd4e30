//! Sending files from a conversation's pane: "Attach a file" (a file
//! picker), a file dropped on the pane or pasted into the reply box. Each
//! goes up as its own upload under a fresh message id; the server checks
//! it against the site's types and size and says why not, and the file
//! arrives in the timeline as a message like any other.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::files::console_upload_path;
use wasm_bindgen::JsCast;

/// Uploads every file of `files` into the conversation; `note` says what
/// is going on, and why a file was refused.
pub fn send_all(site: &str, conversation: &str, files: Option<web_sys::FileList>, note: RwSignal<Option<String>>) {
    let Some(files) = files else { return };
    for i in 0..files.length() {
        let Some(file) = files.get(i) else { continue };
        let name = file.name();
        let path = format!(
            "{}?id={}&name={}",
            console_upload_path(site, conversation),
            crate::util::new_id(),
            String::from(js_sys::encode_uri_component(&name))
        );
        note.set(Some(format!("Sending {name}…")));
        spawn_local(async move {
            let (header, csrf) = super::csrf();
            match crate::http::upload(&path, &file, (header, &csrf)).await {
                Ok(_) => note.set(None),
                Err(why) => note.set(Some(format!("{name} was not sent: {why}"))),
            }
        });
    }
}

/// Sends the files a drop or a paste carries, if it carries any (the
/// event is then handled: the browser does not open or paste them).
pub fn send_carried(
    e: &web_sys::Event,
    files: Option<web_sys::FileList>,
    site: &str,
    conversation: &str,
    note: RwSignal<Option<String>>,
) {
    let files = files.filter(|f| f.length() > 0);
    if files.is_some() {
        e.prevent_default();
        send_all(site, conversation, files, note);
    }
}

/// The pane's "Attach a file" button and what it says.
#[component]
pub fn Attach(site: String, conversation: String, note: RwSignal<Option<String>>) -> impl IntoView {
    let picked = move |e: leptos::ev::Event| {
        let Some(input) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        send_all(&site, &conversation, input.files(), note);
        input.set_value("");
    };
    view! {
        <div class="attach">
            <label class="link">
                "Attach a file"
                <input type="file" multiple class="visually-hidden" data-testid="console-attach" on:change=picked/>
            </label>
            <span role="status" data-testid="console-attach-note">{move || note.get()}</span>
        </div>
    }
}
