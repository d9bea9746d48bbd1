//! Webhook subscriptions (contract §7): what a subscription is and the rules of its operation and target URL.

use crate::error::Problems;
use crate::events::RecordEventKind;
use crate::metadata::WorkspaceId;
use crate::webhook::TargetUrl;
use chrono::{DateTime, Utc};
use serde::Serialize;
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

/// Checks a target URL: an absolute http(s) URL; without `allow_private`, none whose host is by its spelling a
/// loopback, private or link-local address ([`TargetUrl::check_literal`]).
pub fn check_target_url(url: &str, allow_private: bool, problems: &mut Problems) {
    let checked = TargetUrl::parse(url).and_then(|target| match allow_private {
        true => Ok(()),
        false => target.check_literal(),
    });
    if let Err(problem) = checked {
        problems.push("targetUrl", problem.message());
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
