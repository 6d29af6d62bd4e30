//! Revoking invitations against the real Worker: someone who could have
//! sent an invitation revokes it and its link stops working; an operator,
//! an admin for an owner's invitation, and another organisation cannot.

use e2e::accounts::{sign_up_org, Staff};
use e2e::base_url;
use e2e::client::status;
use shared::api::{revoke_invitation_path, ACCEPT_PATH, INVITATIONS_PATH, PEOPLE_PATH};
use shared::staff::{Invite, Invited, People, StaffRole};

fn invite(by: &Staff, email: &str, role: StaffRole) -> Invited {
    by.send("POST", INVITATIONS_PATH).send_json(&Invite { email: email.into(), role }).unwrap().into_json().unwrap()
}

fn revoke(by: &Staff, invited: &Invited) -> u16 {
    status(by.send("POST", &revoke_invitation_path(&invited.invitation.id)).call())
}

#[test]
fn an_invitation_is_revoked_by_someone_who_could_send_it_and_its_link_stops_working() {
    let tag = std::process::id();
    let people = sign_up_org(&base_url(), "revoke-org", &format!("rev{tag}")).unwrap();
    let other = sign_up_org(&base_url(), "revoke-other", &format!("reo{tag}")).unwrap();
    let role = |list: &[Staff], r: StaffRole| list[StaffRole::ALL.iter().position(|x| *x == r).unwrap()].clone();
    let (owner, admin, operator) =
        (role(&people, StaffRole::Owner), role(&people, StaffRole::Admin), role(&people, StaffRole::Operator));

    let newbie = invite(&owner, &format!("newbie-{tag}@rev.test"), StaffRole::Operator);
    assert_eq!(revoke(&operator, &newbie), 403, "an operator manages no one");
    assert_eq!(revoke(&role(&other, StaffRole::Admin), &newbie), 404, "another organisation's");
    let boss = invite(&owner, &format!("boss-{tag}@rev.test"), StaffRole::Owner);
    assert_eq!(revoke(&admin, &boss), 403, "an admin cannot revoke an owner's invitation");

    assert_eq!(revoke(&admin, &newbie), 204);
    let open: People = admin.get(PEOPLE_PATH).call().unwrap().into_json().unwrap();
    assert_eq!(open.invitations.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), [boss.invitation.id.as_str()]);
    let accept = serde_json::json!({ "token": newbie.token, "name": "Newbie", "password": "a long enough password" });
    let accepted = ureq::post(&format!("{}{ACCEPT_PATH}", base_url())).set("Origin", &base_url()).send_json(&accept);
    assert_eq!(status(accepted), 404, "the revoked link no longer works");
    assert_eq!(revoke(&admin, &newbie), 404, "revoked once");
    assert_eq!(revoke(&owner, &boss), 204);
}
