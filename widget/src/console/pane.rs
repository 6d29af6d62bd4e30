//! The open conversation in the console: its messages, the composer (with a
//! draft per conversation that survives switching and reload) and its
//! connection status.

use std::collections::HashMap;

use leptos::prelude::*;
use shared::api::operator_socket_path;
use shared::{ConversationId, Role};

use crate::chat::Chat;
use crate::components::{Composer, MessageList, StatusLine};
use crate::util::{load, store, ws_origin};

/// One conversation, attached as an operator.
#[component]
pub fn Pane(id: ConversationId, operator_key: String, seen: RwSignal<HashMap<String, u64>>) -> impl IntoView {
    let url_id = id.clone();
    let chat = Chat::new(move |after| {
        Some(format!("{}{}", ws_origin(), operator_socket_path(url_id.as_str(), &operator_key, after)))
    });
    chat.connect();
    on_cleanup(move || chat.stop());

    let seen_id = id.to_string();
    Effect::new(move |_| {
        let last = chat.log.with(|l| l.last_seq());
        seen.update(|s| {
            s.insert(seen_id.clone(), last);
        });
    });

    let draft_key = format!("console:draft:{id}");
    let initial = load(&draft_key).unwrap_or_default();
    let on_edit = Callback::new(move |text: String| store(&draft_key, (!text.is_empty()).then_some(text.as_str())));
    let on_send = Callback::new(move |text: String| chat.send(text));
    let on_dismiss = Callback::new(move |m: String| chat.dismiss(&m));
    view! {
        <header class="pane-header">
            <strong>{super::visitor(&id)}</strong>
            <StatusLine status=chat.status testid="console-conversation-status"/>
        </header>
        <MessageList log=chat.log me=Role::Operator testid="console-message" on_dismiss=on_dismiss empty="No messages yet."/>
        <Composer
            on_send=on_send
            input_testid="console-input"
            send_testid="console-send"
            placeholder="Reply… (Enter sends, Shift+Enter for a new line)"
            initial=initial
            on_edit=on_edit
        />
    }
}
