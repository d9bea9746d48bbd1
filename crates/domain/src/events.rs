//! Record events: what every committed write publishes (to the outbox, then to webhooks).

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordEventKind {
    Created,
    Updated,
    Deleted,
    Destroyed,
    Restored,
}

impl RecordEventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordEventKind::Created => "created",
            RecordEventKind::Updated => "updated",
            RecordEventKind::Deleted => "deleted",
            RecordEventKind::Destroyed => "destroyed",
            RecordEventKind::Restored => "restored",
        }
    }

    /// `company` + `Created` → `company.created`.
    pub fn event_name(self, object_name: &str) -> String {
        format!("{object_name}.{}", self.as_str())
    }
}

/// One event as stored in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordEvent {
    pub event_id: Uuid,
    pub workspace_id: Uuid,
    /// `company.created`
    pub event: String,
    pub object_name: String,
    pub record_id: Uuid,
    /// The full record after the change (before it, for `destroyed`).
    pub data: serde_json::Value,
    pub updated_fields: Option<Vec<String>>,
    pub created_at: DateTime<Utc>,
}
