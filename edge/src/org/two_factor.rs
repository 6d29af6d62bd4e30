//! Two-factor sign-in (TOTP, RFC 6238, with the `totp-rs` crate: SHA-1,
//! 6 digits, 30 s steps, one step of skew either way — what every
//! authenticator app computes). An account's secret is stored in its
//! organisation's object (`totp` table; it goes with the account) once a
//! first code from it was confirmed; each step's code is accepted once
//! (the last accepted step is kept). An organisation may require it: its
//! people without it can then only enrol (see `TwoFactor::due`).

use serde::Deserialize;
use shared::staff::{TwoFactor, TwoFactorSetup};
use shared::ErrorCode;
use totp_rs::{Algorithm, Secret, TOTP};
use worker::SqlStorage;

use super::sql::run;
use crate::room::sql::int;

/// The name authenticator apps show beside the account.
const ISSUER: &str = "Chat console";

/// Creates the table and the organisation's policy column.
pub fn ensure_schema(sql: &SqlStorage) -> worker::Result<()> {
    run(
        sql,
        "CREATE TABLE IF NOT EXISTS totp (account TEXT PRIMARY KEY, secret TEXT NOT NULL DEFAULT '',
            pending TEXT NOT NULL DEFAULT '', step INTEGER NOT NULL DEFAULT 0)",
        None,
    )?;
    crate::room::sql::add_column(sql, "orgs", "require_totp", "INTEGER NOT NULL DEFAULT 0")
}

/// Why a code was refused (an answer with [`ErrorCode::SecondFactor`]).
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// The account has two-factor sign-in and no code came.
    Needed,
    /// Not the code of this step or a neighbour, or one already used.
    Wrong,
    /// Nothing to check it against (no enrolment started, or none to end).
    NotEnrolling,
}

impl Refused {
    pub fn code(&self) -> ErrorCode {
        match self {
            Refused::NotEnrolling => ErrorCode::IllegalMove,
            _ => ErrorCode::SecondFactor,
        }
    }

    pub fn message(&self) -> &'static str {
        match self {
            Refused::Needed => "enter the 6-digit code from your authenticator app",
            Refused::Wrong => "that code is wrong, expired or already used: enter the current one",
            Refused::NotEnrolling => "start two-factor sign-in first",
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct Row {
    secret: String,
    pending: String,
    step: i64,
}

fn row(sql: &SqlStorage, account: &str) -> worker::Result<Row> {
    let rows: Vec<Row> =
        run(sql, "SELECT secret, pending, step FROM totp WHERE account = ?", vec![account.into()])?.to_array()?;
    Ok(rows.into_iter().next().unwrap_or_default())
}

/// The account's two-factor state in organisation `org`.
pub fn state(sql: &SqlStorage, org: &str, account: &str) -> worker::Result<TwoFactor> {
    #[derive(Deserialize)]
    struct Org {
        require_totp: i64,
    }
    let org: Vec<Org> = run(sql, "SELECT require_totp FROM orgs WHERE id = ?", vec![org.into()])?.to_array()?;
    let required = org.first().is_some_and(|o| o.require_totp != 0);
    Ok(TwoFactor { enrolled: !row(sql, account)?.secret.is_empty(), required })
}

/// Sets whether the organisation requires two-factor sign-in.
pub fn require(sql: &SqlStorage, org: &str, on: bool) -> worker::Result<()> {
    run(sql, "UPDATE orgs SET require_totp = ? WHERE id = ?", vec![int(u64::from(on)), org.into()])?;
    Ok(())
}

/// The step of `code` under base32 `secret` at `now_s`, if it is the
/// code of the current step or a neighbour (clock skew).
fn step_of(secret: &str, code: &str, now_s: u64) -> Option<u64> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    let totp = TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes).ok()?;
    let code = code.trim().replace(' ', "");
    let now = now_s / 30;
    (now.saturating_sub(1)..=now + 1).find(|step| totp.generate(step * 30) == code)
}

/// A sign-in's second step: passes when the account has no second factor,
/// or `code` is its current one (used then, so never again).
pub fn check_sign_in(sql: &SqlStorage, account: &str, code: Option<&str>, now_s: u64) -> Result<(), Refused> {
    let row = row(sql, account).map_err(|_| Refused::Wrong)?;
    if row.secret.is_empty() {
        return Ok(());
    }
    let code = code.filter(|c| !c.trim().is_empty()).ok_or(Refused::Needed)?;
    use_code(sql, account, &row.secret, row.step, code, now_s)
}

/// Accepts `code` once: its step must be newer than the last one used.
fn use_code(sql: &SqlStorage, account: &str, secret: &str, last: i64, code: &str, now_s: u64) -> Result<(), Refused> {
    match step_of(secret, code, now_s) {
        Some(step) if step as i64 > last => {
            run(sql, "UPDATE totp SET step = ? WHERE account = ?", vec![int(step), account.into()])
                .map_err(|_| Refused::Wrong)?;
            Ok(())
        }
        _ => Err(Refused::Wrong),
    }
}

/// Starts enrolment: a new 160-bit secret, pending until a code from it is
/// confirmed (an enrolled account keeps its factor meanwhile).
pub fn begin(sql: &SqlStorage, account: &str, email: &str) -> worker::Result<TwoFactorSetup> {
    let mut bytes = [0u8; 20];
    getrandom::getrandom(&mut bytes).map_err(|e| worker::Error::RustError(e.to_string()))?;
    let Secret::Encoded(secret) = Secret::Raw(bytes.to_vec()).to_encoded() else {
        return Err(worker::Error::RustError("base32".into()));
    };
    run(
        sql,
        "INSERT INTO totp (account, pending) VALUES (?, ?) ON CONFLICT (account) DO UPDATE SET pending = excluded.pending",
        vec![account.into(), secret.as_str().into()],
    )?;
    let label = shared::api::encode_query(&format!("{ISSUER}:{email}"));
    let uri = format!(
        "otpauth://totp/{label}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period=30",
        shared::api::encode_query(ISSUER)
    );
    Ok(TwoFactorSetup { secret, uri })
}

/// Confirms enrolment with a code from the pending secret.
pub fn confirm(sql: &SqlStorage, account: &str, code: &str, now_s: u64) -> Result<(), Refused> {
    let row = row(sql, account).map_err(|_| Refused::Wrong)?;
    if row.pending.is_empty() {
        return Err(Refused::NotEnrolling);
    }
    let step = step_of(&row.pending, code, now_s).ok_or(Refused::Wrong)?;
    run(
        sql,
        "UPDATE totp SET secret = pending, pending = '', step = ? WHERE account = ?",
        vec![int(step), account.into()],
    )
    .map_err(|_| Refused::Wrong)?;
    Ok(())
}

/// Turns the account's second factor off, proven with a current code.
pub fn disable(sql: &SqlStorage, account: &str, code: &str, now_s: u64) -> Result<(), Refused> {
    let row = row(sql, account).map_err(|_| Refused::Wrong)?;
    if row.secret.is_empty() {
        return Err(Refused::NotEnrolling);
    }
    use_code(sql, account, &row.secret, row.step, code, now_s)?;
    forget(sql, account).map_err(|_| Refused::Wrong)
}

/// Forgets the account's second factor (the account goes, or an admin's
/// reset link was used: the person may have lost their phone).
pub fn forget(sql: &SqlStorage, account: &str) -> worker::Result<()> {
    run(sql, "DELETE FROM totp WHERE account = ?", vec![account.into()])?;
    Ok(())
}
