//! `POST /api/console/sites/{site}/performance/seed`: a week of closed
//! conversations' facts for a site's performance page, so the demo (and
//! the tests) show trends without a week of chatting. Served only with
//! `DEMO=on`, to supervisors of the site. The body names the operators
//! (`{"operators": [...]}`; none: the caller); the figures vary by day and
//! operator but are the same at every run for the same instant.

use serde::Deserialize;
use shared::metrics::{Facts, Sale, DAY_MS};
use shared::staff::Capability;
use shared::workflow::{Outcome, WorkflowKind};
use worker::{Env, Request, Response};

use crate::error::{RouteError, RouteResult};
use crate::session::{own_site, staff};

const MIN: u64 = 60_000;

#[derive(Deserialize, Default)]
struct Body {
    #[serde(default)]
    operators: Vec<String>,
}

/// The facts of one seeded conversation: operator `i` of the (UTC) day
/// `d` days ago, their `j`th chat — within that day and before `now`, so a
/// seed just after midnight still fills seven days, not eight.
pub fn seeded(now: u64, d: u64, i: u64, j: u64, operator: &str) -> Facts {
    let day_start = (now / DAY_MS).saturating_sub(d) * DAY_MS;
    let day_length = if d == 0 { (now - day_start).max(1) } else { DAY_MS };
    let started_at = day_start + ((j + 1) * 41 * MIN + i * 7 * MIN) % day_length;
    let n = d * 7 + i * 5 + j * 3;
    let outcome = match n % 10 {
        0 => Outcome::Escalated,
        7 => Outcome::Lost,
        _ => Outcome::Resolved,
    };
    let won = outcome == Outcome::Resolved && n % 4 == 3;
    Facts {
        workflow: if n % 4 == 3 { WorkflowKind::Sales } else { WorkflowKind::Support },
        operator: Some(operator.to_owned()),
        team: (outcome == Outcome::Escalated).then(|| "billing".to_owned()),
        started_at: Some(started_at),
        first_response_ms: Some(15_000 + (n * 37 % 20) * 9_000 + d * 6_000),
        handling_ms: Some(4 * MIN + (n % 6) * 2 * MIN),
        outcome: Some(if won { Outcome::Won } else { outcome }),
        escalated: outcome == Outcome::Escalated,
        rating: (n % 3 != 0).then_some(3 + (n % 3) as u8),
        adherence: Some(60 + (n * 13 % 41) as u8),
        sale: won.then(|| Sale { total: 4_900 * (1 + (n % 5) as i64), discount: (n % 3) as i64 * 490 }),
    }
}

/// Seeds the last seven days.
pub async fn seed_week(mut req: Request, env: &Env, site: &str) -> RouteResult {
    if env.var("DEMO").map(|v| v.to_string()).unwrap_or_default() != "on" {
        return Err(RouteError::NotFound);
    }
    let me = staff(&req, env, Capability::Supervise).await?;
    let site = own_site(&me, site)?;
    let body: Body = super::json(&mut req, "{\"operators\": [names]}", super::MAX_BODY).await?;
    let operators = if body.operators.is_empty() { vec![me.name.clone()] } else { body.operators };
    if operators.len() > 20 {
        return Err(RouteError::BadRequest("at most 20 operators".into()));
    }
    let now = worker::Date::now().as_millis();
    let mut all = Vec::new();
    for d in 0..7 {
        for (i, name) in operators.iter().enumerate() {
            for j in 0..(3 + (d + i as u64) % 4) {
                all.push((format!("seed-{d}-{i}-{j}"), seeded(now, d, i as u64, j, name)));
            }
        }
    }
    let count = all.len();
    crate::calls::inbox::file(env, site.as_str(), all).await?;
    Ok(Response::from_json(&serde_json::json!({ "seeded": count }))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Just after midnight, just before it and at noon: every seeded chat
    /// falls on one of the seven days the week's report shows, before now.
    #[test]
    fn a_seeded_week_stays_within_its_seven_days_at_any_hour() {
        let day = 20_790 * DAY_MS;
        for now in [day + 5 * MIN, day + DAY_MS - 5 * MIN, day + DAY_MS / 2, day + 1] {
            let today = now / DAY_MS;
            for d in 0..7 {
                for i in 0..3 {
                    for j in 0..6 {
                        let at = seeded(now, d, i, j, "Ann").started_at.unwrap();
                        assert!(at <= now, "in the future: {d} {i} {j} at {now}");
                        assert_eq!(at / DAY_MS, today - d, "on its day: {d} {i} {j} at {now}");
                    }
                }
            }
        }
    }
}
