//! The connection status line (`Connected`, `Offline — reconnecting in 2 s`, ...).

use leptos::prelude::*;

use crate::socket::Status;

/// Shows a socket's status.
#[component]
pub fn StatusLine(status: RwSignal<Status>, testid: &'static str) -> impl IntoView {
    let class = move || match status.get() {
        Status::Online | Status::Idle => "status ok",
        Status::Connecting => "status wait",
        Status::Offline { .. } | Status::Refused(_) => "status bad",
    };
    view! { <span class=class data-testid=testid role="status">{move || status.get().label()}</span> }
}
