//! Rate buckets: "spend one unit of bucket K, whose quota is L per period" — the one operation behind the login and
//! sign-up throttles ([`crate::throttle`]) and the server's API rate limits. Each bucket is a GCRA token bucket: a
//! fresh one may be spent at once, and it refills continuously, one unit every `period / limit`.
//!
//! [`Buckets`] is where buckets live. [`LocalBuckets`] keeps them in the process (governor); the server also
//! implements it over Redis (`REDIS_URL`), so that every instance spends the same buckets. Callers say the quota
//! with each spend, so a limit is stated once, where it is configured, whichever store keeps the buckets.

use governor::RateLimiter;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use std::collections::HashMap;
use std::future::Future;
use std::num::NonZeroU32;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// `limit` units per `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quota {
    limit: NonZeroU32,
    period: Duration,
}

impl Quota {
    /// `limit` a minute; `None` for 0 (no limit).
    pub fn per_minute(limit: u32) -> Option<Quota> {
        Quota::new(limit, Duration::from_secs(60))
    }

    /// `limit` an hour; `None` for 0 (no limit).
    pub fn per_hour(limit: u32) -> Option<Quota> {
        Quota::new(limit, Duration::from_secs(3600))
    }

    /// `limit` per `period`; `None` for a limit or a period of 0.
    pub fn new(limit: u32, period: Duration) -> Option<Quota> {
        let limit = NonZeroU32::new(limit)?;
        (!period.is_zero()).then_some(Quota { limit, period })
    }

    pub fn limit(&self) -> u32 {
        self.limit.get()
    }

    pub fn period(&self) -> Duration {
        self.period
    }

    /// How long one unit takes to come back: `period / limit` (at least a microsecond).
    pub fn interval(&self) -> Duration {
        (self.period / self.limit.get()).max(Duration::from_micros(1))
    }
}

/// One bucket to spend: its key (unique across every kind of bucket, e.g. `rest:key:<id>`) and its quota.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    pub key: String,
    pub quota: Quota,
}

/// What spending one unit of a bucket left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spent {
    pub limit: u32,
    /// Units that may be spent now.
    pub remaining: u32,
    /// How long until the bucket is full again.
    pub full_in: Duration,
    /// `Some` when the unit was refused: how long until one unit may be spent.
    pub retry_after: Option<Duration>,
}

impl Spent {
    pub fn refused(&self) -> bool {
        self.retry_after.is_some()
    }

    /// Whole seconds until a unit may be spent (at least 1) when refused.
    pub fn retry_after_secs(&self) -> Option<u64> {
        self.retry_after.map(|wait| ceil_secs(wait).max(1))
    }

    /// Whole seconds until the bucket is full again.
    pub fn full_in_secs(&self) -> u64 {
        ceil_secs(self.full_in)
    }
}

fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// What [`Buckets::spend`] answers: a boxed future, so that the store can be chosen at run time.
pub type SpendFuture<'a> = Pin<Box<dyn Future<Output = Vec<Spent>> + Send + 'a>>;

/// Where buckets live: in this process, or shared by several (the server's Redis store).
pub trait Buckets: Send + Sync {
    /// Spends one unit of each bucket in order, stopping after the first that refuses (those before it stay
    /// spent), as one atomic step; answers for the buckets reached, in order. A store that cannot reach its
    /// backend answers from buckets of its own rather than fail.
    fn spend<'a>(&'a self, buckets: &'a [Bucket]) -> SpendFuture<'a>;
}

type Limiter = RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// Keys one limiter keeps before the idle ones are dropped.
const MAX_KEYS: usize = 100_000;

/// Buckets in this process: one governor limiter per quota, keyed by the bucket's key.
#[derive(Default)]
pub struct LocalBuckets {
    limiters: RwLock<HashMap<Quota, Arc<Limiter>>>,
}

impl LocalBuckets {
    fn limiter(&self, quota: Quota) -> Option<Arc<Limiter>> {
        if let Some(limiter) = self.limiters.read().ok()?.get(&quota) {
            return Some(limiter.clone());
        }
        let governor_quota = governor::Quota::with_period(quota.interval())?.allow_burst(quota.limit);
        let mut limiters = self.limiters.write().ok()?;
        let limiter = limiters.entry(quota).or_insert_with(|| {
            Arc::new(RateLimiter::new(
                governor_quota,
                DefaultKeyedStateStore::default(),
                DefaultClock::default(),
            ))
        });
        Some(limiter.clone())
    }

    /// [`Buckets::spend`] without waiting: what a shared store falls back to.
    pub fn spend_now(&self, buckets: &[Bucket]) -> Vec<Spent> {
        let mut answers = Vec::with_capacity(buckets.len());
        for bucket in buckets {
            let Some(limiter) = self.limiter(bucket.quota) else {
                continue;
            };
            let spent = spend_one(&limiter, bucket);
            if limiter.len() > MAX_KEYS {
                limiter.retain_recent();
            }
            answers.push(spent);
            if spent.refused() {
                break;
            }
        }
        answers
    }
}

fn spend_one(limiter: &Limiter, bucket: &Bucket) -> Spent {
    let quota = bucket.quota;
    match limiter.check_key(&bucket.key) {
        Ok(snapshot) => {
            let remaining = snapshot.remaining_burst_capacity().min(quota.limit());
            Spent {
                limit: quota.limit(),
                remaining,
                full_in: quota.interval() * (quota.limit() - remaining),
                retry_after: None,
            }
        }
        Err(not_until) => {
            let now = DefaultClock::default().now();
            let wait = not_until.wait_time_from(now);
            // The bucket is empty: full once the unit refused now would have come back, plus the rest.
            let full_in = quota.interval() * quota.limit().saturating_sub(1) + wait;
            Spent {
                limit: quota.limit(),
                remaining: 0,
                full_in: full_in.max(wait),
                retry_after: Some(wait.max(Duration::from_nanos(1))),
            }
        }
    }
}

impl Buckets for LocalBuckets {
    fn spend<'a>(&'a self, buckets: &'a [Bucket]) -> SpendFuture<'a> {
        let answers = self.spend_now(buckets);
        Box::pin(std::future::ready(answers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(key: &str, limit: u32) -> Bucket {
        Bucket {
            key: key.into(),
            quota: Quota::per_minute(limit).unwrap(),
        }
    }

    #[test]
    fn a_fresh_bucket_is_spent_at_once_then_refuses_until_a_unit_comes_back() {
        let local = LocalBuckets::default();
        let remaining: Vec<u32> = (0..3)
            .map(|_| local.spend_now(&[bucket("a", 3)])[0].remaining)
            .collect();
        assert_eq!(remaining, [2, 1, 0]);
        let over = local.spend_now(&[bucket("a", 3)])[0];
        assert!(over.refused());
        let wait = over.retry_after.unwrap();
        assert!(
            wait > Duration::from_secs(19) && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        assert_eq!(over.retry_after_secs(), Some(20));
        assert!(over.full_in_secs() >= 59 && over.full_in_secs() <= 60, "{over:?}");
        assert!(!local.spend_now(&[bucket("b", 3)])[0].refused(), "another key");
    }

    #[test]
    fn spending_stops_after_the_first_refusal() {
        let local = LocalBuckets::default();
        local.spend_now(&[bucket("first", 1)]);
        let answers = local.spend_now(&[bucket("first", 1), bucket("second", 1)]);
        assert_eq!(answers.len(), 1, "the second bucket was not reached");
        let answers = local.spend_now(&[bucket("second", 1)]);
        assert!(!answers[0].refused(), "the second bucket was left full");
    }

    #[test]
    fn zero_is_no_quota() {
        assert_eq!(Quota::per_minute(0), None);
        assert_eq!(Quota::new(5, Duration::ZERO), None);
        assert_eq!(Quota::per_hour(60).unwrap().interval(), Duration::from_secs(60));
    }
}
