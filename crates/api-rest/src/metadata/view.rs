//! The answers of the metadata routes: objects, fields and relations as JSON (the properties of the `/metadata`
//! GraphQL types, objects with their `fields` as a list, relation fields with Twenty's `relation`), and Twenty's
//! two envelopes ([`MetadataFormat`]).

use super::page::Page;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value as Json, json};
use twenty_domain::metadata::{FieldMetadata, ObjectId, ObjectMetadata, RelationMetadata, WorkspaceMetadata};
use uuid::Uuid;

/// Twenty's two shapes of metadata answers (its `IS_REST_METADATA_API_NEW_FORMAT_DIRECT` flag, off or on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MetadataFormat {
    /// `{"data": {"objects": [..]}, "pageInfo", "totalCount"}`, `{"data": {"object": {..}}}`,
    /// `{"data": {"createOneObject": {..}}}`, …
    #[default]
    Legacy,
    /// `{"data": [..], "pageInfo", "totalCount"}` for lists; the item itself otherwise.
    Direct,
}

impl MetadataFormat {
    /// `legacy` or `direct` (`REST_METADATA_FORMAT`).
    pub fn parse(name: &str) -> Option<MetadataFormat> {
        match name {
            "legacy" => Some(MetadataFormat::Legacy),
            "direct" => Some(MetadataFormat::Direct),
            _ => None,
        }
    }

    /// A page of items; `key` is the legacy envelope's (`objects`, `fields`, `relations`).
    pub(super) fn list(self, key: &str, page: Page) -> Json {
        let data = match self {
            MetadataFormat::Legacy => json!({ key: page.items }),
            MetadataFormat::Direct => Json::Array(page.items),
        };
        json!({"data": data, "pageInfo": page.page_info, "totalCount": page.total_count})
    }

    /// One item; `key` is the legacy envelope's (`object`, `createOneField`, `deleteOneRelation`, …).
    pub(super) fn one(self, key: &str, item: Json) -> Json {
        match self {
            MetadataFormat::Legacy => json!({"data": { key: item }}),
            MetadataFormat::Direct => item,
        }
    }
}

fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `{id, nameSingular, namePlural}` of an object, or `null` when it is not in `meta`.
fn object_ref(meta: &WorkspaceMetadata, id: ObjectId) -> Json {
    meta.object(id).map_or(
        Json::Null,
        |o| json!({"id": o.id, "nameSingular": o.name_singular, "namePlural": o.name_plural}),
    )
}

/// `{id, name}` of a field, or `null` when it is not in `meta`.
fn field_ref(meta: &WorkspaceMetadata, object: ObjectId, id: Uuid) -> Json {
    meta.object(object)
        .and_then(|o| o.field_by_id(id))
        .map_or(Json::Null, |f| json!({"id": f.id, "name": f.name}))
}

/// A field: the properties of the `/metadata` `Field` type, and for RELATION fields Twenty's `relation` (its kind
/// seen from this field, and both ends).
pub(super) fn field(meta: &WorkspaceMetadata, f: &FieldMetadata) -> Json {
    let relation = f.relation.as_ref().map_or(Json::Null, |link| {
        json!({
            "type": link.kind.as_str(),
            "sourceObjectMetadata": object_ref(meta, f.object_id),
            "targetObjectMetadata": object_ref(meta, link.target_object_id),
            "sourceFieldMetadata": {"id": f.id, "name": f.name},
            "targetFieldMetadata": field_ref(meta, link.target_object_id, link.target_field_id),
        })
    });
    let options = (!f.options.is_empty()).then(|| serde_json::to_value(&f.options).unwrap_or_default());
    json!({
        "id": f.id,
        "objectMetadataId": f.object_id,
        "type": f.field_type.as_str(),
        "name": f.name,
        "label": f.label,
        "description": f.description,
        "icon": f.icon,
        "isCustom": f.is_custom,
        "isActive": f.is_active,
        "isSystem": f.is_system,
        "isNullable": f.is_nullable,
        "isUnique": f.is_unique,
        "defaultValue": f.default_value,
        "options": options,
        "settings": f.settings,
        "relation": relation,
        "createdAt": timestamp(f.created_at),
        "updatedAt": timestamp(f.updated_at),
    })
}

/// An object: the properties of the `/metadata` `Object` type, with every field (active or not) as `fields`
/// unless `with_fields` is false (Twenty's answer to a delete has none).
pub(super) fn object(meta: &WorkspaceMetadata, o: &ObjectMetadata, with_fields: bool) -> Json {
    let mut view = json!({
        "id": o.id,
        "nameSingular": o.name_singular,
        "namePlural": o.name_plural,
        "labelSingular": o.label_singular,
        "labelPlural": o.label_plural,
        "description": o.description,
        "icon": o.icon,
        "isCustom": o.is_custom,
        "isActive": o.is_active,
        "isSystem": o.is_system,
        "createdAt": timestamp(o.created_at),
        "updatedAt": timestamp(o.updated_at),
    });
    if with_fields {
        view["fields"] = o.fields.iter().map(|f| field(meta, f)).collect();
    }
    view
}

/// A relation: the properties of the `/metadata` `Relation` type, and both objects.
pub(super) fn relation(meta: &WorkspaceMetadata, r: &RelationMetadata) -> Json {
    json!({
        "id": r.id,
        "relationType": r.relation_type.as_str(),
        "fromObjectMetadataId": r.from_object_id,
        "toObjectMetadataId": r.to_object_id,
        "fromFieldMetadataId": r.from_field_id,
        "toFieldMetadataId": r.to_field_id,
        "onDelete": r.on_delete.as_str(),
        "fromObjectMetadata": object_ref(meta, r.from_object_id),
        "toObjectMetadata": object_ref(meta, r.to_object_id),
    })
}

/// A workspace's whole data model as the metadata routes show it: `{"objects": [..], "relations": [..]}`, every
/// object with its fields (the CLI's `export` writes it as its first line).
pub fn data_model(meta: &WorkspaceMetadata) -> Json {
    json!({
        "objects": meta.objects.iter().map(|o| object(meta, o, true)).collect::<Vec<_>>(),
        "relations": meta.relations.iter().map(|r| relation(meta, r)).collect::<Vec<_>>(),
    })
}
