//! Console accounts for the tests: the demo organisation every test Worker
//! is seeded with (one account per role, `<role>@demo.test`), other
//! organisations on demand (signed up, then one invitation accepted per
//! role), and a signed-in [`Staff`] that makes console
//! calls and opens operator sockets with its session cookie and anti-CSRF
//! token, as the console does.

use anyhow::{bail, Result};
use shared::api::{ACCEPT_PATH, CSRF_HEADER, INVITATIONS_PATH, LOGIN_PATH, SETUP_PATH, SIGNUP_PATH};
use shared::staff::{Invite, Invited, Login, Me, NewSite, Seed, SeedAccount, Signup, StaffRole};

use crate::client::Socket;

/// The setup key test Workers are started with.
pub const TEST_SETUP_KEY: &str = "e2e-setup-key";
/// The password of every seeded test account.
pub const TEST_PASSWORD: &str = "e2e-password-1";
/// The demo site.
pub const DEMO_SITE: &str = "demo";

/// The e-mail address of the demo organisation's account with `role`.
pub fn demo_email(role: StaffRole) -> String {
    format!("{}@demo.test", role.as_str())
}

/// The name of the demo organisation's account with `role`.
pub fn demo_name(role: StaffRole) -> &'static str {
    match role {
        StaffRole::Owner => "Olivia Owner",
        StaffRole::Admin => "Adam Admin",
        StaffRole::Supervisor => "Sue Supervisor",
        StaffRole::Operator => "Ada Operator",
        StaffRole::Moderator => "Mo Moderator",
    }
}

/// An organisation `org` with one site `site` and one account per role
/// (`<role>@<site>.test`, all with [`TEST_PASSWORD`]).
pub fn org_seed(org: &str, site: &str) -> Seed {
    Seed {
        org: org.into(),
        sites: vec![NewSite { id: site.parse().expect("a site id"), name: format!("{org} site") }],
        accounts: StaffRole::ALL
            .iter()
            .map(|r| SeedAccount {
                email: format!("{}@{site}.test", r.as_str()),
                name: format!("{} {}", r.as_str(), org),
                role: *r,
                password: TEST_PASSWORD.into(),
            })
            .collect(),
    }
}

/// `POST /api/setup` with `key`; `Ok(false)` if it was seeded already (409).
pub fn seed(base: &str, key: &str, seed: &Seed) -> Result<bool> {
    let resp =
        ureq::post(&format!("{base}{SETUP_PATH}")).set("Authorization", &format!("Bearer {key}")).send_json(seed);
    match resp {
        Ok(_) => Ok(true),
        Err(ureq::Error::Status(409, _)) => Ok(false),
        Err(e) => bail!("setup: {e}"),
    }
}

/// Seeds the demo organisation (site `demo`) of a test Worker, once.
pub fn seed_demo(base: &str) -> Result<()> {
    let mut demo = org_seed("Demo Shop", DEMO_SITE);
    for a in &mut demo.accounts {
        a.email = demo_email(a.role);
        a.name = demo_name(a.role).into();
    }
    seed(base, TEST_SETUP_KEY, &demo).map(|_| ())
}

/// A new organisation `org` with site `site`, through sign-up (the test
/// Workers have `SIGNUP` on): its owner signs up and invites one account
/// per other role, who accept. Everyone is `<role>@<site>.test` with
/// [`TEST_PASSWORD`]; signed in, in [`StaffRole::ALL`]'s order.
pub fn sign_up_org(base: &str, org: &str, site: &str) -> Result<Vec<Staff>> {
    let body = Signup {
        org: org.into(),
        site: NewSite { id: site.parse().expect("a site id"), name: format!("{org} site") },
        email: format!("owner@{site}.test"),
        name: format!("owner {org}"),
        password: TEST_PASSWORD.into(),
    };
    let owner =
        Staff::from_response(base, ureq::post(&format!("{base}{SIGNUP_PATH}")).set("Origin", base).send_json(&body)?)?;
    let mut all = Vec::new();
    for role in StaffRole::ALL {
        if role == StaffRole::Owner {
            all.push(owner.clone());
            continue;
        }
        let invite = Invite { email: format!("{}@{site}.test", role.as_str()), role };
        let invited: Invited = owner.send("POST", INVITATIONS_PATH).send_json(&invite)?.into_json()?;
        let accept = serde_json::json!({
            "token": invited.token, "name": format!("{} {org}", role.as_str()), "password": TEST_PASSWORD,
        });
        let resp = ureq::post(&format!("{base}{ACCEPT_PATH}")).set("Origin", base).send_json(&accept)?;
        all.push(Staff::from_response(base, resp)?);
    }
    Ok(all)
}

/// A signed-in console user.
#[derive(Debug, Clone)]
pub struct Staff {
    /// The Worker.
    pub base: String,
    /// `Cookie` header value.
    pub cookie: String,
    /// Who (with the anti-CSRF token).
    pub me: Me,
}

impl Staff {
    /// Signs in with `email` and `password`.
    pub fn login(base: &str, email: &str, password: &str) -> Result<Staff> {
        let body = Login { email: email.into(), password: password.into(), code: None };
        Self::from_response(base, ureq::post(&format!("{base}{LOGIN_PATH}")).set("Origin", base).send_json(&body)?)
    }

    /// Who a sign-in's answer (a login, sign-up or accepted invitation) signed in.
    pub fn from_response(base: &str, resp: ureq::Response) -> Result<Staff> {
        let set = resp.header("Set-Cookie").unwrap_or_default().to_owned();
        let cookie = set.split(';').next().unwrap_or_default().to_owned();
        Ok(Staff { base: base.into(), cookie, me: resp.into_json()? })
    }

    /// Signs in as the demo organisation's account with `role`.
    pub fn demo(base: &str, role: StaffRole) -> Result<Staff> {
        Self::login(base, &demo_email(role), TEST_PASSWORD)
    }

    /// A `GET` with the session cookie.
    pub fn get(&self, path: &str) -> ureq::Request {
        ureq::get(&format!("{}{path}", self.base)).set("Cookie", &self.cookie)
    }

    /// A state-changing request as the console sends it: cookie, own
    /// origin, anti-CSRF token.
    pub fn send(&self, method: &str, path: &str) -> ureq::Request {
        ureq::request(method, &format!("{}{path}", self.base))
            .set("Cookie", &self.cookie)
            .set("Origin", &self.base)
            .set(CSRF_HEADER, &self.me.csrf)
    }

    /// Opens an operator socket on `path` with the session cookie.
    pub fn socket(&self, path: &str) -> Result<Socket> {
        Socket::open_with(&self.base, path, &[("Origin", &self.base), ("Cookie", &self.cookie)])
    }
}
