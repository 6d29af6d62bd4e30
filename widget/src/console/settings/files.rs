//! The settings form's attachments part: whether customers and operators
//! may send files, the largest file, the types taken, whether the files of
//! visitors the site did not sign in wait for a moderator, and whether the
//! site's public channels take their members' files. Saved with the rest
//! of the form; the Worker checks it (`shared::files::Files::validate`).

use leptos::prelude::*;
use shared::files::{FileType, Files};
use shared::site::SiteConfig;

/// Bytes in a megabyte, as the limit is shown.
const MB: u32 = 1_000_000;

/// The attachments fields of `draft`.
#[component]
pub fn FilesFields(draft: RwSignal<SiteConfig>) -> impl IntoView {
    let flag = move |label: &'static str, testid: &'static str, get: fn(&Files) -> bool, put: fn(&mut Files, bool)| {
        view! {
            <label><input type="checkbox" data-testid=testid
                prop:checked=move || draft.with(|d| get(&d.files))
                on:change=move |e| draft.update(|d| put(&mut d.files, event_target_checked(&e)))/>" "{label}</label>
        }
    };
    let types = FileType::ALL.into_iter().map(|t| {
        let has = move || draft.with(|d| d.files.types.contains(&t));
        let toggle = move |e| {
            let on = event_target_checked(&e);
            draft.update(|d| {
                d.files.types.retain(|x| *x != t);
                if on {
                    d.files.types.push(t);
                }
            })
        };
        view! {
            <label><input type="checkbox" data-testid="console-files-type" data-type=t.label()
                prop:checked=has on:change=toggle/>" "{t.label()}</label>
        }
    });
    view! {
        <section>
            <h3>"Files"</h3>
            <div class="actions">
                {flag("Customers and operators may send files", "console-files-enabled", |f| f.enabled, |f, v| f.enabled = v)}
                <label>"Largest file (MB) "<input type="number" min="1" max="25" data-testid="console-files-max"
                    prop:value=move || draft.with(|d| (d.files.max_bytes / MB).to_string())
                    on:input=move |e| {
                        let mb: u32 = event_target_value(&e).trim().parse().unwrap_or(0);
                        draft.update(|d| d.files.max_bytes = mb.saturating_mul(MB))
                    }/></label>
            </div>
            <p class="actions" role="group" aria-label="Types taken">{types.collect_view()}</p>
            <div class="actions">
                {flag("Hold files from visitors who are not signed in for a moderator", "console-files-hold",
                    |f| f.hold_unverified, |f, v| f.hold_unverified = v)}
                {flag("Public channels take their members' files", "console-files-channels",
                    |f| f.channels, |f, v| f.channels = v)}
            </div>
        </section>
    }
}
