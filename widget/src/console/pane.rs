//! The open conversation in the console: its timeline (messages and workflow
//! events), the other side's typing, the composer (a draft per conversation
//! that survives switching and reload; canned responses land in it for
//! editing), handing it over (to a named operator, with a note the next
//! one reads as a whisper) and, beside the focused one, the workflow guide.
//! Up to three are open side by side; those beside the focused one have no
//! guide of their own and can be focused or closed.

use std::collections::HashMap;

use leptos::prelude::*;
use shared::api::operator_socket_path;
use shared::chat_log::ChatLog;
use shared::workflow::Event;
use shared::ConversationId;

use super::guide::Guide;
use super::moderation::ModerateCustomer;
use super::profile::CustomerProfile;
use super::Session;
use crate::chat::Chat;
use crate::components::{Composer, MessageList, StatusLine};
use crate::util::{load, store, ws_origin};

/// Each whisper once (a reconnect replays them), oldest first.
fn once_each(whispers: &[shared::Whisper]) -> Vec<shared::Whisper> {
    let mut out: Vec<shared::Whisper> = Vec::new();
    for w in whispers {
        if !out.contains(w) {
            out.push(w.clone());
        }
    }
    out
}

/// One conversation, attached as an operator. `beside`: open beside the
/// focused one (no guide; focus and close instead).
#[component]
pub fn Pane(
    id: ConversationId,
    seen: RwSignal<HashMap<String, u64>>,
    #[prop(optional)] beside: Option<(Callback<()>, Callback<()>)>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let url_id = id.clone();
    let site = session.site.get_value();
    let chat = Chat::new(
        move |after| Some(format!("{}{}", ws_origin(), operator_socket_path(&site, url_id.as_str(), after))),
        &crate::wire::OPERATOR,
        None,
    );
    // What was typed but not stored when the console was last closed or
    // reloaded: queued again (same ids; the server stores each once).
    let outbox_key = format!("console:outbox:{id}");
    let restored: Vec<(String, String)> = load(&outbox_key).and_then(|j| crate::json::decode(&j)).unwrap_or_default();
    chat.log.update(|l| l.restore(restored));
    chat.connect();
    on_cleanup(move || chat.stop());
    let unsent = Memo::new(move |_| chat.log.with(ChatLog::unsent));
    crate::effect(move || {
        let json = unsent.with(|u| (!u.is_empty()).then(|| crate::json::encode(u)).flatten());
        store(&outbox_key, json.as_deref());
    });

    // Opened from a search hit: brought to the message.
    if let Some(found) = use_context::<super::search::Found>() {
        super::search::look_for(found, id.clone());
    }
    let seen_id = id.to_string();
    crate::effect(move || {
        let last = chat.log.with(|l| l.last_seq());
        seen.update(|s| {
            s.insert(seen_id.clone(), last);
        });
    });
    // The workflow state: the welcome's, with the events since folded on
    // by the same function the server applies them with.
    let state = Memo::new(move |_| chat.log.with(ChatLog::workflow_state));

    let draft_key = format!("console:draft:{id}");
    let text = RwSignal::new(load(&draft_key).unwrap_or_default());
    // The draft follows the box, whoever wrote into it (typing, or an
    // inserted canned response).
    crate::effect(move || text.with(|t| store(&draft_key, (!t.is_empty()).then_some(t.as_str()))));
    let on_edit = Callback::new(move |t: String| chat.typed(&t));
    let on_send = Callback::new(move |t: String| {
        shared::validate_text(&t)?;
        // Whoever answers an unassigned conversation takes it.
        if state.with_untracked(|s| s.assignee.is_none() && !s.closed()) {
            chat.act(Event::Assign { to: session.name.get_value() });
        }
        chat.send(t)
    });
    let on_dismiss = Callback::new(move |m: String| chat.dismiss(&m));
    // Workflow events: one line each in the timeline; a file as a
    // thumbnail or a download, with who sent it and when.
    let file_id = id.to_string();
    let on_event = Callback::new(move |(el, m): (web_sys::Element, shared::ChatMessage)| {
        let when = crate::util::clock(m.at);
        if let Some(Event::File(file)) = &m.event {
            let mine = m.author == shared::Role::Operator;
            let bubble = crate::files::row(&el, mine, &file_id, file, &m.text, "console-file");
            crate::dom::set(&bubble, "data-testid", "console-message");
            let who = m.by.as_deref().or(m.name.as_deref()).unwrap_or(if mine { "Support" } else { "Customer" });
            crate::dom::add(&el, "div", "meta", &format!("{who} · {when}"));
            return;
        }
        el.set_class_name("event");
        let _ = el.set_attribute("data-testid", "console-event");
        el.set_text_content(Some(&format!("{} · {when}", m.text)));
    });
    // Files: picked, dropped on the pane or pasted into the reply box.
    let attach_note = RwSignal::new(None::<String>);
    let (here_site, here) = (StoredValue::new(session.site.get_value()), StoredValue::new(id.to_string()));
    let carried = move |e: &web_sys::Event, files| {
        super::attach::send_carried(e, files, &here_site.get_value(), &here.get_value(), attach_note)
    };
    let dropped = move |e: leptos::ev::DragEvent| carried(&e, e.data_transfer().and_then(|d| d.files()));
    let pasted = move |e: leptos::ev::ClipboardEvent| carried(&e, e.clipboard_data().and_then(|d| d.files()));
    let workflow = move || state.with(|s| s.def().name);
    let assignee = move || state.with(|s| s.assignee.clone()).unwrap_or_else(|| "unassigned".into());
    // Moving it: the buttons show what `shared::routing::may_reassign`
    // allows; the server checks it again.
    let me = session.name.get_value();
    let supervises = session.may(shared::staff::Capability::Supervise);
    let holder = move || state.with(|s| s.assignee.clone());
    let me_mine = me.clone();
    let mine = move || holder().as_deref() == Some(me_mine.as_str());
    let me_other = me.clone();
    let others = move || holder().is_some_and(|h| h != me_other) && supervises;
    let release = move |_| chat.act(Event::Release {});
    let me_take = me.clone();
    let take_over = move |_| chat.act(Event::Assign { to: me_take.clone() });
    // Handing over: to a named operator, the note as a whisper for them.
    let seats = expect_context::<super::seats::Seats>();
    let transfer_to = RwSignal::new(String::new());
    let transfer_note = RwSignal::new(String::new());
    let me_transfer = me.clone();
    let may_transfer =
        move || !state.with(|s| s.closed()) && (supervises || holder().as_deref() == Some(me_transfer.as_str()));
    let me_targets = me.clone();
    let targets = move || {
        let holder = holder();
        seats.names().into_iter().filter(|n| Some(n) != holder.as_ref() && *n != me_targets).collect::<Vec<_>>()
    };
    let transfer = move |_| {
        let to = transfer_to.get_untracked();
        if to.is_empty() {
            return;
        }
        let note = transfer_note.get_untracked();
        chat.act(Event::Assign { to: to.clone() });
        if !note.trim().is_empty() {
            chat.whisper(format!("Handed over to {to}: {}", note.trim()));
        }
        (transfer_to.set(String::new()), transfer_note.set(String::new()));
    };
    let whisper_text = RwSignal::new(String::new());
    let send_whisper = move |_| {
        let text = whisper_text.get_untracked();
        if shared::validate_text(&text).is_ok() && chat.whisper(text) {
            whisper_text.set(String::new());
        }
    };
    view! {
        <section class="pane" class:beside=beside.is_some() data-testid="console-pane" data-conversation=id.to_string()
            on:dragover=|e| e.prevent_default() on:drop=dropped on:paste=pasted>
            <header class="pane-header">
                <strong data-testid="console-customer-name">{
                    let id = id.clone();
                    move || state.with(|s| super::customer_name(s.field("name"), &id))
                }</strong>
                <span class="badge" data-testid="console-workflow">{workflow}</span>
                <span class="assignee" data-testid="console-assignee">{assignee}</span>
                <StatusLine status=chat.status testid="console-conversation-status"/>
                <ModerateCustomer id=id.clone()/>
                <Show when=mine.clone()>
                    <button type="button" data-testid="console-release" on:click=release>"Release"</button>
                </Show>
                <Show when=others.clone()>
                    <button type="button" data-testid="console-take-over" on:click=take_over.clone()>"Take over"</button>
                </Show>
                {beside.map(|(focus, close)| view! {
                    <button type="button" class="link" data-testid="console-pane-focus" on:click=move |_| focus.run(())>"Focus"</button>
                    <button type="button" class="link" data-testid="console-pane-close" aria-label="Close this pane" on:click=move |_| close.run(())>"×"</button>
                })}
            </header>
            <Show when=may_transfer.clone()>
                <div class="transfer" data-testid="console-transfer-form">
                    <select aria-label="Hand over to" data-testid="console-transfer-to" prop:value=transfer_to
                        on:change=move |e| transfer_to.set(event_target_value(&e))>
                        <option value="">"Hand over to…"</option>
                        {
                            let targets = targets.clone();
                            move || targets().into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()
                        }
                    </select>
                    <input aria-label="Note for them" placeholder="Note for them (staff only)" data-testid="console-transfer-note"
                        prop:value=transfer_note on:input=move |e| transfer_note.set(event_target_value(&e))/>
                    <button type="button" data-testid="console-transfer" on:click=transfer.clone()>"Hand over"</button>
                </div>
            </Show>
            <MessageList log=chat.log testid="console-message" on_dismiss=on_dismiss on_event=on_event empty="No messages yet." on_top=Callback::new(move |_| chat.older())/>
            <p class="typing" aria-live="polite" data-testid="console-typing" class:on=chat.typing>"Customer is typing…"</p>
            <super::edit::EditLast chat=chat me=session.name.get_value()/>
            <super::attach::Attach site=session.site.get_value() conversation=id.to_string() note=attach_note/>
            <Composer
                on_send=on_send
                input_testid="console-input"
                send_testid="console-send"
                placeholder="Reply… (Enter sends, Shift+Enter for a new line)"
                on_edit=on_edit
                text=text
            />
            <details class="whispers" data-testid="console-whispers" open>
                <summary>"Whispers (staff only)"</summary>
                <For each=move || chat.log.with(|l| once_each(l.whispers())) key=|w| (w.at, w.from.clone(), w.text.clone()) let:w>
                    <p class="whisper" data-testid="console-whisper">
                        <strong>{w.from}</strong>": "{w.text}
                    </p>
                </For>
                <input data-testid="console-whisper-input" placeholder="Whisper to staff (the customer never sees it)" prop:value=whisper_text on:input=move |e| whisper_text.set(event_target_value(&e))/>
                <button type="button" data-testid="console-whisper-send" on:click=send_whisper>"Whisper"</button>
            </details>
            <CustomerProfile id=id.clone()/>
        </section>
        {beside.is_none().then(|| view! { <Guide chat=chat state=state text=text/> })}
    }
}
