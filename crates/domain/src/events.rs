//! Record events: what every committed write publishes (to the outbox, then to webhooks).

use serde::Serialize;

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
