//! Relations of the metadata API: the `Relation` type, its enums and input, and the relation resolvers.

use super::connection::connection;
use super::{MetadataContext, parse_id};
use juniper::{DefaultScalarValue as S, GraphQLEnum, GraphQLInputObject, GraphQLObject, ID};
use twenty_domain::DomainResult;
use twenty_domain::metadata::{OnDelete, RelationMetadata, RelationType};
use twenty_domain::services::{NewRelation, NewRelationSide};

#[derive(GraphQLEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelationTypeEnum {
    OneToMany,
    ManyToOne,
    OneToOne,
    ManyToMany,
}

impl RelationTypeEnum {
    fn to_domain(self) -> RelationType {
        match self {
            RelationTypeEnum::OneToMany => RelationType::OneToMany,
            RelationTypeEnum::ManyToOne => RelationType::ManyToOne,
            RelationTypeEnum::OneToOne => RelationType::OneToOne,
            RelationTypeEnum::ManyToMany => RelationType::ManyToMany,
        }
    }

    fn from_domain(t: RelationType) -> Self {
        match t {
            RelationType::OneToMany => RelationTypeEnum::OneToMany,
            RelationType::ManyToOne => RelationTypeEnum::ManyToOne,
            RelationType::OneToOne => RelationTypeEnum::OneToOne,
            RelationType::ManyToMany => RelationTypeEnum::ManyToMany,
        }
    }
}

#[derive(GraphQLEnum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "RelationOnDeleteAction")]
pub enum OnDeleteEnum {
    SetNull,
    Cascade,
    Restrict,
}

impl OnDeleteEnum {
    fn to_domain(self) -> OnDelete {
        match self {
            OnDeleteEnum::SetNull => OnDelete::SetNull,
            OnDeleteEnum::Cascade => OnDelete::Cascade,
            OnDeleteEnum::Restrict => OnDelete::Restrict,
        }
    }

    fn from_domain(on_delete: OnDelete) -> Self {
        match on_delete {
            OnDelete::SetNull => OnDeleteEnum::SetNull,
            OnDelete::Cascade => OnDeleteEnum::Cascade,
            OnDelete::Restrict => OnDeleteEnum::Restrict,
        }
    }
}

#[derive(GraphQLObject, Clone)]
#[graphql(name = "Relation", scalar = S)]
pub struct RelationNode {
    id: ID,
    relation_type: RelationTypeEnum,
    from_object_metadata_id: ID,
    to_object_metadata_id: ID,
    from_field_metadata_id: ID,
    to_field_metadata_id: ID,
    on_delete: OnDeleteEnum,
}

impl From<&RelationMetadata> for RelationNode {
    fn from(r: &RelationMetadata) -> Self {
        RelationNode {
            id: ID::new(r.id.to_string()),
            relation_type: RelationTypeEnum::from_domain(r.relation_type),
            from_object_metadata_id: ID::new(r.from_object_id.to_string()),
            to_object_metadata_id: ID::new(r.to_object_id.to_string()),
            from_field_metadata_id: ID::new(r.from_field_id.to_string()),
            to_field_metadata_id: ID::new(r.to_field_id.to_string()),
            on_delete: OnDeleteEnum::from_domain(r.on_delete),
        }
    }
}

connection!(RelationConnection, RelationEdge, RelationNode);

#[derive(GraphQLInputObject)]
#[graphql(scalar = S)]
pub struct CreateRelationInput {
    relation_type: RelationTypeEnum,
    from_object_metadata_id: ID,
    to_object_metadata_id: ID,
    from_field_metadata_name: String,
    to_field_metadata_name: String,
    from_field_metadata_label: Option<String>,
    to_field_metadata_label: Option<String>,
    on_delete: Option<OnDeleteEnum>,
}

pub(super) async fn list(context: &MetadataContext) -> DomainResult<RelationConnection> {
    let meta = context.meta().await?;
    Ok(meta.relations.iter().map(RelationNode::from).collect::<Vec<_>>().into())
}

pub(super) async fn create(context: &MetadataContext, data: CreateRelationInput) -> DomainResult<RelationNode> {
    let meta = context.meta().await?;
    let input = NewRelation {
        relation_type: data.relation_type.to_domain(),
        from: NewRelationSide {
            object_id: parse_id(&data.from_object_metadata_id, "fromObjectMetadataId")?,
            name: data.from_field_metadata_name,
            label: data.from_field_metadata_label,
            ..NewRelationSide::default()
        },
        to: NewRelationSide {
            object_id: parse_id(&data.to_object_metadata_id, "toObjectMetadataId")?,
            name: data.to_field_metadata_name,
            label: data.to_field_metadata_label,
            ..NewRelationSide::default()
        },
        on_delete: data.on_delete.map(OnDeleteEnum::to_domain),
    };
    context
        .data_model()
        .create_relation(&meta, &input)
        .await
        .map(|r| RelationNode::from(&r))
}

pub(super) async fn delete(context: &MetadataContext, id: ID) -> DomainResult<RelationNode> {
    let id = parse_id(&id, "id")?;
    let meta = context.meta().await?;
    context
        .data_model()
        .delete_relation(&meta, id)
        .await
        .map(|r| RelationNode::from(&r))
}
