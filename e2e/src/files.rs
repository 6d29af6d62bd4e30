//! Files as the tests send them: a real 1×1 PNG, uploads as the chat
//! widget, the channel app and the console make them, and what R2 holds
//! for a room.

use crate::accounts::Staff;

/// A 1×1 PNG (a valid picture: browsers draw it).
pub const PNG: [u8; 70] = [
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 31, 21, 196,
    137, 0, 0, 0, 13, 73, 68, 65, 84, 120, 218, 99, 100, 248, 207, 80, 15, 0, 3, 134, 1, 128, 90, 52, 125, 107, 0, 0,
    0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

/// The customer's upload, as the chat widget sends it (its own origin, the token as a bearer).
pub fn customer_upload(
    base: &str,
    conversation: &str,
    token: &str,
    id: &str,
    name: &str,
    bytes: &[u8],
) -> Result<ureq::Response, ureq::Error> {
    ureq::post(&format!("{base}{}", shared::files::upload_path(conversation)))
        .query("id", id)
        .query("name", name)
        .set("Origin", base)
        .set("Authorization", &format!("Bearer {token}"))
        .send_bytes(bytes)
}

/// Staff's upload, as the console sends it.
pub fn staff_upload(
    staff: &Staff,
    site: &str,
    conversation: &str,
    id: &str,
    name: &str,
    bytes: &[u8],
) -> Result<ureq::Response, ureq::Error> {
    staff
        .send("POST", &shared::files::console_upload_path(site, conversation))
        .query("id", id)
        .query("name", name)
        .send_bytes(bytes)
}

/// The R2 keys a conversation's files have (`BENCH=on`).
pub fn stored(base: &str, conversation: &str) -> Vec<String> {
    ureq::get(&format!("{base}/api/bench/files/{conversation}")).call().unwrap().into_json().unwrap()
}

/// A channel member's upload, as the channel app sends it (its own
/// origin, the visitor token as a bearer, the display name as `as`).
pub fn member_upload(
    base: &str,
    (site, channel): (&str, &str),
    (visitor, name): (&str, &str),
    id: &str,
    file: &str,
    bytes: &[u8],
) -> Result<ureq::Response, ureq::Error> {
    ureq::post(&format!("{base}{}", shared::files::channel_upload_path(site, channel)))
        .query("id", id)
        .query("name", file)
        .query("as", name)
        .set("Origin", base)
        .set("Authorization", &format!("Bearer {visitor}"))
        .send_bytes(bytes)
}
