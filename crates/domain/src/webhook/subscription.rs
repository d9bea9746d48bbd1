//! Webhook subscriptions (contract §7): what a subscription is and the rules of its operation and target URL.

use crate::error::Problems;
use crate::events::RecordEventKind;
use crate::metadata::WorkspaceId;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    pub id: Uuid,
    pub workspace_id: WorkspaceId,
    pub target_url: String,
    pub operation: String,
    pub description: Option<String>,
    pub secret: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Matches every object, or every event.
const ANY: &str = "*";

/// `create`, `update`, …, `*` (the events' short operations), or a pattern `company.created`, `*.updated`,
/// `company.*`, `*.*`.
pub fn is_valid_operation(operation: &str) -> bool {
    if operation == ANY || RecordEventKind::from_operation(operation).is_some() {
        return true;
    }
    let Some((object, event)) = operation.split_once('.') else {
        return false;
    };
    let object_ok = object == ANY || (!object.is_empty() && object.chars().all(|c| c.is_ascii_alphanumeric()));
    object_ok && (event == ANY || RecordEventKind::from_name(event).is_some())
}

/// Whether a webhook with `operation` wants the event `object.event` (`company.created`).
pub fn operation_matches(operation: &str, object: &str, event: &str) -> bool {
    match operation.split_once('.') {
        Some((o, e)) => (o == ANY || o == object) && (e == ANY || e == event),
        None => {
            operation == ANY || RecordEventKind::from_operation(operation).is_some_and(|kind| kind.as_str() == event)
        }
    }
}

/// A literal address that must not be contacted unless private targets are allowed.
pub fn is_private_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.octets()[0] == 0
                || (v4.octets()[0] == 100 && (64..128).contains(&v4.octets()[1]))
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
                || v6.to_ipv4_mapped().is_some_and(|v4| is_private_ip(IpAddr::V4(v4)))
        }
    }
}

/// The host of an http(s) URL, or `None` when it is not one.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next()?.to_string()
    } else {
        host_port.split(':').next()?.to_string()
    };
    (!host.is_empty() && !url.chars().any(char::is_whitespace)).then(|| host.to_ascii_lowercase())
}

/// Checks a target URL: http(s) only; without `allow_private`, no `localhost` and no literal private address.
pub fn check_target_url(url: &str, allow_private: bool, problems: &mut Problems) {
    let Some(host) = url_host(url) else {
        problems.push("targetUrl", "must be an absolute http or https URL");
        return;
    };
    if allow_private {
        return;
    }
    let private = host == "localhost"
        || host.ends_with(".localhost")
        || host.parse::<IpAddr>().is_ok_and(is_private_ip)
        || host.parse::<Ipv4Addr>().is_ok_and(|ip| is_private_ip(IpAddr::V4(ip)))
        || host.parse::<Ipv6Addr>().is_ok_and(|ip| is_private_ip(IpAddr::V6(ip)));
    if private {
        problems.push(
            "targetUrl",
            "must not point at a loopback, private or link-local address",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_and_patterns() {
        for ok in ["create", "*", "company.created", "*.updated", "company.*", "*.*"] {
            assert!(is_valid_operation(ok), "{ok}");
        }
        for bad in ["", "created", "company.exploded", "co-mpany.created", "a.b.c"] {
            assert!(!is_valid_operation(bad), "{bad}");
        }
        assert!(operation_matches("create", "company", "created"));
        assert!(operation_matches("delete", "company", "deleted"));
        assert!(operation_matches("destroy", "company", "destroyed"));
        assert!(operation_matches("restore", "company", "restored"));
        assert!(operation_matches("update", "person", "updated"));
        assert!(!operation_matches("create", "company", "updated"));
        assert!(operation_matches("company.*", "company", "deleted"));
        assert!(!operation_matches("company.*", "person", "deleted"));
        assert!(operation_matches("*.updated", "note", "updated"));
    }

    #[test]
    fn private_targets_are_refused_unless_allowed() {
        let refused = |url: &str, allow: bool| {
            let mut p = Problems::new();
            check_target_url(url, allow, &mut p);
            !p.is_empty()
        };
        for url in [
            "http://localhost/x",
            "http://127.0.0.1:8080",
            "https://10.1.2.3",
            "http://[::1]/",
            "http://169.254.169.254/",
            "http://192.168.0.1",
        ] {
            assert!(refused(url, false), "{url}");
            assert!(!refused(url, true), "{url}");
        }
        assert!(!refused("https://your-app.com/webhook", false));
        assert!(refused("ftp://example.com", true));
        assert!(refused("not a url", true));
    }
}
