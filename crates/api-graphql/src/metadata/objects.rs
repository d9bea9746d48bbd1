//! Objects of the metadata API: the `Object` type with its fields, its inputs, and the object resolvers.

use super::connection::{CursorPaging, connection, first_of};
use super::fields::{FieldConnection, FieldNode};
use super::filter::ObjectFilter;
use super::scalars::{DateTimeValue, UuidValue, timestamp};
use super::{MetadataContext, parse_id, presentation};
use juniper::{DefaultScalarValue as S, GraphQLInputObject, ID, graphql_object};
use twenty_domain::blueprint::ObjectBlueprint;
use twenty_domain::metadata::ObjectMetadata;
use twenty_domain::services::ObjectUpdate;
use twenty_domain::{DomainError, DomainResult};
use uuid::Uuid;

/// An object (GraphQL type name `Object`, as in Twenty).
#[derive(Clone)]
pub struct ObjectNode(pub ObjectMetadata);

#[graphql_object(name = "Object", scalar = S)]
impl ObjectNode {
    fn id(&self) -> ID {
        ID::new(self.0.id.to_string())
    }
    fn name_singular(&self) -> &str {
        &self.0.name_singular
    }
    fn name_plural(&self) -> &str {
        &self.0.name_plural
    }
    fn label_singular(&self) -> &str {
        &self.0.label_singular
    }
    fn label_plural(&self) -> &str {
        &self.0.label_plural
    }
    fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    fn icon(&self) -> Option<&str> {
        self.0.icon.as_deref()
    }
    fn is_active(&self) -> bool {
        self.0.is_active
    }
    fn is_custom(&self) -> bool {
        self.0.is_custom
    }
    fn is_system(&self) -> bool {
        self.0.is_system
    }
    fn created_at(&self) -> DateTimeValue {
        timestamp(self.0.created_at)
    }
    fn updated_at(&self) -> DateTimeValue {
        timestamp(self.0.updated_at)
    }
    /// Every field, active or not.
    fn fields(&self) -> FieldConnection {
        self.0.fields.iter().cloned().map(FieldNode).collect::<Vec<_>>().into()
    }
}

connection!(ObjectConnection, ObjectEdge, ObjectNode);

/// The object of `createOneObject`: the reference's `data:` and the `object` of Twenty's `input:`.
#[derive(GraphQLInputObject)]
#[graphql(scalar = S)]
pub struct CreateObjectInput {
    name_singular: String,
    name_plural: String,
    label_singular: String,
    label_plural: String,
    description: Option<String>,
    icon: Option<String>,
    /// Twenty's clients send `false`; names are never derived from labels here, so `true` is refused.
    is_label_synced_with_name: Option<bool>,
}

/// Twenty's `createOneObject(input:)`.
#[derive(GraphQLInputObject)]
#[graphql(scalar = S)]
pub struct CreateOneObjectInput {
    pub(super) object: CreateObjectInput,
}

/// Declares an object update input (the reference's `UpdateObjectInput`, Twenty's `UpdateObjectPayload`): the same
/// fields under two names, so neither form's variables need the other's type name.
macro_rules! object_update_input {
    ($name:ident) => {
        #[derive(GraphQLInputObject)]
        #[graphql(scalar = S)]
        pub struct $name {
            name_singular: Option<String>,
            name_plural: Option<String>,
            label_singular: Option<String>,
            label_plural: Option<String>,
            description: Option<String>,
            icon: Option<String>,
            is_active: Option<bool>,
            /// As on create: `true` is refused.
            is_label_synced_with_name: Option<bool>,
        }

        impl From<$name> for ObjectUpdateData {
            fn from(d: $name) -> Self {
                ObjectUpdateData {
                    update: ObjectUpdate {
                        label_singular: d.label_singular,
                        label_plural: d.label_plural,
                        presentation: presentation(d.description, d.icon, d.is_active),
                        name_singular: d.name_singular,
                        name_plural: d.name_plural,
                    },
                    label_synced: d.is_label_synced_with_name,
                }
            }
        }
    };
}

object_update_input!(UpdateObjectInput);
object_update_input!(UpdateObjectPayload);

/// An object update of either form, in domain terms.
pub(super) struct ObjectUpdateData {
    update: ObjectUpdate,
    label_synced: Option<bool>,
}

/// Twenty's `updateOneObject(input:)`.
#[derive(GraphQLInputObject)]
#[graphql(scalar = S)]
pub struct UpdateOneObjectInput {
    pub(super) id: UuidValue,
    pub(super) update: UpdateObjectPayload,
}

/// Twenty's `deleteOneObject(input:)`.
#[derive(GraphQLInputObject)]
#[graphql(scalar = S)]
pub struct DeleteOneObjectInput {
    pub(super) id: UuidValue,
}

/// `isLabelSyncedWithName: true` asks for names derived from labels, which this server does not do.
pub(super) fn refuse_label_sync(label_synced: Option<bool>) -> DomainResult<()> {
    if label_synced == Some(true) {
        return Err(DomainError::invalid_field(
            "isLabelSyncedWithName",
            "names are not derived from labels here; give the names and `false`",
        ));
    }
    Ok(())
}

pub(super) async fn list(
    context: &MetadataContext,
    paging: Option<CursorPaging>,
    filter: Option<ObjectFilter>,
) -> DomainResult<ObjectConnection> {
    let meta = context.meta().await?;
    let filter = filter.unwrap_or_default();
    let objects: Vec<ObjectNode> = meta
        .objects
        .iter()
        .filter(|o| filter.accepts(o))
        .take(first_of(paging))
        .cloned()
        .map(ObjectNode)
        .collect();
    Ok(objects.into())
}

pub(super) async fn get(context: &MetadataContext, id: ID) -> DomainResult<ObjectNode> {
    let id = parse_id(&id, "id")?;
    let meta = context.meta().await?;
    meta.object(id)
        .cloned()
        .map(ObjectNode)
        .ok_or_else(|| DomainError::not_found("object"))
}

pub(super) async fn create(context: &MetadataContext, data: CreateObjectInput) -> DomainResult<ObjectNode> {
    refuse_label_sync(data.is_label_synced_with_name)?;
    let meta = context.meta().await?;
    let mut blueprint = ObjectBlueprint::custom(
        &data.name_singular,
        &data.name_plural,
        &data.label_singular,
        &data.label_plural,
    );
    blueprint.description = data.description;
    blueprint.icon = data.icon;
    context
        .data_model()
        .create_object(&meta, &blueprint)
        .await
        .map(ObjectNode)
}

pub(super) async fn update(context: &MetadataContext, id: Uuid, data: ObjectUpdateData) -> DomainResult<ObjectNode> {
    refuse_label_sync(data.label_synced)?;
    let meta = context.meta().await?;
    context
        .data_model()
        .update_object(&meta, id, &data.update)
        .await
        .map(ObjectNode)
}

pub(super) async fn delete(context: &MetadataContext, id: Uuid) -> DomainResult<ObjectNode> {
    let meta = context.meta().await?;
    context.data_model().delete_object(&meta, id).await.map(ObjectNode)
}
