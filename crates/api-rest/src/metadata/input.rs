//! Twenty's request bodies of the metadata routes, read into the inputs of the domain's `MetadataService` — the
//! same inputs the `/metadata` GraphQL resolvers build. Only the shape is checked here (types, required
//! properties, unknown properties); every rule about names, labels, options and defaults is the service's.

use super::body::Body;
use serde_json::Value as Json;
use twenty_domain::blueprint::ObjectBlueprint;
use twenty_domain::field_type::FieldType;
use twenty_domain::metadata::{ObjectId, OnDelete, RelationType};
use twenty_domain::naming::name_from_label;
use twenty_domain::services::{
    FieldSettingsInput, FieldUpdate, NewField, NewRelation, NewRelationSide, ObjectUpdate, OptionInput,
    PresentationUpdate,
};
use twenty_domain::{DomainError, DomainResult};

/// `isLabelSyncedWithName`: Twenty derives names from labels when it is true; here names are fixed and labels
/// free, which is what `false` asks for.
fn labels_not_synced(body: &mut Body) {
    body.accept_only(
        "isLabelSyncedWithName",
        |v| v == &Json::Bool(false),
        "only false is supported: names are fixed and independent of labels",
    );
}

fn presentation(body: &mut Body) -> PresentationUpdate {
    PresentationUpdate {
        description: body.clearable_text("description"),
        icon: body.clearable_text("icon"),
        is_active: body.boolean("isActive"),
    }
}

/// `POST /rest/metadata/objects`: Twenty's `CreateObjectInput`.
pub(super) fn new_object(mut body: Body) -> DomainResult<ObjectBlueprint> {
    let mut blueprint = ObjectBlueprint::custom(
        &body.required_text("nameSingular"),
        &body.required_text("namePlural"),
        &body.required_text("labelSingular"),
        &body.required_text("labelPlural"),
    );
    blueprint.description = body.text("description");
    blueprint.icon = body.text("icon");
    labels_not_synced(&mut body);
    body.finish(blueprint)
}

/// `PATCH /rest/metadata/objects/{id}`: Twenty's `UpdateObjectPayload`.
pub(super) fn object_update(mut body: Body) -> DomainResult<ObjectUpdate> {
    let update = ObjectUpdate {
        label_singular: body.text("labelSingular"),
        label_plural: body.text("labelPlural"),
        presentation: presentation(&mut body),
        name_singular: body.text("nameSingular"),
        name_plural: body.text("namePlural"),
    };
    labels_not_synced(&mut body);
    body.finish(update)
}

/// What `POST /rest/metadata/fields` creates: a field, or for type RELATION (with Twenty's
/// `relationCreationPayload`) a relation whose "from" side is the field described.
pub(super) enum FieldCreation {
    Field { object_id: ObjectId, field: NewField },
    Relation(NewRelation),
}

fn field_type(body: &mut Body) -> Option<FieldType> {
    let present = body.is_text("type");
    let name = body.required_text("type");
    if name.is_empty() {
        if present {
            body.problem("type", "must be a field type");
        }
        return None;
    }
    match name.parse::<FieldType>() {
        Ok(field_type) => Some(field_type),
        Err(_) => {
            let known: Vec<&str> = FieldType::ALL.iter().map(|t| t.as_str()).collect();
            body.problem("type", format!("must be one of {}", known.join(", ")));
            None
        }
    }
}

fn options(body: &mut Body) -> Option<Vec<OptionInput>> {
    let items = body.objects("options")?;
    let mut options = Vec::with_capacity(items.len());
    for mut item in items {
        options.push(OptionInput {
            value: item.required_text("value"),
            label: item.required_text("label"),
            color: item.text("color"),
            position: position(&mut item),
        });
        // Twenty's clients give each option an id; options are identified by their value here.
        item.accept_only("id", Json::is_string, "must be a string");
        body.absorb(item);
    }
    Some(options)
}

fn position(item: &mut Body) -> Option<i32> {
    let value = item.json("position")?;
    match value.as_f64() {
        None if value.is_null() => None,
        Some(p) if p.fract() == 0.0 && p.abs() <= f64::from(i32::MAX) => Some(p as i32),
        _ => {
            item.problem("position", "must be an integer");
            None
        }
    }
}

fn settings(body: &mut Body) -> Option<FieldSettingsInput> {
    let mut settings = body.object("settings")?;
    let input = FieldSettingsInput {
        data_type: settings.text("dataType"),
        is_indexed: settings.boolean("isIndexed"),
    };
    body.absorb(settings);
    Some(input)
}

/// `POST /rest/metadata/fields`: Twenty's `CreateFieldInput`.
pub(super) fn new_field(mut body: Body) -> DomainResult<FieldCreation> {
    let object_id = body.required_uuid("objectMetadataId");
    let field_type = field_type(&mut body);
    let name = body.required_text("name");
    let label = body.required_text("label");
    let description = body.text("description");
    let icon = body.text("icon");
    labels_not_synced(&mut body);
    if field_type == Some(FieldType::Relation) {
        let relation = relation_of_field(&mut body, object_id, (name, label), (icon, description));
        return body.finish(()).and_then(|()| relation.map(FieldCreation::Relation));
    }
    if body.has("relationCreationPayload") {
        body.json("relationCreationPayload");
        body.problem("relationCreationPayload", "is only for fields of type RELATION");
    }
    let field = NewField {
        name,
        label,
        field_type: field_type.unwrap_or(FieldType::Text),
        description,
        icon,
        is_nullable: body.boolean("isNullable"),
        is_unique: body.boolean("isUnique"),
        default_value: body.json("defaultValue"),
        options: options(&mut body),
        settings: settings(&mut body),
    };
    let creation = object_id.map(|object_id| FieldCreation::Field { object_id, field });
    body.finish(creation)
        .and_then(|c| c.ok_or_else(|| DomainError::validation("Invalid field")))
}

/// A RELATION field of Twenty: `relationCreationPayload: {type, targetObjectMetadataId, targetFieldLabel,
/// targetFieldIcon}` describes the other side, whose name is `targetFieldName` or else derived from its label.
/// The relation's kind is seen from the field's object, like `relationType` of `createOneRelation`.
fn relation_of_field(
    body: &mut Body,
    object_id: Option<ObjectId>,
    (name, label): (String, String),
    (icon, description): (Option<String>, Option<String>),
) -> DomainResult<NewRelation> {
    body.accept_only(
        "isNullable",
        |v| v == &Json::Bool(true),
        "relation fields are always nullable",
    );
    let Some(mut payload) = body.object("relationCreationPayload") else {
        body.problem("relationCreationPayload", "is required for fields of type RELATION");
        return Err(DomainError::validation("Invalid relation field"));
    };
    let relation_type = relation_type(&mut payload, "type");
    let target = payload.required_uuid("targetObjectMetadataId");
    let target_label = payload.text("targetFieldLabel");
    let target_name = payload
        .text("targetFieldName")
        .or_else(|| target_label.as_deref().map(name_from_label));
    if target_name.is_none() {
        payload.problem("targetFieldLabel", "is required (or targetFieldName)");
    }
    let target_icon = payload.text("targetFieldIcon");
    let on_delete = on_delete(&mut payload, "onDelete");
    body.absorb(payload);
    match (relation_type, object_id, target, target_name) {
        (Some(relation_type), Some(from), Some(to), Some(to_name)) => Ok(NewRelation {
            relation_type,
            from: NewRelationSide {
                object_id: from,
                name,
                label: Some(label),
                icon,
                description,
            },
            to: NewRelationSide {
                object_id: to,
                name: to_name,
                label: target_label,
                icon: target_icon,
                description: None,
            },
            on_delete,
        }),
        _ => Err(DomainError::validation("Invalid relation field")),
    }
}

fn relation_type(body: &mut Body, key: &str) -> Option<RelationType> {
    let present = body.is_text(key);
    let name = body.required_text(key);
    let parsed = RelationType::parse(&name);
    if parsed.is_none() && present {
        body.problem(key, "must be one of ONE_TO_MANY, MANY_TO_ONE, ONE_TO_ONE, MANY_TO_MANY");
    }
    parsed
}

fn on_delete(body: &mut Body, key: &str) -> Option<OnDelete> {
    let name = body.text(key)?;
    let parsed = OnDelete::parse(&name);
    if parsed.is_none() {
        body.problem(key, "must be one of SET_NULL, CASCADE, RESTRICT");
    }
    parsed
}

/// `PATCH /rest/metadata/fields/{id}`: Twenty's `UpdateFieldInput`.
pub(super) fn field_update(mut body: Body) -> DomainResult<FieldUpdate> {
    let update = FieldUpdate {
        name: body.text("name"),
        label: body.text("label"),
        presentation: presentation(&mut body),
        is_nullable: body.boolean("isNullable"),
        default_value: body.json("defaultValue").map(|v| Some(v).filter(|v| !v.is_null())),
        options: options(&mut body).map(OptionInput::positioned),
    };
    labels_not_synced(&mut body);
    body.finish(update)
}

/// `POST /rest/metadata/relations`: the relation in Twenty's REST names (`fromName`, `toName`, `fromLabel`,
/// `toLabel`, `fromIcon`, `toIcon`) or in `createOneRelation`'s (`fromFieldMetadataName`, …), not both.
pub(super) fn new_relation(mut body: Body) -> DomainResult<NewRelation> {
    let relation_type = relation_type(&mut body, "relationType");
    let from = body.required_uuid("fromObjectMetadataId");
    let to = body.required_uuid("toObjectMetadataId");
    let from_name = either(&mut body, "fromName", "fromFieldMetadataName", true);
    let to_name = either(&mut body, "toName", "toFieldMetadataName", true);
    let from_label = either(&mut body, "fromLabel", "fromFieldMetadataLabel", false);
    let to_label = either(&mut body, "toLabel", "toFieldMetadataLabel", false);
    // Read in this order, so that problems are reported in it.
    let on_delete = on_delete(&mut body, "onDelete");
    let (from_icon, to_icon) = (body.text("fromIcon"), body.text("toIcon"));
    let (from_description, to_description) = (body.text("fromDescription"), body.text("toDescription"));
    let relation = NewRelation {
        relation_type: relation_type.unwrap_or(RelationType::OneToMany),
        from: NewRelationSide {
            object_id: from.unwrap_or_default(),
            name: from_name.unwrap_or_default(),
            label: from_label,
            icon: from_icon,
            description: from_description,
        },
        to: NewRelationSide {
            object_id: to.unwrap_or_default(),
            name: to_name.unwrap_or_default(),
            label: to_label,
            icon: to_icon,
            description: to_description,
        },
        on_delete,
    };
    body.finish(relation)
}

/// A string given under Twenty's REST name or the GraphQL input's name (not both); `required` reports neither.
fn either(body: &mut Body, rest: &str, graphql: &str, required: bool) -> Option<String> {
    match (body.text(rest), body.text(graphql)) {
        (Some(value), None) | (None, Some(value)) => Some(value),
        (Some(_), Some(_)) => {
            body.problem(graphql, format!("is the same as {rest}: give one of them"));
            None
        }
        (None, None) => {
            if required {
                body.problem(rest, format!("is required (or {graphql})"));
            }
            None
        }
    }
}
