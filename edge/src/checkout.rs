//! The checkout hand-off: a confirmed order's cart, signed with the site's
//! identity secret and put into the site's checkout address, so the site's
//! own checkout can trust what it is asked to charge (docs/checkout.md).
//!
//! The cart is the order as the customer confirmed it (the Worker's quote)
//! with where and when it was confirmed, as JSON in unpadded base64url;
//! the signature is the hex HMAC-SHA256 of that base64url text under the
//! identity secret, as a logged-in customer's `user_hash` is.

use base64ct::{Base64UrlUnpadded, Encoding};
use serde::{Deserialize, Serialize};
use shared::sales::Quote;

/// The cart's format version.
pub const VERSION: u8 = 1;

/// What a site's checkout receives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cart {
    /// The format version ([`VERSION`]).
    pub v: u8,
    /// The site's id.
    pub site: String,
    /// The conversation the order was confirmed in.
    pub conversation: String,
    /// When the customer confirmed it, ms since the epoch: a site refuses
    /// carts older than it accepts (we suggest a day).
    pub issued: u64,
    /// The order: its lines, savings, tax and total.
    pub quote: Quote,
}

/// The checkout address for `cart`: `template` with `{cart}` and `{sig}`
/// filled in (both URL-safe as they are).
pub fn link(template: &str, secret: &str, cart: &Cart) -> String {
    let json = serde_json::to_string(cart).expect("a cart is plain data");
    let encoded = Base64UrlUnpadded::encode_string(json.as_bytes());
    let sig = crate::identity::sign(secret, &encoded);
    template.replace("{cart}", &encoded).replace("{sig}", &sig)
}

/// The cart a checkout received, if `sig` is its signature under `secret`
/// (what a site's checkout does; the demo's checkout page uses it).
pub fn open(secret: &str, cart: &str, sig: &str) -> Option<Cart> {
    let signed = crate::auth::secrets_equal(&crate::identity::sign(secret, cart), &sig.to_ascii_lowercase());
    if secret.is_empty() || !signed {
        return None;
    }
    peek(cart)
}

/// The cart's content, not checked: only to find whose secret checks it.
pub fn peek(cart: &str) -> Option<Cart> {
    let json = Base64UrlUnpadded::decode_vec(cart).ok()?;
    serde_json::from_slice(&json).ok()
}

#[cfg(test)]
mod tests;
