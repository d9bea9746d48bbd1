//! Accounts and credentials: users, workspace memberships, refresh tokens and API keys, and the port storage
//! implements for them. The rules over them (hashing, token rotation, revocation) live in `twenty-auth`.

use crate::error::DomainResult;
use crate::metadata::{WorkspaceId, WorkspaceMetadata};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::future::Future;
use uuid::Uuid;

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

/// Persistence of accounts and credentials.
pub trait IdentityStore: Send + Sync {
    /// Creates workspace, schema, user, membership and the `workspaceMember` record together. A taken e-mail is
    /// a `CONFLICT`.
    fn create_account(&self, account: &NewAccount) -> impl Future<Output = DomainResult<()>> + Send;

    /// Adds an admin user to an existing workspace (CLI); a taken e-mail is a `CONFLICT`.
    fn add_admin(
        &self,
        workspace: &WorkspaceMetadata,
        user: &User,
        member_record: &serde_json::Value,
        member_id: Uuid,
    ) -> impl Future<Output = DomainResult<()>> + Send;

    /// Case-insensitive.
    fn find_user_by_email(&self, email: &str) -> impl Future<Output = DomainResult<Option<User>>> + Send;

    fn memberships(&self, user_id: Uuid) -> impl Future<Output = DomainResult<Vec<Membership>>> + Send;

    fn insert_refresh_token(&self, token: &RefreshTokenRecord) -> impl Future<Output = DomainResult<()>> + Send;

    fn find_refresh_token(&self, id: Uuid) -> impl Future<Output = DomainResult<Option<RefreshTokenRecord>>> + Send;

    /// Marks `old` as replaced by `new` and stores `new`, only if `old` is still live; `false` when it was not
    /// (a concurrent or repeated use).
    fn rotate_refresh_token(
        &self,
        old: Uuid,
        new: &RefreshTokenRecord,
    ) -> impl Future<Output = DomainResult<bool>> + Send;

    /// Revokes one token; `false` when it was not live.
    fn revoke_refresh_token(&self, id: Uuid) -> impl Future<Output = DomainResult<bool>> + Send;

    /// Revokes every live refresh token of a user (reuse detection).
    fn revoke_user_refresh_tokens(&self, user_id: Uuid) -> impl Future<Output = DomainResult<u64>> + Send;

    fn create_api_key(&self, key: &ApiKey) -> impl Future<Output = DomainResult<()>> + Send;

    /// A key of this workspace (a key of another workspace is not found).
    fn find_api_key(
        &self,
        workspace_id: WorkspaceId,
        id: Uuid,
    ) -> impl Future<Output = DomainResult<Option<ApiKey>>> + Send;

    fn list_api_keys(&self, workspace_id: WorkspaceId) -> impl Future<Output = DomainResult<Vec<ApiKey>>> + Send;

    /// Sets `revoked_at` (kept when already set); `None` when no such key in this workspace.
    fn revoke_api_key(
        &self,
        workspace_id: WorkspaceId,
        id: Uuid,
    ) -> impl Future<Output = DomainResult<Option<ApiKey>>> + Send;

    /// Deletes (and thereby revokes) a key; `false` when no such key in this workspace.
    fn delete_api_key(&self, workspace_id: WorkspaceId, id: Uuid) -> impl Future<Output = DomainResult<bool>> + Send;

    /// Whether the workspace exists.
    fn workspace_exists(&self, workspace_id: WorkspaceId) -> impl Future<Output = DomainResult<bool>> + Send;
}
