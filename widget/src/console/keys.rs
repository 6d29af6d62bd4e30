//! The console's keyboard shortcuts (one table, used both to handle keys and
//! to draw the help overlay).

use leptos::prelude::*;

/// What a shortcut does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Open the next conversation in the list.
    Next,
    /// Open the previous conversation in the list.
    Previous,
    /// Open the next conversation with unread messages.
    NextUnread,
    /// Focus the canned responses of the current step.
    Canned,
    /// Mark the current step done.
    Advance,
    /// Focus the reply box.
    Reply,
    /// Show or hide this help.
    Help,
}

/// (key code with Alt, label, action). Alt avoids clashing with typing.
pub const SHORTCUTS: &[(&str, &str, Action)] = &[
    ("ArrowDown", "Alt+↓", Action::Next),
    ("ArrowUp", "Alt+↑", Action::Previous),
    ("KeyU", "Alt+U", Action::NextUnread),
    ("KeyC", "Alt+C", Action::Canned),
    ("KeyD", "Alt+D", Action::Advance),
    ("KeyR", "Alt+R", Action::Reply),
    ("Slash", "Alt+/ or ?", Action::Help),
];

/// Labels of the actions.
pub fn describe(a: Action) -> &'static str {
    match a {
        Action::Next => "Next conversation",
        Action::Previous => "Previous conversation",
        Action::NextUnread => "Next conversation with unread messages",
        Action::Canned => "Canned responses for the current step",
        Action::Advance => "Mark the current step done",
        Action::Reply => "Reply box (Enter sends, Shift+Enter new line)",
        Action::Help => "Show / hide this help",
    }
}

/// The action of a key press, if it is a shortcut. `?` outside text fields
/// also opens the help.
pub fn action(e: &web_sys::KeyboardEvent) -> Option<Action> {
    if e.alt_key() && !e.ctrl_key() && !e.meta_key() {
        let code = e.code();
        return SHORTCUTS.iter().find(|(c, _, _)| *c == code).map(|(_, _, a)| *a);
    }
    let in_field = e
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
    (e.key() == "?" && !in_field).then_some(Action::Help)
}

/// Focuses the first element matching `selector`; clicks it if `click`.
pub fn focus(selector: &str, click: bool) {
    let el = crate::dom::find(selector).and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok());
    if let Some(el) = el {
        let _ = el.focus();
        if click {
            el.click();
        }
    }
}

/// The help overlay.
#[component]
pub fn Help(open: RwSignal<bool>) -> impl IntoView {
    view! {
        <Show when=move || open.get()>
            <div class="overlay" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" data-testid="console-help"
                on:click=move |_| open.set(false)>
                <div class="help" on:click=|e| e.stop_propagation()>
                    <h2>"Keyboard shortcuts"</h2>
                    <table>
                        {SHORTCUTS.iter().map(|(_, label, a)| view! {
                            <tr><th><kbd>{*label}</kbd></th><td>{describe(*a)}</td></tr>
                        }).collect_view()}
                        <tr><th><kbd>"Esc"</kbd></th><td>"Close this help"</td></tr>
                    </table>
                    <button data-testid="console-help-close" on:click=move |_| open.set(false)>"Close"</button>
                </div>
            </div>
        </Show>
    }
}
