//! Changes to a workspace's data model — [`MetadataStore`] over PostgreSQL. Each change writes its metadata rows,
//! runs its DDL (and any data clean-up or back-fill) and bumps the workspace's metadata version in one transaction.

use crate::ddl;
use crate::error::TxError;
use crate::metadata_rows::{FieldRow, field_row, object_row, relation_row};
use crate::schema::{field_metadata, object_metadata, relation_metadata, workspace};
use crate::sql::{Bind, Sql};
use crate::store::PgStore;
use crate::transaction::{TxBody, tx};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use twenty_domain::error::{DomainError, DomainResult, Problems};
use twenty_domain::metadata::{FieldMetadata, ObjectMetadata, RelationMetadata, WorkspaceId, WorkspaceMetadata};
use twenty_domain::ports::MetadataStore;
use uuid::Uuid;

impl PgStore {
    /// Runs a metadata change in a transaction that first locks the workspace row and bumps its metadata version, so
    /// concurrent changes to one workspace are serialised and every change is seen as a new version. Afterwards the
    /// next request reloads the workspace's metadata, whatever the change notification's timing.
    async fn change_metadata<F>(&self, id: WorkspaceId, change: F) -> DomainResult<()>
    where
        F: for<'conn> TxBody<'conn, ()> + Send,
    {
        let result = tx(&mut *self.conn_of(id).await?, async move |conn| {
            let updated = diesel::update(workspace::table.find(id))
                .set((
                    workspace::metadata_version.eq(workspace::metadata_version + 1),
                    workspace::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)
                .await?;
            if updated == 0 {
                return Err(TxError(DomainError::not_found("workspace")));
            }
            change(conn).await
        })
        .await;
        self.caches().metadata.invalidate(&id);
        result
    }
}

/// Appends a field's metadata row after its object's existing fields.
async fn insert_field(conn: &mut AsyncPgConnection, ws: WorkspaceId, field: &FieldMetadata) -> Result<(), TxError> {
    let ordinal: i64 = field_metadata::table
        .filter(field_metadata::object_id.eq(field.object_id))
        .count()
        .get_result(conn)
        .await?;
    diesel::insert_into(field_metadata::table)
        .values(field_row(ws, field, ordinal as usize))
        .execute(conn)
        .await?;
    Ok(())
}

/// The metadata row of object `id`, only if it belongs to workspace `ws`.
#[diesel::dsl::auto_type]
fn object_in(ws: WorkspaceId, id: Uuid) -> _ {
    object_metadata::table
        .find(id)
        .filter(object_metadata::workspace_id.eq(ws))
}

/// The metadata row of field `id`, only if it belongs to workspace `ws`.
#[diesel::dsl::auto_type]
fn field_in(ws: WorkspaceId, id: Uuid) -> _ {
    field_metadata::table
        .find(id)
        .filter(field_metadata::workspace_id.eq(ws))
}

impl MetadataStore for PgStore {
    async fn create_object(&self, meta: &WorkspaceMetadata, object: &ObjectMetadata) -> DomainResult<()> {
        let ws = meta.workspace_id;
        let row = object_row(ws, object);
        let fields: Vec<FieldRow> = object
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| field_row(ws, f, i))
            .collect();
        let ddl = ddl::create_object_table(&meta.schema_name, object);
        self.change_metadata(ws, async |conn| {
            diesel::insert_into(object_metadata::table)
                .values(&row)
                .execute(conn)
                .await?;
            diesel::insert_into(field_metadata::table)
                .values(&fields)
                .execute(conn)
                .await?;
            conn.batch_execute(&ddl).await?;
            Ok(())
        })
        .await
    }

    async fn create_field(
        &self,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
        field: &FieldMetadata,
    ) -> DomainResult<()> {
        let ws = meta.workspace_id;
        let ddl = ddl::add_field(&meta.schema_name, object, field);
        // Existing records get the default, bound as parameters like any other value.
        let backfill = match &field.default_value {
            Some(default) if !default.is_null() => {
                let mut problems = Problems::new();
                let values = twenty_domain::value::coerce_field_input(field, default, "defaultValue", &mut problems);
                problems.finish(())?;
                let values = values.unwrap_or_default();
                (!values.is_empty()).then(|| {
                    let mut sql = Sql::text("UPDATE ");
                    sql.table(&meta.schema_name, &object.table_name).push(" SET ");
                    for (i, (column, value)) in values.iter().enumerate() {
                        if i > 0 {
                            sql.push(", ");
                        }
                        sql.ident(&column.name).push(" = ").bind(Bind::of(column.kind, value));
                    }
                    sql
                })
            }
            _ => None,
        };
        self.change_metadata(ws, async |conn| {
            insert_field(conn, ws, field).await?;
            conn.batch_execute(&ddl).await?;
            if let Some(sql) = backfill {
                sql.execute(conn).await?;
            }
            Ok(())
        })
        .await
    }

    async fn update_object(&self, meta: &WorkspaceMetadata, object: &ObjectMetadata) -> DomainResult<()> {
        self.change_metadata(meta.workspace_id, async |conn| {
            diesel::update(object_in(meta.workspace_id, object.id))
                .set((
                    object_metadata::label_singular.eq(&object.label_singular),
                    object_metadata::label_plural.eq(&object.label_plural),
                    object_metadata::description.eq(&object.description),
                    object_metadata::icon.eq(&object.icon),
                    object_metadata::is_active.eq(object.is_active),
                    object_metadata::updated_at.eq(object.updated_at),
                ))
                .execute(conn)
                .await?;
            Ok(())
        })
        .await
    }

    async fn delete_object(&self, meta: &WorkspaceMetadata, object: &ObjectMetadata) -> DomainResult<()> {
        let ddl = ddl::drop_object(meta, object);
        let touching: Vec<&RelationMetadata> = meta
            .relations
            .iter()
            .filter(|r| r.from_object_id == object.id || r.to_object_id == object.id)
            .collect();
        let field_ids: Vec<Uuid> = touching.iter().flat_map(|r| [r.from_field_id, r.to_field_id]).collect();
        self.change_metadata(meta.workspace_id, async |conn| {
            conn.batch_execute(&ddl).await?;
            diesel::delete(field_metadata::table.filter(field_metadata::id.eq_any(&field_ids)))
                .execute(conn)
                .await?;
            diesel::delete(object_in(meta.workspace_id, object.id))
                .execute(conn)
                .await?;
            Ok(())
        })
        .await
    }

    async fn update_field(
        &self,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
        before: &FieldMetadata,
        after: &FieldMetadata,
    ) -> DomainResult<()> {
        // Records keep only values that are still options.
        let cleanup = (before.options != after.options && after.field_type.has_options()).then(|| {
            let values: Vec<String> = after.option_values().map(str::to_string).collect();
            let mut sql = Sql::text("UPDATE ");
            sql.table(&meta.schema_name, &object.table_name)
                .push(" SET ")
                .ident(&after.name);
            if after.field_type == twenty_domain::field_type::FieldType::MultiSelect {
                sql.push(" = ARRAY(SELECT v FROM unnest(")
                    .ident(&after.name)
                    .push(") v WHERE v = ANY(");
                sql.bind(Bind::TextArray(Some(values.clone())))
                    .push(")) WHERE NOT (")
                    .ident(&after.name)
                    .push(" <@ ");
                sql.bind(Bind::TextArray(Some(values))).push(")");
            } else {
                sql.push(" = NULL WHERE NOT (")
                    .ident(&after.name)
                    .push(" = ANY(")
                    .bind(Bind::TextArray(Some(values)))
                    .push("))");
            }
            sql
        });
        let options = (!after.options.is_empty()).then(|| serde_json::to_value(&after.options).unwrap_or_default());
        self.change_metadata(meta.workspace_id, async |conn| {
            diesel::update(field_in(meta.workspace_id, after.id))
                .set((
                    field_metadata::label.eq(&after.label),
                    field_metadata::description.eq(&after.description),
                    field_metadata::icon.eq(&after.icon),
                    field_metadata::is_active.eq(after.is_active),
                    field_metadata::is_nullable.eq(after.is_nullable),
                    field_metadata::default_value.eq(&after.default_value),
                    field_metadata::options.eq(&options),
                    field_metadata::updated_at.eq(after.updated_at),
                ))
                .execute(conn)
                .await?;
            if let Some(sql) = cleanup {
                sql.execute(conn).await?;
            }
            Ok(())
        })
        .await
    }

    async fn delete_field(
        &self,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
        field: &FieldMetadata,
    ) -> DomainResult<()> {
        let ddl = ddl::drop_field(&meta.schema_name, object, field);
        self.change_metadata(meta.workspace_id, async |conn| {
            diesel::delete(field_in(meta.workspace_id, field.id))
                .execute(conn)
                .await?;
            conn.batch_execute(&ddl).await?;
            Ok(())
        })
        .await
    }

    async fn create_relation(
        &self,
        meta: &WorkspaceMetadata,
        relation: &RelationMetadata,
        from_field: &FieldMetadata,
        to_field: &FieldMetadata,
    ) -> DomainResult<()> {
        let ws = meta.workspace_id;
        let ddl = ddl::create_relation(meta, relation);
        self.change_metadata(ws, async |conn| {
            for field in [from_field, to_field] {
                insert_field(conn, ws, field).await?;
            }
            diesel::insert_into(relation_metadata::table)
                .values(relation_row(ws, relation))
                .execute(conn)
                .await?;
            conn.batch_execute(&ddl).await?;
            Ok(())
        })
        .await
    }

    async fn delete_relation(&self, meta: &WorkspaceMetadata, relation: &RelationMetadata) -> DomainResult<()> {
        let ddl = ddl::drop_relation(meta, relation);
        self.change_metadata(meta.workspace_id, async |conn| {
            conn.batch_execute(&ddl).await?;
            diesel::delete(relation_metadata::table.find(relation.id))
                .execute(conn)
                .await?;
            diesel::delete(
                field_metadata::table
                    .filter(field_metadata::id.eq_any([relation.from_field_id, relation.to_field_id]))
                    .filter(field_metadata::workspace_id.eq(meta.workspace_id)),
            )
            .execute(conn)
            .await?;
            Ok(())
        })
        .await
    }
}
