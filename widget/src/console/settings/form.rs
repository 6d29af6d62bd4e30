//! The settings form: the site's name, the script tag to paste, allowed
//! origins, the launcher's colour and side, the greeting, which workflow a
//! page starts, the per-customer limits and files. It edits a copy of the stored
//! settings and saves them whole (the Worker checks them).

use leptos::prelude::*;
use shared::api::site_path;
use shared::site::{script_tag, Limits, Side, SiteConfig, StartRule, Theme};
use shared::staff::NewSite;
use shared::workflow::WorkflowKind;
use shared::WireName;

use super::files::FilesFields;
use super::{draft_of, note_view, save_draft, Note};
use crate::console::{api, Session};

/// The form over the stored settings (taken again whenever they are saved).
#[component]
pub fn Form() -> impl IntoView {
    let session = expect_context::<Session>();
    let draft = draft_of(session, || ());
    let note: Note = RwSignal::new(None);
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        save_draft(session, draft, note);
    };
    let origins = move || draft.with(|d| d.origins.join("\n"));
    let set_origins = move |e| {
        let text = event_target_value(&e);
        draft.update(|d| d.origins = text.lines().map(str::trim).filter(|l| !l.is_empty()).map(Into::into).collect());
    };
    view! {
        <SiteName/>
        <form class="settings-form" data-testid="console-settings-form" on:submit=submit>
            <section>
                <h3>"Allowed origins"</h3>
                <p>"The pages that may embed the chat, one per line (" <code>"https://shop.example"</code>
                    "; " <code>":*"</code> " for any port). Nothing else may frame the widget or read its settings."</p>
                <textarea rows="3" spellcheck="false" aria-label="Allowed origins" data-testid="console-origins"
                    prop:value=origins on:change=set_origins></textarea>
            </section>
            <Appearance draft=draft/>
            <Starts draft=draft/>
            <LimitsFields draft=draft/>
            <FilesFields draft=draft/>
            <div class="actions">
                <button type="submit" data-testid="console-form-save">"Save"</button>
                {note_view(note, "console-form-note")}
            </div>
        </form>
    }
}

/// The site's name (saved on its own) and the script tag to paste.
#[component]
fn SiteName() -> impl IntoView {
    let session = expect_context::<Session>();
    let site = session.site.get_value();
    let current = session.me.with_value(|m| m.sites.iter().find(|s| s.id.as_str() == site).map(|s| s.name.clone()));
    let name = RwSignal::new(current.unwrap_or_default());
    let note: Note = RwSignal::new(None);
    let rename = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let site = session.site.get_value();
        let Ok(id) = site.parse() else { return };
        let body = crate::json::encode(&NewSite { id, name: name.get_untracked() });
        leptos::task::spawn_local(async move {
            match api("POST", &site_path(&site), body).await {
                Ok(_) => {
                    let saved = name.get_untracked().trim().to_owned();
                    session.me.update_value(|m| {
                        m.sites.iter_mut().filter(|s| s.id.as_str() == site).for_each(|s| s.name = saved.clone())
                    });
                    note.set(Some(Ok("Renamed.".into())));
                }
                Err(e) => note.set(Some(Err(e))),
            }
        });
    };
    let tag = script_tag(&crate::util::page_origin(), &site);
    view! {
        <section>
            <h3>"Site"</h3>
            <form class="actions" on:submit=rename>
                <label>"Name "<input maxlength="80" data-testid="console-site-name" prop:value=move || name.get()
                    on:input=move |e| name.set(event_target_value(&e))/></label>
                <button type="submit" data-testid="console-site-rename">"Rename"</button>
                {note_view(note, "console-site-note")}
            </form>
            <p>"Paste this into every page that should have the chat:"</p>
            <input class="tag" readonly aria-label="Script tag" data-testid="console-script-tag" prop:value=tag
                on:focus=move |e| { event_target::<web_sys::HtmlInputElement>(&e).select() }/>
        </section>
    }
}

/// Launcher colour and side, the chat's default language and title, whether
/// customers see operators' names, the empty chat's greeting.
#[component]
fn Appearance(draft: RwSignal<SiteConfig>) -> impl IntoView {
    let looks = move |f: fn(&mut shared::site::Appearance, String)| {
        move |e| {
            let v = event_target_value(&e);
            draft.update(|d| f(&mut d.appearance, v));
        }
    };
    view! {
        <section>
            <h3>"Appearance"</h3>
            <div class="actions">
                <label>"Colour "<input type="color" data-testid="console-appearance-color"
                    prop:value=move || draft.with(|d| d.appearance.color.clone())
                    on:input=looks(|a, v| a.color = v)/></label>
                <label>"Side "<select data-testid="console-appearance-side"
                    prop:value=move || draft.with(|d| d.appearance.side.as_str())
                    on:change=looks(|a, v| a.side = Side::from_wire(&v).unwrap_or_default())>
                    <option value="right">"Bottom right"</option>
                    <option value="left">"Bottom left"</option>
                </select></label>
                <label>"Theme "<select data-testid="console-appearance-theme"
                    prop:value=move || draft.with(|d| d.appearance.theme.as_str())
                    on:change=looks(|a, v| a.theme = Theme::from_wire(&v).unwrap_or_default())>
                    <option value="auto">"As the visitor's system"</option>
                    <option value="light">"Light"</option>
                    <option value="dark">"Dark"</option>
                </select></label>
                // Where the customer's browser asks for none that ships.
                <label>"Language "<select data-testid="console-appearance-locale"
                    prop:value=move || draft.with(|d| d.appearance.locale.clone())
                    on:change=looks(|a, v| a.locale = v)>
                    {shared::i18n::LOCALES.iter().zip(shared::i18n::NAMES).map(|(code, name)| {
                        let value = if *code == "en" { "" } else { code };
                        view! { <option value=value>{name}</option> }
                    }).collect_view()}
                </select></label>
            </div>
            <label class="wide">"Title (empty: “Chat with us” in the visitor's language) "
                <input maxlength="80" data-testid="console-appearance-title"
                prop:value=move || draft.with(|d| d.appearance.title.clone())
                on:input=looks(|a, v| a.title = v)/></label>
            <label class="wide">"Launcher text (empty: the icon alone) "
                <input maxlength="40" data-testid="console-appearance-launcher"
                prop:value=move || draft.with(|d| d.appearance.launcher.clone())
                on:input=looks(|a, v| a.launcher = v)/></label>
            <label><input type="checkbox" data-testid="console-appearance-operator-names"
                prop:checked=move || draft.with(|d| d.appearance.operator_names)
                on:change=move |e| {
                    let on = event_target_checked(&e);
                    draft.update(|d| d.appearance.operator_names = on);
                }/>" Customers see each operator's name (not “Support”)"</label>
            <label class="wide">"Greeting "<input maxlength="300" data-testid="console-appearance-greeting"
                prop:value=move || draft.with(|d| d.appearance.greeting.clone())
                on:input=looks(|a, v| a.greeting = v)/></label>
        </section>
    }
}

/// Which workflow a chat starts with, by page address (first match wins).
#[component]
fn Starts(draft: RwSignal<SiteConfig>) -> impl IntoView {
    let row = move |i: usize| {
        let contains = move || draft.with(|d| d.starts.get(i).map(|r| r.contains.clone()).unwrap_or_default());
        let workflow = move || draft.with(|d| d.starts.get(i).map_or("support", |r| r.workflow.as_str()));
        view! {
            <li class="actions" data-testid="console-start">
                <label>"Address contains "<input data-testid="console-start-contains" prop:value=contains
                    on:input=move |e| { let v = event_target_value(&e); draft.update(|d| if let Some(r) = d.starts.get_mut(i) { r.contains = v }) }/></label>
                <select aria-label="Workflow" data-testid="console-start-workflow" prop:value=workflow
                    on:change=move |e| {
                        let w = WorkflowKind::from_wire(&event_target_value(&e)).unwrap_or_default();
                        draft.update(|d| if let Some(r) = d.starts.get_mut(i) { r.workflow = w })
                    }>
                    <option value="support">"Support"</option>
                    <option value="sales">"Sales"</option>
                </select>
                <button type="button" class="link" data-testid="console-start-remove"
                    on:click=move |_| draft.update(|d| if i < d.starts.len() { d.starts.remove(i); })>"Remove"</button>
            </li>
        }
    };
    // Rows are redrawn only when their number changes (not on every key).
    let count = Memo::new(move |_| draft.with(|d| d.starts.len()));
    let add =
        move |_| draft.update(|d| d.starts.push(StartRule { contains: String::new(), workflow: WorkflowKind::Sales }));
    view! {
        <section>
            <h3>"Workflow by page"</h3>
            <p>"A chat started on a page whose address contains the text runs that workflow (the first match wins); every other page starts support, with its pre-chat form."</p>
            <ol class="starts">{move || (0..count.get()).map(row).collect_view()}</ol>
            <button type="button" class="link" data-testid="console-start-add" on:click=add>"Add a rule"</button>
        </section>
    }
}

/// Per-customer limits.
#[component]
fn LimitsFields(draft: RwSignal<SiteConfig>) -> impl IntoView {
    let field = move |label: &'static str, testid: &'static str, get: fn(&Limits) -> u32, put: fn(&mut Limits, u32)| {
        view! {
            <label>{label}" "<input type="number" min="1" data-testid=testid
                prop:value=move || draft.with(|d| get(&d.limits).to_string())
                on:input=move |e| {
                    let v = event_target_value(&e).trim().parse().unwrap_or(0);
                    draft.update(|d| put(&mut d.limits, v))
                }/></label>
        }
    };
    view! {
        <section>
            <h3>"Limits per customer"</h3>
            <div class="actions">
                {field("Messages a minute", "console-limit-messages", |l| l.messages_per_minute, |l, v| l.messages_per_minute = v)}
                {field("Conversations an hour", "console-limit-conversations", |l| l.conversations_per_hour, |l, v| l.conversations_per_hour = v)}
                {field("Open windows", "console-limit-windows", |l| l.windows_per_customer, |l, v| l.windows_per_customer = v)}
            </div>
        </section>
    }
}
