//! Rate limits (contract §7a, §10): a token bucket (GCRA) per principal and per API (`/graphql`, `/rest`,
//! `/metadata`), sized by `RATE_LIMIT_*` requests per minute, and one per workspace and API,
//! `RATE_LIMIT_WORKSPACE_FACTOR` times larger and shared by all the workspace's keys and users, so that new API
//! keys do not multiply what a workspace may spend. A fresh bucket may be spent at once; it refills continuously. Every response of the three APIs carries `X-RateLimit-Limit`,
//! `X-RateLimit-Remaining` and `X-RateLimit-Reset` (Unix seconds when the bucket is full again).

use crate::AppState;
use crate::middleware::api_error_response;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue, RETRY_AFTER};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use std::num::NonZeroU32;
use std::time::{SystemTime, UNIX_EPOCH};
use twenty_auth::Principal;
use twenty_domain::DomainError;

type Limiter = RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// One bucket per key: `None` when the limit is 0 (disabled).
struct Budget {
    limiter: Option<Limiter>,
    per_minute: u32,
}

impl Budget {
    fn new(per_minute: u32) -> Self {
        let limiter = NonZeroU32::new(per_minute).map(|n| -> Limiter {
            RateLimiter::new(
                Quota::per_minute(n),
                DefaultKeyedStateStore::default(),
                DefaultClock::default(),
            )
        });
        Budget { limiter, per_minute }
    }

    /// Spends one request of `key`'s bucket; `None` when the budget is disabled.
    fn spend(&self, key: String) -> Option<Verdict> {
        let limiter = self.limiter.as_ref()?;
        let refill_secs = 60.0 / f64::from(self.per_minute.max(1));
        let verdict = match limiter.check_key(&key) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                let missing = f64::from(self.per_minute.saturating_sub(remaining));
                Verdict {
                    limit: self.per_minute,
                    remaining,
                    reset: unix_now() + (missing * refill_secs).ceil() as u64,
                    retry_after: None,
                }
            }
            Err(not_until) => {
                let wait = not_until
                    .wait_time_from(DefaultClock::default().now())
                    .as_secs_f64()
                    .ceil()
                    .max(1.0) as u64;
                Verdict {
                    limit: self.per_minute,
                    remaining: 0,
                    reset: unix_now() + (f64::from(self.per_minute) * refill_secs).ceil() as u64,
                    retry_after: Some(wait),
                }
            }
        };
        if limiter.len() > 100_000 {
            limiter.retain_recent();
        }
        Some(verdict)
    }
}

/// The buckets of one API: per principal and per workspace.
struct ApiBudget {
    principal: Budget,
    workspace: Budget,
}

impl ApiBudget {
    fn new(per_minute: u32, workspace_factor: u32) -> Self {
        let workspace = match workspace_factor {
            0 => 0,
            factor => per_minute.saturating_mul(factor),
        };
        ApiBudget {
            principal: Budget::new(per_minute),
            workspace: Budget::new(workspace),
        }
    }
}

pub struct RateLimits {
    graphql: ApiBudget,
    rest: ApiBudget,
    metadata: ApiBudget,
}

/// What the headers say after a request was counted.
pub struct Verdict {
    pub limit: u32,
    pub remaining: u32,
    /// Unix seconds at which the budget is full again.
    pub reset: u64,
    /// Seconds until one more request is allowed, when over the limit.
    pub retry_after: Option<u64>,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

impl RateLimits {
    /// Per-minute limits per principal of each API; each workspace may spend `workspace_factor` times as much
    /// (`0`: no workspace budget).
    pub fn new(graphql: u32, rest: u32, metadata: u32, workspace_factor: u32) -> Self {
        RateLimits {
            graphql: ApiBudget::new(graphql, workspace_factor),
            rest: ApiBudget::new(rest, workspace_factor),
            metadata: ApiBudget::new(metadata, workspace_factor),
        }
    }

    fn budget(&self, path: &str) -> Option<&ApiBudget> {
        match path.trim_start_matches('/').split('/').next() {
            Some("graphql") => Some(&self.graphql),
            Some("rest") => Some(&self.rest),
            Some("metadata") => Some(&self.metadata),
            _ => None,
        }
    }

    /// Spends one request of the principal's and of its workspace's budget for the API of `path`; `None` when
    /// that API is not limited. The answer is the tighter of the two: a refusal, else the fewer remaining.
    pub fn check(&self, path: &str, principal: &Principal) -> Option<Verdict> {
        let budget = self.budget(path)?;
        let own = budget.principal.spend(principal.key());
        if own.as_ref().is_some_and(|v| v.retry_after.is_some()) {
            return own;
        }
        let shared = budget.workspace.spend(format!("workspace:{}", principal.workspace_id));
        match (own, shared) {
            (Some(own), Some(shared)) if shared.retry_after.is_some() || shared.remaining < own.remaining => {
                Some(shared)
            }
            (own, shared) => own.or(shared),
        }
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
        (Some(principal), Some(state)) => state.rate_limits.check(req.path(), &principal),
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
    use twenty_auth::Subject;
    use uuid::Uuid;

    fn user(workspace: u128, user: u128) -> Principal {
        Principal {
            workspace_id: Uuid::from_u128(workspace),
            subject: Subject::User {
                user_id: Uuid::from_u128(user),
            },
        }
    }

    #[test]
    fn budgets_are_per_api_and_per_principal_and_zero_disables() {
        let limits = RateLimits::new(2, 0, 1, 0);
        let (a, b) = (user(1, 1), user(1, 2));
        let first = limits.check("/graphql", &a).unwrap_or_else(|| panic!("limited"));
        assert_eq!((first.limit, first.remaining, first.retry_after), (2, 1, None));
        assert!(first.reset > unix_now());
        assert_eq!(limits.check("/graphql", &a).map(|v| v.remaining), Some(0));
        let over = limits.check("/graphql", &a).unwrap_or_else(|| panic!("limited"));
        assert!(over.retry_after.is_some_and(|s| s >= 1));
        assert_eq!(
            limits.check("/graphql", &b).map(|v| v.retry_after),
            Some(None),
            "other principal"
        );
        assert!(limits.check("/rest/companies", &a).is_none(), "0 disables");
        assert_eq!(
            limits.check("/metadata", &a).map(|v| v.retry_after),
            Some(None),
            "own budget"
        );
        assert!(limits.check("/auth/login", &a).is_none());
    }

    #[test]
    fn a_workspace_shares_factor_times_the_limit_among_its_principals() {
        let limits = RateLimits::new(2, 2, 2, 2);
        for user_id in 0..2 {
            for _ in 0..2 {
                let verdict = limits
                    .check("/rest/people", &user(7, user_id))
                    .unwrap_or_else(|| panic!("limited"));
                assert_eq!(verdict.retry_after, None);
            }
        }
        let third = limits
            .check("/rest/people", &user(7, 3))
            .unwrap_or_else(|| panic!("limited"));
        assert!(
            third.retry_after.is_some(),
            "a new principal does not bring a new workspace budget"
        );
        assert_eq!(third.limit, 4);
        let elsewhere = limits
            .check("/rest/people", &user(8, 3))
            .unwrap_or_else(|| panic!("limited"));
        assert_eq!(elsewhere.retry_after, None, "another workspace");
    }
}
