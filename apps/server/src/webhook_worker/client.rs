//! One signed delivery over HTTP (contract §7, §10). The target URL was parsed once ([`TargetUrl`]) and the
//! client is given its normal form; unless private targets are allowed, the client's own resolver refuses a host
//! whose addresses include a private one, so the addresses checked are the addresses connected to. Recorded
//! errors say what failed — timeout, refusal, HTTP status, policy — and never the addresses involved.

use std::net::SocketAddr;
use std::time::Duration;
use twenty_domain::webhook::{AttemptOutcome, DueDelivery, TargetUrl, delivery_body, is_private_ip, signature};
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// The delivery client: one agent (and connection pool) for every delivery of the worker.
pub struct Client {
    agent: ureq::Agent,
    timeout: Duration,
}

impl Client {
    pub fn new(timeout: Duration, allow_private: bool) -> Client {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            // Deliveries go to the target itself: a proxy from the environment would be resolved instead of it.
            .proxy(None)
            .build();
        let resolver = PolicyResolver {
            inner: DefaultResolver::default(),
            allow_private,
        };
        Client {
            agent: ureq::Agent::with_parts(config, DefaultConnector::new(), resolver),
            timeout,
        }
    }

    /// One signed POST of `delivery` to `target` (blocking: run it on a blocking thread).
    pub fn deliver(&self, delivery: &DueDelivery, target: &TargetUrl) -> AttemptOutcome {
        let failed = |error: String| AttemptOutcome::Failed {
            http_status: None,
            error,
        };
        let body = match serde_json::to_vec(&delivery_body(&delivery.event, delivery.webhook_id)) {
            Ok(body) => body,
            Err(e) => return failed(format!("cannot encode the body: {e}")),
        };
        let timestamp = chrono::Utc::now().timestamp_millis();
        let sent = self
            .agent
            .post(target.as_str())
            .header("Content-Type", "application/json")
            .header("X-Twenty-Webhook-Timestamp", timestamp.to_string())
            .header(
                "X-Twenty-Webhook-Signature",
                signature(&delivery.secret, timestamp, &body),
            )
            .header("X-Twenty-Webhook-Event", delivery.event.event.as_str())
            .header("X-Twenty-Webhook-Id", delivery.event.id.to_string())
            .send(&body[..]);
        match sent {
            Ok(response) if response.status().is_success() => AttemptOutcome::Delivered {
                http_status: response.status().as_u16(),
            },
            Ok(response) => AttemptOutcome::Failed {
                http_status: Some(response.status().as_u16()),
                error: format!("the target answered HTTP {}", response.status().as_u16()),
            },
            Err(e) => failed(self.describe(&e)),
        }
    }

    /// What failed, for the tenant: no addresses, no resolver or socket details.
    fn describe(&self, err: &ureq::Error) -> String {
        use std::io::ErrorKind;
        match err {
            ureq::Error::Timeout(_) => format!("timed out after {} s", self.timeout.as_secs()),
            ureq::Error::Io(e) if e.kind() == ErrorKind::TimedOut => {
                format!("timed out after {} s", self.timeout.as_secs())
            }
            ureq::Error::Io(e) if e.kind() == ErrorKind::ConnectionRefused => "connection refused".into(),
            ureq::Error::Io(e) if e.kind() == ErrorKind::ConnectionReset => "connection reset by the target".into(),
            ureq::Error::HostNotFound => "the target host name does not resolve".into(),
            ureq::Error::Other(e) if e.is::<PrivateTarget>() => PrivateTarget.to_string(),
            ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::TlsRequired => {
                "the TLS handshake with the target failed".into()
            }
            ureq::Error::Protocol(_) | ureq::Error::LargeResponseHeader(..) => {
                "the target's answer is not valid HTTP".into()
            }
            _ => "the connection to the target failed".into(),
        }
    }
}

/// The policy refusal, raised by the resolver.
#[derive(Debug)]
struct PrivateTarget;

impl std::fmt::Display for PrivateTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("refused by policy: the target host resolves to a loopback, private or link-local address")
    }
}

impl std::error::Error for PrivateTarget {}

/// The client's resolver: the system's, then the private-address policy on every address it gives.
#[derive(Debug)]
struct PolicyResolver {
    inner: DefaultResolver,
    allow_private: bool,
}

impl Resolver for PolicyResolver {
    fn resolve(&self, uri: &Uri, config: &Config, timeout: NextTimeout) -> Result<ResolvedSocketAddrs, ureq::Error> {
        // The system resolver's failures are I/O errors; here they can only mean the name did not resolve.
        let addresses = self.inner.resolve(uri, config, timeout).map_err(|e| match e {
            ureq::Error::Io(_) => ureq::Error::HostNotFound,
            other => other,
        })?;
        refuse_private(&addresses, self.allow_private)?;
        Ok(addresses)
    }
}

fn refuse_private(addresses: &[SocketAddr], allow_private: bool) -> Result<(), ureq::Error> {
    if !allow_private && addresses.iter().any(|address| is_private_ip(address.ip())) {
        return Err(ureq::Error::Other(Box::new(PrivateTarget)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_with_any_private_address_is_refused_unless_allowed() {
        let public: SocketAddr = "93.184.216.34:443".parse().unwrap();
        for private in ["127.0.0.1:80", "10.0.0.7:80", "[::1]:80", "[::ffff:192.168.1.1]:80"] {
            let addresses = [public, private.parse().unwrap()];
            assert!(refuse_private(&addresses, false).is_err(), "{private}");
            assert!(refuse_private(&addresses, true).is_ok(), "{private}");
        }
        assert!(refuse_private(&[public], false).is_ok());
    }

    #[test]
    fn a_policy_refusal_names_no_address() {
        let client = Client::new(Duration::from_secs(5), false);
        let text = client.describe(&ureq::Error::Other(Box::new(PrivateTarget)));
        assert!(text.starts_with("refused by policy"), "{text}");
        assert!(!text.chars().any(|c| c.is_ascii_digit()), "{text}");
    }
}
