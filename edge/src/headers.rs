//! The internal headers the Worker sets on its requests to Durable Objects
//! (after checking the caller), in one place. Only headers set by the
//! Worker reach an object ([`crate::routes::socket_request`]); nothing a
//! client sends can pose as one.

use worker::Request;

/// The caller's role: `operator` (the Worker checked the session) or `customer`.
pub const ROLE: &str = "x-chat-role";
/// The customer's conversation token, checked by the object against its digest.
pub const TOKEN: &str = "x-chat-token";
/// An operator's account id (their sockets are tagged with it, so removing
/// the account closes them).
pub const ACCOUNT: &str = "x-chat-account";
/// An operator's role in their organisation (`StaffRole`).
pub const STAFF: &str = "x-chat-staff";
/// The site the caller's session (or the channel's address) is for.
pub const SITE: &str = "x-chat-site";
/// A channel member's id (derived from the visitor token).
pub const MEMBER: &str = "x-chat-member";
/// A channel member's display name, percent-encoded.
pub const NAME: &str = "x-chat-name";
/// Which conversations an inbox socket shows (`shared::scope::Scope`).
pub const SCOPE: &str = "x-chat-scope";
/// The channel id.
pub const CHANNEL: &str = "x-chat-channel";
/// An operator socket's row tag ([`crate::socket::new_row_tag`]): the
/// socket carries it, so a drop closes exactly it.
pub const SOCKET_ROW: &str = "x-chat-socket-row";
/// On an object's answer to an upgrade: it accepted the operator socket
/// (the Worker then writes its row; a refusal's answer lacks it).
pub const OPENED: &str = "x-chat-opened";

/// The display name a request carries in [`NAME`] (the Worker
/// percent-encodes it: names are any text).
pub fn name(req: &Request) -> String {
    let url = worker::Url::parse(&format!("https://name/?n={}", header(req, NAME)));
    url.ok().and_then(|u| u.query_pairs().next().map(|(_, v)| v.into_owned())).unwrap_or_default()
}

/// A header's value, or `""`.
pub fn header(req: &Request, name: &str) -> String {
    req.headers().get(name).ok().flatten().unwrap_or_default()
}
/// `1` on a benchmark echo socket whose frames are stored first.
pub const DURABLE: &str = "x-chat-durable";
