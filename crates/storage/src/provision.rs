//! Workspaces: provisioning (the workspace row, its metadata rows, its schema and tables, in one transaction) and
//! loading their metadata — [`WorkspaceStore`] over PostgreSQL.

use crate::ddl;
use crate::error::to_domain;
use crate::metadata_rows::{FieldRow, ObjectRow, RelationRow, assemble, field_row, object_row, relation_row};
use crate::schema::{field_metadata, object_metadata, relation_metadata, workspace};
use crate::store::PgStore;
use crate::transaction::tx;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use std::sync::Arc;
use twenty_domain::error::DomainResult;
use twenty_domain::metadata::{WorkspaceId, WorkspaceMetadata};
use twenty_domain::ports::WorkspaceStore;
use uuid::Uuid;

#[derive(Insertable)]
#[diesel(table_name = workspace)]
struct NewWorkspace<'a> {
    id: Uuid,
    display_name: &'a str,
    schema_name: &'a str,
    metadata_version: i64,
}

/// Creates the workspace row, metadata rows, schema and tables in one transaction.
pub async fn create_workspace(
    conn: &mut AsyncPgConnection,
    meta: &WorkspaceMetadata,
    display_name: &str,
) -> DomainResult<()> {
    let ws = meta.workspace_id;
    let objects: Vec<ObjectRow> = meta.objects.iter().map(|o| object_row(ws, o)).collect();
    let fields: Vec<FieldRow> = meta
        .objects
        .iter()
        .flat_map(|o| o.fields.iter().enumerate().map(move |(i, f)| field_row(ws, f, i)))
        .collect();
    let relations: Vec<RelationRow> = meta.relations.iter().map(|r| relation_row(ws, r)).collect();
    let ddl = ddl::create_workspace_schema(meta);
    tx(conn, async |conn| {
        diesel::insert_into(workspace::table)
            .values(NewWorkspace {
                id: ws,
                display_name,
                schema_name: &meta.schema_name,
                metadata_version: meta.version,
            })
            .execute(conn)
            .await?;
        diesel::insert_into(object_metadata::table)
            .values(&objects)
            .execute(conn)
            .await?;
        // Chunks keep each INSERT under PostgreSQL's 65,535 bind parameters.
        for chunk in fields.chunks(1000) {
            diesel::insert_into(field_metadata::table)
                .values(chunk)
                .execute(conn)
                .await?;
        }
        if !relations.is_empty() {
            diesel::insert_into(relation_metadata::table)
                .values(&relations)
                .execute(conn)
                .await?;
        }
        conn.batch_execute(&ddl).await?;
        Ok(())
    })
    .await
}

impl WorkspaceStore for PgStore {
    /// From memory while change notifications are live; otherwise one indexed version lookup, and a reload only
    /// when the version moved.
    async fn current_metadata(&self, workspace_id: WorkspaceId) -> DomainResult<Option<Arc<WorkspaceMetadata>>> {
        let cache = &self.caches().metadata;
        if self.serving_from_memory() {
            if let Some(meta) = cache.get(&workspace_id) {
                return Ok(Some(meta));
            }
        } else {
            let Some(version) = self.metadata_version(workspace_id).await? else {
                return Ok(None);
            };
            if let Some(meta) = cache.get(&workspace_id).filter(|m| m.version == version) {
                return Ok(Some(meta));
            }
        }
        let generation = cache.generation();
        let Some(meta) = self.load_metadata(workspace_id).await? else {
            return Ok(None);
        };
        let meta = Arc::new(meta);
        cache.insert_if_unchanged(workspace_id, meta.clone(), generation);
        Ok(Some(meta))
    }

    /// One indexed lookup.
    async fn metadata_version(&self, workspace_id: WorkspaceId) -> DomainResult<Option<i64>> {
        workspace::table
            .find(workspace_id)
            .select(workspace::metadata_version)
            .first(&mut self.conn().await?)
            .await
            .optional()
            .map_err(to_domain)
    }

    async fn load_metadata(&self, workspace_id: WorkspaceId) -> DomainResult<Option<WorkspaceMetadata>> {
        let conn = &mut *self.conn().await?;
        let row: Option<(String, i64)> = workspace::table
            .find(workspace_id)
            .select((workspace::schema_name, workspace::metadata_version))
            .first(conn)
            .await
            .optional()
            .map_err(to_domain)?;
        let Some((schema_name, version)) = row else {
            return Ok(None);
        };
        let object_rows: Vec<ObjectRow> = object_metadata::table
            .filter(object_metadata::workspace_id.eq(workspace_id))
            .order((object_metadata::created_at, object_metadata::id))
            .select(ObjectRow::as_select())
            .load(conn)
            .await
            .map_err(to_domain)?;
        let field_rows: Vec<FieldRow> = field_metadata::table
            .filter(field_metadata::workspace_id.eq(workspace_id))
            .order((field_metadata::object_id, field_metadata::ordinal))
            .select(FieldRow::as_select())
            .load(conn)
            .await
            .map_err(to_domain)?;
        let relation_rows: Vec<RelationRow> = relation_metadata::table
            .filter(relation_metadata::workspace_id.eq(workspace_id))
            .select(RelationRow::as_select())
            .load(conn)
            .await
            .map_err(to_domain)?;
        assemble(
            workspace_id,
            schema_name,
            version,
            object_rows,
            field_rows,
            relation_rows,
        )
        .map(Some)
    }
}
