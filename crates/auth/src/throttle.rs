//! Throttles of the unauthenticated endpoints (contract §10): a token bucket (GCRA) per key — a client IP, or an
//! e-mail and client IP pair — of so many attempts per minute or per hour. The login throttle counts per client
//! IP and per e-mail and IP pair, so failed attempts from one address never lock the account for other
//! addresses; the sign-up throttle counts per client IP.

use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use twenty_domain::error::{DomainError, DomainResult};

type Limiter = RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock>;

/// Keys kept before the idle ones are dropped.
const MAX_KEYS: usize = 100_000;

pub struct Throttle {
    limiter: Option<Limiter>,
}

impl Throttle {
    /// `attempts` per minute and key; `0` disables the throttle.
    pub fn per_minute(attempts: u32) -> Self {
        Throttle {
            limiter: NonZeroU32::new(attempts).map(|n| RateLimiter::keyed(Quota::per_minute(n))),
        }
    }

    /// `attempts` per hour and key; `0` disables the throttle.
    pub fn per_hour(attempts: u32) -> Self {
        Throttle {
            limiter: NonZeroU32::new(attempts).map(|n| RateLimiter::keyed(Quota::per_hour(n))),
        }
    }

    /// A login attempt for `email` from `ip`: one of the IP's attempts and one of the pair's.
    pub fn check_login(&self, ip: IpAddr, email: &str) -> DomainResult<()> {
        let email = email.trim().to_lowercase();
        self.spend([format!("ip:{ip}"), format!("pair:{ip}:{email}")])
    }

    /// A sign-up from `ip`.
    pub fn check_sign_up(&self, ip: IpAddr) -> DomainResult<()> {
        self.spend([format!("ip:{ip}")])
    }

    /// Spends one attempt of each key's budget, refusing at the first key with none left.
    fn spend(&self, keys: impl IntoIterator<Item = String>) -> DomainResult<()> {
        let Some(limiter) = &self.limiter else { return Ok(()) };
        for key in keys {
            if let Err(not_until) = limiter.check_key(&key) {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                return Err(DomainError::RateLimited {
                    retry_after_secs: wait.as_secs().max(1),
                });
            }
        }
        if limiter.len() > MAX_KEYS {
            limiter.retain_recent();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_eleventh_login_attempt_of_a_pair_in_a_minute_is_refused_and_other_addresses_are_not() {
        let throttle = Throttle::per_minute(10);
        for i in 0..10 {
            assert!(throttle.check_login(ip("127.0.0.2"), "a@b.c").is_ok(), "attempt {i}");
        }
        let err = throttle.check_login(ip("127.0.0.2"), "A@b.c").unwrap_err();
        assert!(matches!(err, DomainError::RateLimited { retry_after_secs } if retry_after_secs >= 1));
        assert!(
            throttle.check_login(ip("127.0.0.3"), "a@b.c").is_ok(),
            "another address"
        );
    }

    #[test]
    fn one_address_has_ten_login_attempts_a_minute_whatever_the_emails() {
        let throttle = Throttle::per_minute(10);
        for i in 0..10 {
            assert!(throttle.check_login(ip("127.0.0.2"), &format!("u{i}@b.c")).is_ok());
        }
        assert!(throttle.check_login(ip("127.0.0.2"), "new@b.c").is_err());
    }

    #[test]
    fn sign_ups_count_per_address_and_zero_disables() {
        let throttle = Throttle::per_hour(2);
        assert!(throttle.check_sign_up(ip("127.0.0.2")).is_ok());
        assert!(throttle.check_sign_up(ip("127.0.0.2")).is_ok());
        assert!(throttle.check_sign_up(ip("127.0.0.2")).is_err());
        assert!(throttle.check_sign_up(ip("127.0.0.3")).is_ok());
        let off = Throttle::per_hour(0);
        for _ in 0..100 {
            assert!(off.check_sign_up(ip("127.0.0.2")).is_ok());
        }
    }
}
