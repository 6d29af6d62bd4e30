//! The settings forms' tables: one list of the site's settings (products,
//! offers, teams, triggers…) as rows of text cells with "Add" and
//! "Remove". A column reads its cell from an item and writes it back
//! (`false` when the text cannot be read, e.g. a price that is not a
//! number, which marks the cell invalid and counts it in `unread`).

use leptos::prelude::*;
use shared::site::SiteConfig;

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
