//! The rule form: each category of harm with its severity and action (or
//! off), saved as the site's rules, and a "test a message" box that shows
//! what the site's rules would do to a message and why, nothing sent.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{rules_path, rules_test_path};
use shared::rules::{Action, Category, Rule, RuleKind, RuleTest, RuleTestResult};
use shared::workflow::Severity;
use shared::WireName;

use super::Session;

/// An action as the form's select names it.
fn action_value(action: Option<Action>) -> &'static str {
    match action {
        None => "off",
        Some(Action::Flag) => "flag",
        Some(Action::Hold) => "hold",
        Some(Action::Block) => "block",
        Some(Action::Mute { .. }) => "mute",
    }
}

/// The form's value back as an action (a mute keeps its minutes, or ten).
fn action_of(value: &str, minutes: u32) -> Option<Action> {
    match value {
        "flag" => Some(Action::Flag),
        "hold" => Some(Action::Hold),
        "block" => Some(Action::Block),
        "mute" => Some(Action::Mute { minutes }),
        _ => None,
    }
}

/// What a verdict means for the sender, in a few words.
fn outcome(action: Option<Action>) -> String {
    match action {
        None => "Passes: delivered as is.".into(),
        Some(Action::Flag) => "Delivered, and flagged for moderators.".into(),
        Some(Action::Hold) => "Held for a moderator's review.".into(),
        Some(Action::Block) => "Blocked: not sent.".into(),
        Some(Action::Mute { minutes }) => format!("Blocked, and the sender muted for {minutes} min."),
    }
}

/// One category's row: its current severity and action.
#[derive(Clone, Copy)]
struct Row {
    category: Category,
    severity: RwSignal<Severity>,
    action: RwSignal<Option<Action>>,
}

/// The site's rules with each category's row applied: the categories
/// turned on first, then the site's other rules as they were.
fn merged(rules: &[Rule], rows: &[Row]) -> Vec<Rule> {
    let categories = rows.iter().filter_map(|row| {
        let action = row.action.get_untracked()?;
        let mut rule = row.category.default_rule();
        (rule.severity, rule.action) = (row.severity.get_untracked(), action);
        Some(rule)
    });
    let others = rules.iter().filter(|r| !matches!(r.kind, RuleKind::Category { .. })).cloned();
    categories.chain(others).collect()
}

/// The rule form and its test box.
#[component]
pub fn RuleForm() -> impl IntoView {
    let session = expect_context::<Session>();
    let rules = move || session.config.with(|c| c.as_ref().map(|c| c.rules.clone()).unwrap_or_default());
    let rows: Vec<Row> = Category::ALL
        .into_iter()
        .map(|category| Row { category, severity: RwSignal::new(category.preset().0), action: RwSignal::new(None) })
        .collect();
    // Follow the stored rules whenever the settings (re)load.
    let follow = rows.clone();
    crate::effect(move || {
        let rules = rules();
        for row in &follow {
            let rule =
                rules.iter().find(|r| matches!(r.kind, RuleKind::Category { category } if category == row.category));
            row.severity.set(rule.map_or(row.category.preset().0, |r| r.severity));
            row.action.set(rule.map(|r| r.action));
        }
    });
    let note = RwSignal::new(None::<Result<String, String>>);
    let saving = rows.clone();
    let save = move |_| {
        let body = merged(&rules(), &saving);
        let path = rules_path(&session.site.get_value());
        spawn_local(async move {
            match crate::console::api("POST", &path, crate::json::encode(&body)).await {
                Ok(_) => {
                    note.set(Some(Ok("Saved: every room applies them from its next message.".into())));
                    session.load_config();
                }
                Err(e) => note.set(Some(Err(e))),
            }
        });
    };
    let text = RwSignal::new(String::new());
    let verdict = RwSignal::new(None::<Result<RuleTestResult, String>>);
    let test = move |_| {
        let body = RuleTest { text: text.get_untracked() };
        let path = rules_test_path(&session.site.get_value());
        spawn_local(async move {
            let answer = crate::console::api("POST", &path, crate::json::encode(&body)).await.and_then(|t| {
                crate::json::decode::<RuleTestResult>(&t).ok_or_else(|| "The answer could not be read.".to_string())
            });
            verdict.set(Some(answer));
        });
    };
    view! {
        <section class="rules" data-testid="console-rules" aria-label="Rules by category">
            <h3>"Rules by category"</h3>
            <table>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr data-testid="console-rule-category" data-category=row.category.key()>
                            <th scope="row">{row.category.label()}</th>
                            <td>
                                <select data-testid="console-rule-severity" aria-label=format!("{} severity", row.category.label())
                                    on:change=move |e| {
                                        if let Some(s) = Severity::from_wire(&event_target_value(&e)) {
                                            row.severity.set(s);
                                        }
                                    }>
                                    {Severity::ALL.iter().map(|s| {
                                        let s = *s;
                                        view! { <option value=s.as_str() selected=move || row.severity.get() == s>{s.as_str()}</option> }
                                    }).collect_view()}
                                </select>
                            </td>
                            <td>
                                <select data-testid="console-rule-action" aria-label=format!("{} action", row.category.label())
                                    on:change=move |e| {
                                        let minutes = match row.category.preset().1 { Action::Mute { minutes } => minutes, _ => 10 };
                                        row.action.set(action_of(&event_target_value(&e), minutes));
                                    }>
                                    {["off", "flag", "hold", "block", "mute"].into_iter().map(|v| view! {
                                        <option value=v selected=move || action_value(row.action.get()) == v>{v}</option>
                                    }).collect_view()}
                                </select>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <button data-testid="console-rules-save" on:click=save>"Save rules"</button>
            {move || note.get().map(|n| match n {
                Ok(t) => view! { <span class="ok" data-testid="console-rules-note">{t}</span> }.into_any(),
                Err(t) => view! { <span class="error" role="alert" data-testid="console-rules-error">{t}</span> }.into_any(),
            })}
            <label class="rule-test">"Test a message"
                <textarea rows="2" data-testid="console-rules-test-text" placeholder="Type a message to see what the rules do"
                    prop:value=move || text.get() on:input=move |e| text.set(event_target_value(&e))></textarea>
            </label>
            <button data-testid="console-rules-test" on:click=test>"Test"</button>
            {move || verdict.get().map(|v| match v {
                Ok(r) => view! {
                    <div class="verdict" data-testid="console-rules-verdict" data-action=action_value(r.action)>
                        <strong>{outcome(r.action)}</strong>
                        <ul>
                            {r.hits.into_iter().map(|h| view! {
                                <li data-testid="console-rules-why" data-rule=h.rule.clone()>{format!("{} ({:?}): {}", h.rule, h.severity, h.why)}</li>
                            }).collect_view()}
                        </ul>
                        <p class="stored">"Stored as: "<span data-testid="console-rules-stored">{r.text}</span></p>
                    </div>
                }.into_any(),
                Err(e) => view! { <p class="error" role="alert" data-testid="console-rules-test-error">{e}</p> }.into_any(),
            })}
        </section>
    }
}
