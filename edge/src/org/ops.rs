//! The Org object's operations: [`OrgOp`], one variant per request, run
//! as plain functions over its SQLite (the object only carries out the
//! socket closing). What must be unique across the deployment was claimed
//! in the index by the Worker before.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use shared::staff::{Invitation, Invited, Me, NewSite, People, SiteEntry, StaffRole};
use shared::{ErrorCode, Refusal};
use worker::SqlStorage;

use super::keys;
use super::sockets;
use super::sql::{self, Account};
use super::two_factor;
use crate::auth::{new_token, org_token, token_digest};

/// Sign-in attempts that go at once per account and caller address pair
/// in the window (the later ones slow down).
pub const LOGINS_PER_PAIR: usize = 5;

/// The first wait once an account and address pair (or an address) used
/// its free attempts; it doubles with each attempt after.
pub const LOGIN_SLOW_MS: u64 = 2_000;

/// The sign-in rate limit's window (`LOGIN_WINDOW_SECONDS`, 15 minutes by
/// default; tests shorten it), in ms.
pub fn login_window_ms(env: &worker::Env) -> u64 {
    crate::session::seconds(env, "LOGIN_WINDOW_SECONDS", 15 * 60) * 1000
}
/// How long an invitation link works (7 days).
pub const INVITATION_MS: u64 = 7 * 24 * 3600 * 1000;

/// What an operation produced.
pub enum Done {
    /// Answer this.
    Json(Value),
    /// Drop the sockets whose rows are marked closing (those it marked, and
    /// any whose drop failed before), then answer this.
    Drop(Value),
}

/// [`Done::Drop`] with no answer.
fn drop_closing() -> Outcome {
    Ok(Done::Drop(Value::Null))
}

type Outcome = Result<Done, Refusal>;

fn refuse(code: ErrorCode, msg: impl Into<String>) -> Refusal {
    Refusal::new(code, msg)
}

fn refused(r: two_factor::Refused) -> Refusal {
    refuse(r.code(), r.message())
}

fn db(e: worker::Error) -> Refusal {
    worker::console_error!("org: {e}");
    refuse(ErrorCode::Internal, "internal error")
}

fn answer(v: impl Serialize) -> Outcome {
    serde_json::to_value(v).map(Done::Json).map_err(|e| refuse(ErrorCode::Internal, e.to_string()))
}

/// `seed`: a new organisation (its id chosen, its site ids and e-mail
/// addresses claimed by the Worker) with its sites and accounts.
#[derive(Debug, Serialize, Deserialize)]
pub struct Seed {
    pub id: String,
    pub org: String,
    pub sites: Vec<NewSite>,
    pub accounts: Vec<SeedAccount>,
}

/// An account of a seed, with the id claimed for its address.
#[derive(Debug, Serialize, Deserialize)]
pub struct SeedAccount {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: StaffRole,
    pub hash: String,
}

/// Answer to [`OrgOp::Hash`]: the account's password hash (none: it is gone).
#[derive(Debug, Serialize, Deserialize)]
pub struct Candidate {
    pub hash: Option<String>,
}

/// `loginFinish` / the end of `accept`: a new session.
#[derive(Debug, Serialize, Deserialize)]
pub struct Issue {
    pub account: String,
    pub ttl_ms: u64,
    /// The authenticator's code, for an account with two-factor sign-in.
    #[serde(default)]
    pub code: Option<String>,
}

/// An account's authenticator code (confirming enrolment, turning it off).
#[derive(Debug, Serialize, Deserialize)]
pub struct CodeOp {
    pub account: String,
    pub code: String,
}

/// The organisation's sign-in policy, set by `by`.
#[derive(Debug, Serialize, Deserialize)]
pub struct SecurityOp {
    pub by: By,
    pub require_two_factor: bool,
}

/// A session's token (for the cookie) and who it is.
#[derive(Debug, Serialize, Deserialize)]
pub struct Issued {
    pub token: String,
    pub me: Me,
}

/// `session`: check a session token; a session older than `rotate_ms` is
/// replaced by a new token (the old one lives `grace_ms` more).
#[derive(Debug, Serialize, Deserialize)]
pub struct Check {
    pub token: String,
    pub rotate: Option<Rotation>,
}

/// When and how sessions rotate.
#[derive(Debug, Serialize, Deserialize)]
pub struct Rotation {
    pub after_ms: u64,
    pub grace_ms: u64,
    pub ttl_ms: u64,
    /// The absolute lifetime from sign-in: no rotation goes past it.
    pub max_ms: u64,
}

/// A reset link's token and the new password's hash.
#[derive(Debug, Serialize, Deserialize)]
pub struct ResetUse {
    pub token: String,
    pub hash: String,
    pub ttl_ms: u64,
}

/// How long a password reset link works (24 hours).
pub const RESET_MS: u64 = 24 * 3600 * 1000;

/// An invitation to revoke, by someone of its organisation.
#[derive(Debug, Serialize, Deserialize)]
pub struct RevokeOp {
    pub by: By,
    pub id: String,
}

/// A new password hash for `account`; the session with token `keep` stays.
#[derive(Debug, Serialize, Deserialize)]
pub struct SetPasswordOp {
    pub account: String,
    pub hash: String,
    pub keep: String,
}

/// Answer to [`Check`].
#[derive(Debug, Serialize, Deserialize)]
pub struct Checked {
    pub me: Me,
    pub rotated: Option<String>,
    /// The sign-in the session belongs to (its sockets carry it).
    pub line: String,
}

/// Who asks (for the people operations), as the Worker found from their session.
#[derive(Debug, Serialize, Deserialize)]
pub struct By {
    pub account: String,
    pub org: String,
    pub role: StaffRole,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct InviteOp {
    pub by: By,
    pub email: String,
    pub role: StaffRole,
}

/// `accept`: the invitation's token, and the new account (its id already
/// claimed for the invitation's address).
#[derive(Debug, Serialize, Deserialize)]
pub struct AcceptOp {
    pub token: String,
    pub account: String,
    pub name: String,
    pub hash: String,
    pub ttl_ms: u64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PersonOp {
    pub by: By,
    pub account: String,
    /// The new role (`role`); none for `remove`.
    pub role: Option<StaffRole>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct AccessOp {
    pub by: By,
    pub account: String,
    /// The sites (empty: every site).
    pub sites: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SiteOp {
    pub by: By,
    pub site: NewSite,
}

/// Every request to an Org: the JSON body of `POST https://org/`, handled
/// by one exhaustive `match` ([`run`]).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OrgOp {
    /// The new organisation's sites and accounts.
    Seed(Seed),
    /// An account's password hash → [`Candidate`].
    Hash(String),
    /// The password was right: a new session → [`Issued`].
    LoginFinish(Issue),
    /// Checks a session token → [`Checked`].
    Session(Check),
    /// Ends the session with this token (its sign-in) and closes its sockets.
    Logout(String),
    /// Ends every session of this account and closes its sockets.
    LogoutAll(String),
    /// Sets an account's password hash and ends its other sessions.
    SetPassword(SetPasswordOp),
    /// Revokes an open invitation.
    Revoke(RevokeOp),
    /// A password reset link for someone → [`shared::staff::ResetIssued`].
    IssueReset(PersonOp),
    /// Whether a reset link works (before a password hash is spent).
    CheckReset(String),
    /// Sets the password with a reset link: every session ends, a new one
    /// starts → [`Issued`].
    UseReset(ResetUse),
    /// The organisation's people and open invitations → [`People`].
    People(String),
    /// Invites someone → [`Invited`].
    Invite(InviteOp),
    /// Whether an invitation link works (before a password hash is spent)
    /// → the address it was sent to.
    CheckInvite(String),
    /// Accepts an invitation → [`Issued`].
    Accept(AcceptOp),
    /// Changes a person's role, or removes them (→ their address, to release).
    Person(PersonOp),
    /// Sets which sites an account may use.
    Access(AccessOp),
    /// Adds a site → [`SiteEntry`].
    Site(SiteOp),
    /// Renames a site.
    RenameSite(SiteOp),
    /// Starts this account's two-factor enrolment → [`shared::staff::TwoFactorSetup`].
    TotpBegin(String),
    /// Confirms enrolment with a first code.
    TotpConfirm(CodeOp),
    /// Turns two-factor sign-in off with a current code.
    TotpDisable(CodeOp),
    /// Sets the organisation's sign-in policy.
    Security(SecurityOp),
    /// Tells every site's settings the people's names (after a new site).
    StaffNames,
    /// An object accepted an operator's socket: its row, written — marked
    /// closing if the access it was checked with ended meanwhile.
    Opened(sockets::Opened),
    /// The socket with this row tag closed: its row goes.
    Closed(String),
    /// The rows that expire, counted → [`sql::Expiring`] (bench only).
    Expiring,
    /// A migrated organisation's rows, written (again: replaced).
    Import(Box<sql::Dump>),
    /// A new API key → [`shared::keys::IssuedKey`] (403: not an owner or admin).
    KeyCreate(super::keys::Create),
    /// A site's API keys → `Vec<ApiKey>`.
    Keys {
        /// The organisation.
        org: String,
        /// The site.
        site: String,
    },
    /// Revokes an API key (404: no such key).
    KeyRevoke {
        /// Who revokes it.
        by: By,
        /// The site.
        site: String,
        /// The key's id.
        id: String,
    },
    /// The caller an API key stands for → [`super::keys::KeyCaller`] (401: none).
    KeyCheck(String),
    /// What the object did since it woke → [`OrgCounts`] (bench only;
    /// answered by the object, which counts).
    Counts,
}

/// Answer to [`OrgOp::Counts`].
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgCounts {
    /// Requests (these aside).
    pub requests: u64,
    /// Rows their statements read.
    pub rows_read: u64,
}

/// Runs `op` at time `now`; new tokens are signed with `key`.
pub fn run(sql: &SqlStorage, op: OrgOp, now: u64, key: &str) -> Outcome {
    match op {
        OrgOp::Seed(seed) => self::seed(sql, seed, now),
        OrgOp::Hash(account) => {
            answer(Candidate { hash: sql::account(sql, &account).map_err(db)?.map(|a| a.password) })
        }
        OrgOp::LoginFinish(issue) => {
            let account = sql::account(sql, &issue.account).map_err(db)?.ok_or_else(unknown_account)?;
            two_factor::check_sign_in(sql, &account.id, issue.code.as_deref(), now / 1000).map_err(refused)?;
            answer(issue_session(sql, &account, None, (issue.ttl_ms, now, key))?)
        }
        OrgOp::TotpBegin(account) => {
            let account = sql::account(sql, &account).map_err(db)?.ok_or_else(unknown_account)?;
            answer(two_factor::begin(sql, &account.id, &account.email).map_err(db)?)
        }
        OrgOp::TotpConfirm(op) => {
            two_factor::confirm(sql, &op.account, &op.code, now / 1000).map_err(refused)?;
            answer(())
        }
        OrgOp::TotpDisable(op) => {
            let account = sql::account(sql, &op.account).map_err(db)?.ok_or_else(unknown_account)?;
            if two_factor::state(sql, &account.org, &account.id).map_err(db)?.required {
                return Err(refuse(ErrorCode::Forbidden, "your organisation requires two-factor sign-in"));
            }
            two_factor::disable(sql, &account.id, &op.code, now / 1000).map_err(refused)?;
            answer(())
        }
        OrgOp::Security(op) => {
            if !matches!(op.by.role, StaffRole::Owner | StaffRole::Admin) {
                return Err(refuse(ErrorCode::Forbidden, "only owners and admins set the sign-in policy"));
            }
            // Not a policy that would shut its own maker out.
            if op.require_two_factor && !two_factor::state(sql, &op.by.org, &op.by.account).map_err(db)?.enrolled {
                return Err(refuse(ErrorCode::Forbidden, "set up your own two-factor sign-in first"));
            }
            two_factor::require(sql, &op.by.org, op.require_two_factor).map_err(db)?;
            answer(())
        }
        OrgOp::Session(c) => check(sql, c, now, key),
        OrgOp::KeyCreate(c) => match keys::create(sql, c, now, key).map_err(db)? {
            Ok(issued) => answer(issued),
            Err(why) => Err(refuse(ErrorCode::Forbidden, why)),
        },
        OrgOp::Keys { org, site } => answer(keys::list(sql, &org, &site).map_err(db)?),
        OrgOp::KeyRevoke { by, site, id } => {
            if !matches!(by.role, StaffRole::Owner | StaffRole::Admin) {
                return Err(refuse(ErrorCode::Forbidden, "only owners and admins revoke API keys"));
            }
            match keys::revoke(sql, &by.org, &site, &id).map_err(db)? {
                true => answer(()),
                false => Err(refuse(ErrorCode::NotFound, "no such key")),
            }
        }
        OrgOp::KeyCheck(token) => match keys::check(sql, &token, now).map_err(db)? {
            keys::Checked::Caller(caller) => answer(caller),
            keys::Checked::Unknown => Err(refuse(ErrorCode::Unauthorized, "no such API key, or it was revoked")),
            keys::Checked::TooFast(wait_ms) => Err(Refusal::too_fast("calling the API with this key", wait_ms)),
        },
        OrgOp::Logout(token) => match sql::session_line(sql, &token_digest(&token)).map_err(db)? {
            // The sign-in ends and its sockets close (the account's other
            // sign-ins keep theirs).
            Some(line) => {
                sql::delete_line(sql, &line).map_err(db)?;
                sockets::close_line(sql, &line).map_err(db)?;
                drop_closing()
            }
            None => answer(()),
        },
        OrgOp::LogoutAll(account) => {
            sql::delete_sessions(sql, &account).map_err(db)?;
            sockets::close_account(sql, &account).map_err(db)?;
            drop_closing()
        }
        OrgOp::SetPassword(op) => {
            sql::set_password(sql, &op.account, &op.hash).map_err(db)?;
            let keep = sql::session_line(sql, &token_digest(&op.keep)).map_err(db)?.unwrap_or_default();
            sql::delete_other_lines(sql, &op.account, &keep).map_err(db)?;
            sockets::close_lines_but(sql, &op.account, &keep).map_err(db)?;
            drop_closing()
        }
        OrgOp::People(org) => {
            let people = sql::people(sql, &org).map_err(db)?;
            let invitations = sql::invitations(sql, &org, now).map_err(db)?.iter().map(|i| i.public()).collect();
            answer(People { people, invitations })
        }
        OrgOp::Invite(op) => invite(sql, op, now, key),
        OrgOp::IssueReset(op) => {
            let target = managed(sql, &op.by, &op.account)?;
            let token = org_token(&op.by.org, key);
            let expires_at = now + RESET_MS;
            sql::insert_reset(sql, &token_digest(&token), &target.id, expires_at).map_err(db)?;
            answer(shared::staff::ResetIssued { token, expires_at })
        }
        OrgOp::CheckReset(token) => match sql::reset_account(sql, &token_digest(&token), now).map_err(db)? {
            Some(_) => answer(()),
            None => Err(unknown_reset()),
        },
        OrgOp::UseReset(op) => {
            let digest = token_digest(&op.token);
            let account = sql::reset_account(sql, &digest, now).map_err(db)?.ok_or_else(unknown_reset)?;
            let account = sql::account(sql, &account).map_err(db)?.ok_or_else(unknown_reset)?;
            sql::delete_reset(sql, &digest).map_err(db)?;
            sql::set_password(sql, &account.id, &op.hash).map_err(db)?;
            // Whoever held a session (perhaps who made the reset needed) is out.
            sql::delete_sessions(sql, &account.id).map_err(db)?;
            sockets::close_account(sql, &account.id).map_err(db)?;
            // The person may have lost their authenticator: they enrol again.
            two_factor::forget(sql, &account.id).map_err(db)?;
            let issued = issue_session(sql, &account, None, (op.ttl_ms, now, key))?;
            let answer = serde_json::to_value(&issued).map_err(|e| refuse(ErrorCode::Internal, e.to_string()))?;
            Ok(Done::Drop(answer))
        }
        OrgOp::Revoke(op) => {
            let open = sql::invitations(sql, &op.by.org, now).map_err(db)?;
            let inv = open.iter().find(|i| i.id == op.id).ok_or_else(unknown_invitation)?.public();
            if !op.by.role.may_manage(inv.role) {
                let msg = format!("a {} cannot revoke an invitation of a {}", op.by.role.as_str(), inv.role.as_str());
                return Err(refuse(ErrorCode::Forbidden, msg));
            }
            sql::delete_invitation(sql, &inv.id).map_err(db)?;
            answer(())
        }
        OrgOp::Accept(op) => accept(sql, op, now, key),
        OrgOp::CheckInvite(token) => match sql::invitation(sql, &token_digest(&token), now).map_err(db)? {
            Some(inv) => answer(inv.email),
            None => Err(unknown_invitation()),
        },
        OrgOp::Person(op) => person(sql, op),
        OrgOp::Site(op) => add_site(sql, op),
        OrgOp::Access(op) => access(sql, op),
        OrgOp::StaffNames => answer(()),
        OrgOp::Opened(row) => opened(sql, row, now),
        OrgOp::Closed(tag) => {
            sockets::closed(sql, &tag).map_err(db)?;
            answer(())
        }
        OrgOp::Expiring => answer(sql::expiring(sql).map_err(db)?),
        OrgOp::RenameSite(op) => {
            sql::rename_site(sql, op.site.id.as_str(), &op.by.org, op.site.name.trim()).map_err(db)?;
            answer(())
        }
        OrgOp::Import(dump) => {
            sql::import(sql, &dump).map_err(db)?;
            answer(())
        }
        OrgOp::Counts => answer(OrgCounts::default()),
    }
}

fn unknown_reset() -> Refusal {
    refuse(ErrorCode::NotFound, "this password reset link is unknown, used or expired")
}

fn unknown_invitation() -> Refusal {
    refuse(ErrorCode::NotFound, "this invitation link is unknown, used or expired")
}

fn unknown_account() -> Refusal {
    refuse(ErrorCode::Unauthorized, "this account no longer exists")
}

/// Writes a new organisation (the Worker claimed its ids in the index).
pub fn seed(sql: &SqlStorage, seed: Seed, now: u64) -> Outcome {
    if !sql::org_name(sql, &seed.id).map_err(db)?.is_empty() {
        return Err(refuse(ErrorCode::IdConflict, "this organisation exists"));
    }
    sql::insert_org(sql, &seed.id, seed.org.trim(), now).map_err(db)?;
    for site in &seed.sites {
        sql::insert_site(sql, site.id.as_str(), &seed.id, site.name.trim()).map_err(db)?;
    }
    for a in seed.accounts {
        let role = a.role.as_str().into();
        let account = Account { id: a.id, org: seed.id.clone(), email: a.email, name: a.name, role, password: a.hash };
        sql::insert_account(sql, &account, now).map_err(db)?;
    }
    answer(())
}

/// A new organisation's id.
pub fn new_org_id() -> String {
    format!("org_{}", &new_token()[..16])
}

/// A new account's id.
pub fn new_account_id() -> String {
    format!("acct_{}", &new_token()[..16])
}

/// The signed-in view of `account` with the session's anti-CSRF token.
fn me(sql: &SqlStorage, account: &Account, csrf: &str) -> Result<Me, Refusal> {
    Ok(Me {
        account: account.id.clone(),
        email: account.email.clone(),
        name: account.name.clone(),
        role: account.role(),
        org: account.org.clone(),
        org_name: sql::org_name(sql, &account.org).map_err(db)?,
        sites: visible_sites(sql, account)?,
        csrf: csrf.to_owned(),
        two_factor: two_factor::state(sql, &account.org, &account.id).map_err(db)?,
    })
}

/// The sites `account` works on: every site of its organisation for owners
/// and admins and for those not limited to some; else only those.
fn visible_sites(sql: &SqlStorage, account: &Account) -> Result<Vec<SiteEntry>, Refusal> {
    let all = sql::sites(sql, &account.org).map_err(db)?;
    if matches!(account.role(), StaffRole::Owner | StaffRole::Admin) {
        return Ok(all);
    }
    let only = sql::access(sql, &account.id).map_err(db)?;
    Ok(all.into_iter().filter(|s| only.is_empty() || only.iter().any(|o| o == s.id.as_str())).collect())
}

/// What a rotation carries from the session it replaces.
#[derive(Clone, Copy)]
struct Rotating<'a> {
    csrf: &'a str,
    line: &'a str,
    signed_in: u64,
    /// The absolute lifetime.
    max_ms: u64,
}

/// A new session for `account`: a sign-in's (a new line), or a rotation's.
fn issue_session(
    sql: &SqlStorage,
    account: &Account,
    rotating: Option<Rotating>,
    (ttl_ms, now, key): (u64, u64, &str),
) -> Result<Issued, Refusal> {
    let token = org_token(&account.org, key);
    let (csrf, line) = match rotating {
        Some(r) => (r.csrf.to_owned(), r.line.to_owned()),
        None => (new_token(), new_token()[..16].to_owned()),
    };
    let (signed_in, last) = rotating.map_or((now, u64::MAX), |r| (r.signed_in, r.signed_in + r.max_ms));
    sql::insert_session(sql, (&token_digest(&token), &line), &account.id, &csrf, (now, ttl_ms), (signed_in, last))
        .map_err(db)?;
    Ok(Issued { me: me(sql, account, &csrf)?, token })
}

fn check(sql: &SqlStorage, check: Check, now: u64, key: &str) -> Outcome {
    let signed_out = || refuse(ErrorCode::Unauthorized, "not signed in, or the session has expired");
    let digest = token_digest(&check.token);
    let session = sql::session(sql, &digest, now).map_err(db)?.ok_or_else(signed_out)?;
    let account = sql::account(sql, &session.account).map_err(db)?.ok_or_else(signed_out)?;
    let line = session.line.clone();
    let due = check.rotate.as_ref().filter(|r| session.replaced == 0 && now >= session.created_at as u64 + r.after_ms);
    if let Some(r) = due {
        sql::replace_session(sql, &digest, now, r.grace_ms).map_err(db)?;
        let rotating =
            Rotating { csrf: &session.csrf, line: &session.line, signed_in: session.signed_in(), max_ms: r.max_ms };
        let issued = issue_session(sql, &account, Some(rotating), (r.ttl_ms, now, key))?;
        return answer(Checked { me: issued.me, rotated: Some(issued.token), line });
    }
    answer(Checked { me: me(sql, &account, &session.csrf)?, rotated: None, line })
}

/// Writes an accepted socket's row; when its sign-in ended, its account
/// went or its role or sites changed since the handshake's check, the row
/// is marked closing and the socket dropped at once.
fn opened(sql: &SqlStorage, row: sockets::Opened, now: u64) -> Outcome {
    let account = sql::account(sql, &row.account).map_err(db)?;
    let still = match account {
        Some(a) if a.role() == row.role && sql::line_live(sql, &row.line, now).map_err(db)? => {
            visible_sites(sql, &a)?.iter().any(|s| s.id.as_str() == row.site)
        }
        _ => false,
    };
    sockets::open(sql, &row, !still).map_err(db)?;
    if still {
        answer(())
    } else {
        drop_closing()
    }
}

fn invite(sql: &SqlStorage, op: InviteOp, now: u64, key: &str) -> Outcome {
    if !op.by.role.may_manage(op.role) {
        return Err(refuse(
            ErrorCode::Forbidden,
            format!("a {} cannot invite a {}", op.by.role.as_str(), op.role.as_str()),
        ));
    }
    let email = shared::staff::normalize_email(&op.email);
    if !shared::staff::email_ok(&email) {
        return Err(refuse(ErrorCode::Malformed, "not an e-mail address"));
    }
    if sql::account_by_email(sql, &email).map_err(db)?.is_some() {
        return Err(refuse(ErrorCode::IdConflict, format!("{email} already has an account")));
    }
    let token = org_token(&op.by.org, key);
    let invitation =
        Invitation { id: format!("inv_{}", &new_token()[..16]), email, role: op.role, expires_at: now + INVITATION_MS };
    sql::insert_invitation(sql, &invitation, &token_digest(&token), &op.by.org).map_err(db)?;
    answer(Invited { invitation, token })
}

fn accept(sql: &SqlStorage, op: AcceptOp, now: u64, key: &str) -> Outcome {
    let Some(inv) = sql::invitation(sql, &token_digest(&op.token), now).map_err(db)? else {
        return Err(unknown_invitation());
    };
    let name = op.name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(refuse(ErrorCode::Malformed, "a name has 1 to 60 characters"));
    }
    let account = Account {
        id: op.account,
        org: inv.org.clone(),
        email: inv.email.clone(),
        name: name.to_owned(),
        role: inv.public().role.as_str().into(),
        password: op.hash,
    };
    if !sql::insert_account(sql, &account, now).map_err(db)? {
        return Err(refuse(ErrorCode::IdConflict, format!("{} already has an account", inv.email)));
    }
    sql::delete_invitation(sql, &inv.id).map_err(db)?;
    answer(issue_session(sql, &account, None, (op.ttl_ms, now, key))?)
}

/// The person `account` of `by`'s organisation, if `by` may change them.
fn managed(sql: &SqlStorage, by: &By, account: &str) -> Result<Account, Refusal> {
    let not_found = || refuse(ErrorCode::Forbidden, "no such person in your organisation");
    let target = sql::account(sql, account).map_err(db)?.filter(|a| a.org == by.org).ok_or_else(not_found)?;
    if !by.role.may_manage(target.role()) {
        let msg = format!("a {} cannot change a {}", by.role.as_str(), target.role().as_str());
        return Err(refuse(ErrorCode::Forbidden, msg));
    }
    Ok(target)
}

fn person(sql: &SqlStorage, op: PersonOp) -> Outcome {
    let target = managed(sql, &op.by, &op.account)?;
    let forbidden = |what: &str| refuse(ErrorCode::Forbidden, what.to_owned());
    let last_owner =
        target.role() == StaffRole::Owner && sql::count_role(sql, &target.org, StaffRole::Owner).map_err(db)? <= 1;
    match op.role {
        Some(role) => {
            if !op.by.role.may_manage(role) {
                return Err(forbidden(&format!("a {} cannot make someone a {}", op.by.role.as_str(), role.as_str())));
            }
            if last_owner && role != StaffRole::Owner {
                return Err(forbidden("an organisation keeps at least one owner"));
            }
            sql::set_role(sql, &target.id, role).map_err(db)?;
            // Open sockets carry the old role: they reconnect under the new one.
            sockets::close_account(sql, &target.id).map_err(db)?;
            drop_closing()
        }
        None => {
            if target.id == op.by.account {
                return Err(forbidden("you cannot remove yourself"));
            }
            if last_owner {
                return Err(forbidden("an organisation keeps at least one owner"));
            }
            sql::delete_account(sql, &target.id).map_err(db)?;
            two_factor::forget(sql, &target.id).map_err(db)?;
            sockets::close_account(sql, &target.id).map_err(db)?;
            Ok(Done::Drop(Value::String(target.email)))
        }
    }
}

/// Limits someone to some of the organisation's sites; their sockets close
/// (they reconnect with what they may now see).
fn access(sql: &SqlStorage, op: AccessOp) -> Outcome {
    let target = managed(sql, &op.by, &op.account)?;
    let ours = sql::sites(sql, &op.by.org).map_err(db)?;
    if let Some(other) = op.sites.iter().find(|s| !ours.iter().any(|o| o.id.as_str() == s.as_str())) {
        return Err(refuse(ErrorCode::UnknownSite, format!("your organisation has no site {other:?}")));
    }
    sql::set_access(sql, &target.id, &op.sites).map_err(db)?;
    sockets::close_account(sql, &target.id).map_err(db)?;
    drop_closing()
}

fn add_site(sql: &SqlStorage, op: SiteOp) -> Outcome {
    let name = op.site.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(refuse(ErrorCode::Malformed, "a site name has 1 to 80 characters"));
    }
    if !sql::insert_site(sql, op.site.id.as_str(), &op.by.org, name).map_err(db)? {
        return Err(refuse(ErrorCode::IdConflict, format!("the site id {:?} is taken", op.site.id.as_str())));
    }
    answer(SiteEntry { id: op.site.id, name: name.to_owned() })
}
