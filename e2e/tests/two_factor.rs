//! Two-factor sign-in (TOTP, RFC 6238) against the real Worker: a person
//! enrols (a secret, then a first code confirms it) and from then on signs
//! in with a code, each code once; an organisation that requires it lets
//! its people without it do nothing but enrol, and they cannot turn it off
//! (whoever requires it has it first).
//! The codes are computed here as an authenticator app does (`totp-rs`).

use std::time::{SystemTime, UNIX_EPOCH};

use e2e::accounts::{sign_up_org, Staff, TEST_PASSWORD};
use e2e::base_url;
use e2e::client::status;
use serde_json::json;
use shared::api::ApiError;
use shared::api::{
    inbox_socket_path, site_config_path, LOGIN_PATH, ORG_SECURITY_PATH, SESSION_PATH, TOTP_CONFIRM_PATH,
    TOTP_DISABLE_PATH, TOTP_PATH,
};
use shared::staff::{Me, StaffRole, TwoFactorSetup};
use shared::{ErrorCode, ServerMsg};
use totp_rs::{Algorithm, Secret, TOTP};

fn now_s() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// The code an authenticator app shows for `secret` at `time` (s).
fn code_at(secret: &str, time: u64) -> String {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().unwrap();
    TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes).unwrap().generate(time)
}

/// Signs in with an optional code: the person, or the refusal's status and code.
fn sign_in(email: &str, code: Option<&str>) -> Result<Staff, (u16, Option<ErrorCode>)> {
    let body = json!({ "email": email, "password": TEST_PASSWORD, "code": code });
    match ureq::post(&format!("{}{LOGIN_PATH}", base_url())).set("Origin", &base_url()).send_json(body) {
        Ok(r) => Ok(Staff::from_response(&base_url(), r).unwrap()),
        Err(ureq::Error::Status(s, r)) => Err((s, r.into_json::<ApiError>().ok().map(|e| e.code))),
        Err(e) => panic!("{e}"),
    }
}

/// Enrols `who`: the secret, once a code from it confirmed it.
fn enrol(who: &Staff) -> String {
    let setup: TwoFactorSetup = who.send("POST", TOTP_PATH).call().unwrap().into_json().unwrap();
    assert!(setup.uri.starts_with("otpauth://totp/") && setup.uri.contains(&setup.secret), "{setup:?}");
    let wrong =
        who.send("POST", TOTP_CONFIRM_PATH).send_json(json!({ "code": code_at(&setup.secret, now_s() - 3_600) }));
    assert_eq!(status(wrong), 401, "an old code confirmed the enrolment");
    let right = who.send("POST", TOTP_CONFIRM_PATH).send_json(json!({ "code": code_at(&setup.secret, now_s()) }));
    assert_eq!(status(right), 204);
    setup.secret
}

#[test]
fn an_enrolled_person_signs_in_with_a_code_and_each_code_works_once() {
    let people = sign_up_org(&base_url(), "tfa", &format!("tfa{}", std::process::id())).unwrap();
    let op = &people[3];
    assert_eq!(op.me.role, StaffRole::Operator);
    assert!(!op.me.two_factor.enrolled);
    let secret = enrol(op);
    let email = op.me.email.as_str();
    assert_eq!(sign_in(email, None).unwrap_err(), (401, Some(ErrorCode::SecondFactor)), "no code");
    let old = code_at(&secret, now_s() - 3_600);
    assert_eq!(sign_in(email, Some(&old)).unwrap_err(), (401, Some(ErrorCode::SecondFactor)), "an old code");
    // The next step's code (one step of clock skew is allowed): once.
    let next = code_at(&secret, now_s() + 30);
    let me = sign_in(email, Some(&next)).expect("the right code");
    assert!(me.me.two_factor.enrolled);
    assert_eq!(sign_in(email, Some(&next)).unwrap_err(), (401, Some(ErrorCode::SecondFactor)), "a code used twice");
    // Turning it off needs a code too (a used one does not do).
    let off = me.send("POST", TOTP_DISABLE_PATH).send_json(json!({ "code": next }));
    assert_eq!(status(off), 401);
    // Someone without it still signs in with the password alone.
    assert!(sign_in(&people[4].me.email, None).is_ok());
}

#[test]
fn an_organisation_that_requires_it_lets_people_without_it_only_enrol() {
    let people = sign_up_org(&base_url(), "tfareq", &format!("tfq{}", std::process::id())).unwrap();
    let (owner, op) = (&people[0], &people[3]);
    let site = owner.me.sites[0].id.to_string();
    let require =
        |who: &Staff, on: bool| who.send("POST", ORG_SECURITY_PATH).send_json(json!({ "requireTwoFactor": on }));
    assert_eq!(status(require(op, true)), 403, "an operator set the policy");
    assert_eq!(status(require(owner, true)), 403, "required by someone without it");
    enrol(owner);
    assert_eq!(status(require(owner, true)), 204);
    let me: Me = op.get(SESSION_PATH).call().unwrap().into_json().unwrap();
    assert!(me.two_factor.required && me.two_factor.due(), "{:?}", me.two_factor);
    // Nothing but enrolment until then: a route, a socket.
    assert_eq!(status(op.get(&site_config_path(&site)).call()), 403);
    let mut inbox = op.socket(&inbox_socket_path(&site, &shared::scope::Scope::All)).unwrap();
    assert!(matches!(inbox.recv().unwrap().msg, ServerMsg::Error { code: ErrorCode::Forbidden, .. }));
    let secret = enrol(op);
    assert_eq!(status(op.get(&site_config_path(&site)).call()), 200, "enrolled, the console opens");
    let off = op.send("POST", TOTP_DISABLE_PATH).send_json(json!({ "code": code_at(&secret, now_s() + 30) }));
    assert_eq!(status(off), 403, "turned off where it is required");
    assert_eq!(status(require(owner, false)), 204);
}
