//! Accounts and credentials: users, workspace memberships, refresh tokens and API keys (their port,
//! [`IdentityStore`], is in [`crate::ports`]). The rules over them (hashing, token rotation, revocation) live in
//! `twenty-auth`.

use crate::metadata::{WorkspaceId, WorkspaceMetadata};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

/// A workspace as its members see it: its name (sign-up's `workspaceName`) and times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    pub id: WorkspaceId,
    pub display_name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub password_hash: String,
    pub first_name: String,
    pub last_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub workspace_id: WorkspaceId,
    pub user_id: Uuid,
    pub role: String,
    /// The user's `workspaceMember` record in the workspace.
    pub workspace_member_id: Option<Uuid>,
}

/// A stored refresh token: the JWT's `jti` is `id`; only a hash of the token is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshTokenRecord {
    pub id: Uuid,
    pub user_id: Uuid,
    pub workspace_id: WorkspaceId,
    /// Every token descending from one login; reuse of a rotated token revokes the user's tokens.
    pub family_id: Uuid,
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub replaced_by: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    pub id: Uuid,
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ApiKey {
    /// Usable now: neither revoked nor expired.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }
}

/// Everything sign-up creates, in one transaction.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub workspace: WorkspaceMetadata,
    pub workspace_name: String,
    pub user: User,
    /// The `workspaceMember` record of the admin, in the API's input shape.
    pub member_record: serde_json::Value,
    pub member_id: Uuid,
}
