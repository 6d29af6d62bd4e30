//! The settings forms' tables: one list of the site's settings (products,
//! offers, teams, triggers…) as rows of text cells with "Add" and
//! "Remove". A column reads its cell from an item and writes it back
//! (`false` when the text cannot be read, e.g. a price that is not a
//! number, which marks the cell invalid and counts it in `unread`).

use leptos::prelude::*;
use shared::site::SiteConfig;

use super::{draft_of, save_draft, Note};
use crate::console::Session;

/// A tables form's state: a copy of the stored settings (taken again
/// whenever they are saved), the cells that cannot be read, and the
/// save's note.
#[derive(Clone, Copy)]
pub struct TablesForm {
    session: Session,
    pub draft: RwSignal<SiteConfig>,
    pub unread: RwSignal<Vec<String>>,
    pub note: Note,
}

impl TablesForm {
    pub fn new() -> Self {
        let session = expect_context::<Session>();
        let unread = RwSignal::new(Vec::new());
        let draft = draft_of(session, move || unread.set(Vec::new()));
        Self { session, draft, unread, note: RwSignal::new(None) }
    }

    /// The Worker's own check, as the form is typed: the first problem, or
    /// how many cells cannot be read and what they should hold (`hint`).
    pub fn problem(self, hint: &'static str) -> impl Fn() -> Option<String> + Copy {
        move || match self.unread.with(|u| u.len()) {
            0 => self.draft.with(|d| d.validate().err()),
            n => Some(format!("{n} cell(s) cannot be read: {hint}")),
        }
    }

    /// Saves the draft whole.
    pub fn submit(self, e: leptos::ev::SubmitEvent) {
        e.prevent_default();
        save_draft(self.session, self.draft, self.note);
    }
}

/// A column: its heading, the cells' testid, how a cell reads and writes
/// (with the site's currency).
pub struct Col<T> {
    pub label: &'static str,
    pub testid: &'static str,
    pub get: fn(&T, &str) -> String,
    pub put: fn(&mut T, &str, &str) -> bool,
}

/// A comma-separated list of ids.
pub fn ids(list: &[String]) -> String {
    list.join(", ")
}

pub fn read_ids(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(Into::into).collect()
}

/// Writes a trimmed text cell.
pub fn set(field: &mut String, v: &str) -> bool {
    *field = v.trim().to_owned();
    true
}

/// Whether a yes/no cell says yes.
pub fn yes(v: &str) -> bool {
    matches!(v.trim().to_lowercase().as_str(), "yes" | "y" | "true" | "1")
}

/// One list as a table of cells with "Add" and "Remove"; rows are redrawn
/// only when their number changes (not on every key).
pub fn table<T: Clone + Send + Sync + 'static>(
    draft: RwSignal<SiteConfig>,
    unread: RwSignal<Vec<String>>,
    title: &'static str,
    testid: &'static str,
    (read, list): (fn(&SiteConfig) -> &Vec<T>, fn(&mut SiteConfig) -> &mut Vec<T>),
    cols: &'static [Col<T>],
    new: fn() -> T,
) -> impl IntoView {
    let count = Memo::new(move |_| draft.with(|d| read(d).len()));
    let cell = move |i: usize, col: &'static Col<T>| {
        let key = format!("{testid}:{i}:{}", col.testid);
        let bad = {
            let key = key.clone();
            move || unread.with(|u| u.contains(&key))
        };
        let value =
            move || draft.with(|d| read(d).get(i).map(|item| (col.get)(item, &d.sales.currency)).unwrap_or_default());
        let change = move |e| {
            let v = event_target_value(&e);
            let mut ok = true;
            draft.update(|d| {
                let currency = d.sales.currency.clone();
                if let Some(item) = list(d).get_mut(i) {
                    ok = (col.put)(item, &v, &currency);
                }
            });
            unread.update(|u| {
                u.retain(|k| *k != key);
                if !ok {
                    u.push(key.clone());
                }
            });
        };
        view! {
            <td><input aria-label=col.label data-testid=col.testid aria-invalid=move || bad().to_string()
                prop:value=value on:change=change/></td>
        }
    };
    let row = move |i: usize| {
        view! {
            <tr data-testid=format!("{testid}-row")>
                {cols.iter().map(|c| cell(i, c)).collect_view()}
                <td><button type="button" class="link" data-testid=format!("{testid}-remove")
                    on:click=move |_| draft.update(|d| { let l = list(d); if i < l.len() { l.remove(i); } })>"Remove"</button></td>
            </tr>
        }
    };
    view! {
        <h4>{title}</h4>
        <table class="catalogue" data-testid=testid>
            <thead><tr>{cols.iter().map(|c| view! { <th>{c.label}</th> }).collect_view()}<th></th></tr></thead>
            <tbody>{move || (0..count.get()).map(row).collect_view()}</tbody>
        </table>
        <button type="button" class="link" data-testid=format!("{testid}-add")
            on:click=move |_| draft.update(|d| list(d).push(new()))>"Add"</button>
    }
}
