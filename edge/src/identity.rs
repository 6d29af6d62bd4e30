//! Identity verification for a site's logged-in customers: the site's
//! server signs `site|user|expires` with the site's identity secret (hex
//! HMAC-SHA256; docs/identity.md, whose test vector `tests` checks); the
//! Worker recomputes it, compares in constant time and checks the expiry
//! (at most 10 minutes ahead, 2 minutes of clock skew either way). An
//! unsigned, wrongly signed, expired or too long-lived claim is refused.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use shared::api::{identity_message, Identity};
use shared::ids::hex;

/// The hex HMAC-SHA256 of `message` under `secret`.
pub fn sign(secret: &str, message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(message.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// The site's signature of `user` until `expires` (what its server computes).
pub fn sign_identity(secret: &str, site: &str, user: &str, expires: u64) -> String {
    sign(secret, &identity_message(site, user, expires))
}

/// Whether the identity is the site's signature of its user, valid at
/// `now_s` (Unix seconds); the refusal says why not.
pub fn verify(secret: &str, site: &str, identity: &Identity, now_s: u64) -> Result<(), &'static str> {
    let signed = !secret.is_empty()
        && identity.well_formed()
        && crate::auth::secrets_equal(
            &sign_identity(secret, site, &identity.user, identity.expires),
            &identity.hash.to_ascii_lowercase(),
        );
    if !signed {
        return Err("this page's sign-in could not be verified; the chat cannot use it");
    }
    identity.timely(now_s)
}

#[cfg(test)]
mod tests;
