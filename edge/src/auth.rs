//! Secrets: conversation ids and customer tokens from the runtime's CSPRNG,
//! token hashing (only SHA-256 digests are stored) and constant-time
//! comparison of secrets.

use sha2::{Digest, Sha256};
use shared::ids::hex;
use shared::ConversationId;

/// `n` bytes from the platform's cryptographic random source.
fn random<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    getrandom::getrandom(&mut buf).expect("the runtime provides crypto.getRandomValues");
    buf
}

/// A fresh, unguessable conversation id (128 random bits).
pub fn new_conversation_id() -> ConversationId {
    ConversationId::from_random(random::<16>())
}

/// A fresh customer token (256 random bits, 64 hex digits).
pub fn new_token() -> String {
    hex(&random::<32>())
}

/// Whether `token` has the form of one [`new_token`] makes (64 lowercase
/// hex digits): anything else is refused before any object is asked.
pub fn token_ok(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A console token (a session's or an invitation's): the organisation's
/// id, a dot, and a [`new_token`], so the Worker knows which organisation's
/// object to ask without asking any other.
pub fn org_token(org: &str) -> String {
    format!("{org}.{}", new_token())
}

/// The organisation a console token names, if the token has the form
/// [`org_token`] makes: anything else is refused before any object is asked.
pub fn org_of(token: &str) -> Option<&str> {
    let (org, secret) = token.split_once('.')?;
    (crate::org::id_ok(org) && token_ok(secret)).then_some(org)
}

/// The SHA-256 of a token, as stored.
pub fn token_digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A visitor's member id: 64 bits of the SHA-256 of their token (public:
/// shown to moderators and channel members; the token stays secret).
pub fn member_id(visitor_token: &str) -> String {
    hex(&Sha256::digest(format!("member:{visitor_token}").as_bytes())[..8])
}

/// Compares two secrets without an early exit on the first differing byte.
pub fn secrets_equal(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_fresh_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_ne!(new_conversation_id(), new_conversation_id());
    }

    #[test]
    fn secret_comparison() {
        assert!(secrets_equal("k1", "k1"));
        assert!(!secrets_equal("k1", "k2"));
        assert!(!secrets_equal("k1", "k10"));
        assert!(!secrets_equal("", "x"));
    }

    #[test]
    fn a_console_token_names_its_organisation_and_nothing_else_passes() {
        let token = org_token("org_0123456789abcdef");
        assert_eq!(org_of(&token), Some("org_0123456789abcdef"));
        assert_ne!(token, org_token("org_0123456789abcdef"));
        let secret = new_token();
        for bad in [
            secret.clone(),                                   // a pre-migration token: no organisation
            format!("org_0123456789ABCDEF.{secret}"),         // upper case
            format!("org_0123456789abcde.{secret}"),          // 15 digits
            format!("org_0123456789abcdef.{}", &secret[1..]), // 63 digits
            format!("org_0123456789abcdef.{secret}.x"),
            format!("acct_0123456789abcd.{secret}"),
            format!("org_0123456789abcdef..{secret}"),
            String::new(),
        ] {
            assert_eq!(org_of(&bad), None, "{bad:?}");
        }
    }
}
