//! The operator's week: their own shifts (days and times in their time
//! zone, the browser's by default), and for supervisors the coverage grid
//! of this week — how many members each team has on shift per hour, in the
//! site's zone, with the gaps (open hours with nobody) marked. The server
//! checks the shifts and computes the grid.

use leptos::prelude::*;
use shared::api::{coverage_path, shifts_path};
use shared::hours::{Coverage, Day, Opening, Shifts};
use shared::staff::Capability;

use super::{api, Session};

fn day_name(d: Day) -> &'static str {
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][d.index()]
}

/// The shifts and coverage overlay.
#[component]
pub fn ShiftsView(on_close: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let site = session.site.get_value();
    let zone = RwSignal::new(crate::util::time_zone());
    let week = RwSignal::new(Vec::<Opening>::new());
    let note = RwSignal::new(None::<Result<String, String>>);
    let grid = RwSignal::new(None::<Coverage>);
    let supervises = session.may(Capability::Supervise);
    let load_grid = {
        let site = site.clone();
        move || {
            let path = coverage_path(&site);
            leptos::task::spawn_local(async move {
                if let Ok(text) = api("GET", &path, None).await {
                    grid.set(crate::json::decode(&text));
                }
            });
        }
    };
    {
        let path = shifts_path(&site);
        leptos::task::spawn_local(async move {
            if let Some(s) = api("GET", &path, None).await.ok().and_then(|t| crate::json::decode::<Shifts>(&t)) {
                if !s.time_zone.is_empty() {
                    zone.set(s.time_zone);
                }
                week.set(s.week);
            }
        });
    }
    if supervises {
        load_grid();
    }
    let save = {
        let site = site.clone();
        let load_grid = load_grid.clone();
        move |e: leptos::ev::SubmitEvent| {
            e.prevent_default();
            let body = crate::json::encode(&Shifts { time_zone: zone.get_untracked(), week: week.get_untracked() });
            let path = shifts_path(&site);
            let load_grid = load_grid.clone();
            leptos::task::spawn_local(async move {
                match api("PUT", &path, body).await {
                    Ok(_) => {
                        note.set(Some(Ok("Shifts saved.".into())));
                        if supervises {
                            load_grid();
                        }
                    }
                    Err(e) => note.set(Some(Err(e))),
                }
            });
        }
    };
    let edit = move |i: usize, f: fn(&mut Opening, String)| {
        move |e| {
            let v = event_target_value(&e);
            week.update(|w| {
                if let Some(o) = w.get_mut(i) {
                    f(o, v)
                }
            })
        }
    };
    view! {
        <div class="overlay" role="dialog" aria-modal="true" aria-label="Shifts" data-testid="console-shifts">
            <div class="settings">
                <h2>"My shifts"</h2>
                <form on:submit=save>
                    <label>"Time zone "
                        <input data-testid="console-shift-zone" prop:value=zone on:input=move |e| zone.set(event_target_value(&e))/>
                    </label>
                    <ul class="shifts">
                        {move || week.get().into_iter().enumerate().map(|(i, o)| view! {
                            <li data-testid="console-shift">
                                <select aria-label="Day" data-testid="console-shift-day"
                                    on:change=edit(i, |o, v| o.day = Day::parse(&v).unwrap_or(o.day))>
                                    {Day::ALL.iter().map(|d| view! {
                                        <option value=d.as_str() selected=*d == o.day>{day_name(*d)}</option>
                                    }).collect_view()}
                                </select>
                                <input type="time" aria-label="From" data-testid="console-shift-from" prop:value=o.from.clone()
                                    on:change=edit(i, |o, v| o.from = v)/>
                                <input type="time" aria-label="To" data-testid="console-shift-to" prop:value=o.to.clone()
                                    on:change=edit(i, |o, v| o.to = v)/>
                                <button type="button" class="link" data-testid="console-shift-remove"
                                    on:click=move |_| week.update(|w| { w.remove(i); })>"Remove"</button>
                            </li>
                        }).collect_view()}
                    </ul>
                    <button type="button" data-testid="console-shift-add" on:click=move |_| week.update(|w| {
                        let day = w.last().map_or(Day::Mon, |o| Day::ALL[(o.day.index() + 1) % 7]);
                        w.push(Opening { day, from: "09:00".into(), to: "17:00".into() });
                    })>"Add a shift"</button>
                    <button type="submit" data-testid="console-shifts-save">"Save shifts"</button>
                </form>
                {move || note.get().map(|n| match n {
                    Ok(t) => view! { <p class="ok" data-testid="console-shifts-note">{t}</p> }.into_any(),
                    Err(t) => view! { <p class="error" role="alert" data-testid="console-shifts-note">{t}</p> }.into_any(),
                })}
                {supervises.then(|| view! { <CoverageGrid grid=grid/> })}
                <button class="link" data-testid="console-shifts-close" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
        </div>
    }
}

/// The week's coverage: one table per team, hours down, days across.
#[component]
fn CoverageGrid(grid: RwSignal<Option<Coverage>>) -> impl IntoView {
    view! {
        <section class="coverage" data-testid="console-coverage">
            {move || grid.get().map(|g| {
                let caption = format!("Coverage, week of {} ({})", g.week_start, g.time_zone);
                view! {
                    <h3>{caption}</h3>
                    {g.teams.into_iter().map(|t| {
                        let name = if t.team.is_empty() { "Everyone (new chats)".to_owned() } else { format!("Team {}", t.team) };
                        let gaps = t.gaps.iter().filter(|g| **g).count();
                        let team = t.team.clone();
                        view! {
                            <table class="grid" data-testid="console-coverage-team" data-team=team.clone() data-gaps=gaps>
                                <caption>{format!("{name}: {gaps} hours with nobody")}</caption>
                                <tr><th></th>{Day::ALL.iter().map(|d| view! { <th>{day_name(*d)}</th> }).collect_view()}</tr>
                                {(0..24).map(|h| view! {
                                    <tr>
                                        <th>{format!("{h:02}")}</th>
                                        {(0..7).map(|d| {
                                            let i = d * 24 + h;
                                            let (n, gap) = (t.counts[i], t.gaps[i]);
                                            let covered = n > 0;
                                            view! {
                                                <td class:gap=gap class:covered=covered data-testid="console-coverage-cell"
                                                    data-team=team.clone() data-day=d data-hour=h data-count=n data-gap=gap.to_string()>
                                                    {(n > 0).then(|| n.to_string())}
                                                </td>
                                            }
                                        }).collect_view()}
                                    </tr>
                                }).collect_view()}
                            </table>
                        }
                    }).collect_view()}
                }
            })}
        </section>
    }
}
