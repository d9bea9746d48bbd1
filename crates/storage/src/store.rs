//! [`PgStore`]: the PostgreSQL implementation of the domain's ports, over a connection pool.

use crate::compile::WriteKind;
use crate::db::PgPool;
use crate::error::pool_error;
use crate::{records, workspaces};
use serde_json::Value as Json;
use twenty_domain::error::DomainResult;
use twenty_domain::metadata::{ObjectId, WorkspaceId, WorkspaceMetadata};
use twenty_domain::ports::{RecordStore, WorkspaceStore};
use twenty_domain::query::{ConnectionQuery, Selection};
use twenty_domain::record::{RecordInput, RecordTarget};

#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub fn new(pool: PgPool) -> Self {
        PgStore { pool }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
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

    async fn load_metadata(&self, workspace_id: WorkspaceId) -> DomainResult<Option<WorkspaceMetadata>> {
        let mut conn = self.conn().await?;
        workspaces::load_metadata(&mut conn, workspace_id).await
    }
}
