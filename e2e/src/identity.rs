//! A site's server signing its logged-in customer (docs/identity.md): the
//! site's identity secret, read as a settings editor, and
//! `site|user|expires` signed with it; and visitor tokens as the test
//! Worker issues them.

use hmac::{Hmac, Mac};
use shared::api::{identity_message, identity_secret_path, Identity, IdentitySecret, IDENTITY_LIFETIME_S};
use shared::staff::StaffRole;

use crate::accounts::Staff;

/// The demo site's identity secret, as its admin reads it.
pub fn demo_secret(base: &str) -> anyhow::Result<String> {
    let admin = Staff::demo(base, StaffRole::Admin)?;
    Ok(admin.get(&identity_secret_path("demo")).call()?.into_json::<IdentitySecret>()?.secret)
}

/// The hex HMAC-SHA256 of `message` under `secret`.
pub fn hmac_hex(secret: &str, message: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(message.as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// Now, in Unix seconds.
pub fn now_s() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_secs()
}

/// `user` signed for `site` until `expires`.
pub fn signed_until(secret: &str, site: &str, user: &str, expires: u64) -> Identity {
    Identity { user: user.into(), expires, hash: hmac_hex(secret, &identity_message(site, user, expires)) }
}

/// `user` signed for `site` as a page served now would be (10 minutes).
pub fn signed(secret: &str, site: &str, user: &str) -> Identity {
    signed_until(secret, site, user, now_s() + IDENTITY_LIFETIME_S)
}

/// A visitor token for `site` as the test Worker issues them (its key is
/// the tests' `SETUP_KEY`): 32 hex digits of the SHA-256 of `seed` (the
/// same seed, the same visitor) and 32 of their MAC. Saves a request per
/// made-up visitor; `POST /api/sites/{site}/visitors` is tested itself.
pub fn visitor_token(site: &str, seed: impl std::fmt::Display) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("visitor-seed:{seed}").as_bytes());
    let nonce: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    let mac = hmac_hex(crate::accounts::TEST_SETUP_KEY, &format!("visitor:{site}:{nonce}"));
    format!("{nonce}{}", &mac[..32])
}
