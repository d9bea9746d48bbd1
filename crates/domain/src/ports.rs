//! The ports: every trait through which the domain and its services reach persistence — records, workspaces,
//! their data model, accounts and credentials, webhooks. `twenty-storage` implements them over PostgreSQL; another
//! backend (or a test double in an embedding service) can implement them too.

use crate::error::DomainResult;
use crate::identity::{ApiKey, Membership, NewAccount, RefreshTokenRecord, User, Workspace};
use crate::metadata::{FieldMetadata, ObjectId, ObjectMetadata, RelationMetadata, WorkspaceId, WorkspaceMetadata};
use crate::query::{ConnectionQuery, Selection};
use crate::record::{LifeCycle, RecordInput, RecordTarget};
use crate::webhook::{Delivery, Webhook};
use serde_json::Value as Json;
use std::future::Future;
use std::sync::Arc;
use uuid::Uuid;

/// Record reads and writes of one workspace. Every write and its outbox events commit together.
pub trait RecordStore: Send + Sync {
    /// One connection (`{edges: [{node, cursor}], pageInfo, totalCount?}`), shaped by the query's selection.
    fn find(
        &self,
        meta: &WorkspaceMetadata,
        query: &ConnectionQuery,
    ) -> impl Future<Output = DomainResult<Json>> + Send;

    /// Inserts all records or none; with `upsert`, an existing id is updated with the fields the input sent.
    fn create(
        &self,
        meta: &WorkspaceMetadata,
        object: ObjectId,
        inputs: &[RecordInput],
        upsert: bool,
        selection: &Selection,
    ) -> impl Future<Output = DomainResult<Vec<Json>>> + Send;

    /// Updates live records; returns the updated ones.
    fn update(
        &self,
        meta: &WorkspaceMetadata,
        object: ObjectId,
        target: &RecordTarget,
        input: &RecordInput,
        selection: &Selection,
    ) -> impl Future<Output = DomainResult<Vec<Json>>> + Send;

    /// Soft-deletes, restores or destroys the targeted records (see [`LifeCycle`]); returns them (destroyed ones as
    /// they were).
    fn change_life_cycle(
        &self,
        meta: &WorkspaceMetadata,
        object: ObjectId,
        change: LifeCycle,
        target: &RecordTarget,
        selection: &Selection,
    ) -> impl Future<Output = DomainResult<Vec<Json>>> + Send;

    /// The database's estimate of an object's rows, from its statistics (no scan; may be minutes old); 0 when
    /// it has none.
    fn estimated_rows(
        &self,
        meta: &WorkspaceMetadata,
        object: ObjectId,
    ) -> impl Future<Output = DomainResult<u64>> + Send;
}

/// Workspaces and their metadata.
pub trait WorkspaceStore: Send + Sync {
    /// The metadata version of a workspace (bumped by every metadata change), or `None` when it does not exist.
    fn metadata_version(&self, workspace_id: WorkspaceId) -> impl Future<Output = DomainResult<Option<i64>>> + Send;

    /// The current metadata of a workspace, or `None` when it does not exist.
    fn load_metadata(
        &self,
        workspace_id: WorkspaceId,
    ) -> impl Future<Output = DomainResult<Option<WorkspaceMetadata>>> + Send;

    /// The current metadata of a workspace as the process holds it — from memory while it is known to be fresh,
    /// loaded otherwise — or `None` when the workspace does not exist.
    fn current_metadata(
        &self,
        workspace_id: WorkspaceId,
    ) -> impl Future<Output = DomainResult<Option<Arc<WorkspaceMetadata>>>> + Send;
}

/// Changes to a workspace's data model. Each runs its DDL and metadata rows in one transaction and bumps the
/// workspace's metadata version; concurrent changes to one workspace are serialised. `meta` is the metadata the
/// change was validated against.
pub trait MetadataStore: Send + Sync {
    /// Stores a new object: its metadata rows and its table.
    fn create_object(
        &self,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
    ) -> impl Future<Output = DomainResult<()>> + Send;

    /// Stores new labels, description, icon or active flag of an object.
    fn update_object(
        &self,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
    ) -> impl Future<Output = DomainResult<()>> + Send;

    /// Removes an object, its table, and every relation touching it (with the other sides' fields and columns).
    fn delete_object(
        &self,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
    ) -> impl Future<Output = DomainResult<()>> + Send;

    /// Adds a field to an object: its row, its columns (existing records get the default), its unique index.
    fn create_field(
        &self,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
        field: &FieldMetadata,
    ) -> impl Future<Output = DomainResult<()>> + Send;

    /// Stores a changed field; values of removed options are cleared from the records.
    fn update_field(
        &self,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
        before: &FieldMetadata,
        after: &FieldMetadata,
    ) -> impl Future<Output = DomainResult<()>> + Send;

    /// Removes a (non-relation) field and its columns.
    fn delete_field(
        &self,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
        field: &FieldMetadata,
    ) -> impl Future<Output = DomainResult<()>> + Send;

    /// Stores a relation: both fields, the relation row, and the foreign key (with index) or junction table.
    fn create_relation(
        &self,
        meta: &WorkspaceMetadata,
        relation: &RelationMetadata,
        from_field: &FieldMetadata,
        to_field: &FieldMetadata,
    ) -> impl Future<Output = DomainResult<()>> + Send;

    /// Removes a relation with both its fields and its column or junction table.
    fn delete_relation(
        &self,
        meta: &WorkspaceMetadata,
        relation: &RelationMetadata,
    ) -> impl Future<Output = DomainResult<()>> + Send;
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

    /// Replaces a user's password hash; `false` when there is no such user.
    fn set_password_hash(&self, user_id: Uuid, password_hash: &str) -> impl Future<Output = DomainResult<bool>> + Send;

    /// Case-insensitive.
    fn find_user_by_email(&self, email: &str) -> impl Future<Output = DomainResult<Option<User>>> + Send;

    /// The workspaces a user belongs to, oldest membership first. Asked on every request of a user (identity
    /// checks), so implementations are expected to answer from a cache that a membership change invalidates.
    fn memberships(&self, user_id: Uuid) -> impl Future<Output = DomainResult<Arc<[Membership]>>> + Send;

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

    /// Every workspace, oldest first (the CLI's `workspace list`).
    fn list_workspaces(&self) -> impl Future<Output = DomainResult<Vec<Workspace>>> + Send;

    /// The workspace's row, or `None` when it does not exist.
    fn find_workspace(&self, workspace_id: WorkspaceId)
    -> impl Future<Output = DomainResult<Option<Workspace>>> + Send;
}

/// Persistence of webhook subscriptions (scoped to a workspace) and of their deliveries.
pub trait WebhookStore: Send + Sync {
    /// Attempts of one webhook of the workspace, newest first.
    fn list_deliveries(
        &self,
        workspace_id: WorkspaceId,
        webhook_id: Uuid,
    ) -> impl Future<Output = DomainResult<Vec<Delivery>>> + Send;

    fn create_webhook(&self, webhook: &Webhook) -> impl Future<Output = DomainResult<()>> + Send;
    fn list_webhooks(&self, workspace_id: WorkspaceId) -> impl Future<Output = DomainResult<Vec<Webhook>>> + Send;
    fn find_webhook(
        &self,
        workspace_id: WorkspaceId,
        id: Uuid,
    ) -> impl Future<Output = DomainResult<Option<Webhook>>> + Send;
    fn update_webhook(&self, webhook: &Webhook) -> impl Future<Output = DomainResult<bool>> + Send;
    fn delete_webhook(&self, workspace_id: WorkspaceId, id: Uuid) -> impl Future<Output = DomainResult<bool>> + Send;
}
