//! Login throttling: per client IP and per e-mail, a token bucket (GCRA) of `per_minute` attempts.

use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use std::num::NonZeroU32;
use twenty_domain::error::{DomainError, DomainResult};

type Limiter = RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock>;

pub struct LoginThrottle {
    limiter: Option<Limiter>,
}

impl LoginThrottle {
    /// `per_minute = 0` disables throttling.
    pub fn new(per_minute: u32) -> Self {
        LoginThrottle {
            limiter: NonZeroU32::new(per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n))),
        }
    }

    /// Spends one attempt of the IP's and one of the e-mail's budget.
    pub fn check(&self, ip: &str, email: &str) -> DomainResult<()> {
        let Some(limiter) = &self.limiter else { return Ok(()) };
        for key in [format!("ip:{ip}"), format!("email:{}", email.trim().to_lowercase())] {
            if let Err(not_until) = limiter.check_key(&key) {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                return Err(DomainError::RateLimited {
                    retry_after_secs: wait.as_secs().max(1),
                });
            }
        }
        if limiter.len() > 100_000 {
            limiter.retain_recent();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_eleventh_attempt_in_a_minute_is_refused() {
        let throttle = LoginThrottle::new(10);
        for i in 0..10 {
            assert!(throttle.check(&format!("10.0.0.{i}"), "a@b.c").is_ok(), "attempt {i}");
        }
        let err = throttle.check("10.0.0.99", "A@b.c").unwrap_err();
        assert!(matches!(err, DomainError::RateLimited { retry_after_secs } if retry_after_secs >= 1));
        assert!(throttle.check("10.0.0.99", "other@b.c").is_ok());
        assert!(LoginThrottle::new(0).check("x", "y").is_ok());
    }
}
