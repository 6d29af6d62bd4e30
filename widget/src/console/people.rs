//! The organisation's people: members with their roles, pending
//! invitations, and — for owners and admins — inviting someone (the link
//! to send them), changing a role and removing someone (their sessions and
//! sockets end at once).

use leptos::prelude::*;
use shared::api::{
    remove_path, reset_path, revoke_invitation_path, role_path, sites_path, INVITATIONS_PATH, PEOPLE_PATH,
};
use shared::staff::{Capability, Invite, Invited, People as List, ResetIssued, SetRole, SetSites, StaffRole};

use super::{api, Session};

/// The people overlay.
#[component]
pub fn People(on_close: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let list = RwSignal::new(None::<List>);
    let note = RwSignal::new(None::<Result<String, String>>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            match api("GET", PEOPLE_PATH, None).await {
                Ok(text) => list.set(crate::json::decode(&text)),
                Err(e) => note.set(Some(Err(e))),
            }
        });
    };
    reload();
    let me = session.me.get_value();
    let manage = session.may(Capability::ManagePeople);
    let call = move |path: String, body: Option<String>, done: String| {
        leptos::task::spawn_local(async move {
            match api("POST", &path, body).await {
                Ok(_) => {
                    note.set(Some(Ok(done)));
                    reload();
                }
                Err(e) => note.set(Some(Err(e))),
            }
        });
    };
    // A reset link is shown to copy, as an invitation link is.
    let reset = move |account: String, who: String| {
        leptos::task::spawn_local(async move {
            match api("POST", &reset_path(&account), None).await.map(|t| crate::json::decode::<ResetIssued>(&t)) {
                Ok(Some(issued)) => {
                    let link = format!("{}/console#reset={}", crate::util::page_origin(), issued.token);
                    note.set(Some(Ok(format!(
                        "Send {who} this link to choose a new password (it works once, for 24 hours): {link}"
                    ))));
                }
                Ok(None) => note.set(Some(Err(crate::http::UNREADABLE.into()))),
                Err(e) => note.set(Some(Err(e))),
            }
        });
    };
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(StaffRole::Operator);
    let invite = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let body = crate::json::encode(&Invite { email: email.get_untracked(), role: role.get_untracked() });
        leptos::task::spawn_local(async move {
            match api("POST", INVITATIONS_PATH, body).await.map(|t| crate::json::decode::<Invited>(&t)) {
                Ok(Some(invited)) => {
                    let link = format!("{}/console#invite={}", crate::util::page_origin(), invited.token);
                    note.set(Some(Ok(format!(
                        "Send {} this link (it works once, for 7 days): {link}",
                        invited.invitation.email
                    ))));
                    email.set(String::new());
                    reload();
                }
                Ok(None) => note.set(Some(Err(crate::http::UNREADABLE.into()))),
                Err(e) => note.set(Some(Err(e))),
            }
        });
    };
    let roles = move |current: StaffRole| {
        StaffRole::ALL
            .into_iter()
            .filter(move |r| *r == current || me.role.may_manage(*r))
            .map(move |r| view! { <option value=r.as_str() selected=r == current>{r.as_str()}</option> })
            .collect_view()
    };
    view! {
        <div class="overlay" role="dialog" aria-modal="true" aria-label="People" data-testid="console-people">
            <div class="settings">
                <h2>"People · "{session.me.with_value(|m| m.org_name.clone())}</h2>
                <ul class="people">
                    {move || list.get().map(|l| l.people.into_iter().map(|p| {
                        let account = p.account.clone();
                        let editable = manage && me.role.may_manage(p.role) && p.account != me.account;
                        let remove_account = p.account.clone();
                        let (reset_account, reset_who) = (p.account.clone(), p.email.clone());
                        let who = p.email.clone();
                        let data_email = p.email.clone();
                        let limited = editable && !matches!(p.role, StaffRole::Owner | StaffRole::Admin);
                        let sites_account = p.account.clone();
                        let ticked = p.sites.clone();
                        view! {
                            <li data-testid="console-person" data-email=data_email>
                                <span>{p.name}" · "{p.email}</span>
                                {if editable {
                                    view! {
                                        <select data-testid="console-person-role" aria-label="Role" on:change=move |e| {
                                            if let Some(r) = StaffRole::parse(&event_target_value(&e)) {
                                                call(role_path(&account), crate::json::encode(&SetRole { role: r }), "Role changed.".into());
                                            }
                                        }>{roles(p.role)}</select>
                                        <button class="link" data-testid="console-person-reset" on:click=move |_| reset(reset_account.clone(), reset_who.clone())>"Reset link"</button>
                                        <button class="link" data-testid="console-person-remove" on:click=move |_| {
                                            call(remove_path(&remove_account), None, format!("{who} was removed."));
                                        }>"Remove"</button>
                                        {limited.then(|| {
                                            let save = Callback::new(move |sites: Vec<String>| {
                                                let sites = SetSites { sites: sites.iter().filter_map(|s| s.parse().ok()).collect() };
                                                call(sites_path(&sites_account), crate::json::encode(&sites), "Sites changed.".into());
                                            });
                                            view! { <SiteAccess ticked=ticked save=save/> }
                                        })}
                                    }.into_any()
                                } else {
                                    view! { <em>{p.role.as_str()}</em> }.into_any()
                                }}
                            </li>
                        }
                    }).collect_view())}
                </ul>
                {move || list.get().filter(|l| !l.invitations.is_empty()).map(|l| view! {
                    <h3>"Invited"</h3>
                    <ul>{l.invitations.into_iter().map(|i| {
                        let revocable = manage && me.role.may_manage(i.role);
                        let (id, who) = (i.id.clone(), i.email.clone());
                        view! {
                            <li data-testid="console-invitation">{i.email}" · "{i.role.as_str()}
                                {revocable.then(|| view! {
                                    <button class="link" data-testid="console-invitation-revoke" on:click=move |_| {
                                        call(revoke_invitation_path(&id), None, format!("The invitation of {who} was revoked."));
                                    }>"Revoke"</button>
                                })}
                            </li>
                        }
                    }).collect_view()}</ul>
                })}
                {manage.then(|| view! {
                    <form class="invite" on:submit=invite>
                        <input type="email" required placeholder="name@example.com" aria-label="E-mail" data-testid="console-invite-email"
                            prop:value=move || email.get() on:input=move |e| email.set(event_target_value(&e))/>
                        <select aria-label="Role" data-testid="console-invite-role"
                            on:change=move |e| if let Some(r) = StaffRole::parse(&event_target_value(&e)) { role.set(r) }>
                            {StaffRole::ALL.into_iter().filter(|r| me.role.may_manage(*r)).map(|r| view! {
                                <option value=r.as_str() selected=r == StaffRole::Operator>{r.as_str()}</option>
                            }).collect_view()}
                        </select>
                        <button type="submit" data-testid="console-invite">"Invite"</button>
                    </form>
                })}
                {matches!(me.role, StaffRole::Owner | StaffRole::Admin).then(|| {
                    let required = me.two_factor.required;
                    view! {
                        <label class="wide"><input type="checkbox" data-testid="console-require-2fa" prop:checked=required
                            on:change=move |e| {
                                let on = event_target_checked(&e);
                                let body = crate::json::encode(&shared::staff::OrgSecurity { require_two_factor: on });
                                let done = if on { "Everyone now signs in with a second factor (those without one set it up first)." } else { "Two-factor sign-in is up to each person." };
                                call(shared::api::ORG_SECURITY_PATH.into(), body, done.into());
                            }/>
                            " Require two-factor sign-in for everyone"</label>
                    }
                })}
                <div class="actions">
                    <button class="link" data-testid="console-people-close" on:click=move |_| on_close.run(())>"Close"</button>
                    {move || note.get().map(|n| match n {
                        Ok(m) => view! { <p class="ok" data-testid="console-people-note">{m}</p> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert" data-testid="console-people-note">{e}</p> }.into_any(),
                    })}
                </div>
            </div>
        </div>
    }
}

/// Which of the organisation's sites someone works on (none ticked: every
/// site); each change is saved at once.
#[component]
fn SiteAccess(ticked: Vec<String>, save: Callback<Vec<String>>) -> impl IntoView {
    let session = expect_context::<Session>();
    let ticked = RwSignal::new(ticked);
    let sites = session.me.with_value(|m| m.sites.clone());
    view! {
        <span class="sites" data-testid="console-person-sites" title="None ticked: every site">
            {sites.into_iter().map(|s| {
                let id = s.id.to_string();
                let (checked_id, change_id) = (id.clone(), id.clone());
                view! {
                    <label><input type="checkbox" data-testid="console-person-site" data-site=id.clone()
                        prop:checked=move || ticked.with(|t| t.contains(&checked_id))
                        on:change=move |e| {
                            let on = event_target_checked(&e);
                            ticked.update(|t| {
                                t.retain(|x| *x != change_id);
                                if on { t.push(change_id.clone()) }
                            });
                            save.run(ticked.get_untracked());
                        }/>{s.name}</label>
                }
            }).collect_view()}
        </span>
    }
}
