//! The rows of `core.object_metadata`, `core.field_metadata` and `core.relation_metadata`, both ways: from the
//! domain's metadata for inserts, and assembled back into a [`WorkspaceMetadata`] when loading.

use crate::schema::{field_metadata, object_metadata, relation_metadata};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use std::collections::HashMap;
use twenty_domain::error::{DomainError, DomainResult};
use twenty_domain::metadata::{
    FieldMetadata, ObjectMetadata, OnDelete, RelationMetadata, RelationType, SelectOption, WorkspaceId,
    WorkspaceMetadata,
};
use uuid::Uuid;

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = object_metadata)]
pub(crate) struct ObjectRow {
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
pub(crate) struct FieldRow {
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
pub(crate) struct RelationRow {
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

pub(crate) fn object_row(ws: WorkspaceId, o: &ObjectMetadata) -> ObjectRow {
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

pub(crate) fn field_row(ws: WorkspaceId, f: &FieldMetadata, ordinal: usize) -> FieldRow {
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

pub(crate) fn relation_row(ws: WorkspaceId, r: &RelationMetadata) -> RelationRow {
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

fn corrupt(what: &str) -> DomainError {
    tracing::error!(what, "corrupt metadata row");
    DomainError::internal(format!("corrupt metadata: {what}"))
}

pub(crate) fn assemble(
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
