//! Who a request comes from. Every protected route receives a `Principal`; its workspace is the only one the
//! request can reach.

use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    User { user_id: Uuid },
    ApiKey { api_key_id: Uuid },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Principal {
    pub workspace_id: Uuid,
    pub subject: Subject,
}

impl Principal {
    /// `user` or `api_key`, for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self.subject {
            Subject::User { .. } => "user",
            Subject::ApiKey { .. } => "api_key",
        }
    }

    /// A stable key for per-principal budgets (rate limits).
    pub fn key(&self) -> String {
        match self.subject {
            Subject::User { user_id } => format!("user:{user_id}"),
            Subject::ApiKey { api_key_id } => format!("key:{api_key_id}"),
        }
    }
}
