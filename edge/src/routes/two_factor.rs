//! Two-factor sign-in routes: a signed-in person enrols (a new secret,
//! then a first code confirms it) or turns it off with a current code;
//! owners and admins set whether the organisation requires it. Code
//! guesses count against the account and address pair, as sign-ins do.
//! The checks themselves are the organisation's ([`crate::org::two_factor`]).

use shared::staff::{Capability, OrgSecurity, TwoFactorCode, TwoFactorSetup};
use worker::{Env, Request, Response};

use super::accounts::{address, json_body};
use crate::error::RouteResult;
use crate::org::ops::{By, CodeOp, OrgOp, SecurityOp};
use crate::session::{org, staff, staff_enrolling};

/// `POST /api/auth/totp` → [`TwoFactorSetup`]: a new secret to enrol.
pub async fn begin(req: Request, env: &Env) -> RouteResult {
    let me = staff_enrolling(&req, env).await?;
    let setup: TwoFactorSetup = org(env, &me.org, OrgOp::TotpBegin(me.account)).await?;
    Ok(Response::from_json(&setup)?)
}

/// `POST /api/auth/totp/confirm` [`TwoFactorCode`] → 204: enrolled.
/// `POST /api/auth/totp/disable` [`TwoFactorCode`] → 204: turned off.
pub async fn code(mut req: Request, env: &Env, confirm: bool) -> RouteResult {
    let me = staff_enrolling(&req, env).await?;
    let body: TwoFactorCode = json_body(&mut req, "{\"code\": \"123456\"}").await?;
    let pair = format!("totp:{}|{}", me.account, address(&req)?);
    super::accounts::count_pair(env, &pair, crate::org::ops::login_window_ms(env)).await?;
    let op = CodeOp { account: me.account, code: body.code };
    let () = org(env, &me.org, if confirm { OrgOp::TotpConfirm(op) } else { OrgOp::TotpDisable(op) }).await?;
    crate::calls::index::clear(env, &pair).await?;
    Ok(Response::empty()?.with_status(204))
}

/// `POST /api/org/security` [`OrgSecurity`] → 204 (owners and admins).
pub async fn security(mut req: Request, env: &Env) -> RouteResult {
    let me = staff(&req, env, Capability::ManagePeople).await?;
    let body: OrgSecurity = json_body(&mut req, "{\"requireTwoFactor\": true}").await?;
    let by = By { account: me.account, org: me.org.clone(), role: me.role };
    let op = SecurityOp { by, require_two_factor: body.require_two_factor };
    let () = org(env, &me.org, OrgOp::Security(op)).await?;
    Ok(Response::empty()?.with_status(204))
}
