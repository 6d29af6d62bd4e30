//! Practice: the scripted customers to train on (`shared::practice`), per
//! workflow and as the role may play them (operators support and sales,
//! moderators moderation), each started in the real console as a
//! conversation of its own (no real customer, no figures); and the practice
//! results one may see (one's own and one's mentees'; supervisors
//! everyone's), each with its score and per-check feedback.

use leptos::prelude::*;
use shared::api::practice_path;
use shared::practice::{scripts, PracticeResult, PracticeStarted, StartPractice, PASS_SCORE};
use shared::{ConversationId, WireName};

use super::{api, Session};

/// The practice overlay; `open` shows a started run in the pane.
#[component]
pub fn PracticeView(on_close: Callback<()>, open: Callback<ConversationId>) -> impl IntoView {
    let session = expect_context::<Session>();
    let site = session.site.get_value();
    let results = RwSignal::new(Vec::<PracticeResult>::new());
    let error = RwSignal::new(None::<String>);
    {
        let path = practice_path(&site);
        leptos::task::spawn_local(async move {
            match api("GET", &path, None).await {
                Ok(text) => results.set(crate::json::decode(&text).unwrap_or_default()),
                Err(e) => error.set(Some(e)),
            }
        });
    }
    let start = move |script: &'static str| {
        let path = practice_path(&site);
        move |_| {
            let path = path.clone();
            let body = crate::json::encode(&StartPractice { script: script.into() });
            leptos::task::spawn_local(async move {
                match api("POST", &path, body).await.map(|t| crate::json::decode::<PracticeStarted>(&t)) {
                    Ok(Some(started)) => {
                        open.run(started.conversation);
                        on_close.run(());
                    }
                    Ok(None) => error.set(Some(crate::http::UNREADABLE.into())),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    view! {
        <div class="overlay" role="dialog" aria-modal="true" aria-label="Practice" data-testid="console-practice">
            <div class="settings">
                <h2>"Practice"</h2>
                <p>{format!("A scripted customer plays each situation. A run passes at {PASS_SCORE} % and counts in no figures.")}</p>
                <ul class="scripts">
                    {scripts().into_iter().filter(|s| session.may(s.needs())).map(|s| view! {
                        <li data-testid="console-practice-script" data-script=s.id data-workflow=s.workflow.as_str()>
                            <strong>{format!("{} · {}", s.workflow.def().name, s.title)}</strong>
                            <p>{s.problem}</p>
                            <button data-testid="console-practice-start" on:click=start(s.id)>"Start"</button>
                        </li>
                    }).collect_view()}
                </ul>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                <h3>"Results"</h3>
                <ul class="results">
                    {move || results.get().into_iter().map(|r| {
                        let passed = r.passed();
                        view! {
                            <li data-testid="console-practice-result" data-script=r.script.clone() data-trainee=r.trainee.clone()
                                data-score=r.grade.score data-passed=passed.to_string()>
                                <strong>{format!("{} · {} · {} % · {}", r.trainee, r.script, r.grade.score,
                                    if passed { "passed" } else { "not passed" })}</strong>
                                <ul>
                                    {r.grade.checks.into_iter().map(|c| view! {
                                        <li data-testid="console-practice-check" data-passed=c.passed.to_string()
                                            class:ok=c.passed class:error=!c.passed>
                                            {format!("{}: {}", c.step.unwrap_or_else(|| "whole chat".into()), c.note)}
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <button class="link" data-testid="console-practice-close" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
        </div>
    }
}
