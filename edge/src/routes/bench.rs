//! The benchmarks' routes, answering 404 unless the `BENCH` variable is
//! `on` (never in production): `GET /api/bench/echo/ws` (the baseline
//! socket, [`crate::echo`]; `?durable=1` for the one that stores each frame
//! in SQLite first), `GET /api/bench/counts/{conversation}` (the work a
//! conversation object did since it woke: statements and internal calls,
//! [`crate::room::sql::Counts`]) and `GET /api/bench/expiring` (the
//! Directory's rows that expire, counted: the retention test reads them).

use shared::ConversationId;
use worker::{Env, Request};

use crate::error::{RouteError, RouteResult};

fn bench_on(env: &Env) -> Result<(), RouteError> {
    match env.var("BENCH").map(|v| v.to_string()).unwrap_or_default().as_str() {
        "on" => Ok(()),
        _ => Err(RouteError::NotFound),
    }
}

/// Attaches a socket to an Echo object (`?durable=1`: the one that stores).
pub async fn echo_socket(req: Request, env: &Env) -> RouteResult {
    bench_on(env)?;
    if !crate::socket::is_upgrade(&req) {
        return Err(RouteError::UpgradeRequired);
    }
    let durable = super::query(&req, "durable")?.is_some_and(|v| v == "1");
    let inner = super::socket_request(&req, &[(crate::headers::DURABLE, if durable { "1" } else { "" })])?;
    let name = if durable { "durable-echo" } else { "echo" };
    let stub = env.durable_object(crate::echo::BINDING)?.get_by_name(name)?;
    Ok(stub.fetch_with_request(inner).await?)
}

/// A conversation object's work counts.
pub async fn counts(env: &Env, id: &str) -> RouteResult {
    bench_on(env)?;
    let id: ConversationId = id.parse().map_err(|_| RouteError::NotFound)?;
    let stub = crate::calls::room::conversation(env, id.as_str())?;
    let counts: Option<crate::room::sql::Counts> =
        crate::calls::ask(&stub, &crate::calls::room::RoomCall::Counts).await?;
    // A new response: the object's own has immutable headers.
    Ok(worker::Response::from_json(&counts.ok_or(RouteError::NotFound)?)?)
}

/// The Directory's rows that expire, counted.
pub async fn expiring(env: &Env) -> RouteResult {
    bench_on(env)?;
    let rows: serde_json::Value = crate::session::directory(env, crate::directory::ops::DirectoryOp::Expiring).await?;
    Ok(worker::Response::from_json(&rows)?)
}
