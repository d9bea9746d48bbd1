//! The `dataModel` line of an NDJSON import: custom objects, fields and relations the workspace lacks are created
//! through the metadata service (with the same validation as the metadata APIs); what exists is left as it is,
//! except that objects and fields the export shows inactive are deactivated. Standard objects and fields exist in
//! every workspace.

use crate::AppState;
use crate::cli::describe;
use serde_json::Value as Json;
use std::sync::Arc;
use twenty_domain::blueprint::ObjectBlueprint;
use twenty_domain::field_type::FieldType;
use twenty_domain::metadata::{FieldId, OnDelete, RelationType, WorkspaceMetadata};
use twenty_domain::services::{
    FieldSettingsInput, FieldUpdate, NewField, NewRelation, NewRelationSide, ObjectUpdate, OptionInput,
    PresentationUpdate,
};
use uuid::Uuid;

/// What the data model line changed.
#[derive(Debug, Default)]
pub struct Changes {
    pub objects: usize,
    pub fields: usize,
    pub relations: usize,
}

fn text(json: &Json, key: &str) -> Option<String> {
    json[key].as_str().map(str::to_owned)
}

fn required(json: &Json, key: &str, what: &str) -> anyhow::Result<String> {
    text(json, key).ok_or_else(|| anyhow::anyhow!("dataModel: {what} without `{key}`"))
}

/// Applies `model` (`{"objects": [..], "relations": [..]}`) to the workspace.
pub async fn apply(state: &AppState, workspace: Uuid, model: &Json) -> anyhow::Result<Changes> {
    let mut changes = Changes::default();
    let objects = model["objects"]
        .as_array()
        .ok_or_else(|| anyhow::anyhow!("dataModel: no `objects` list"))?;
    let current = async || state.data_model.current(workspace).await.map_err(describe);
    for object in objects {
        let singular = required(object, "nameSingular", "an object")?;
        let meta = current().await?;
        if meta.object_by_singular(&singular).is_none() {
            if object["isCustom"] != Json::Bool(true) {
                anyhow::bail!("dataModel: standard object `{singular}` is not known to this server");
            }
            let mut blueprint = ObjectBlueprint::custom(
                &singular,
                &required(object, "namePlural", "an object")?,
                &required(object, "labelSingular", "an object")?,
                &required(object, "labelPlural", "an object")?,
            );
            blueprint.description = text(object, "description");
            blueprint.icon = text(object, "icon");
            state
                .data_model
                .create_object(&meta, &blueprint)
                .await
                .map_err(|e| anyhow::anyhow!("dataModel: object `{singular}`: {:#}", describe(e)))?;
            changes.objects += 1;
        }
        for field in object["fields"].as_array().into_iter().flatten() {
            changes.fields += apply_field(state, &current().await?, &singular, field).await? as usize;
        }
        let meta = current().await?;
        if object["isActive"] == Json::Bool(false)
            && let Some(existing) = meta.object_by_singular(&singular).filter(|o| o.is_active)
        {
            let update = ObjectUpdate {
                presentation: inactive(),
                ..ObjectUpdate::default()
            };
            state
                .data_model
                .update_object(&meta, existing.id, &update)
                .await
                .map_err(describe)?;
        }
    }
    for relation in model["relations"].as_array().into_iter().flatten() {
        changes.relations += apply_relation(state, &current().await?, objects, relation).await? as usize;
    }
    Ok(changes)
}

fn inactive() -> PresentationUpdate {
    PresentationUpdate {
        is_active: Some(false),
        ..PresentationUpdate::default()
    }
}

/// Creates a missing non-relation field of `object` (system and relation fields are not created here); `true`
/// when it did.
async fn apply_field(
    state: &AppState,
    meta: &Arc<WorkspaceMetadata>,
    object: &str,
    field: &Json,
) -> anyhow::Result<bool> {
    let name = required(field, "name", "a field")?;
    let type_name = required(field, "type", "a field")?;
    let field_type: FieldType = type_name
        .parse()
        .map_err(|_| anyhow::anyhow!("dataModel: field `{object}.{name}` has unknown type `{type_name}`"))?;
    let Some(target) = meta.object_by_singular(object) else {
        return Ok(false);
    };
    let deactivate = field["isActive"] == Json::Bool(false);
    if let Some(existing) = target.field(&name) {
        if deactivate && existing.is_active && !existing.is_system {
            deactivate_field(state, meta, existing.id).await?;
        }
        return Ok(false);
    }
    if field_type == FieldType::Relation || field["isSystem"] == Json::Bool(true) {
        return Ok(false);
    }
    let options = field["options"].as_array().map(|items| {
        items
            .iter()
            .map(|o| OptionInput {
                value: text(o, "value").unwrap_or_default(),
                label: text(o, "label").unwrap_or_default(),
                color: text(o, "color"),
                position: o["position"].as_i64().and_then(|p| i32::try_from(p).ok()),
            })
            .collect()
    });
    let settings = field["settings"].is_object().then(|| FieldSettingsInput {
        data_type: text(&field["settings"], "dataType"),
        is_indexed: field["settings"]["isIndexed"].as_bool(),
    });
    let new = NewField {
        name: name.clone(),
        label: text(field, "label").unwrap_or_else(|| name.clone()),
        field_type,
        description: text(field, "description"),
        icon: text(field, "icon"),
        is_nullable: field["isNullable"].as_bool(),
        is_unique: field["isUnique"].as_bool(),
        default_value: Some(field["defaultValue"].clone()).filter(|v| !v.is_null()),
        options,
        settings,
    };
    let created = state
        .data_model
        .create_field(meta, target.id, &new.blueprint())
        .await
        .map_err(|e| anyhow::anyhow!("dataModel: field `{object}.{name}`: {:#}", describe(e)))?;
    if deactivate {
        let meta = state.data_model.current(meta.workspace_id).await.map_err(describe)?;
        deactivate_field(state, &meta, created.id).await?;
    }
    Ok(true)
}

/// Deactivates the field `id`, which the export shows inactive.
async fn deactivate_field(state: &AppState, meta: &WorkspaceMetadata, id: FieldId) -> anyhow::Result<()> {
    let update = FieldUpdate {
        presentation: inactive(),
        ..FieldUpdate::default()
    };
    state
        .data_model
        .update_field(meta, id, &update)
        .await
        .map_err(describe)?;
    Ok(())
}

/// The object (by its id in the export) and the field (by its id) of one side of an exported relation.
fn side<'a>(objects: &'a [Json], object_id: &Json, field_id: &Json) -> Option<(&'a Json, &'a Json)> {
    let object = objects.iter().find(|o| &o["id"] == object_id)?;
    let field = object["fields"].as_array()?.iter().find(|f| &f["id"] == field_id)?;
    Some((object, field))
}

/// Creates a relation whose "from" field the workspace lacks; `true` when it did.
async fn apply_relation(
    state: &AppState,
    meta: &Arc<WorkspaceMetadata>,
    objects: &[Json],
    relation: &Json,
) -> anyhow::Result<bool> {
    let (Some((from_object, from_field)), Some((to_object, to_field))) = (
        side(
            objects,
            &relation["fromObjectMetadataId"],
            &relation["fromFieldMetadataId"],
        ),
        side(objects, &relation["toObjectMetadataId"], &relation["toFieldMetadataId"]),
    ) else {
        anyhow::bail!(
            "dataModel: relation {} names an object or field the export does not have",
            relation["id"]
        );
    };
    let names = |o: &Json, f: &Json| {
        (
            text(o, "nameSingular").unwrap_or_default(),
            text(f, "name").unwrap_or_default(),
        )
    };
    let (from_name, from_field_name) = names(from_object, from_field);
    let (to_name, to_field_name) = names(to_object, to_field);
    let (Some(from), Some(to)) = (meta.object_by_singular(&from_name), meta.object_by_singular(&to_name)) else {
        anyhow::bail!("dataModel: relation between `{from_name}` and `{to_name}`: an object is missing");
    };
    if from.field(&from_field_name).is_some() || to.field(&to_field_name).is_some() {
        return Ok(false);
    }
    let relation_type = text(relation, "relationType")
        .as_deref()
        .and_then(RelationType::parse)
        .ok_or_else(|| anyhow::anyhow!("dataModel: relation {} has no known relationType", relation["id"]))?;
    let side = |object_id, name, field: &Json| NewRelationSide {
        object_id,
        name,
        label: text(field, "label"),
        icon: text(field, "icon"),
        description: text(field, "description"),
    };
    let input = NewRelation {
        relation_type,
        from: side(from.id, from_field_name.clone(), from_field),
        to: side(to.id, to_field_name, to_field),
        on_delete: text(relation, "onDelete").as_deref().and_then(OnDelete::parse),
    };
    state
        .data_model
        .create_relation(meta, &input)
        .await
        .map_err(|e| anyhow::anyhow!("dataModel: relation `{from_name}.{from_field_name}`: {:#}", describe(e)))?;
    Ok(true)
}
