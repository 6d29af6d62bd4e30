//! Changing one's password against the real Worker: the current password
//! proves it is them (a wrong one, or a request without the session's
//! anti-CSRF token, changes nothing); a too-short new one is refused with
//! the reason; after the change the old password no longer signs in, the
//! new one does, this session carries on and the account's other sessions
//! have ended. An admin's reset link works once, only the newest, only for
//! someone they manage, and ends every session of the account.

use e2e::accounts::{sign_up_org, Staff, TEST_PASSWORD};
use e2e::base_url;
use e2e::client::status;
use shared::api::{reset_path, ApiError, PASSWORD_PATH, RESET_PATH, SESSION_PATH};
use shared::staff::{PasswordChange, ResetIssued, ResetPassword, StaffRole};
use shared::ErrorCode;

fn change(who: &Staff, current: &str, new: &str) -> Result<u16, (u16, ErrorCode, String)> {
    let body = PasswordChange { current: current.into(), new: new.into() };
    match who.send("POST", PASSWORD_PATH).send_json(&body) {
        Ok(r) => Ok(r.status()),
        Err(ureq::Error::Status(s, r)) => {
            let e: ApiError = r.into_json().unwrap();
            Err((s, e.code, e.message))
        }
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn a_password_change_needs_the_current_one_and_ends_the_other_sessions() {
    let site = format!("pw{}", std::process::id());
    let people = sign_up_org(&base_url(), "password-org", &site).unwrap();
    let here = people[StaffRole::ALL.iter().position(|r| *r == StaffRole::Operator).unwrap()].clone();
    let email = here.me.email.clone();
    let elsewhere = Staff::login(&base_url(), &email, TEST_PASSWORD).unwrap();
    let new = "a much longer passphrase";

    let (s, code, _) = change(&here, "not my password", new).unwrap_err();
    assert_eq!((s, code), (403, ErrorCode::Forbidden), "a wrong current password");
    let (s, _, message) = change(&here, TEST_PASSWORD, "short").unwrap_err();
    assert_eq!(s, 400);
    assert!(message.contains("at least 10 characters"), "{message}");
    // Without the session's anti-CSRF token (a forged cross-site form): refused.
    let body = PasswordChange { current: TEST_PASSWORD.into(), new: new.into() };
    let forged = ureq::post(&format!("{}{PASSWORD_PATH}", base_url()))
        .set("Origin", &base_url())
        .set("Cookie", &here.cookie)
        .send_json(&body);
    assert_eq!(status(forged), 403);
    assert_eq!(status(elsewhere.get(SESSION_PATH).call()), 200, "nothing changed yet");

    assert_eq!(change(&here, TEST_PASSWORD, new), Ok(204));
    assert_eq!(status(here.get(SESSION_PATH).call()), 200, "this session carries on");
    assert_eq!(status(elsewhere.get(SESSION_PATH).call()), 401, "the other session ended");
    assert!(Staff::login(&base_url(), &email, TEST_PASSWORD).is_err(), "the old password no longer signs in");
    Staff::login(&base_url(), &email, new).expect("the new one does");
}

fn reset(with: &str, password: &str) -> Result<Staff, u16> {
    let body = ResetPassword { token: with.into(), password: password.into() };
    match ureq::post(&format!("{}{RESET_PATH}", base_url())).set("Origin", &base_url()).send_json(&body) {
        Ok(r) => Ok(Staff::from_response(&base_url(), r).unwrap()),
        Err(ureq::Error::Status(s, _)) => Err(s),
        Err(e) => panic!("{e}"),
    }
}

/// An admin's reset link: only for someone they manage, the newest one
/// only, once; using it sets the password, ends every session of the
/// account and signs this browser in.
#[test]
fn a_reset_link_sets_a_new_password_once_and_ends_every_session() {
    let site = format!("rs{}", std::process::id());
    let people = sign_up_org(&base_url(), "reset-org", &site).unwrap();
    let other = sign_up_org(&base_url(), "reset-other", &format!("ro{}", std::process::id())).unwrap();
    let role = |list: &[Staff], r: StaffRole| list[StaffRole::ALL.iter().position(|x| *x == r).unwrap()].clone();
    let (owner, admin, operator) =
        (role(&people, StaffRole::Owner), role(&people, StaffRole::Admin), role(&people, StaffRole::Operator));
    let issue = |by: &Staff, whom: &Staff| match by.send("POST", &reset_path(&whom.me.account)).call() {
        Ok(r) => Ok(r.into_json::<ResetIssued>().unwrap()),
        Err(ureq::Error::Status(s, _)) => Err(s),
        Err(e) => panic!("{e}"),
    };
    assert_eq!(issue(&operator, &admin).unwrap_err(), 403, "an operator manages no one");
    assert_eq!(issue(&admin, &owner).unwrap_err(), 403, "an admin does not manage owners");
    assert_eq!(issue(&role(&other, StaffRole::Admin), &operator).unwrap_err(), 403, "another organisation's person");

    let first = issue(&admin, &operator).unwrap();
    let newest = issue(&admin, &operator).unwrap();
    assert_eq!(reset(&first.token, "a brand new password").unwrap_err(), 404, "a newer link replaced it");
    assert_eq!(reset(&newest.token, "short").unwrap_err(), 400);
    let signed_in = reset(&newest.token, "a brand new password").expect("the newest link works");
    assert_eq!(signed_in.me.account, operator.me.account);
    assert_eq!(status(operator.get(SESSION_PATH).call()), 401, "the account's earlier sessions ended");
    assert_eq!(status(signed_in.get(SESSION_PATH).call()), 200);
    assert_eq!(reset(&newest.token, "another new password").unwrap_err(), 404, "once");
    assert!(Staff::login(&base_url(), &operator.me.email, TEST_PASSWORD).is_err());
    Staff::login(&base_url(), &operator.me.email, "a brand new password").unwrap();
}
