//! Rate limits (contract §7a, §10): a token bucket (GCRA) per principal and per API (`/graphql`, `/rest`,
//! `/metadata`), sized by `RATE_LIMIT_*` requests per minute, and one per workspace and API,
//! `RATE_LIMIT_WORKSPACE_FACTOR` times larger and shared by all the workspace's keys and users, so that new API
//! keys do not multiply what a workspace may spend. A fresh bucket may be spent at once; it refills continuously.
//! Every response of the three APIs carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`
//! (Unix seconds when the bucket is full again). The buckets live in the process, or in Redis with `REDIS_URL`
//! ([`crate::redis_buckets`]), so that every instance spends the same ones.

use crate::AppState;
use crate::middleware::api_error_response;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue, RETRY_AFTER};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use twenty_auth::{Bucket, Buckets, Principal, Quota, Spent};
use twenty_domain::DomainError;

/// The budgets of one API: per principal and per workspace (`None`: not limited).
struct ApiBudget {
    api: &'static str,
    principal: Option<Quota>,
    workspace: Option<Quota>,
}

impl ApiBudget {
    fn new(api: &'static str, per_minute: u32, workspace_factor: u32) -> Self {
        let principal = Quota::per_minute(per_minute);
        ApiBudget {
            api,
            principal,
            workspace: Quota::per_minute(per_minute.saturating_mul(workspace_factor)),
        }
    }

    /// The buckets a request of `principal` spends, the principal's first.
    fn buckets(&self, principal: &Principal) -> Vec<Bucket> {
        let own = self.principal.map(|quota| Bucket {
            key: format!("{}:{}", self.api, principal.key()),
            quota,
        });
        let shared = self.workspace.map(|quota| Bucket {
            key: format!("{}:workspace:{}", self.api, principal.workspace_id),
            quota,
        });
        own.into_iter().chain(shared).collect()
    }
}

pub struct RateLimits {
    buckets: Arc<dyn Buckets>,
    graphql: ApiBudget,
    rest: ApiBudget,
    metadata: ApiBudget,
}

/// What the headers say after a request was counted.
#[derive(Debug)]
pub struct Verdict {
    pub limit: u32,
    pub remaining: u32,
    /// Unix seconds at which the budget is full again.
    pub reset: u64,
    /// Seconds until one more request is allowed, when over the limit.
    pub retry_after: Option<u64>,
}

impl Verdict {
    fn of(spent: &Spent) -> Verdict {
        Verdict {
            limit: spent.limit,
            remaining: spent.remaining,
            reset: unix_now() + spent.full_in_secs(),
            retry_after: spent.retry_after_secs(),
        }
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

impl RateLimits {
    /// Per-minute limits per principal of each API; each workspace may spend `workspace_factor` times as much
    /// (`0`: no workspace budget). The buckets are spent in `buckets`.
    pub fn new(buckets: Arc<dyn Buckets>, graphql: u32, rest: u32, metadata: u32, workspace_factor: u32) -> Self {
        RateLimits {
            buckets,
            graphql: ApiBudget::new("graphql", graphql, workspace_factor),
            rest: ApiBudget::new("rest", rest, workspace_factor),
            metadata: ApiBudget::new("metadata", metadata, workspace_factor),
        }
    }

    /// The API a path belongs to; Twenty's REST metadata routes (`/rest/metadata/…`) are the metadata API's.
    fn budget(&self, path: &str) -> Option<&ApiBudget> {
        let mut segments = path.trim_start_matches('/').split('/');
        match (segments.next(), segments.next()) {
            (Some("graphql"), _) => Some(&self.graphql),
            (Some("rest"), Some("metadata")) => Some(&self.metadata),
            (Some("rest"), _) => Some(&self.rest),
            (Some("metadata"), _) => Some(&self.metadata),
            _ => None,
        }
    }

    /// Spends one request of the principal's and of its workspace's budget for the API of `path` (the
    /// workspace's only when the principal's allowed it); `None` when that API is not limited. The answer is the
    /// tighter of the two: a refusal, else the fewer remaining.
    pub async fn check(&self, path: &str, principal: &Principal) -> Option<Verdict> {
        let buckets = self.budget(path)?.buckets(principal);
        if buckets.is_empty() {
            return None;
        }
        let spent = self.buckets.spend(&buckets).await;
        let tightest = spent.iter().reduce(|tightest, next| {
            if next.refused() || (!tightest.refused() && next.remaining < tightest.remaining) {
                next
            } else {
                tightest
            }
        })?;
        Some(Verdict::of(tightest))
    }
}

fn set_headers(headers: &mut actix_web::http::header::HeaderMap, verdict: &Verdict) {
    for (name, value) in [
        ("x-ratelimit-limit", verdict.limit.to_string()),
        ("x-ratelimit-remaining", verdict.remaining.to_string()),
        ("x-ratelimit-reset", verdict.reset.to_string()),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    if let Some(retry) = verdict.retry_after
        && let Ok(value) = HeaderValue::from_str(&retry.to_string())
    {
        headers.insert(RETRY_AFTER, value);
    }
}

/// Counts the request against its principal's budget (after authentication); over the limit it answers 429.
pub async fn limit<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let principal = req.extensions().get::<Principal>().copied();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let verdict = match (principal, state) {
        (Some(principal), Some(state)) => state.rate_limits.check(req.path(), &principal).await,
        _ => None,
    };
    let Some(verdict) = verdict else {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    };
    if let Some(retry_after_secs) = verdict.retry_after {
        let mut response = api_error_response(req.path(), DomainError::RateLimited { retry_after_secs });
        set_headers(response.headers_mut(), &verdict);
        return Ok(req.into_response(response).map_into_right_body());
    }
    let mut response = next.call(req).await?;
    set_headers(response.headers_mut(), &verdict);
    Ok(response.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;
    use twenty_auth::{LocalBuckets, Subject};
    use uuid::Uuid;

    fn user(workspace: u128, user: u128) -> Principal {
        Principal {
            workspace_id: Uuid::from_u128(workspace),
            subject: Subject::User {
                user_id: Uuid::from_u128(user),
            },
        }
    }

    #[tokio::test]
    async fn budgets_are_per_api_and_per_principal_and_zero_disables() {
        let limits = RateLimits::new(Arc::new(LocalBuckets::default()), 2, 0, 1, 0);
        let (a, b) = (user(1, 1), user(1, 2));
        let first = limits.check("/graphql", &a).await.unwrap_or_else(|| panic!("limited"));
        assert_eq!((first.limit, first.remaining, first.retry_after), (2, 1, None));
        assert!(first.reset > unix_now());
        assert_eq!(limits.check("/graphql", &a).await.map(|v| v.remaining), Some(0));
        let over = limits.check("/graphql", &a).await.unwrap_or_else(|| panic!("limited"));
        assert!(over.retry_after.is_some_and(|s| s >= 1));
        assert_eq!(
            limits.check("/graphql", &b).await.map(|v| v.retry_after),
            Some(None),
            "other principal"
        );
        assert!(limits.check("/rest/companies", &a).await.is_none(), "0 disables");
        assert_eq!(
            limits.check("/metadata", &a).await.map(|v| v.retry_after),
            Some(None),
            "own budget"
        );
        assert!(limits.check("/auth/login", &a).await.is_none());
    }

    #[tokio::test]
    async fn rest_metadata_routes_spend_the_metadata_budget() {
        let limits = RateLimits::new(Arc::new(LocalBuckets::default()), 0, 5, 1, 0);
        let a = user(1, 1);
        let first = limits
            .check("/rest/metadata/objects", &a)
            .await
            .unwrap_or_else(|| panic!("limited"));
        assert_eq!((first.limit, first.remaining), (1, 0), "the metadata budget");
        let over = limits.check("/metadata", &a).await.unwrap_or_else(|| panic!("limited"));
        assert!(
            over.retry_after.is_some(),
            "one budget for /metadata and /rest/metadata"
        );
        let records = limits
            .check("/rest/metadataThings", &a)
            .await
            .unwrap_or_else(|| panic!("limited"));
        assert_eq!(records.limit, 5, "records of another object are REST's");
        let document = limits
            .check("/rest/open-api/metadata", &a)
            .await
            .unwrap_or_else(|| panic!("limited"));
        assert_eq!(document.limit, 5, "the OpenAPI documents are REST's");
    }

    #[tokio::test]
    async fn a_workspace_shares_factor_times_the_limit_among_its_principals() {
        let limits = RateLimits::new(Arc::new(LocalBuckets::default()), 2, 2, 2, 2);
        for user_id in 0..2 {
            for _ in 0..2 {
                let verdict = limits
                    .check("/rest/people", &user(7, user_id))
                    .await
                    .unwrap_or_else(|| panic!("limited"));
                assert_eq!(verdict.retry_after, None);
            }
        }
        let third = limits
            .check("/rest/people", &user(7, 3))
            .await
            .unwrap_or_else(|| panic!("limited"));
        assert!(
            third.retry_after.is_some(),
            "a new principal does not bring a new workspace budget"
        );
        assert_eq!(third.limit, 4);
        let elsewhere = limits
            .check("/rest/people", &user(8, 3))
            .await
            .unwrap_or_else(|| panic!("limited"));
        assert_eq!(elsewhere.retry_after, None, "another workspace");
    }
}
