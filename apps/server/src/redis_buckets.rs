//! Rate buckets in Redis (`REDIS_URL`, contract §9): the API budgets and the login / sign-up throttles shared by
//! every instance. One check is one round trip: a Lua script (sent as `EVALSHA`, loaded once) spends the
//! request's buckets atomically with GCRA on Redis's clock, so instances whose clocks differ still agree. Keys are
//! `twenty:rl:<bucket>` and expire when the bucket would be full again.
//!
//! Redis is not needed to serve: when it does not answer (refused, dropped, or slower than [`TIMEOUT`]), the
//! check is answered from buckets in this process instead, a warning is logged (once per outage, then at most once
//! a minute), and Redis is tried again a second later. During an outage each instance enforces the limits on its
//! own, as without `REDIS_URL`.

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;
use twenty_auth::{Bucket, Buckets, LocalBuckets, Spent};

/// The longest a check waits for Redis before it is answered in process.
pub const TIMEOUT: Duration = Duration::from_millis(500);
/// How long Redis is left alone after it failed to answer.
const RETRY_AFTER: Duration = Duration::from_secs(1);
/// While Redis stays unreachable, the warning is repeated this often.
const WARN_EVERY: Duration = Duration::from_secs(60);
/// Every key's prefix.
const PREFIX: &str = "twenty:rl:";

/// GCRA over the buckets in KEYS, in order; ARGV holds each bucket's emission interval (µs) and limit. A bucket's
/// value is its theoretical arrival time (µs, Redis's clock): when it would be full again. Stops after the first
/// refusal. Answers per bucket reached: {allowed, remaining, µs until full, µs until a unit may be spent}.
const SCRIPT: &str = r#"
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local answers = {}
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i - 1])
  local limit = tonumber(ARGV[2 * i])
  local capacity = interval * limit
  local tat = tonumber(redis.call('GET', key)) or now
  if tat < now then tat = now end
  local next_tat = tat + interval
  if next_tat - now <= capacity then
    local full_in = next_tat - now
    redis.call('SET', key, string.format('%d', next_tat), 'PX', math.ceil(full_in / 1000))
    answers[i] = {1, math.floor((capacity - full_in) / interval), full_in, 0}
  else
    answers[i] = {0, 0, tat - now, next_tat - capacity - now}
    break
  end
end
return answers
"#;

pub struct RedisBuckets {
    client: redis::Client,
    connection: OnceCell<ConnectionManager>,
    script: redis::Script,
    /// Where checks go while Redis does not answer.
    fallback: LocalBuckets,
    health: Mutex<Health>,
    /// Host, port and database, without credentials (for logs).
    pub address: String,
}

struct Health {
    up: bool,
    /// While down: when Redis is tried again.
    retry_at: Instant,
    warned_at: Option<Instant>,
}

impl RedisBuckets {
    /// Buckets in the Redis at `url`; nothing is connected until the first check (or [`RedisBuckets::ping`]).
    pub fn new(url: &str) -> redis::RedisResult<RedisBuckets> {
        Ok(RedisBuckets {
            client: redis::Client::open(url)?,
            connection: OnceCell::new(),
            script: redis::Script::new(SCRIPT),
            fallback: LocalBuckets::default(),
            health: Mutex::new(Health {
                up: true,
                retry_at: Instant::now(),
                warned_at: None,
            }),
            address: without_credentials(url),
        })
    }

    /// Whether the last check was answered by Redis.
    pub fn is_up(&self) -> bool {
        self.health.lock().map(|h| h.up).unwrap_or(false)
    }

    async fn connection(&self) -> redis::RedisResult<ConnectionManager> {
        let manager = self
            .connection
            .get_or_try_init(|| async {
                // One connection attempt per check that needs one: the fallback, not a retry loop, covers an
                // outage, so that no request waits for Redis to come back.
                let config = ConnectionManagerConfig::new()
                    .set_number_of_retries(0)
                    .set_connection_timeout(Some(TIMEOUT))
                    .set_response_timeout(Some(TIMEOUT));
                ConnectionManager::new_lazy_with_config(self.client.clone(), config)
            })
            .await?;
        Ok(manager.clone())
    }

    /// Checks that Redis answers (at start), recording the outcome as a check would.
    pub async fn ping(&self) -> Result<(), String> {
        let answer = tokio::time::timeout(TIMEOUT, async {
            let mut connection = self.connection().await?;
            redis::cmd("PING").query_async::<String>(&mut connection).await
        })
        .await;
        match answer {
            Ok(Ok(_)) => {
                self.answered();
                Ok(())
            }
            Ok(Err(err)) => Err(self.failed(err.to_string())),
            Err(_) => Err(self.failed(format!("no answer within {} ms", TIMEOUT.as_millis()))),
        }
    }

    async fn spend_in_redis(&self, buckets: &[Bucket]) -> redis::RedisResult<Vec<Spent>> {
        let mut invocation = self.script.prepare_invoke();
        for bucket in buckets {
            let interval = bucket.quota.interval().as_micros().max(1) as u64;
            invocation
                .key(format!("{PREFIX}{}", bucket.key))
                .arg(interval)
                .arg(bucket.quota.limit());
        }
        let mut connection = self.connection().await?;
        let answers: Vec<(i64, i64, i64, i64)> = invocation.invoke_async(&mut connection).await?;
        Ok(buckets
            .iter()
            .zip(answers)
            .map(|(bucket, (allowed, remaining, full_in, retry_after))| {
                let micros = |n: i64| Duration::from_micros(n.max(0) as u64);
                Spent {
                    limit: bucket.quota.limit(),
                    remaining: u32::try_from(remaining.max(0)).unwrap_or(u32::MAX),
                    full_in: micros(full_in),
                    retry_after: (allowed == 0).then(|| micros(retry_after).max(Duration::from_micros(1))),
                }
            })
            .collect())
    }

    /// Whether this check should go to Redis: always while it answers; while it does not, one check a second.
    fn should_try(&self) -> bool {
        let Ok(mut health) = self.health.lock() else {
            return true;
        };
        let now = Instant::now();
        if health.up {
            return true;
        }
        if now < health.retry_at {
            return false;
        }
        health.retry_at = now + RETRY_AFTER;
        true
    }

    fn answered(&self) {
        if let Ok(mut health) = self.health.lock()
            && !health.up
        {
            health.up = true;
            health.warned_at = None;
            tracing::info!(redis = %self.address, "Redis answers again; rate limits and throttles are shared");
        }
    }

    /// Records a failure and logs it (once per outage, then at most once a minute); returns the reason.
    fn failed(&self, reason: String) -> String {
        let Ok(mut health) = self.health.lock() else {
            return reason;
        };
        let now = Instant::now();
        health.up = false;
        health.retry_at = now + RETRY_AFTER;
        if health.warned_at.is_none_or(|at| now.duration_since(at) >= WARN_EVERY) {
            health.warned_at = Some(now);
            tracing::warn!(
                redis = %self.address,
                %reason,
                "Redis does not answer; rate limits and throttles are counted per process until it does"
            );
        }
        reason
    }
}

impl Buckets for RedisBuckets {
    fn spend<'a>(&'a self, buckets: &'a [Bucket]) -> twenty_auth::buckets::SpendFuture<'a> {
        Box::pin(async move {
            if buckets.is_empty() || !self.should_try() {
                return self.fallback.spend_now(buckets);
            }
            match tokio::time::timeout(TIMEOUT, self.spend_in_redis(buckets)).await {
                Ok(Ok(spent)) => {
                    self.answered();
                    spent
                }
                Ok(Err(err)) => {
                    self.failed(err.to_string());
                    self.fallback.spend_now(buckets)
                }
                Err(_) => {
                    self.failed(format!("no answer within {} ms", TIMEOUT.as_millis()));
                    self.fallback.spend_now(buckets)
                }
            }
        })
    }
}

/// `redis://user:password@host:port/db` as `redis://host:port/db`.
fn without_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::without_credentials;

    #[test]
    fn credentials_are_left_out_of_the_address() {
        assert_eq!(
            without_credentials("redis://:secret@cache.internal:6380/2"),
            "redis://cache.internal:6380/2"
        );
        assert_eq!(without_credentials("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
        assert_eq!(without_credentials("redis://u:p@h/0?x=@"), "redis://h/0?x=@");
    }
}
