//! The people who work in the console: roles and what each may do, and the
//! JSON bodies of the account routes (sign-in, the signed-in account,
//! people, invitations, sites, the first-run seed).

use serde::{Deserialize, Serialize};

use crate::ids::SiteId;

/// A member's role in their organisation. Ordered from most to least power
/// over the organisation itself (owner first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StaffRole {
    /// Everything, including other owners.
    Owner,
    /// Everything but owners: cannot invite, promote, demote or remove one.
    Admin,
    /// Works conversations and oversees the team: reads the moderation desk
    /// and the people list.
    Supervisor,
    /// Works conversations (support and sales).
    Operator,
    /// Works the moderation desk and channels; reads conversations.
    Moderator,
}

/// One thing a role may or may not do. Checked by the Worker at every route
/// and socket handshake, and by the rooms for every socket message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Capability {
    /// See the inbox and read conversations.
    ReadConversations,
    /// Write in conversations: messages, typing, workflow events.
    Reply,
    /// Read the moderation desk (queue, cases, sanctions, incidents).
    ReadDesk,
    /// Act on the desk (review, cases, sanctions) and watch and write in channels.
    Moderate,
    /// See the organisation's people and pending invitations.
    ViewPeople,
    /// Invite people, change roles, remove people (not owners, see
    /// [`StaffRole::may_manage`]).
    ManagePeople,
    /// Oversee the operators: their seats (capacity, teams, mentor), the
    /// live board, taking over any conversation.
    Supervise,
    /// Change a site's settings (name, origins, appearance, workflows,
    /// canned responses, rules, limits) and add sites.
    EditSettings,
}

impl StaffRole {
    /// Every role, most powerful first.
    pub const ALL: [StaffRole; 5] =
        [StaffRole::Owner, StaffRole::Admin, StaffRole::Supervisor, StaffRole::Operator, StaffRole::Moderator];

    /// Whether this role may do `c`.
    pub fn may(self, c: Capability) -> bool {
        use Capability::*;
        use StaffRole::*;
        match self {
            Owner | Admin => true,
            Supervisor => matches!(c, ReadConversations | Reply | ReadDesk | ViewPeople | Supervise),
            Operator => matches!(c, ReadConversations | Reply),
            Moderator => matches!(c, ReadConversations | ReadDesk | Moderate),
        }
    }

    /// Whether this role may invite someone as, give or take away, or remove
    /// someone who has, role `other`: owners manage everyone, admins everyone
    /// but owners, the others no one.
    pub fn may_manage(self, other: StaffRole) -> bool {
        match self {
            StaffRole::Owner => true,
            StaffRole::Admin => other != StaffRole::Owner,
            _ => false,
        }
    }

    /// The wire name (`"owner"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Owner => "owner",
            StaffRole::Admin => "admin",
            StaffRole::Supervisor => "supervisor",
            StaffRole::Operator => "operator",
            StaffRole::Moderator => "moderator",
        }
    }

    /// The role with this wire name.
    pub fn parse(s: &str) -> Option<StaffRole> {
        StaffRole::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A site as its organisation's members see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteEntry {
    /// Its id (in the script tag).
    pub id: SiteId,
    /// Its name.
    pub name: String,
}

/// `POST /api/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Login {
    /// The account's e-mail address.
    pub email: String,
    /// Its password.
    pub password: String,
    /// The authenticator's code (RFC 6238, 6 digits), for an account with
    /// two-factor sign-in (without it: `secondFactor`, 401).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// An account's two-factor sign-in, as its session sees it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TwoFactor {
    /// It signs in with an authenticator's code.
    pub enrolled: bool,
    /// Its organisation requires it: until enrolled, the session reaches
    /// nothing but enrolment (and signing out).
    pub required: bool,
}

impl TwoFactor {
    /// Whether the account must enrol before anything else.
    pub fn due(self) -> bool {
        self.required && !self.enrolled
    }
}

/// The answer to starting enrolment (`POST /api/auth/totp`): the new
/// secret, for an authenticator app (typed, or as the `otpauth://` link
/// a QR code would carry); it counts once a code from it is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorSetup {
    /// The secret in base32 (RFC 4648, no padding).
    pub secret: String,
    /// `otpauth://totp/…` with the secret, the account and the issuer.
    pub uri: String,
}

/// An authenticator's code (confirming enrolment, or turning it off).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorCode {
    pub code: String,
}

/// An organisation's sign-in policy (`POST /api/org/security`, owners and
/// admins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgSecurity {
    /// Everyone signs in with a second factor.
    pub require_two_factor: bool,
}

/// A signed-in person's new password (`POST /api/auth/password`): the
/// current one proves it is them; every other session of the account ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChange {
    /// The password now.
    pub current: String,
    /// The new one ([`password_problem`] says what is refused).
    pub new: String,
}

/// The signed-in account (`GET /api/auth/session`, and the answer to a
/// sign-in): who, in which organisation and role, its sites, and the token
/// every state-changing request must carry in `X-CSRF-Token`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    /// The account id.
    pub account: String,
    /// Its e-mail address.
    pub email: String,
    /// The name it works under (assignments, notices).
    pub name: String,
    /// Its role.
    pub role: StaffRole,
    /// Its organisation's id.
    pub org: String,
    /// Its organisation's name.
    pub org_name: String,
    /// The organisation's sites.
    pub sites: Vec<SiteEntry>,
    /// The anti-CSRF token of this session.
    pub csrf: String,
    /// Its two-factor sign-in.
    #[serde(default)]
    pub two_factor: TwoFactor,
}

/// A member as the people list shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    /// The account id.
    pub account: String,
    /// E-mail address.
    pub email: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: StaffRole,
    /// The sites they work on (empty: every site of the organisation;
    /// owners and admins always have every site).
    #[serde(default)]
    pub sites: Vec<String>,
}

/// A pending invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    /// Its id (not the secret of the link).
    pub id: String,
    /// Who is invited.
    pub email: String,
    /// As what.
    pub role: StaffRole,
    /// Until when it can be accepted (ms since the epoch).
    pub expires_at: u64,
}

/// `GET /api/org/people`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct People {
    /// The members.
    pub people: Vec<Person>,
    /// The invitations not yet accepted.
    pub invitations: Vec<Invitation>,
}

/// `POST /api/org/invitations`: invite `email` as `role`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    /// Who.
    pub email: String,
    /// As what.
    pub role: StaffRole,
}

/// Answer to [`Invite`]: the link's secret, shown once (the server keeps
/// its digest). The link is `/console#invite=<token>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invited {
    /// The invitation.
    pub invitation: Invitation,
    /// The secret the link carries.
    pub token: String,
}

/// `POST /api/auth/accept`: accept an invitation, choosing a name and a
/// password; signs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accept {
    /// The link's secret.
    pub token: String,
    /// The name to work under.
    pub name: String,
    /// The new password.
    pub password: String,
}

/// A password reset link an admin made for someone (`POST
/// /api/org/people/{account}/reset`), shown to copy as invitations are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetIssued {
    /// The link's secret.
    pub token: String,
    /// Until when it works (ms since the epoch).
    pub expires_at: u64,
}

/// Setting a new password with a reset link (`POST /api/auth/reset`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetPassword {
    /// The link's secret.
    pub token: String,
    /// The new password.
    pub password: String,
}

/// `POST /api/org/people/{account}/role`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetRole {
    /// The new role.
    pub role: StaffRole,
}

/// `POST /api/org/people/{account}/sites`: the sites someone works on
/// (empty: every site). Owners and admins always have every site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetSites {
    /// The sites.
    pub sites: Vec<SiteId>,
}

/// `POST /api/org/sites`: a new site of the caller's organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSite {
    /// Its id (letters, digits, `-`, `_`; unique in the deployment).
    pub id: SiteId,
    /// Its name.
    pub name: String,
}

/// One account of a [`Seed`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedAccount {
    /// E-mail address.
    pub email: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: StaffRole,
    /// Password.
    pub password: String,
}

/// `POST /api/setup` (with the deployment's `SETUP_KEY`): create the
/// deployment's first organisation with its sites and first accounts (the
/// first run of `cargo xtask dev`, and the tests); it works once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seed {
    /// The organisation's name.
    pub org: String,
    /// Its sites.
    pub sites: Vec<NewSite>,
    /// Its accounts.
    pub accounts: Vec<SeedAccount>,
}

/// `POST /api/auth/signup`: a new organisation, its first site and its
/// owner, who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Signup {
    /// The organisation's name.
    pub org: String,
    /// Its first site.
    pub site: NewSite,
    /// The owner's e-mail address.
    pub email: String,
    /// The owner's name.
    pub name: String,
    /// The owner's password.
    pub password: String,
}

/// What `POST /api/setup/migrate` moved from the legacy Directory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Migrated {
    /// Organisations.
    pub orgs: u64,
    /// Sites.
    pub sites: u64,
    /// Accounts.
    pub accounts: u64,
    /// Sites whose inbox was split into its parts (every site, every run).
    #[serde(default)]
    pub inboxes: u64,
    /// Inbox lines and desk rows moved into their parts.
    #[serde(default)]
    pub moved: u64,
}

/// The shortest password accepted (NIST SP 800-63B asks for at least 8).
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The longest password accepted (bounds the KDF's input).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Why a password is refused, if it is.
pub fn password_problem(password: &str) -> Option<String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Some(format!("a password needs at least {MIN_PASSWORD_CHARS} characters"));
    }
    if n > MAX_PASSWORD_CHARS {
        return Some(format!("a password has at most {MAX_PASSWORD_CHARS} characters"));
    }
    None
}

/// Whether `email` looks like an e-mail address (one `@`, something on
/// each side, a dot in the domain, no spaces, at most 254 bytes).
pub fn email_ok(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    email.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.contains(|c: char| c.is_whitespace() || c == '<' || c == '>')
        && !domain.contains('@')
}

/// An e-mail address as stored and compared: trimmed, lower case.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The permission table of ARCHITECTURE.md, row by row.
    #[test]
    fn roles_and_capabilities() {
        use Capability::*;
        let table: [(StaffRole, [bool; 8]); 5] = [
            //                    read   reply  desk   mod    people manage supervise settings
            (StaffRole::Owner, [true, true, true, true, true, true, true, true]),
            (StaffRole::Admin, [true, true, true, true, true, true, true, true]),
            (StaffRole::Supervisor, [true, true, true, false, true, false, true, false]),
            (StaffRole::Operator, [true, true, false, false, false, false, false, false]),
            (StaffRole::Moderator, [true, false, true, true, false, false, false, false]),
        ];
        let caps = [ReadConversations, Reply, ReadDesk, Moderate, ViewPeople, ManagePeople, Supervise, EditSettings];
        for (role, row) in table {
            for (cap, want) in caps.iter().zip(row) {
                assert_eq!(role.may(*cap), want, "{role:?} {cap:?}");
            }
        }
    }

    #[test]
    fn who_manages_whom() {
        for other in StaffRole::ALL {
            assert!(StaffRole::Owner.may_manage(other));
            assert_eq!(StaffRole::Admin.may_manage(other), other != StaffRole::Owner);
            for weak in [StaffRole::Supervisor, StaffRole::Operator, StaffRole::Moderator] {
                assert!(!weak.may_manage(other));
            }
        }
    }

    #[test]
    fn role_names_round_trip() {
        for r in StaffRole::ALL {
            assert_eq!(StaffRole::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{}\"", r.as_str()));
        }
        assert_eq!(StaffRole::parse("root"), None);
    }

    #[test]
    fn emails_and_passwords() {
        for ok in ["ada@example.com", "a.b+c@sub.example.co"] {
            assert!(email_ok(ok), "{ok}");
        }
        for bad in ["", "ada", "@example.com", "ada@", "ada@example", "a da@example.com", "a@b@c.com", "<a>@x.com"] {
            assert!(!email_ok(bad), "{bad}");
        }
        assert_eq!(normalize_email("  Ada@Example.COM "), "ada@example.com");
        assert!(password_problem("short").is_some());
        assert!(password_problem("long enough!").is_none());
        assert!(password_problem(&"x".repeat(257)).is_some());
    }
}
