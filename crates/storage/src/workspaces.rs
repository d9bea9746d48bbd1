//! Workspaces and their metadata: provisioning (rows + schema DDL in one transaction) and loading.

use crate::ddl;
use crate::error::{TxError, to_domain};
use crate::schema::{field_metadata, object_metadata, relation_metadata, workspace};
use crate::sql::{Bind, Sql};
use crate::store::PgStore;
use crate::transaction::{TxBody, tx};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use std::collections::HashMap;
use twenty_domain::error::{DomainError, DomainResult, Problems};
use twenty_domain::metadata::{
    FieldMetadata, ObjectMetadata, OnDelete, RelationMetadata, RelationType, SelectOption, WorkspaceId,
    WorkspaceMetadata,
};
use twenty_domain::ports::{MetadataStore, WorkspaceStore};
use uuid::Uuid;

#[derive(Insertable)]
#[diesel(table_name = workspace)]
struct NewWorkspace<'a> {
    id: Uuid,
    display_name: &'a str,
    schema_name: &'a str,
    metadata_version: i64,
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = object_metadata)]
struct ObjectRow {
    id: Uuid,
    workspace_id: Uuid,
    name_singular: String,
    name_plural: String,
    label_singular: String,
    label_plural: String,
    description: Option<String>,
    icon: Option<String>,
    is_custom: bool,
    is_active: bool,
    is_system: bool,
    table_name: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = field_metadata)]
struct FieldRow {
    id: Uuid,
    workspace_id: Uuid,
    object_id: Uuid,
    name: String,
    label: String,
    field_type: String,
    description: Option<String>,
    icon: Option<String>,
    is_custom: bool,
    is_active: bool,
    is_system: bool,
    is_nullable: bool,
    is_unique: bool,
    default_value: Option<serde_json::Value>,
    options: Option<serde_json::Value>,
    settings: Option<serde_json::Value>,
    ordinal: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = relation_metadata)]
struct RelationRow {
    id: Uuid,
    workspace_id: Uuid,
    relation_type: String,
    from_object_id: Uuid,
    to_object_id: Uuid,
    from_field_id: Uuid,
    to_field_id: Uuid,
    on_delete: String,
    join_column: Option<String>,
    junction_table: Option<String>,
}

fn object_row(ws: WorkspaceId, o: &ObjectMetadata) -> ObjectRow {
    ObjectRow {
        id: o.id,
        workspace_id: ws,
        name_singular: o.name_singular.clone(),
        name_plural: o.name_plural.clone(),
        label_singular: o.label_singular.clone(),
        label_plural: o.label_plural.clone(),
        description: o.description.clone(),
        icon: o.icon.clone(),
        is_custom: o.is_custom,
        is_active: o.is_active,
        is_system: o.is_system,
        table_name: o.table_name.clone(),
        created_at: o.created_at,
        updated_at: o.updated_at,
    }
}

fn field_row(ws: WorkspaceId, f: &FieldMetadata, ordinal: usize) -> FieldRow {
    FieldRow {
        id: f.id,
        workspace_id: ws,
        object_id: f.object_id,
        name: f.name.clone(),
        label: f.label.clone(),
        field_type: f.field_type.as_str().to_string(),
        description: f.description.clone(),
        icon: f.icon.clone(),
        is_custom: f.is_custom,
        is_active: f.is_active,
        is_system: f.is_system,
        is_nullable: f.is_nullable,
        is_unique: f.is_unique,
        default_value: f.default_value.clone(),
        options: (!f.options.is_empty()).then(|| serde_json::to_value(&f.options).unwrap_or_default()),
        settings: f.settings.clone(),
        ordinal: ordinal as i32,
        created_at: f.created_at,
        updated_at: f.updated_at,
    }
}

fn relation_row(ws: WorkspaceId, r: &RelationMetadata) -> RelationRow {
    RelationRow {
        id: r.id,
        workspace_id: ws,
        relation_type: r.relation_type.as_str().to_string(),
        from_object_id: r.from_object_id,
        to_object_id: r.to_object_id,
        from_field_id: r.from_field_id,
        to_field_id: r.to_field_id,
        on_delete: r.on_delete.as_str().to_string(),
        join_column: r.join_column.clone(),
        junction_table: r.junction_table.clone(),
    }
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
    async fn create_workspace(&self, metadata: &WorkspaceMetadata, display_name: &str) -> DomainResult<()> {
        create_workspace(&mut *self.conn().await?, metadata, display_name).await
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

fn corrupt(what: &str) -> DomainError {
    tracing::error!(what, "corrupt metadata row");
    DomainError::internal(format!("corrupt metadata: {what}"))
}

fn assemble(
    workspace_id: WorkspaceId,
    schema_name: String,
    version: i64,
    object_rows: Vec<ObjectRow>,
    field_rows: Vec<FieldRow>,
    relation_rows: Vec<RelationRow>,
) -> DomainResult<WorkspaceMetadata> {
    let relations = relation_rows
        .into_iter()
        .map(|r| {
            Ok(RelationMetadata {
                id: r.id,
                relation_type: RelationType::parse(&r.relation_type).ok_or_else(|| corrupt("relation type"))?,
                from_object_id: r.from_object_id,
                to_object_id: r.to_object_id,
                from_field_id: r.from_field_id,
                to_field_id: r.to_field_id,
                on_delete: OnDelete::parse(&r.on_delete).ok_or_else(|| corrupt("onDelete"))?,
                join_column: r.join_column,
                junction_table: r.junction_table,
            })
        })
        .collect::<DomainResult<Vec<_>>>()?;
    let mut links = HashMap::new();
    for relation in &relations {
        let (from, to) = relation.links();
        links.insert(relation.from_field_id, from);
        links.insert(relation.to_field_id, to);
    }
    let mut fields_by_object: HashMap<Uuid, Vec<FieldMetadata>> = HashMap::new();
    for f in field_rows {
        let options: Vec<SelectOption> = match f.options {
            Some(json) => serde_json::from_value(json).map_err(|_| corrupt("field options"))?,
            None => Vec::new(),
        };
        let field = FieldMetadata {
            id: f.id,
            object_id: f.object_id,
            field_type: f.field_type.parse().map_err(|_| corrupt("field type"))?,
            relation: links.remove(&f.id),
            name: f.name,
            label: f.label,
            description: f.description,
            icon: f.icon,
            is_custom: f.is_custom,
            is_active: f.is_active,
            is_system: f.is_system,
            is_nullable: f.is_nullable,
            is_unique: f.is_unique,
            default_value: f.default_value,
            options,
            settings: f.settings,
            created_at: f.created_at,
            updated_at: f.updated_at,
        };
        fields_by_object.entry(field.object_id).or_default().push(field);
    }
    let objects = object_rows
        .into_iter()
        .map(|o| ObjectMetadata {
            fields: fields_by_object.remove(&o.id).unwrap_or_default(),
            id: o.id,
            name_singular: o.name_singular,
            name_plural: o.name_plural,
            label_singular: o.label_singular,
            label_plural: o.label_plural,
            description: o.description,
            icon: o.icon,
            is_custom: o.is_custom,
            is_active: o.is_active,
            is_system: o.is_system,
            table_name: o.table_name,
            created_at: o.created_at,
            updated_at: o.updated_at,
        })
        .collect();
    Ok(WorkspaceMetadata {
        workspace_id,
        schema_name,
        version,
        objects,
        relations,
    })
}

impl PgStore {
    /// Runs a metadata change in a transaction that first locks the workspace row and bumps its metadata version, so
    /// concurrent changes to one workspace are serialised and every change is seen as a new version. Afterwards the
    /// next request reloads the workspace's metadata, whatever the change notification's timing.
    async fn change_metadata<F>(&self, id: WorkspaceId, change: F) -> DomainResult<()>
    where
        F: for<'conn> TxBody<'conn, ()> + Send,
    {
        let result = tx(&mut *self.conn().await?, async move |conn| {
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

async fn next_ordinal(conn: &mut AsyncPgConnection, object_id: Uuid) -> Result<usize, TxError> {
    let n: i64 = field_metadata::table
        .filter(field_metadata::object_id.eq(object_id))
        .count()
        .get_result(conn)
        .await?;
    Ok(n as usize)
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
            let ordinal = next_ordinal(conn, object.id).await?;
            diesel::insert_into(field_metadata::table)
                .values(field_row(ws, field, ordinal))
                .execute(conn)
                .await?;
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
            diesel::update(
                object_metadata::table
                    .find(object.id)
                    .filter(object_metadata::workspace_id.eq(meta.workspace_id)),
            )
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
            diesel::delete(
                object_metadata::table
                    .find(object.id)
                    .filter(object_metadata::workspace_id.eq(meta.workspace_id)),
            )
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
            diesel::update(
                field_metadata::table
                    .find(after.id)
                    .filter(field_metadata::workspace_id.eq(meta.workspace_id)),
            )
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
            diesel::delete(
                field_metadata::table
                    .find(field.id)
                    .filter(field_metadata::workspace_id.eq(meta.workspace_id)),
            )
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
                let ordinal = next_ordinal(conn, field.object_id).await?;
                diesel::insert_into(field_metadata::table)
                    .values(field_row(ws, field, ordinal))
                    .execute(conn)
                    .await?;
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
