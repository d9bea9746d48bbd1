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
    pub const ALL: [RecordEventKind; 5] = [
        RecordEventKind::Created,
        RecordEventKind::Updated,
        RecordEventKind::Deleted,
        RecordEventKind::Destroyed,
        RecordEventKind::Restored,
    ];

    /// The event's word (`created`), as in event names and webhook operations (`company.created`).
    pub fn as_str(self) -> &'static str {
        match self {
            RecordEventKind::Created => "created",
            RecordEventKind::Updated => "updated",
            RecordEventKind::Deleted => "deleted",
            RecordEventKind::Destroyed => "destroyed",
            RecordEventKind::Restored => "restored",
        }
    }

    /// The short webhook operation that subscribes to this event on every object (`create`).
    pub fn operation(self) -> &'static str {
        match self {
            RecordEventKind::Created => "create",
            RecordEventKind::Updated => "update",
            RecordEventKind::Deleted => "delete",
            RecordEventKind::Destroyed => "destroy",
            RecordEventKind::Restored => "restore",
        }
    }

    pub fn from_name(name: &str) -> Option<RecordEventKind> {
        RecordEventKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    pub fn from_operation(operation: &str) -> Option<RecordEventKind> {
        RecordEventKind::ALL.into_iter().find(|k| k.operation() == operation)
    }

    /// `company` + `Created` → `company.created`.
    pub fn event_name(self, object_name: &str) -> String {
        format!("{object_name}.{}", self.as_str())
    }
}
