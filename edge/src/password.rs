//! Password hashing: Argon2id (RFC 9106) with OWASP's minimum parameters,
//! run in the Worker's wasm (the runtime's WebCrypto caps PBKDF2 at 100,000
//! iterations, a sixth of OWASP's figure for PBKDF2-SHA-256). Stored as
//! `argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt hex>$<hash hex>`, so
//! the parameters can be raised later without breaking stored hashes.

use argon2::{Algorithm, Argon2, Params, Version};
use shared::ids::hex;

/// Memory per hash in KiB (19 MiB: OWASP's Argon2id minimum).
pub const MEMORY_KIB: u32 = 19 * 1024;
/// Passes over the memory.
pub const PASSES: u32 = 2;
/// Lanes (the Worker has one thread).
pub const LANES: u32 = 1;
/// Salt bytes (random per hash).
const SALT_BYTES: usize = 16;
/// Hash bytes.
const HASH_BYTES: usize = 32;
/// The most memory a stored hash may ask for (a corrupted or crafted row
/// must not exhaust the isolate).
const MAX_MEMORY_KIB: u32 = 64 * 1024;

/// Why a stored hash cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HashError {
    /// The stored text is not in the format above.
    #[error("not a stored password hash")]
    Format,
    /// Argon2 refused the parameters.
    #[error("argon2: {0}")]
    Argon2(String),
}

fn derive(password: &str, salt: &[u8], m: u32, t: u32, p: u32) -> Result<[u8; HASH_BYTES], HashError> {
    let params = Params::new(m, t, p, Some(HASH_BYTES)).map_err(|e| HashError::Argon2(e.to_string()))?;
    let mut out = [0u8; HASH_BYTES];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(password.as_bytes(), salt, &mut out)
        .map_err(|e| HashError::Argon2(e.to_string()))?;
    Ok(out)
}

/// Hashes `password` with a fresh random salt.
pub fn hash(password: &str) -> Result<String, HashError> {
    let mut salt = [0u8; SALT_BYTES];
    getrandom::getrandom(&mut salt).expect("the runtime provides crypto.getRandomValues");
    hash_with_salt(password, &salt)
}

fn hash_with_salt(password: &str, salt: &[u8]) -> Result<String, HashError> {
    let out = derive(password, salt, MEMORY_KIB, PASSES, LANES)?;
    Ok(format!("argon2id$v=19$m={MEMORY_KIB},t={PASSES},p={LANES}${}${}", hex(salt), hex(&out)))
}

/// Whether `password` matches the stored hash (compared in constant time).
pub fn verify(password: &str, stored: &str) -> Result<bool, HashError> {
    let parts: Vec<&str> = stored.split('$').collect();
    let ["argon2id", "v=19", params, salt, want] = parts.as_slice() else { return Err(HashError::Format) };
    let mut m = None;
    let mut t = None;
    let mut p = None;
    for kv in params.split(',') {
        match kv.split_once('=') {
            Some(("m", v)) => m = v.parse::<u32>().ok(),
            Some(("t", v)) => t = v.parse::<u32>().ok(),
            Some(("p", v)) => p = v.parse::<u32>().ok(),
            _ => return Err(HashError::Format),
        }
    }
    let (Some(m), Some(t), Some(p)) = (m, t, p) else { return Err(HashError::Format) };
    if m > MAX_MEMORY_KIB || t > 10 || p > 4 {
        return Err(HashError::Format);
    }
    let salt = unhex(salt).ok_or(HashError::Format)?;
    let got = hex(&derive(password, &salt, m, t, p)?);
    Ok(crate::auth::secrets_equal(&got, want))
}

/// A hash for unknown accounts, so a sign-in for an address that does not
/// exist costs the same time as a wrong password.
pub fn decoy() -> String {
    format!("argon2id$v=19$m={MEMORY_KIB},t={PASSES},p={LANES}${}${}", "00".repeat(SALT_BYTES), "00".repeat(HASH_BYTES))
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash("correct horse battery").unwrap();
        let b = hash("correct horse battery").unwrap();
        assert_ne!(a, b, "salted");
        assert!(a.starts_with("argon2id$v=19$m=19456,t=2,p=1$"));
        assert_eq!(verify("correct horse battery", &a), Ok(true));
        assert_eq!(verify("correct horse batterY", &a), Ok(false));
        assert_eq!(verify("anything", &decoy()), Ok(false));
    }

    /// RFC 9106-style check with fixed inputs: the same salt and password
    /// give the same hash, and the format carries the parameters.
    #[test]
    fn deterministic_for_a_salt() {
        let salt = [7u8; SALT_BYTES];
        let h = hash_with_salt("pw-0123456789", &salt).unwrap();
        assert_eq!(h, hash_with_salt("pw-0123456789", &salt).unwrap());
        assert_eq!(verify("pw-0123456789", &h), Ok(true));
    }

    #[test]
    fn malformed_or_greedy_hashes_are_refused() {
        for bad in [
            "",
            "bcrypt$x",
            "argon2id$v=19$m=19456,t=2$00$00",
            "argon2id$v=19$m=1048576,t=2,p=1$00$00",
            "argon2id$v=19$m=19456,t=2,p=1$0$00",
        ] {
            assert_eq!(verify("x", bad), Err(HashError::Format), "{bad}");
        }
    }
}
