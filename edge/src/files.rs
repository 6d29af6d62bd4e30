//! Attachments in R2 (binding `FILES`): one object per file of a room,
//! keyed `<room>/<id>` (a channel's room id is derived from its site and
//! name) where the id is the digest of its bytes — in a channel, of its
//! sender's member id and its bytes, so one member's erasure takes only
//! theirs — so a resend stores nothing new; with its checked type and
//! name. A file is read by capability: its path carries a MAC of the room
//! and the id under the token key, so only those its message reached can
//! read it. It goes with its conversation (retention, erasure), or in a
//! channel with its message (retention, a moderator's removal, its
//! sender's erasure).

use sha2::{Digest, Sha256};
use shared::files::FileType;
use shared::ids::hex;
use worker::{Env, HttpMetadata, Result};

/// The R2 binding.
pub const BINDING: &str = "FILES";

/// The R2 key of a file.
fn object(conversation: &str, id: &str) -> String {
    format!("{conversation}/{id}")
}

/// A file's id: 32 hex digits of the SHA-256 of `scope` (a channel
/// member's id; empty in a conversation) and its bytes.
pub fn id_of(scope: &str, bytes: &[u8]) -> String {
    hex(&Sha256::new().chain_update(scope).chain_update(bytes).finalize()[..16])
}

/// The capability that reads file `id` of `conversation` (`None`: the
/// Worker has no token key, and no file can be read).
pub fn key(env: &Env, conversation: &str, id: &str) -> Option<String> {
    let secret = crate::auth::token_key(env)?;
    Some(crate::identity::sign(&secret, &format!("file:{conversation}/{id}"))[..32].to_owned())
}

/// Stores a checked file (again: the same bytes make the same object).
pub async fn store(env: &Env, conversation: &str, id: &str, kind: FileType, name: &str, bytes: Vec<u8>) -> Result<()> {
    let meta = HttpMetadata { content_type: Some(kind.mime().into()), ..HttpMetadata::default() };
    let names = std::collections::HashMap::from([("name".to_owned(), name.to_owned())]);
    env.bucket(BINDING)?
        .put(object(conversation, id), bytes)
        .http_metadata(meta)
        .custom_metadata(names)
        .execute()
        .await?;
    Ok(())
}

/// A stored file: its bytes, type and name (`None`: no such file).
pub async fn read(env: &Env, conversation: &str, id: &str) -> Result<Option<(Vec<u8>, String, String)>> {
    let Some(found) = env.bucket(BINDING)?.get(object(conversation, id)).execute().await? else { return Ok(None) };
    let kind = found.http_metadata().content_type.unwrap_or_else(|| "application/octet-stream".into());
    let name = found.custom_metadata()?.remove("name").unwrap_or_else(|| id.to_owned());
    let Some(body) = found.body() else { return Ok(None) };
    Ok(Some((body.bytes().await?, kind, name)))
}

/// The files a room has.
pub async fn list(env: &Env, room: &str) -> Result<Vec<String>> {
    Ok(objects(env, room).await?.into_iter().map(|(key, _)| key).collect())
}

/// The objects of a room: each key, and when it was stored (ms).
async fn objects(env: &Env, room: &str) -> Result<Vec<(String, u64)>> {
    let bucket = env.bucket(BINDING)?;
    let (mut found, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let mut page = bucket.list().prefix(format!("{room}/"));
        if let Some(c) = cursor.take() {
            page = page.cursor(c);
        }
        let objects = page.execute().await?;
        found.extend(objects.objects().iter().map(|o| (o.key(), o.uploaded().as_millis())));
        match objects.cursor().filter(|_| objects.truncated()) {
            Some(c) => cursor = Some(c),
            None => return Ok(found),
        }
    }
}

/// Deletes files `ids` of `room`.
pub async fn forget_ids(env: &Env, room: &str, ids: &[String]) -> Result<()> {
    delete(env, ids.iter().map(|id| object(room, id)).collect()).await
}

/// Deletes these objects.
async fn delete(env: &Env, keys: Vec<String>) -> Result<()> {
    let bucket = env.bucket(BINDING)?;
    for chunk in keys.chunks(1_000) {
        bucket.delete_multiple(chunk.to_vec()).await?;
    }
    Ok(())
}

/// Deletes the files of `room` stored before `cutoff` (ms since the
/// epoch), but for `keep`; how many went. (A file sent again is stored
/// again, and so counts from then.)
pub async fn forget_before(env: &Env, room: &str, cutoff: u64, keep: Option<&str>) -> Result<usize> {
    let keep = keep.map(|id| object(room, id));
    let old: Vec<String> = objects(env, room)
        .await?
        .into_iter()
        .filter(|(k, at)| *at < cutoff && Some(k) != keep.as_ref())
        .map(|(k, _)| k)
        .collect();
    let n = old.len();
    delete(env, old).await?;
    Ok(n)
}

/// Deletes every file of a conversation (it is being deleted).
pub async fn forget(env: &Env, conversation: &str) -> Result<usize> {
    let keys = list(env, conversation).await?;
    let n = keys.len();
    delete(env, keys).await?;
    Ok(n)
}
