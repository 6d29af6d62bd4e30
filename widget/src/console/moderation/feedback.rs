//! The screening's feedback: every moderator's decisions over a period as the
//! engine's false positives (held, then approved), true positives (held,
//! then rejected) and false negatives (published, then removed), per day and
//! per rule that held messages; and those decisions with their texts (every
//! page of `GET …/labels`), as a download to retrain the screening on
//! (`cargo xtask train-screening --labels FILE`).

use leptos::prelude::*;
use shared::api::DeskRoute;
use shared::feedback::{FeedbackDay, FeedbackReport, DAY_MS};
use shared::metrics::day_label;
use shared::moderation_case::{DeskItem, ReportStatus};

use super::{Desk, Session};
use crate::console::download;

/// One day's (or the period's) counts as a sentence.
fn counts(d: &FeedbackDay) -> String {
    format!(
        "{} false positive(s) · {} true positive(s) · {} false negative(s)",
        d.false_positives, d.true_positives, d.false_negatives
    )
}

/// The share of reviewed holds that were approved, as a percentage.
fn share(fp: u32, tp: u32) -> String {
    match fp + tp {
        0 => "—".into(),
        n => format!("{:.0} %", f64::from(fp) * 100.0 / f64::from(n)),
    }
}

/// The feedback report, fetched again on every desk change and decision.
#[component]
pub fn Feedback() -> impl IntoView {
    let session = expect_context::<Session>();
    let desk = expect_context::<Desk>();
    let days = RwSignal::new(30u32);
    let (saving, labels_error) = (RwSignal::new(false), RwSignal::new(None::<String>));
    let report = RwSignal::new(FeedbackReport::default());
    // Any moderator's decision (pushed to every console) counts at once.
    let decided = RwSignal::new(0u32);
    desk.on_push(move |item| {
        if matches!(item, DeskItem::Report(r) if r.status != ReportStatus::Open) {
            decided.try_update(|n| *n = n.wrapping_add(1));
        }
    });
    let error = super::fetch_into(desk, report, move || {
        decided.track();
        super::path(session, DeskRoute::Feedback, &format!("days={}", days.get()))
    });
    let day_rows = move || {
        report.with(|r| {
            r.days
                .iter()
                .rev()
                .filter(|d| d.false_positives + d.true_positives + d.false_negatives > 0)
                .map(|d| {
                    view! {
                        <li data-testid="console-feedback-day" data-day=day_label(d.day / DAY_MS)
                            data-fp=d.false_positives data-tp=d.true_positives data-fn=d.false_negatives>
                            <strong>{day_label(d.day / DAY_MS)}</strong>" "{counts(d)}
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let rule_rows = move || {
        report.with(|r| {
            r.rules
                .iter()
                .map(|x| {
                    let line = format!(
                        "{}: {} approved of {} reviewed ({} false positives)",
                        x.rule,
                        x.false_positives,
                        x.false_positives + x.true_positives,
                        share(x.false_positives, x.true_positives)
                    );
                    view! { <li data-testid="console-feedback-rule" data-rule=x.rule.clone()>{line}</li> }
                })
                .collect_view()
        })
    };
    view! {
        <section class="feedback">
            <h3>"Screening feedback"</h3>
            <label>"Period "
                <select data-testid="console-feedback-days" on:change=move |e| {
                    days.set(event_target_value(&e).parse().unwrap_or(30));
                }>
                    <option value="7">"7 days"</option>
                    <option value="30" selected>"30 days"</option>
                    <option value="90">"90 days"</option>
                </select>
            </label>
            {super::error_line(error, "console-feedback-error")}
            {move || report.with(|r| {
                let t = &r.total;
                view! {
                    <p data-testid="console-feedback-total" data-fp=t.false_positives data-tp=t.true_positives
                        data-fn=t.false_negatives>{counts(t)}</p>
                }
            })}
            <ul data-testid="console-feedback-days-list">{day_rows}</ul>
            <p class="exports">
                "The period's decisions with their texts, to retrain the screening on: "
                <button type="button" data-testid="console-feedback-labels" disabled=move || saving.get()
                    on:click=move |_| {
                        saving.set(true);
                        let path = super::path(session, DeskRoute::Labels, &format!("days={}", days.get_untracked()));
                        leptos::task::spawn_local(async move {
                            let saved = download::all_pages(path).await.and_then(|json| download::save_json("labels.json", &json));
                            saving.try_set(false);
                            labels_error.try_set(saved.err());
                        });
                    }>
                    "labels.json"
                </button>
            </p>
            {super::error_line(labels_error, "console-feedback-labels-error")}
            <h4>"Held messages by rule"</h4>
            <ul data-testid="console-feedback-rules">{rule_rows}</ul>
        </section>
    }
}
