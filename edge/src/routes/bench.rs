//! `GET /api/bench/echo/ws`: the benchmark baseline socket (see
//! [`crate::echo`]). Answers 404 unless the `BENCH` variable is `on`.

use worker::{Env, Request};

use crate::error::{RouteError, RouteResult};

/// Attaches a socket to the Echo object.
pub async fn echo_socket(req: Request, env: &Env) -> RouteResult {
    if env.var("BENCH").map(|v| v.to_string()).unwrap_or_default() != "on" {
        return Err(RouteError::NotFound);
    }
    if !crate::socket::is_upgrade(&req) {
        return Err(RouteError::UpgradeRequired);
    }
    let inner = super::socket_request(&req, &[])?;
    let stub = env.durable_object(crate::echo::BINDING)?.get_by_name("echo")?;
    Ok(stub.fetch_with_request(inner).await?)
}
