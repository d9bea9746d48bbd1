//! Throttles of the unauthenticated endpoints (contract §10): buckets ([`crate::buckets`]) per key — a client IP,
//! or an e-mail and client IP pair — of so many attempts per minute or per hour. The login throttle counts per
//! client IP and per e-mail and IP pair, so failed attempts from one address never lock the account for other
//! addresses; the sign-up throttle counts per client IP. Where the buckets live (this process, or Redis shared by
//! every instance) is the caller's choice.

use crate::buckets::{Bucket, Buckets, Quota};
use std::net::IpAddr;
use std::sync::Arc;
use twenty_domain::error::{DomainError, DomainResult};

pub struct Throttles {
    buckets: Arc<dyn Buckets>,
    login: Option<Quota>,
    sign_up: Option<Quota>,
}

impl Throttles {
    /// Login attempts per client IP and per e-mail and IP pair (`login`), sign-ups per client IP (`sign_up`),
    /// spent in `buckets`; `None` disables a throttle.
    pub fn new(buckets: Arc<dyn Buckets>, login: Option<Quota>, sign_up: Option<Quota>) -> Self {
        Throttles {
            buckets,
            login,
            sign_up,
        }
    }

    /// A login attempt for `email` from `ip`: one of the IP's attempts and one of the pair's.
    pub async fn check_login(&self, ip: IpAddr, email: &str) -> DomainResult<()> {
        let Some(quota) = self.login else { return Ok(()) };
        // The e-mail is hashed: a key of bounded length, and no addresses in a shared store.
        let email = hmac_sha256::Hash::hash(email.trim().to_lowercase().as_bytes());
        let email: String = email[..16].iter().map(|b| format!("{b:02x}")).collect();
        self.spend(&[
            Bucket {
                key: format!("login:ip:{ip}"),
                quota,
            },
            Bucket {
                key: format!("login:pair:{ip}:{email}"),
                quota,
            },
        ])
        .await
    }

    /// A sign-up from `ip`.
    pub async fn check_sign_up(&self, ip: IpAddr) -> DomainResult<()> {
        let Some(quota) = self.sign_up else { return Ok(()) };
        self.spend(&[Bucket {
            key: format!("signup:ip:{ip}"),
            quota,
        }])
        .await
    }

    /// Spends one attempt of each bucket, refusing at the first with none left.
    async fn spend(&self, buckets: &[Bucket]) -> DomainResult<()> {
        let spent = self.buckets.spend(buckets).await;
        match spent.iter().find_map(|s| s.retry_after_secs()) {
            Some(retry_after_secs) => Err(DomainError::RateLimited { retry_after_secs }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::buckets::LocalBuckets;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn local(login: u32, sign_up: u32) -> Throttles {
        Throttles::new(
            Arc::new(LocalBuckets::default()),
            Quota::per_minute(login),
            Quota::per_hour(sign_up),
        )
    }

    #[tokio::test]
    async fn the_eleventh_login_attempt_of_a_pair_in_a_minute_is_refused_and_other_addresses_are_not() {
        let throttles = local(10, 0);
        for i in 0..10 {
            assert!(
                throttles.check_login(ip("127.0.0.2"), "a@b.c").await.is_ok(),
                "attempt {i}"
            );
        }
        let err = throttles.check_login(ip("127.0.0.2"), " A@b.c").await.unwrap_err();
        assert!(matches!(err, DomainError::RateLimited { retry_after_secs } if retry_after_secs >= 1));
        assert!(
            throttles.check_login(ip("127.0.0.3"), "a@b.c").await.is_ok(),
            "another address"
        );
    }

    #[tokio::test]
    async fn one_address_has_ten_login_attempts_a_minute_whatever_the_emails() {
        let throttles = local(10, 0);
        for i in 0..10 {
            let email = format!("u{i}@b.c");
            assert!(throttles.check_login(ip("127.0.0.2"), &email).await.is_ok());
        }
        assert!(throttles.check_login(ip("127.0.0.2"), "new@b.c").await.is_err());
    }

    #[tokio::test]
    async fn sign_ups_count_per_address_and_zero_disables() {
        let throttles = local(0, 2);
        assert!(throttles.check_sign_up(ip("127.0.0.2")).await.is_ok());
        assert!(throttles.check_sign_up(ip("127.0.0.2")).await.is_ok());
        assert!(throttles.check_sign_up(ip("127.0.0.2")).await.is_err());
        assert!(throttles.check_sign_up(ip("127.0.0.3")).await.is_ok());
        for _ in 0..100 {
            assert!(throttles.check_login(ip("127.0.0.2"), "a@b.c").await.is_ok());
        }
        let off = local(0, 0);
        for _ in 0..100 {
            assert!(off.check_sign_up(ip("127.0.0.2")).await.is_ok());
        }
    }
}
