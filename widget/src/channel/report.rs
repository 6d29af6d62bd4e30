//! A viewer reports another viewer's channel message: a "Report" button on
//! each such row and the reason form, drawn with the plain helpers of
//! [`crate::dom`] (small wasm) into the app's `.reporting` element, and the
//! report itself, sent over HTTP (`POST …/messages/{seq}/report`).

use shared::api::{report_message_path, ViewerReport};
use shared::rules::Category;
use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::dom::{add, find, on, prop, set};
use crate::i18n::{t, tf};

/// What a viewer can report a message for: a category, or something else
/// (`other`, which is no category's key), in the page's language.
fn reasons() -> [(Option<Category>, String); 6] {
    [
        (Some(Category::Harassment), t("Harassment or threats")),
        (Some(Category::Hate), t("Hate")),
        (Some(Category::Sexual), t("Sexual content")),
        (Some(Category::Spam), t("Spam or a scam")),
        (Some(Category::SelfHarm), t("Someone may hurt themselves")),
        (None, t("Something else")),
    ]
}

/// Adds a "Report" button to every other viewer's message that has none
/// (a tombstone is no one's message: it has none).
pub fn buttons() {
    let Some(list) = find(".messages") else { return };
    let Ok(rows) = list.query_selector_all(".row.theirs[data-seq]:not(.removed)") else { return };
    for row in (0..rows.length()).filter_map(|i| rows.item(i)?.dyn_into::<Element>().ok()) {
        let (Some(seq), Ok(None)) = (row.get_attribute("data-seq"), row.query_selector(".report")) else { continue };
        let button = add(&row, "button", "link report", &t("Report"));
        set(&button, "type", "button");
        set(&button, "data-testid", "channel-report");
        set(&button, "data-report", &seq);
    }
}

/// The message a click on a "Report" button is for.
pub fn clicked(e: &web_sys::Event) -> Option<u64> {
    let target = e.target()?.dyn_into::<Element>().ok()?;
    target.get_attribute("data-report")?.parse().ok()
}

/// Draws the reason form for message `seq`; `send` gets the chosen reason.
pub fn open(seq: u64, send: impl Fn(u64, Option<Category>) + 'static) {
    let Some(el) = find(".reporting") else { return };
    el.set_text_content(None);
    let form = add(&el, "form", "prechat", "");
    set(&form, "data-testid", "channel-report-form");
    set(&form, "aria-label", &t("Report a message"));
    set(&add(&form, "label", "", &t("Why are you reporting this message?")), "for", "channel-report-reason");
    let select = add(&form, "select", "", "");
    set(&select, "id", "channel-report-reason");
    set(&select, "data-testid", "channel-report-reason");
    for (category, label) in reasons() {
        set(&add(&select, "option", "", &label), "value", category.map_or("other", Category::key));
    }
    set(&add(&form, "button", "", &t("Report")), "data-testid", "channel-report-send");
    let cancel = add(&form, "button", "link", &t("Cancel"));
    set(&cancel, "type", "button");
    set(&cancel, "data-testid", "channel-report-cancel");
    on(&cancel, "click", Box::new(|_| close()));
    on(
        &form,
        "submit",
        Box::new(move |e| {
            e.prevent_default();
            let chosen = prop(&select, "value").as_string().unwrap_or_default();
            send(seq, Category::from_key(&chosen));
            close();
        }),
    );
}

/// Removes the reason form.
fn close() {
    if let Some(el) = find(".reporting") {
        el.set_text_content(None);
    }
}

/// Sends the report; what the viewer is told (thanks, or why not).
pub async fn send(site: &str, channel: &str, seq: u64, report: &ViewerReport) -> String {
    let path = report_message_path(site, channel, seq);
    match crate::http::request("POST", &path, Some(crate::wire::viewer_report(report))).await {
        Ok(_) => t("Thank you: the moderators will look at this message."),
        Err(e) => tf("Not reported: {why}", &[("why", &e.to_string())]),
    }
}
