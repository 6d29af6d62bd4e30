//! The performance page: for a chosen period, the figures of everyone (or,
//! for an operator, their own — the server decides), per operator, per
//! team and per day — chats, first-response time (median and p90), average
//! handling time, resolution and escalation rates, CSAT and adherence; for
//! sales, conversion, average order value, discount given and revenue — a
//! chart of the trend over the days (SVG drawn here), and the same report
//! as CSV (`shared::metrics::csv`).

use leptos::prelude::*;
use shared::api::performance_path;
use shared::metrics::{day_label, Figures, Report};

use super::{api, Session};

/// Chart size (SVG user units).
const W: f64 = 560.0;
const H: f64 = 180.0;
const PAD: f64 = 24.0;

fn secs(ms: Option<u64>) -> String {
    ms.map_or("–".into(), |ms| {
        if ms < 60_000 {
            format!("{} s", ms / 1000)
        } else {
            format!("{:.1} min", ms as f64 / 60_000.0)
        }
    })
}

fn percent(x: Option<f64>) -> String {
    x.map_or("–".into(), |x| format!("{:.0} %", x * 100.0))
}

fn mean(x: Option<f64>, digits: usize) -> String {
    x.map_or("–".into(), |x| format!("{x:.digits$}"))
}

/// One row of figures.
fn row(testid: &'static str, name: String, f: Figures) -> impl IntoView {
    let data_name = name.clone();
    view! {
        <tr data-testid=testid data-name=data_name data-chats=f.chats>
            <th>{name}</th>
            <td>{f.chats}</td>
            <td>{secs(f.first_response_p50_ms)}</td>
            <td>{secs(f.first_response_p90_ms)}</td>
            <td>{secs(f.handling_mean_ms)}</td>
            <td>{percent(f.resolution_rate)}</td>
            <td>{percent(f.escalation_rate)}</td>
            <td>{format!("{} ({})", mean(f.csat_mean, 1), f.csat_count)}</td>
            <td>{mean(f.adherence_mean, 0)}</td>
        </tr>
    }
}

/// The figures table: a header, then rows.
fn table(testid: &'static str, caption: &'static str, rows: Vec<(String, Figures)>) -> impl IntoView {
    view! {
        <table class="figures">
            <caption>{caption}</caption>
            <tr>
                <th></th><th>"Chats"</th><th>"First reply p50"</th><th>"p90"</th><th>"Handling"</th>
                <th>"Resolved"</th><th>"Escalated"</th><th>"CSAT (n)"</th><th>"Adherence"</th>
            </tr>
            {rows.into_iter().map(|(n, f)| row(testid, n, f)).collect_view()}
        </table>
    }
}

/// The sales figures: everyone's, then per operator, then per team, in
/// the site's currency.
fn sales_table(rows: Vec<(String, Figures)>, currency: String) -> impl IntoView {
    let money = |minor: i64| shared::pricing::format(minor, &currency);
    view! {
        <table class="figures">
            <caption>"Sales"</caption>
            <tr>
                <th></th><th>"Sales chats"</th><th>"Won"</th><th>"Conversion"</th><th>"Average order"</th>
                <th>"Discount given"</th><th>"Revenue"</th>
            </tr>
            {rows.into_iter().filter(|(_, f)| f.sales_chats > 0).map(|(name, f)| view! {
                <tr data-testid="console-performance-sales" data-name=name.clone()>
                    <th>{name.clone()}</th>
                    <td>{f.sales_chats}</td>
                    <td>{f.sales_won}</td>
                    <td data-testid="console-performance-conversion">{percent(f.conversion_rate)}</td>
                    <td data-testid="console-performance-aov">{f.order_value_mean.map_or("–".into(), |v| money(v))}</td>
                    <td data-testid="console-performance-discount">{money(f.discount_given)}</td>
                    <td data-testid="console-performance-revenue">{money(f.revenue)}</td>
                </tr>
            }).collect_view()}
        </table>
    }
}

/// The trend: chats per day as bars, the median first reply as a line.
fn chart(r: &Report) -> impl IntoView {
    let n = r.daily.len().max(1) as f64;
    let slot = (W - 2.0 * PAD) / n;
    let most = r.daily.iter().map(|f| f.chats).max().unwrap_or(0).max(1) as f64;
    let slowest = r.daily.iter().filter_map(|f| f.first_response_p50_ms).max().unwrap_or(0).max(1) as f64;
    let y = |share: f64| H - PAD - share * (H - 2.0 * PAD);
    let bars = r.daily.iter().enumerate().map(|(i, f)| {
        let top = y(f.chats as f64 / most);
        let label = day_label(r.first_day + i as u64);
        view! {
            <g>
                <rect data-testid="console-performance-bar" data-day=label.clone() data-chats=f.chats
                    x=PAD + i as f64 * slot + slot * 0.15 y=top width=slot * 0.7 height=H - PAD - top fill="#8fb3ff">
                    <title>{format!("{label}: {} chats", f.chats)}</title>
                </rect>
                <text x=PAD + (i as f64 + 0.5) * slot y=H - 6.0 font-size="10" text-anchor="middle">{label[5..].to_owned()}</text>
            </g>
        }
    });
    let line: Vec<String> = r
        .daily
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.first_response_p50_ms.map(|ms| (i, ms)))
        .map(|(i, ms)| format!("{:.1},{:.1}", PAD + (i as f64 + 0.5) * slot, y(ms as f64 / slowest)))
        .collect();
    view! {
        <svg data-testid="console-performance-chart" viewBox=format!("0 0 {W} {H}") width=W height=H role="img"
            aria-label="Chats per day (bars) and median first reply (line)">
            <line x1=PAD y1=H - PAD x2=W - PAD y2=H - PAD stroke="#999"/>
            {bars.collect_view()}
            <polyline data-testid="console-performance-line" points=line.join(" ") fill="none" stroke="#d9480f" stroke-width="2"/>
            <text x=PAD y=14.0 font-size="10">{format!("bars: chats (max {most}) · line: median first reply (max {})", secs(Some(slowest as u64)))}</text>
        </svg>
    }
}

/// The performance overlay.
#[component]
pub fn Performance(on_close: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let site = session.site.get_value();
    let days = RwSignal::new(7u32);
    let report = RwSignal::new(None::<Report>);
    let error = RwSignal::new(None::<String>);
    Effect::new(move || {
        let offset = -(js_sys::Date::new_0().get_timezone_offset() as i64);
        let path = performance_path(&site, days.get(), offset);
        leptos::task::spawn_local(async move {
            match api("GET", &path, None).await {
                Ok(text) => report.set(crate::json::decode(&text)),
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let csv_href = move || {
        report.with(|r| {
            r.as_ref().map(|r| {
                let text = shared::metrics::csv(r);
                format!("data:text/csv;charset=utf-8,{}", String::from(js_sys::encode_uri_component(&text)))
            })
        })
    };
    view! {
        <div class="overlay" role="dialog" aria-modal="true" aria-label="Performance" data-testid="console-performance">
            <div class="settings wide">
                <h2>"Performance"</h2>
                <label>"Period "
                    <select data-testid="console-performance-period"
                        on:change=move |e| days.set(event_target_value(&e).parse().unwrap_or(7))>
                        <option value="7">"Last 7 days"</option>
                        <option value="30">"Last 30 days"</option>
                        <option value="90">"Last 90 days"</option>
                    </select>
                </label>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                {move || report.get().map(|r| {
                    let total = vec![("Everyone".to_owned(), r.total.clone())];
                    let operators: Vec<(String, Figures)> = r.operators.clone().into_iter().collect();
                    let teams: Vec<(String, Figures)> = r.teams.clone().into_iter().collect();
                    view! {
                        {chart(&r)}
                        {table("console-performance-total", "Total", total)}
                        {table("console-performance-operator", "Per operator", operators)}
                        {table("console-performance-team", "Per team (escalated to)", teams.clone())}
                        {sales_table(
                            [("Everyone".to_owned(), r.total.clone())].into_iter()
                                .chain(r.operators.clone())
                                .chain(teams.into_iter().map(|(t, f)| (format!("Team {t}"), f)))
                                .collect(),
                            session.currency(),
                        )}
                    }
                })}
                <a data-testid="console-performance-csv" href=csv_href download="performance.csv">"Download CSV"</a>
                " "
                <button class="link" data-testid="console-performance-close" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
        </div>
    }
}
