//! Changing one's password against the real Worker: the current password
//! proves it is them (a wrong one, or a request without the session's
//! anti-CSRF token, changes nothing); a too-short new one is refused with
//! the reason; after the change the old password no longer signs in, the
//! new one does, this session carries on and the account's other sessions
//! have ended.

use e2e::accounts::{sign_up_org, Staff, TEST_PASSWORD};
use e2e::base_url;
use shared::api::{ApiError, PASSWORD_PATH, SESSION_PATH};
use shared::staff::{PasswordChange, StaffRole};
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

fn status(r: Result<ureq::Response, ureq::Error>) -> u16 {
    match r {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(s, _)) => s,
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
