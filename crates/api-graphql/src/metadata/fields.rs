//! Fields of the metadata API: the `Field` type, its inputs, and the field resolvers.

use super::connection::{CursorPaging, connection, first_of};
use super::filter::FieldFilter;
use super::objects::refuse_label_sync;
use super::scalars::{DateTimeValue, FieldTypeValue, JsonValue, UuidValue, timestamp};
use super::{MetadataContext, parse_id, presentation};
use juniper::{DefaultScalarValue as S, GraphQLInputObject, ID, graphql_object};
use twenty_domain::DomainResult;
use twenty_domain::metadata::FieldMetadata;
use twenty_domain::services::{FieldSettingsInput as Settings, FieldUpdate, NewField, OptionInput};
use uuid::Uuid;

/// A field of an object.
#[derive(Clone)]
pub struct FieldNode(pub FieldMetadata);

#[graphql_object(name = "Field", scalar = S)]
impl FieldNode {
    fn id(&self) -> ID {
        ID::new(self.0.id.to_string())
    }
    fn object_metadata_id(&self) -> ID {
        ID::new(self.0.object_id.to_string())
    }
    fn name(&self) -> &str {
        &self.0.name
    }
    fn label(&self) -> &str {
        &self.0.label
    }
    #[graphql(name = "type")]
    fn field_type(&self) -> FieldTypeValue {
        FieldTypeValue(self.0.field_type)
    }
    fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    fn icon(&self) -> Option<&str> {
        self.0.icon.as_deref()
    }
    fn is_custom(&self) -> bool {
        self.0.is_custom
    }
    fn is_active(&self) -> bool {
        self.0.is_active
    }
    fn is_system(&self) -> bool {
        self.0.is_system
    }
    fn is_nullable(&self) -> bool {
        self.0.is_nullable
    }
    fn is_unique(&self) -> bool {
        self.0.is_unique
    }
    fn default_value(&self) -> Option<JsonValue> {
        self.0.default_value.clone().map(JsonValue)
    }
    fn options(&self) -> Option<JsonValue> {
        (!self.0.options.is_empty()).then(|| JsonValue(serde_json::to_value(&self.0.options).unwrap_or_default()))
    }
    fn settings(&self) -> Option<JsonValue> {
        self.0.settings.clone().map(JsonValue)
    }
    fn created_at(&self) -> DateTimeValue {
        timestamp(self.0.created_at)
    }
    fn updated_at(&self) -> DateTimeValue {
        timestamp(self.0.updated_at)
    }
}

connection!(FieldConnection, FieldEdge, FieldNode);

#[derive(GraphQLInputObject)]
#[graphql(scalar = S)]
pub struct FieldOptionInput {
    value: String,
    label: String,
    color: Option<String>,
    position: Option<i32>,
}

#[derive(GraphQLInputObject)]
#[graphql(scalar = S)]
pub struct FieldSettingsInput {
    /// `int` or `float`, for NUMBER fields.
    data_type: Option<String>,
    /// Keep an index on the field (equality and range filters, orders `AscNullsLast` / `DescNullsFirst`).
    is_indexed: Option<bool>,
}

#[derive(GraphQLInputObject)]
#[graphql(scalar = S)]
pub struct CreateFieldInput {
    object_metadata_id: ID,
    name: String,
    label: String,
    #[graphql(name = "type")]
    field_type: FieldTypeValue,
    description: Option<String>,
    icon: Option<String>,
    is_nullable: Option<bool>,
    is_unique: Option<bool>,
    default_value: Option<JsonValue>,
    options: Option<Vec<FieldOptionInput>>,
    settings: Option<FieldSettingsInput>,
    /// Twenty's clients send `false`; names are never derived from labels here, so `true` is refused.
    is_label_synced_with_name: Option<bool>,
}

/// Twenty's `createOneField(input:)`.
#[derive(GraphQLInputObject)]
#[graphql(scalar = S)]
pub struct CreateOneFieldMetadataInput {
    pub(super) field: CreateFieldInput,
}

#[derive(GraphQLInputObject)]
#[graphql(scalar = S)]
pub struct UpdateFieldInput {
    name: Option<String>,
    label: Option<String>,
    description: Option<String>,
    icon: Option<String>,
    is_active: Option<bool>,
    is_nullable: Option<bool>,
    default_value: Option<JsonValue>,
    options: Option<Vec<FieldOptionInput>>,
    /// As on create: `true` is refused.
    is_label_synced_with_name: Option<bool>,
}

/// Twenty's `updateOneField(input:)`.
#[derive(GraphQLInputObject)]
#[graphql(scalar = S)]
pub struct UpdateOneFieldMetadataInput {
    pub(super) id: UuidValue,
    pub(super) update: UpdateFieldInput,
}

/// Twenty's `deleteOneField(input:)`.
#[derive(GraphQLInputObject)]
#[graphql(scalar = S)]
pub struct DeleteOneFieldInput {
    pub(super) id: UuidValue,
}

fn options_of(options: Vec<FieldOptionInput>) -> Vec<OptionInput> {
    options
        .into_iter()
        .map(|o| OptionInput {
            value: o.value,
            label: o.label,
            color: o.color,
            position: o.position,
        })
        .collect()
}

pub(super) async fn list(
    context: &MetadataContext,
    object_metadata_id: Option<ID>,
    paging: Option<CursorPaging>,
    filter: Option<FieldFilter>,
) -> DomainResult<FieldConnection> {
    let meta = context.meta().await?;
    let object = object_metadata_id
        .map(|id| parse_id(&id, "objectMetadataId"))
        .transpose()?;
    let filter = filter.unwrap_or_default();
    let fields: Vec<FieldNode> = meta
        .objects
        .iter()
        .filter(|o| object.is_none_or(|id| id == o.id))
        .flat_map(|o| o.fields.iter())
        .filter(|f| filter.accepts(f))
        .take(first_of(paging))
        .cloned()
        .map(FieldNode)
        .collect();
    Ok(fields.into())
}

pub(super) async fn create(context: &MetadataContext, data: CreateFieldInput) -> DomainResult<FieldNode> {
    refuse_label_sync(data.is_label_synced_with_name)?;
    let object_id = parse_id(&data.object_metadata_id, "objectMetadataId")?;
    let meta = context.meta().await?;
    let input = NewField {
        name: data.name,
        label: data.label,
        field_type: data.field_type.0,
        description: data.description,
        icon: data.icon,
        is_nullable: data.is_nullable,
        is_unique: data.is_unique,
        default_value: data.default_value.map(|v| v.0),
        options: data.options.map(options_of),
        settings: data.settings.map(|s| Settings {
            data_type: s.data_type,
            is_indexed: s.is_indexed,
        }),
    };
    context
        .data_model()
        .create_field(&meta, object_id, &input.blueprint())
        .await
        .map(FieldNode)
}

pub(super) async fn update(context: &MetadataContext, id: Uuid, data: UpdateFieldInput) -> DomainResult<FieldNode> {
    refuse_label_sync(data.is_label_synced_with_name)?;
    let meta = context.meta().await?;
    let update = FieldUpdate {
        name: data.name,
        label: data.label,
        presentation: presentation(data.description, data.icon, data.is_active),
        is_nullable: data.is_nullable,
        default_value: data.default_value.map(|v| Some(v.0)),
        options: data.options.map(|o| OptionInput::positioned(options_of(o))),
    };
    context
        .data_model()
        .update_field(&meta, id, &update)
        .await
        .map(FieldNode)
}

pub(super) async fn delete(context: &MetadataContext, id: Uuid) -> DomainResult<FieldNode> {
    let meta = context.meta().await?;
    context.data_model().delete_field(&meta, id).await.map(FieldNode)
}
