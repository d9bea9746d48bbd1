//! Webhook subscriptions (contract §7): validation of targets and operations. Delivery is the server's worker.

use crate::error::{DomainError, DomainResult, Problems};
use crate::events::RecordEventKind;
use crate::metadata::WorkspaceId;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use uuid::Uuid;

/// Re-exported from its old home so that `webhook::WebhookStore` keeps resolving while callers move to `ports`.
pub use crate::ports::WebhookStore;

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

pub struct WebhookInput {
    pub target_url: Option<String>,
    pub operation: Option<String>,
    pub description: Option<Option<String>>,
    pub secret: Option<String>,
}

pub struct WebhookService<S> {
    store: S,
    allow_private: bool,
}

impl<S: WebhookStore> WebhookService<S> {
    pub fn new(store: S, allow_private: bool) -> Self {
        WebhookService { store, allow_private }
    }

    fn check(&self, input: &WebhookInput, problems: &mut Problems) {
        if let Some(url) = &input.target_url {
            check_target_url(url, self.allow_private, problems);
            crate::value::check_text("targetUrl", url, 2000, problems);
        }
        if let Some(Some(description)) = &input.description {
            crate::value::check_text("description", description, 2000, problems);
        }
        if let Some(secret) = &input.secret {
            crate::value::check_text("secret", secret, 256, problems);
        }
        if let Some(operation) = &input.operation
            && !is_valid_operation(operation)
        {
            problems.push(
                "operation",
                "must be create, update, delete, destroy, restore, * or a pattern such as company.created",
            );
        }
        if input.secret.as_ref().is_some_and(|s| s.len() < 8 || s.len() > 256) {
            problems.push("secret", "must be 8 to 256 characters");
        }
    }

    pub async fn create(&self, workspace_id: WorkspaceId, input: WebhookInput) -> DomainResult<Webhook> {
        let mut problems = Problems::new();
        if input.target_url.is_none() {
            problems.push("targetUrl", "is required");
        }
        if input.operation.is_none() {
            problems.push("operation", "is required");
        }
        self.check(&input, &mut problems);
        problems.finish(())?;
        let now = Utc::now();
        let webhook = Webhook {
            id: Uuid::new_v4(),
            workspace_id,
            target_url: input.target_url.unwrap_or_default(),
            operation: input.operation.unwrap_or_default(),
            description: input.description.flatten(),
            secret: input
                .secret
                .unwrap_or_else(|| format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple())),
            created_at: now,
            updated_at: now,
        };
        self.store.create_webhook(&webhook).await?;
        Ok(webhook)
    }

    pub async fn list(&self, workspace_id: WorkspaceId) -> DomainResult<Vec<Webhook>> {
        self.store.list_webhooks(workspace_id).await
    }

    /// Delivery attempts of one webhook of the workspace, newest first.
    pub async fn deliveries(&self, workspace_id: WorkspaceId, webhook_id: Uuid) -> DomainResult<Vec<Delivery>> {
        self.store.list_deliveries(workspace_id, webhook_id).await
    }

    pub async fn update(&self, workspace_id: WorkspaceId, id: Uuid, input: WebhookInput) -> DomainResult<Webhook> {
        let mut problems = Problems::new();
        self.check(&input, &mut problems);
        problems.finish(())?;
        let mut webhook = self
            .store
            .find_webhook(workspace_id, id)
            .await?
            .ok_or_else(|| DomainError::not_found("webhook"))?;
        if let Some(url) = input.target_url {
            webhook.target_url = url;
        }
        if let Some(operation) = input.operation {
            webhook.operation = operation;
        }
        if let Some(description) = input.description {
            webhook.description = description;
        }
        if let Some(secret) = input.secret {
            webhook.secret = secret;
        }
        webhook.updated_at = Utc::now();
        if !self.store.update_webhook(&webhook).await? {
            return Err(DomainError::not_found("webhook"));
        }
        Ok(webhook)
    }

    pub async fn delete(&self, workspace_id: WorkspaceId, id: Uuid) -> DomainResult<Webhook> {
        let webhook = self
            .store
            .find_webhook(workspace_id, id)
            .await?
            .ok_or_else(|| DomainError::not_found("webhook"))?;
        self.store.delete_webhook(workspace_id, id).await?;
        Ok(webhook)
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

/// One event of the outbox, as delivery needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEvent {
    pub id: Uuid,
    pub workspace_id: WorkspaceId,
    /// `company.created`
    pub event: String,
    pub object_name: String,
    pub record_id: Uuid,
    pub payload: serde_json::Value,
    pub updated_fields: Option<Vec<String>>,
    pub created_at: DateTime<Utc>,
}

/// A delivery whose attempt is due, claimed by one worker.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub delivery_id: Uuid,
    pub webhook_id: Uuid,
    /// This attempt's number, from 1.
    pub attempt: u32,
    pub target_url: String,
    pub secret: String,
    pub event: OutboxEvent,
}

/// One delivery's state, as `webhookDeliveries` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub id: Uuid,
    pub webhook_id: Uuid,
    pub event_id: Uuid,
    pub event: String,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    pub attempt: u32,
    pub http_status: Option<u16>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The outcome of one attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum AttemptOutcome {
    Delivered { http_status: u16 },
    Failed { http_status: Option<u16>, error: String },
}

/// The JSON body of a delivery (contract §7).
pub fn delivery_body(event: &OutboxEvent, webhook_id: Uuid) -> serde_json::Value {
    let mut body = serde_json::json!({
        "event": event.event,
        "workspaceId": event.workspace_id,
        "objectName": event.object_name,
        "recordId": event.record_id,
        "data": event.payload,
        "timestamp": event.created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "eventId": event.id,
        "webhookId": webhook_id,
    });
    if let Some(fields) = &event.updated_fields {
        body["updatedFields"] = serde_json::json!(fields);
    }
    body
}

/// `X-Twenty-Webhook-Signature`: lowercase hex HMAC-SHA256(secret, `<timestamp>:<exact body bytes>`).
pub fn signature(secret: &str, timestamp_ms: i64, body: &[u8]) -> String {
    let mut mac = hmac_sha256::HMAC::new(secret.as_bytes());
    mac.update(timestamp_ms.to_string().as_bytes());
    mac.update(b":");
    mac.update(body);
    mac.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Exponential backoff before attempt `next` (2, 4, 8 … seconds, at most an hour).
pub fn backoff(next_attempt: u32) -> std::time::Duration {
    std::time::Duration::from_secs(2u64.saturating_pow(next_attempt.min(12)).min(3600))
}

#[cfg(test)]
mod delivery_tests {
    use super::*;

    #[test]
    fn signatures_are_hmac_sha256_of_timestamp_and_body() {
        // RFC 4231 test case 2 shape: key "Jefe", message "what do ya want for nothing?".
        let sig = signature("Jefe", 0, b"what do ya want for nothing?");
        let expected: String = hmac_sha256::HMAC::mac(b"0:what do ya want for nothing?", b"Jefe")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(sig, expected);
        assert_eq!(sig.len(), 64);
        assert_eq!(backoff(1).as_secs(), 2);
        assert_eq!(backoff(30).as_secs(), 3600);
    }

    #[test]
    fn bodies_carry_the_contract_fields() {
        let event = OutboxEvent {
            id: Uuid::nil(),
            workspace_id: Uuid::nil(),
            event: "company.updated".into(),
            object_name: "company".into(),
            record_id: Uuid::nil(),
            payload: serde_json::json!({"name": "Acme"}),
            updated_fields: Some(vec!["name".into()]),
            created_at: Utc::now(),
        };
        let body = delivery_body(&event, Uuid::nil());
        for key in [
            "event",
            "workspaceId",
            "objectName",
            "recordId",
            "data",
            "timestamp",
            "eventId",
            "webhookId",
            "updatedFields",
        ] {
            assert!(body.get(key).is_some(), "{key}");
        }
    }
}
