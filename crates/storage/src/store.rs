//! [`PgStore`]: the PostgreSQL implementation of the domain's ports, over a connection pool.

use crate::changes::{self, Caches};
use crate::compile::WriteKind;
use crate::db::PgPool;
use crate::error::pool_error;
use crate::{accounts, records, webhooks, workspaces};
use serde_json::Value as Json;
use std::sync::Arc;
use twenty_domain::error::{DomainError, DomainResult};
use twenty_domain::identity::{ApiKey, IdentityStore, Membership, NewAccount, RefreshTokenRecord, User};
use twenty_domain::metadata::{FieldMetadata, ObjectMetadata, RelationMetadata};
use twenty_domain::metadata::{ObjectId, WorkspaceId, WorkspaceMetadata};
use twenty_domain::ports::{MetadataStore, RecordStore, WorkspaceStore};
use twenty_domain::query::{ConnectionQuery, Selection};
use twenty_domain::record::{RecordInput, RecordTarget};
use twenty_domain::webhook::{Delivery, Webhook, WebhookStore};
use uuid::Uuid;

#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    caches: Arc<Caches>,
}

impl PgStore {
    /// A store whose caches stay unused until [`PgStore::listen_for_changes`] is called.
    pub fn new(pool: PgPool) -> Self {
        PgStore::with_cache_capacity(pool, changes::DEFAULT_CAPACITY)
    }

    /// Like [`PgStore::new`], keeping at most `capacity` workspaces' metadata in memory.
    pub fn with_cache_capacity(pool: PgPool, capacity: usize) -> Self {
        PgStore {
            pool,
            caches: Arc::new(Caches::new(capacity)),
        }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Serves API keys and metadata from memory from now on, kept fresh by `LISTEN/NOTIFY` on a connection of its
    /// own to `url` (see [`changes`]). The task ends when the last clone of this store is dropped.
    pub fn listen_for_changes(&self, url: &str) -> tokio::task::JoinHandle<()> {
        changes::listen(url, &self.caches)
    }

    /// Whether requests are being served from the caches (the listening connection is up).
    pub fn serving_from_memory(&self) -> bool {
        self.caches.is_live()
    }

    /// The workspace's current metadata. From memory while change notifications are live; otherwise one indexed
    /// version lookup, and a reload only when the version moved. A workspace that no longer exists makes the
    /// request's token worthless: `UNAUTHORIZED`.
    pub async fn current_metadata(&self, workspace_id: WorkspaceId) -> DomainResult<Arc<WorkspaceMetadata>> {
        let gone = || DomainError::Unauthorized("Invalid or expired token".into());
        let cache = &self.caches.metadata;
        if self.caches.is_live() {
            if let Some(meta) = cache.get(&workspace_id) {
                return Ok(meta);
            }
        } else {
            let version = self.metadata_version(workspace_id).await?.ok_or_else(gone)?;
            if let Some(meta) = cache.get(&workspace_id).filter(|m| m.version == version) {
                return Ok(meta);
            }
        }
        let generation = cache.generation();
        let meta = Arc::new(self.load_metadata(workspace_id).await?.ok_or_else(gone)?);
        cache.insert_if_unchanged(workspace_id, meta.clone(), generation);
        Ok(meta)
    }

    /// After a metadata change made through this store: the next request reloads, whatever the notification's
    /// timing.
    fn metadata_changed<T>(&self, workspace_id: WorkspaceId, result: DomainResult<T>) -> DomainResult<T> {
        self.caches.metadata.invalidate(&workspace_id);
        result
    }

    async fn conn(
        &self,
    ) -> DomainResult<diesel_async::pooled_connection::deadpool::Object<diesel_async::AsyncPgConnection>> {
        self.pool.get().await.map_err(pool_error)
    }

    async fn modify(
        &self,
        meta: &WorkspaceMetadata,
        object: ObjectId,
        kind: WriteKind,
        target: &RecordTarget,
        selection: &Selection,
    ) -> DomainResult<Vec<Json>> {
        let mut conn = self.conn().await?;
        records::modify(&mut conn, meta, object, kind, target, selection).await
    }
}

impl RecordStore for PgStore {
    async fn find(&self, meta: &WorkspaceMetadata, query: &ConnectionQuery) -> DomainResult<Json> {
        let mut conn = self.conn().await?;
        records::find(&mut conn, meta, query).await
    }

    async fn create(
        &self,
        meta: &WorkspaceMetadata,
        object: ObjectId,
        inputs: &[RecordInput],
        upsert: bool,
        selection: &Selection,
    ) -> DomainResult<Vec<Json>> {
        let mut conn = self.conn().await?;
        records::create(&mut conn, meta, object, inputs, upsert, selection).await
    }

    async fn update(
        &self,
        meta: &WorkspaceMetadata,
        object: ObjectId,
        target: &RecordTarget,
        input: &RecordInput,
        selection: &Selection,
    ) -> DomainResult<Vec<Json>> {
        let mut conn = self.conn().await?;
        records::update(&mut conn, meta, object, target, input, selection).await
    }

    async fn soft_delete(
        &self,
        meta: &WorkspaceMetadata,
        object: ObjectId,
        target: &RecordTarget,
        selection: &Selection,
    ) -> DomainResult<Vec<Json>> {
        self.modify(meta, object, WriteKind::SoftDelete, target, selection)
            .await
    }

    async fn restore(
        &self,
        meta: &WorkspaceMetadata,
        object: ObjectId,
        target: &RecordTarget,
        selection: &Selection,
    ) -> DomainResult<Vec<Json>> {
        self.modify(meta, object, WriteKind::Restore, target, selection).await
    }

    async fn destroy(
        &self,
        meta: &WorkspaceMetadata,
        object: ObjectId,
        target: &RecordTarget,
        selection: &Selection,
    ) -> DomainResult<Vec<Json>> {
        self.modify(meta, object, WriteKind::Destroy, target, selection).await
    }
}

impl WorkspaceStore for PgStore {
    async fn create_workspace(&self, metadata: &WorkspaceMetadata, display_name: &str) -> DomainResult<()> {
        let mut conn = self.conn().await?;
        workspaces::create_workspace(&mut conn, metadata, display_name).await
    }

    async fn metadata_version(&self, workspace_id: WorkspaceId) -> DomainResult<Option<i64>> {
        let mut conn = self.conn().await?;
        workspaces::metadata_version(&mut conn, workspace_id).await
    }

    async fn load_metadata(&self, workspace_id: WorkspaceId) -> DomainResult<Option<WorkspaceMetadata>> {
        let mut conn = self.conn().await?;
        workspaces::load_metadata(&mut conn, workspace_id).await
    }
}

impl IdentityStore for PgStore {
    async fn create_account(&self, account: &NewAccount) -> DomainResult<()> {
        accounts::create_account(&mut *self.conn().await?, account).await
    }

    async fn add_admin(
        &self,
        workspace: &WorkspaceMetadata,
        user: &User,
        member_record: &Json,
        member_id: Uuid,
    ) -> DomainResult<()> {
        accounts::add_admin(&mut *self.conn().await?, workspace, user, member_record, member_id).await
    }

    async fn find_user_by_email(&self, email: &str) -> DomainResult<Option<User>> {
        accounts::find_user_by_email(&mut *self.conn().await?, email).await
    }

    async fn memberships(&self, user_id: Uuid) -> DomainResult<Vec<Membership>> {
        accounts::memberships(&mut *self.conn().await?, user_id).await
    }

    async fn insert_refresh_token(&self, token: &RefreshTokenRecord) -> DomainResult<()> {
        accounts::insert_refresh_token(&mut *self.conn().await?, token).await
    }

    async fn find_refresh_token(&self, id: Uuid) -> DomainResult<Option<RefreshTokenRecord>> {
        accounts::find_refresh_token(&mut *self.conn().await?, id).await
    }

    async fn rotate_refresh_token(&self, old: Uuid, new: &RefreshTokenRecord) -> DomainResult<bool> {
        accounts::rotate_refresh_token(&mut *self.conn().await?, old, new).await
    }

    async fn revoke_refresh_token(&self, id: Uuid) -> DomainResult<bool> {
        accounts::revoke_refresh_token(&mut *self.conn().await?, id).await
    }

    async fn revoke_user_refresh_tokens(&self, user_id: Uuid) -> DomainResult<u64> {
        accounts::revoke_user_refresh_tokens(&mut *self.conn().await?, user_id).await
    }

    async fn create_api_key(&self, key: &ApiKey) -> DomainResult<()> {
        accounts::create_api_key(&mut *self.conn().await?, key).await
    }

    /// From memory while change notifications are live (revocation and deletion notify), else from its row.
    async fn find_api_key(&self, workspace_id: WorkspaceId, id: Uuid) -> DomainResult<Option<ApiKey>> {
        let cache = &self.caches.api_keys;
        if self.caches.is_live()
            && let Some(key) = cache.get(&id)
        {
            return Ok(Some(key).filter(|k| k.workspace_id == workspace_id));
        }
        let generation = cache.generation();
        let key = accounts::find_api_key(&mut *self.conn().await?, workspace_id, id).await?;
        if let Some(key) = &key
            && self.caches.is_live()
        {
            cache.insert_if_unchanged(id, key.clone(), generation);
        }
        Ok(key)
    }

    async fn list_api_keys(&self, workspace_id: WorkspaceId) -> DomainResult<Vec<ApiKey>> {
        accounts::list_api_keys(&mut *self.conn().await?, workspace_id).await
    }

    async fn revoke_api_key(&self, workspace_id: WorkspaceId, id: Uuid) -> DomainResult<Option<ApiKey>> {
        let revoked = accounts::revoke_api_key(&mut *self.conn().await?, workspace_id, id).await;
        self.caches.api_keys.invalidate(&id);
        revoked
    }

    async fn delete_api_key(&self, workspace_id: WorkspaceId, id: Uuid) -> DomainResult<bool> {
        let deleted = accounts::delete_api_key(&mut *self.conn().await?, workspace_id, id).await;
        self.caches.api_keys.invalidate(&id);
        deleted
    }

    async fn workspace_exists(&self, workspace_id: WorkspaceId) -> DomainResult<bool> {
        accounts::workspace_exists(&mut *self.conn().await?, workspace_id).await
    }
}

impl MetadataStore for PgStore {
    async fn create_object(&self, meta: &WorkspaceMetadata, object: &ObjectMetadata) -> DomainResult<()> {
        let result = workspaces::create_object(&mut *self.conn().await?, meta, object).await;
        self.metadata_changed(meta.workspace_id, result)
    }

    async fn update_object(&self, meta: &WorkspaceMetadata, object: &ObjectMetadata) -> DomainResult<()> {
        let result = workspaces::update_object(&mut *self.conn().await?, meta, object).await;
        self.metadata_changed(meta.workspace_id, result)
    }

    async fn delete_object(&self, meta: &WorkspaceMetadata, object: &ObjectMetadata) -> DomainResult<()> {
        let result = workspaces::delete_object(&mut *self.conn().await?, meta, object).await;
        self.metadata_changed(meta.workspace_id, result)
    }

    async fn create_field(
        &self,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
        field: &FieldMetadata,
    ) -> DomainResult<()> {
        let result = workspaces::create_field(&mut *self.conn().await?, meta, object, field).await;
        self.metadata_changed(meta.workspace_id, result)
    }

    async fn update_field(
        &self,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
        before: &FieldMetadata,
        after: &FieldMetadata,
    ) -> DomainResult<()> {
        let result = workspaces::update_field(&mut *self.conn().await?, meta, object, before, after).await;
        self.metadata_changed(meta.workspace_id, result)
    }

    async fn delete_field(
        &self,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
        field: &FieldMetadata,
    ) -> DomainResult<()> {
        let result = workspaces::delete_field(&mut *self.conn().await?, meta, object, field).await;
        self.metadata_changed(meta.workspace_id, result)
    }

    async fn create_relation(
        &self,
        meta: &WorkspaceMetadata,
        relation: &RelationMetadata,
        from_field: &FieldMetadata,
        to_field: &FieldMetadata,
    ) -> DomainResult<()> {
        let result = workspaces::create_relation(&mut *self.conn().await?, meta, relation, from_field, to_field).await;
        self.metadata_changed(meta.workspace_id, result)
    }

    async fn delete_relation(&self, meta: &WorkspaceMetadata, relation: &RelationMetadata) -> DomainResult<()> {
        let result = workspaces::delete_relation(&mut *self.conn().await?, meta, relation).await;
        self.metadata_changed(meta.workspace_id, result)
    }
}

impl WebhookStore for PgStore {
    async fn list_deliveries(&self, workspace_id: WorkspaceId, webhook_id: Uuid) -> DomainResult<Vec<Delivery>> {
        webhooks::list_deliveries(&mut *self.conn().await?, workspace_id, webhook_id).await
    }

    async fn create_webhook(&self, webhook: &Webhook) -> DomainResult<()> {
        webhooks::create(&mut *self.conn().await?, webhook).await
    }

    async fn list_webhooks(&self, workspace_id: WorkspaceId) -> DomainResult<Vec<Webhook>> {
        webhooks::list(&mut *self.conn().await?, workspace_id).await
    }

    async fn find_webhook(&self, workspace_id: WorkspaceId, id: Uuid) -> DomainResult<Option<Webhook>> {
        webhooks::find(&mut *self.conn().await?, workspace_id, id).await
    }

    async fn update_webhook(&self, webhook: &Webhook) -> DomainResult<bool> {
        webhooks::update(&mut *self.conn().await?, webhook).await
    }

    async fn delete_webhook(&self, workspace_id: WorkspaceId, id: Uuid) -> DomainResult<bool> {
        webhooks::delete(&mut *self.conn().await?, workspace_id, id).await
    }
}
