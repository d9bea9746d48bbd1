//! Objects of the metadata API: the `Object` type with its fields, its inputs, and the object resolvers.

use super::connection::{CursorPaging, connection};
use super::fields::{FieldConnection, FieldNode};
use super::scalars::{DateTimeValue, timestamp};
use super::{MetadataContext, parse_id, presentation};
use juniper::{DefaultScalarValue as S, GraphQLInputObject, ID, graphql_object};
use twenty_domain::blueprint::ObjectBlueprint;
use twenty_domain::metadata::ObjectMetadata;
use twenty_domain::services::ObjectUpdate;
use twenty_domain::{DomainError, DomainResult};

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

#[derive(GraphQLInputObject)]
#[graphql(scalar = S)]
pub struct CreateObjectInput {
    name_singular: String,
    name_plural: String,
    label_singular: String,
    label_plural: String,
    description: Option<String>,
    icon: Option<String>,
}

#[derive(GraphQLInputObject)]
#[graphql(scalar = S)]
pub struct UpdateObjectInput {
    name_singular: Option<String>,
    name_plural: Option<String>,
    label_singular: Option<String>,
    label_plural: Option<String>,
    description: Option<String>,
    icon: Option<String>,
    is_active: Option<bool>,
}

pub(super) async fn list(context: &MetadataContext, paging: Option<CursorPaging>) -> DomainResult<ObjectConnection> {
    let meta = context.meta().await?;
    let mut objects = meta.objects.clone();
    if let Some(first) = paging.and_then(|p| p.first) {
        objects.truncate(first.max(0) as usize);
    }
    Ok(objects.into_iter().map(ObjectNode).collect::<Vec<_>>().into())
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

pub(super) async fn update(context: &MetadataContext, id: ID, data: UpdateObjectInput) -> DomainResult<ObjectNode> {
    let id = parse_id(&id, "id")?;
    let meta = context.meta().await?;
    let update = ObjectUpdate {
        label_singular: data.label_singular,
        label_plural: data.label_plural,
        presentation: presentation(data.description, data.icon, data.is_active),
        name_singular: data.name_singular,
        name_plural: data.name_plural,
    };
    context
        .data_model()
        .update_object(&meta, id, &update)
        .await
        .map(ObjectNode)
}

pub(super) async fn delete(context: &MetadataContext, id: ID) -> DomainResult<ObjectNode> {
    let id = parse_id(&id, "id")?;
    let meta = context.meta().await?;
    context.data_model().delete_object(&meta, id).await.map(ObjectNode)
}
