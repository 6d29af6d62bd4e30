//! API keys for the REST API under `/api/v1`: per site, created, scoped
//! (read or write) and revoked by the site's owners and admins in the
//! console; only a digest of each key is kept, so a key is shown once.

use serde::{Deserialize, Serialize};

use crate::staff::Capability;
use crate::SiteId;

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum KeyScope {
    /// Read conversations, profiles, transcripts and incidents.
    Read,
    /// Also write: notes, tags, a customer's export and erasure.
    Write,
}

impl KeyScope {
    /// Whether a key of this scope may do `c`.
    pub fn may(self, c: Capability) -> bool {
        use Capability::*;
        match self {
            KeyScope::Read => matches!(c, ReadConversations | ReadDesk),
            KeyScope::Write => matches!(c, ReadConversations | ReadDesk | Reply | EditSettings),
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyScope::Read => "read",
            KeyScope::Write => "write",
        }
    }

    /// The scope with this wire name.
    pub fn parse(s: &str) -> Option<KeyScope> {
        [KeyScope::Read, KeyScope::Write].into_iter().find(|k| k.as_str() == s)
    }
}

/// A key as the console lists it (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    /// Its id.
    pub id: String,
    /// The site it works on.
    pub site: SiteId,
    /// What its maker called it.
    pub label: String,
    /// What it may do.
    pub scope: KeyScope,
    /// Its last four characters, to tell keys apart.
    pub last4: String,
    /// When it was made, ms since the Unix epoch.
    pub created_at: u64,
    /// Who made it.
    pub created_by: String,
}

/// `POST /api/console/sites/{site}/keys`: a new key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewKey {
    /// A name for it (1 to 60 characters).
    pub label: String,
    /// What it may do.
    pub scope: KeyScope,
}

/// A new key, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedKey {
    /// The key, to send as `Authorization: Bearer <key>`.
    pub key: String,
    /// The key as listed.
    pub info: ApiKey,
}

/// What every API key starts with.
pub const KEY_PREFIX: &str = "ck_";

/// The most live keys a site may have.
pub const MOST_KEYS: usize = 20;

/// A key's label, trimmed, or why not.
pub fn label(label: &str) -> Result<String, String> {
    let label = label.trim();
    match label.chars().count() {
        0 => Err("a key needs a name".into()),
        1..=60 => Ok(label.to_owned()),
        _ => Err("a key's name is at most 60 characters".into()),
    }
}

/// Path of a site's keys (`GET` the list, `POST` a [`NewKey`]).
pub fn keys_path(site: &str) -> String {
    format!("/api/console/sites/{}/keys", crate::api::encode_query(site))
}

/// Path that revokes key `id` (`POST`).
pub fn revoke_key_path(site: &str, id: &str) -> String {
    format!("{}/{}/revoke", keys_path(site), crate::api::encode_query(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_keys_read_and_write_keys_also_write() {
        assert!(KeyScope::Read.may(Capability::ReadConversations));
        assert!(!KeyScope::Read.may(Capability::Reply));
        assert!(!KeyScope::Read.may(Capability::EditSettings));
        assert!(KeyScope::Write.may(Capability::Reply));
        assert!(!KeyScope::Write.may(Capability::ManagePeople), "a key never manages people");
        assert!(!KeyScope::Write.may(Capability::Supervise));
        assert_eq!(KeyScope::parse("write"), Some(KeyScope::Write));
    }

    #[test]
    fn labels_are_checked() {
        assert_eq!(label("  CRM sync "), Ok("CRM sync".into()));
        assert!(label(" ").is_err());
        assert!(label(&"x".repeat(61)).is_err());
    }
}
