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

/// The key console tokens are signed with: the `TOKEN_KEY` secret, else
/// the `SETUP_KEY` (rotating it signs everyone out). `None`: neither is
/// set, and no console token can be made or accepted.
pub fn token_key(env: &worker::Env) -> Option<String> {
    ["TOKEN_KEY", "SETUP_KEY"]
        .iter()
        .filter_map(|name| env.secret(name).ok().map(|v| v.to_string()))
        .find(|k| !k.is_empty())
}

/// The MAC of a console token's organisation and nonce (32 hex digits).
fn token_mac(key: &str, org: &str, nonce: &str) -> String {
    crate::identity::sign(key, &format!("console-token:{org}.{nonce}"))[..32].to_owned()
}

/// A console token (a session's or an invitation's): the organisation's
/// id, a dot, 32 random hex digits and 32 of their MAC under `key`. The
/// Worker reads which organisation's object to ask from it and refuses a
/// token it did not make before asking any (so made-up tokens cannot wake
/// objects of organisations that do not exist).
pub fn org_token(org: &str, key: &str) -> String {
    let nonce = &new_token()[..32];
    format!("{org}.{nonce}{}", token_mac(key, org, nonce))
}

/// The organisation a console token names, if the token has the form
/// [`org_token`] makes and its MAC is right under `key`.
pub fn org_of<'a>(token: &'a str, key: &str) -> Option<&'a str> {
    let (org, secret) = token.split_once('.')?;
    if key.is_empty() || !crate::org::id_ok(org) || !token_ok(secret) {
        return None;
    }
    let (nonce, mac) = secret.split_at(32);
    secrets_equal(&token_mac(key, org, nonce), mac).then_some(org)
}

/// The SHA-256 of a token, as stored.
pub fn token_digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A visitor token for `site`, issued by this service: 32 random hex
/// digits and 32 of their MAC under `key` (64 hex digits in all). A
/// browser cannot make one up, so each new anonymous visitor costs an
/// issuance, which is limited per caller address.
pub fn new_visitor_token(key: &str, site: &str) -> String {
    let nonce = &new_token()[..32];
    format!("{nonce}{}", visitor_mac(key, site, nonce))
}

/// Whether `token` is a visitor token this service issued for `site`.
pub fn visitor_token_valid(key: &str, site: &str, token: &str) -> bool {
    if key.is_empty() || !token_ok(token) {
        return false;
    }
    let (nonce, mac) = token.split_at(32);
    secrets_equal(&visitor_mac(key, site, nonce), mac)
}

fn visitor_mac(key: &str, site: &str, nonce: &str) -> String {
    crate::identity::sign(key, &format!("visitor:{site}:{nonce}"))[..32].to_owned()
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
    fn a_visitor_token_is_the_services_for_its_site_and_nothing_else_passes() {
        let key = "the deployment's key";
        let token = new_visitor_token(key, "demo");
        assert!(token_ok(&token), "64 hex digits, as before: {token}");
        assert!(visitor_token_valid(key, "demo", &token));
        assert_ne!(token, new_visitor_token(key, "demo"));
        assert!(!visitor_token_valid(key, "shop", &token), "another site's");
        assert!(!visitor_token_valid("another key", "demo", &token), "made under another key");
        assert!(!visitor_token_valid("", "demo", &token), "no key: nothing passes");
        assert!(!visitor_token_valid(key, "demo", &"7".repeat(64)), "made up");
        let flipped = format!("{}{}", &token[..63], if token.ends_with('0') { '1' } else { '0' });
        assert!(!visitor_token_valid(key, "demo", &flipped));
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
        let (org, key) = ("org_0123456789abcdef", "the deployment's key");
        let token = org_token(org, key);
        assert_eq!(org_of(&token, key), Some(org));
        assert_ne!(token, org_token(org, key));
        assert_eq!(org_of(&token, "another key"), None, "made under another key");
        assert_eq!(org_of(&token, ""), None, "no key: nothing passes");
        let secret = token.split_once('.').unwrap().1.to_owned();
        let flipped = format!("{org}.{}{}", &secret[..63], if secret.ends_with('0') { '1' } else { '0' });
        for bad in [
            flipped,                                  // a wrong MAC
            format!("org_fedcba9876543210.{secret}"), // another organisation's id
            secret.clone(),                           // a pre-migration token
            format!("org_0123456789ABCDEF.{secret}"), // upper case
            format!("org_0123456789abcde.{secret}"),  // 15 digits
            format!("{org}.{}", &secret[1..]),        // 63 digits
            format!("{org}.{secret}.x"),
            format!("acct_0123456789abcd.{secret}"),
            String::new(),
        ] {
            assert_eq!(org_of(&bad, key), None, "{bad:?}");
        }
    }
}
