//! Identity verification for a site's logged-in customers: the site's
//! server signs the user id with the site's identity secret (hex
//! HMAC-SHA256, as Intercom's `user_hash`); the Worker recomputes it and
//! compares in constant time. An unsigned or wrongly signed claim is refused.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use shared::api::Identity;
use shared::ids::hex;

/// The hex HMAC-SHA256 of `user` under `secret`.
pub fn sign(secret: &str, user: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(user.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// Whether the identity's hash is the site's signature of its user id.
pub fn verified(secret: &str, identity: &Identity) -> bool {
    !secret.is_empty()
        && identity.well_formed()
        && crate::auth::secrets_equal(&sign(secret, &identity.user), &identity.hash.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231, test case 2.
    #[test]
    fn hmac_sha256_known_answer() {
        assert_eq!(
            sign("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn only_the_sites_signature_of_that_user_verifies() {
        let secret = "s3cret";
        let good = Identity { user: "alice".into(), hash: sign(secret, "alice") };
        assert!(verified(secret, &good));
        assert!(verified(secret, &Identity { hash: good.hash.to_uppercase(), ..good.clone() }));
        assert!(!verified(secret, &Identity { user: "bob".into(), ..good.clone() }), "another user");
        assert!(!verified("other", &good), "another site's secret");
        assert!(!verified("", &good), "no secret");
        assert!(!verified(secret, &Identity { hash: "00".repeat(32), ..good.clone() }));
        assert!(!verified(secret, &Identity { hash: "zz".into(), ..good }));
    }
}
