//! Webhook delivery (contract §7): the outbox event a delivery carries, the body and signature sent, the retry
//! schedule, and the state of a delivery. The server's worker sends them; storage claims and records them.

use crate::metadata::WorkspaceId;
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

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
/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// The target answered 2xx.
    Succeeded,
    /// Every attempt failed.
    Failed,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 3] = [
        DeliveryStatus::Pending,
        DeliveryStatus::Succeeded,
        DeliveryStatus::Failed,
    ];

    /// The stored and listed word (`pending`).
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Succeeded => "succeeded",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn from_name(name: &str) -> Option<DeliveryStatus> {
        DeliveryStatus::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub id: Uuid,
    pub webhook_id: Uuid,
    pub event_id: Uuid,
    pub event: String,
    pub status: DeliveryStatus,
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
