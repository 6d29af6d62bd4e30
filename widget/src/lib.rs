//! The Leptos front ends: the customer chat widget and the operator console.
//! Both are built from this library into separate wasm binaries
//! (`src/bin/customer.rs`, `src/bin/console.rs`); link-time dead-code
//! elimination keeps console code out of the customer bundle (checked by
//! `cargo xtask test`).
//!
//! # Layout
//! - [`socket`]: a WebSocket that reconnects with backoff and reports status.
//! - [`chat`]: one conversation on the client: a [`shared::chat_log::ChatLog`]
//!   in a signal, fed by a [`socket::Socket`].
//! - [`components`]: chat components used by both apps (message list,
//!   composer, connection status).
//! - [`customer`]: the widget app that runs in the iframe.
//! - [`console`]: the operator console app.
//! - [`dom`]: plain DOM helpers for the widget's leaf parts (cards, form).
//! - [`http`]: `fetch` calls to the Worker with typed errors.
//! - [`i18n`]: the customer apps' texts in the visitor's language.
//! - [`json`]: serde JSON for the console's own settings and storage.
//! - [`wire`]: the wire protocol's JSON written out by hand (small wasm),
//!   checked against the golden files in the browser.
//! - [`util`]: random ids, time formatting, browser storage.

pub mod channel;
pub mod chat;
pub mod components;
pub mod console;
pub mod customer;
pub mod dom;
pub mod files;
pub mod http;
pub mod i18n;
pub mod json;
pub mod socket;
pub mod util;
pub mod wire;

/// An effect (Leptos' `Effect::new`) whose function is boxed. Leptos
/// compiles its effect machinery once per closure type (a spawned task and
/// its state: 1–4 KB of wasm each); boxed, every effect of an app shares one
/// copy. State kept between runs lives in the closure (it is `FnMut`).
pub fn effect(f: impl FnMut() + 'static) {
    leptos::prelude::Effect::new(Box::new(f) as Box<dyn FnMut()>);
}

/// The allocator: talc instead of Rust's default (dlmalloc): ~0.6 KB gzip
/// smaller in the customer widget.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
