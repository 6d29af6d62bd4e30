//! Identity signing against docs/identity.md's test vectors, and what
//! verification refuses.

use super::*;

const DOC: &str = include_str!("../../../docs/identity.md");
const SECRET: &str = "test-identity-secret";
const EXPIRES: u64 = 1_796_400_600;

/// RFC 4231, test case 2.
#[test]
fn hmac_sha256_known_answer() {
    assert_eq!(
        sign("Jefe", "what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[test]
fn the_documented_test_vectors_are_what_the_worker_signs() {
    for (user, want) in [
        ("user-42", "2c3d0f0cc6fefb965415a8f77b2397d28d03e76ec294c2751827a19e8df66c22"),
        ("Zoë|ops@x", "07db29ac99a088b0d279eedaf6c5693e27d69fbb446f19f22a0d065c73b6dcbc"),
    ] {
        let hash = sign_identity(SECRET, "demo", user, EXPIRES);
        assert_eq!(hash, want, "{user}");
        let text = identity_message("demo", user, EXPIRES);
        for (what, value) in [("hash", hash.as_str()), ("signed text", text.as_str()), ("secret", SECRET)] {
            assert!(DOC.contains(value), "docs/identity.md lacks the {what}: {value}");
        }
    }
}

#[test]
fn only_the_sites_timely_signature_of_that_user_verifies() {
    let now = EXPIRES - 300;
    let good =
        Identity { user: "alice".into(), expires: EXPIRES, hash: sign_identity(SECRET, "demo", "alice", EXPIRES) };
    assert_eq!(verify(SECRET, "demo", &good, now), Ok(()));
    assert_eq!(verify(SECRET, "demo", &Identity { hash: good.hash.to_uppercase(), ..good.clone() }, now), Ok(()));
    let forged =
        |i: &Identity, secret: &str, site: &str| verify(secret, site, i, now).unwrap_err().contains("verified");
    assert!(forged(&Identity { user: "bob".into(), ..good.clone() }, SECRET, "demo"), "another user");
    assert!(forged(&Identity { expires: EXPIRES + 60, ..good.clone() }, SECRET, "demo"), "a later expiry");
    assert!(forged(&good, "other", "demo"), "another secret");
    assert!(forged(&good, SECRET, "shop"), "another site");
    assert!(forged(&good, "", "demo"), "no secret");
    assert!(forged(&Identity { hash: "00".repeat(32), ..good.clone() }, SECRET, "demo"));
    assert!(forged(&Identity { hash: "zz".into(), ..good.clone() }, SECRET, "demo"));
    // The old format (the user id alone) no longer verifies.
    assert!(forged(&Identity { hash: sign(SECRET, "alice"), ..good.clone() }, SECRET, "demo"));
    // Time: expired beyond the skew, or made to last over 10 minutes.
    assert_eq!(verify(SECRET, "demo", &good, EXPIRES + 120), Ok(()), "within the skew");
    assert!(verify(SECRET, "demo", &good, EXPIRES + 121).unwrap_err().contains("expired"));
    assert_eq!(verify(SECRET, "demo", &good, EXPIRES - 720), Ok(()), "10 minutes and the skew ahead");
    assert!(verify(SECRET, "demo", &good, EXPIRES - 721).unwrap_err().contains("longer than 10 minutes"));
}
