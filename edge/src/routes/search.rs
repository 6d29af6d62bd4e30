//! Search across a site's conversations: `GET
//! /api/console/sites/{site}/search?q=&customer=&tag=&workflow=&status=&operator=&from=&to=&cursor=`
//! (and the same under `/api/v1` with a read key) → a page of
//! [`shared::search::SearchPage`], asked of the site's list part, whose
//! index the conversations' notices keep (`inbox/search_sql.rs`): no
//! conversation object is asked.

use shared::search::SearchQuery;
use shared::staff::Capability;
use worker::{Env, Request, Response};

use crate::error::{RouteError, RouteResult};
use crate::session::{own_site, staff};

/// `GET …/search?…` → [`shared::search::SearchPage`].
pub async fn search(req: Request, env: &Env, site: &str) -> RouteResult {
    let me = staff(&req, env, Capability::ReadConversations).await?;
    let site = own_site(&me, site)?;
    let url = req.url()?;
    let pairs: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let query = SearchQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| RouteError::BadRequest(e.to_string()))?;
    Ok(Response::from_json(&crate::calls::inbox::search(env, site.as_str(), query).await?)?)
}
