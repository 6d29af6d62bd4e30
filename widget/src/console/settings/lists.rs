//! The lists form: teams, canned responses, the pre-chat form's fields,
//! proactive triggers and public channels, each a table of text cells
//! (see [`super::table`]). Like the catalogue form it edits a copy of the
//! stored settings, checks it as it is typed with the Worker's own
//! validation (`SiteConfig::validate`) and saves it whole.

use leptos::prelude::*;
use shared::protocol::WireName;
use shared::site::{Canned, ChannelDef, FormField, Team, Trigger};
use shared::workflow::WorkflowKind;

use super::note_view;
use super::table::{ids, read_ids, set, table, yes, Col, TablesForm};

const TEAMS: &[Col<Team>] = &[
    Col { label: "Id", testid: "console-team-id", get: |t, _| t.id.clone(), put: |t, v, _| set(&mut t.id, v) },
    Col { label: "Name", testid: "console-team-name", get: |t, _| t.name.clone(), put: |t, v, _| set(&mut t.name, v) },
];

const CANNED: &[Col<Canned>] = &[
    Col {
        label: "Workflow (support, sales, moderation)",
        testid: "console-canned-workflow",
        get: |c, _| c.workflow.as_str().to_owned(),
        put: |c, v, _| WorkflowKind::from_wire(v.trim()).map(|w| c.workflow = w).is_some(),
    },
    Col {
        label: "Step",
        testid: "console-canned-step",
        get: |c, _| c.step.clone(),
        put: |c, v, _| set(&mut c.step, v),
    },
    Col {
        label: "Title",
        testid: "console-canned-title",
        get: |c, _| c.title.clone(),
        put: |c, v, _| set(&mut c.title, v),
    },
    Col {
        label: "Text",
        testid: "console-canned-text",
        get: |c, _| c.text.clone(),
        put: |c, v, _| set(&mut c.text, v),
    },
];

const FIELDS: &[Col<FormField>] = &[
    Col { label: "Id", testid: "console-field-def-id", get: |f, _| f.id.clone(), put: |f, v, _| set(&mut f.id, v) },
    Col {
        label: "Label",
        testid: "console-field-def-label",
        get: |f, _| f.label.clone(),
        put: |f, v, _| set(&mut f.label, v),
    },
    Col {
        label: "Kind (text, email, select)",
        testid: "console-field-def-kind",
        get: |f, _| f.kind.clone(),
        put: |f, v, _| set(&mut f.kind, v),
    },
    Col {
        label: "Required (yes / no)",
        testid: "console-field-def-required",
        get: |f, _| if f.required { "yes" } else { "no" }.to_owned(),
        put: |f, v, _| {
            f.required = yes(v);
            true
        },
    },
    Col {
        label: "Choices (a select's, comma-separated)",
        testid: "console-field-def-options",
        get: |f, _| ids(&f.options),
        put: |f, v, _| {
            f.options = read_ids(v);
            true
        },
    },
];

const TRIGGERS: &[Col<Trigger>] = &[
    Col { label: "Id", testid: "console-trigger-id", get: |t, _| t.id.clone(), put: |t, v, _| set(&mut t.id, v) },
    Col {
        label: "On (timeOnPage, urlContains, scrollDepth, event, manual)",
        testid: "console-trigger-on",
        get: |t, _| t.on.clone(),
        put: |t, v, _| set(&mut t.on, v),
    },
    Col {
        label: "Value (seconds, text, percent, event name)",
        testid: "console-trigger-value",
        get: |t, _| t.value.clone(),
        put: |t, v, _| set(&mut t.value, v),
    },
    Col {
        label: "Greeting",
        testid: "console-trigger-greeting",
        get: |t, _| t.greeting.clone(),
        put: |t, v, _| set(&mut t.greeting, v),
    },
];

const CHANNELS: &[Col<ChannelDef>] = &[
    Col { label: "Id", testid: "console-channel-id", get: |c, _| c.id.clone(), put: |c, v, _| set(&mut c.id, v) },
    Col {
        label: "Title",
        testid: "console-channel-title",
        get: |c, _| c.title.clone(),
        put: |c, v, _| set(&mut c.title, v),
    },
    Col {
        label: "Slow mode (seconds, 0: off)",
        testid: "console-channel-slow",
        get: |c, _| c.slow_seconds.to_string(),
        put: |c, v, _| v.trim().parse().map(|s| c.slow_seconds = s).is_ok(),
    },
    Col {
        label: "Locked (yes / no)",
        testid: "console-channel-locked",
        get: |c, _| if c.locked { "yes" } else { "no" }.to_owned(),
        put: |c, v, _| {
            c.locked = yes(v);
            true
        },
    },
];

/// The lists form over the stored settings (taken again whenever they are
/// saved).
#[component]
pub fn Lists() -> impl IntoView {
    let form = TablesForm::new();
    let TablesForm { draft, unread, note, .. } = form;
    let problem = form.problem("workflows are support, sales or moderation, seconds a number");
    let submit = move |e| form.submit(e);
    let new_team = || Team { id: String::new(), name: String::new() };
    let new_canned =
        || Canned { workflow: WorkflowKind::Support, step: String::new(), title: String::new(), text: String::new() };
    let new_field = || FormField {
        id: String::new(),
        label: String::new(),
        kind: "text".into(),
        required: false,
        options: Vec::new(),
    };
    let new_trigger =
        || Trigger { id: String::new(), on: "urlContains".into(), value: String::new(), greeting: String::new() };
    let new_channel = || ChannelDef { id: String::new(), title: String::new(), slow_seconds: 0, locked: false };
    view! {
        <form class="settings-form" data-testid="console-lists" on:submit=submit>
            <section>
                <h3>"Teams, scripts, the pre-chat form, triggers and channels"</h3>
                {table(draft, unread, "Teams", "console-teams", (|d| &d.teams, |d| &mut d.teams), TEAMS, new_team)}
                {table(draft, unread, "Canned responses", "console-canned", (|d| &d.canned, |d| &mut d.canned), CANNED, new_canned)}
                {table(draft, unread, "Pre-chat form (support)", "console-fields", (|d| &d.fields, |d| &mut d.fields), FIELDS, new_field)}
                {table(draft, unread, "Proactive triggers", "console-triggers", (|d| &d.triggers, |d| &mut d.triggers), TRIGGERS, new_trigger)}
                {table(draft, unread, "Public channels", "console-channels", (|d| &d.channels, |d| &mut d.channels), CHANNELS, new_channel)}
            </section>
            <div class="actions">
                <button type="submit" data-testid="console-lists-save">"Save"</button>
                {note_view(note, "console-lists-note")}
                <span class="error" role="status" data-testid="console-lists-check">{problem}</span>
            </div>
        </form>
    }
}
