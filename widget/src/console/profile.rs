//! The customer profile beside a conversation: the name and e-mail given,
//! the verified user id, the page the chat started on, browser, language
//! and the customer's local time, their earlier conversations (each opens
//! in the pane), the team's notes and the conversation's tags. Everything a
//! customer or a page sent is shown as text.

use leptos::prelude::*;
use shared::api::{notes_path, profile_path, tags_path};
use shared::profile::{Note, Profile, Tags};
use shared::ConversationId;

use super::{api, Session};

/// Opens a conversation in the focused pane (the inbox provides it).
#[derive(Clone, Copy)]
pub struct OpenConversation(pub Callback<ConversationId>);

/// The time now in an IANA time zone, as `14:05`; `None` for a zone the
/// browser does not know.
fn local_time(zone: &str) -> Option<String> {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"timeZone".into(), &zone.into()).ok()?;
    js_sys::Reflect::set(&options, &"hour".into(), &"2-digit".into()).ok()?;
    js_sys::Reflect::set(&options, &"minute".into(), &"2-digit".into()).ok()?;
    let now = js_sys::Date::new_0();
    let format: js_sys::Function = js_sys::Reflect::get(&now, &"toLocaleTimeString".into()).ok()?.into();
    // A zone the browser does not know throws: caught here.
    let args = js_sys::Array::of2(&"en-GB".into(), &options);
    js_sys::Reflect::apply(&format, &now, &args).ok()?.as_string()
}

/// A row of the profile's list: a label and its value as text.
fn row(label: &'static str, testid: &'static str, value: Option<String>) -> impl IntoView {
    value.map(|v| {
        view! {
            <dt>{label}</dt>
            <dd data-testid=testid>{v}</dd>
        }
    })
}

/// The profile of conversation `id`, loaded when it opens.
#[component]
pub fn CustomerProfile(id: ConversationId) -> impl IntoView {
    let session = expect_context::<Session>();
    let open = use_context::<OpenConversation>();
    let site = session.site.get_value();
    let profile = RwSignal::new(None::<Profile>);
    let error = RwSignal::new(None::<String>);
    let path = profile_path(&site, id.as_str());
    leptos::task::spawn_local(async move {
        match api("GET", &path, None).await {
            Ok(text) => profile.set(crate::json::decode(&text)),
            Err(e) => error.set(Some(e)),
        }
    });
    let may_write = session.may(shared::staff::Capability::Reply);
    // Downloads: plain links (a GET with the session cookie).
    let export = |format: &'static str, testid: &'static str, label: &'static str| {
        let href = shared::api::transcript_path(&site, id.as_str(), format);
        view! { <a href=href download data-testid=testid>{label}</a>" " }
    };
    let exports = (
        export("json", "console-export-json", "JSON"),
        export("csv", "console-export-csv", "CSV"),
        export("text", "console-export-text", "Text"),
    );
    // Erasing the customer (owners and admins): asked twice, then the
    // server's log entry as the answer.
    let confirming = RwSignal::new(false);
    let erased = RwSignal::new(None::<String>);
    let erase_path = shared::api::customer_erase_path(&site, id.as_str());
    let erase = move |_| {
        let path = erase_path.clone();
        leptos::task::spawn_local(async move {
            match api("POST", &path, None).await {
                Ok(text) => {
                    let e = crate::json::decode::<shared::transcript::Erasure>(&text);
                    erased.set(e.map(|e| {
                        format!(
                            "Erased: {} conversation(s), {} channel message(s), {} report(s); {} record(s) kept redacted. Logged.",
                            e.conversations, e.channel_messages, e.reports, e.redacted
                        )
                    }));
                    confirming.set(false);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let may_erase = session.may(shared::staff::Capability::EditSettings);
    let customer_export = may_erase.then(|| {
        let href = shared::api::customer_export_path(&site, id.as_str());
        view! { <a href=href download data-testid="console-export-customer">"Everything about this customer"</a> }
    });
    let note_text = RwSignal::new(String::new());
    let (note_site, note_id) = (site.clone(), id.clone());
    let add_note = move |_| {
        let text = note_text.get_untracked();
        if let Err(e) = shared::profile::note(&text) {
            error.set(Some(e));
            return;
        }
        let path = notes_path(&note_site, note_id.as_str());
        leptos::task::spawn_local(async move {
            let body = crate::json::encode(&shared::profile::NewNote { text });
            match api("POST", &path, body).await {
                Ok(text) => {
                    if let Some(note) = crate::json::decode::<Note>(&text) {
                        profile.update(|p| p.iter_mut().for_each(|p| p.notes.push(note.clone())));
                    }
                    note_text.set(String::new());
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let tags_text = RwSignal::new(String::new());
    crate::effect(move || {
        if let Some(tags) = profile.with(|p| p.as_ref().map(|p| p.tags.join(", "))) {
            tags_text.set(tags);
        }
    });
    let (tag_site, tag_id) = (site, id);
    let save_tags = move |_| {
        let given: Vec<String> = tags_text.get_untracked().split(',').map(str::to_owned).collect();
        let tags = match shared::profile::tags(&given) {
            Ok(tags) => tags,
            Err(e) => return error.set(Some(e)),
        };
        let path = tags_path(&tag_site, tag_id.as_str());
        leptos::task::spawn_local(async move {
            match api("PUT", &path, crate::json::encode(&Tags { tags })).await {
                Ok(text) => {
                    if let Some(kept) = crate::json::decode::<Tags>(&text) {
                        profile.update(|p| p.iter_mut().for_each(|p| p.tags = kept.tags.clone()));
                    }
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <details class="profile" data-testid="console-profile" open>
            <summary>"Customer"</summary>
            <p class="error" role="alert" data-testid="console-profile-error">{move || error.get()}</p>
            {move || profile.get().map(|p| {
                let visit = p.visit.clone();
                let zone = visit.time_zone.clone();
                let local = zone.as_deref().and_then(local_time).map(|t| format!("{t} ({})", zone.clone().unwrap_or_default()));
                view! {
                    <dl>
                        {row("Name", "console-profile-name", p.name.clone())}
                        {row("E-mail", "console-profile-email", p.email.clone())}
                        {row("Signed in as", "console-profile-user", visit.user.clone())}
                        {row("Started on", "console-profile-page", visit.page.clone())}
                        {row("Browser", "console-profile-browser", visit.browser())}
                        {row("Language", "console-profile-language", visit.language.clone())}
                        {row("Local time", "console-profile-time", local)}
                        {row("Country", "console-profile-country", visit.country.clone())}
                        {row("Started", "console-profile-started", Some(crate::util::when(p.started_at)))}
                    </dl>
                    {(!visit.pages.is_empty()).then(|| view! {
                        <h4>"Pages visited since"</h4>
                        <ol class="pages">
                            {visit.pages.iter().map(|v| {
                                let line = format!("{} · {}", crate::util::when(v.at), v.page);
                                view! { <li data-testid="console-profile-visited">{line}</li> }
                            }).collect_view()}
                        </ol>
                    })}
                    <h4>"Earlier conversations"</h4>
                    {p.earlier.is_empty().then(|| view! { <p class="empty" data-testid="console-profile-no-earlier">"None."</p> })}
                    <ul class="earlier">
                        {p.earlier.iter().map(|c| {
                            let id = c.id.clone();
                            let label = format!("{} · {}", crate::util::when(c.created_at), c.preview);
                            view! {
                                <li><button type="button" class="link" data-testid="console-profile-earlier"
                                    data-conversation=c.id.to_string()
                                    on:click=move |_| if let Some(open) = open { open.0.run(id.clone()) }>{label}</button></li>
                            }
                        }).collect_view()}
                    </ul>
                }
            })}
            <h4>"Notes (staff only)"</h4>
            <ul class="notes">
                <For each=move || profile.with(|p| p.as_ref().map(|p| p.notes.clone()).unwrap_or_default()) key=|n| n.id let:n>
                    <li data-testid="console-note"><strong>{n.author}</strong>" · "{crate::util::when(n.at)}<br/>{n.text}</li>
                </For>
            </ul>
            {may_write.then(|| view! {
                <textarea aria-label="New note" data-testid="console-note-input" placeholder="Note for the team"
                    prop:value=note_text on:input=move |e| note_text.set(event_target_value(&e))></textarea>
                <button type="button" data-testid="console-note-add" on:click=add_note>"Add note"</button>
            })}
            <h4>"Tags"</h4>
            <p class="tags">
                <For each=move || profile.with(|p| p.as_ref().map(|p| p.tags.clone()).unwrap_or_default()) key=|t| t.clone() let:t>
                    <span class="tag" data-testid="console-tag">{t}</span>
                </For>
            </p>
            {may_write.then(|| view! {
                <input aria-label="Tags, separated by commas" data-testid="console-tags-input" placeholder="vip, refund"
                    prop:value=tags_text on:input=move |e| tags_text.set(event_target_value(&e))/>
                <button type="button" data-testid="console-tags-save" on:click=save_tags>"Save tags"</button>
            })}
            <h4>"Export"</h4>
            <p class="exports">"Conversation: "{exports}{customer_export}</p>
            {may_erase.then(|| view! {
                <p class="erase">
                    <Show when=move || !confirming.get() && erased.with(Option::is_none)>
                        <button type="button" class="danger" data-testid="console-erase-customer"
                            on:click=move |_| confirming.set(true)>"Erase this customer…"</button>
                    </Show>
                    <Show when=move || confirming.get()>
                        "Delete every conversation of this customer and blank their channel messages? This cannot be undone. "
                        <button type="button" class="danger" data-testid="console-erase-confirm" on:click=erase.clone()>"Erase"</button>
                        <button type="button" data-testid="console-erase-cancel" on:click=move |_| confirming.set(false)>"Cancel"</button>
                    </Show>
                    <span role="status" data-testid="console-erase-note">{move || erased.get()}</span>
                </p>
            })}
        </details>
    }
}
