//! API keys of the metadata API: the `ApiKey` type (its token only in the answer to `createOneApiKey`), its input,
//! and the resolvers, which call the auth crate's `ApiKeyService`.

use super::scalars::{DateTimeValue, timestamp};
use super::{MetadataContext, parse_id};
use juniper::{DefaultScalarValue as S, GraphQLInputObject, GraphQLObject, ID};
use twenty_domain::identity::ApiKey;
use twenty_domain::{DomainError, DomainResult};

#[derive(GraphQLObject, Clone)]
#[graphql(name = "ApiKey", scalar = S)]
pub struct ApiKeyNode {
    id: ID,
    name: String,
    /// Only in the answer to `createOneApiKey`: the key is shown once.
    token: Option<String>,
    expires_at: Option<DateTimeValue>,
    revoked_at: Option<DateTimeValue>,
    created_at: DateTimeValue,
    updated_at: DateTimeValue,
}

impl ApiKeyNode {
    fn new(key: &ApiKey, token: Option<String>) -> Self {
        ApiKeyNode {
            id: ID::new(key.id.to_string()),
            name: key.name.clone(),
            token,
            expires_at: key.expires_at.map(timestamp),
            revoked_at: key.revoked_at.map(timestamp),
            created_at: timestamp(key.created_at),
            updated_at: timestamp(key.updated_at),
        }
    }
}

#[derive(GraphQLInputObject)]
#[graphql(scalar = S)]
pub struct CreateApiKeyInput {
    name: String,
    expires_at: Option<DateTimeValue>,
}

pub(super) async fn list(context: &MetadataContext) -> DomainResult<Vec<ApiKeyNode>> {
    let keys = context.api_keys().list(context.workspace_id()).await?;
    Ok(keys.iter().map(|k| ApiKeyNode::new(k, None)).collect())
}

pub(super) async fn create(context: &MetadataContext, data: CreateApiKeyInput) -> DomainResult<ApiKeyNode> {
    let expires_at = data
        .expires_at
        .map(|e| chrono::DateTime::parse_from_rfc3339(&e.0).map(|d| d.with_timezone(&chrono::Utc)))
        .transpose()
        .map_err(|_| DomainError::invalid_field("expiresAt", "must be an RFC 3339 date-time"))?;
    let (key, token) = context
        .api_keys()
        .create(context.workspace_id(), &data.name, expires_at)
        .await?;
    Ok(ApiKeyNode::new(&key, Some(token)))
}

pub(super) async fn revoke(context: &MetadataContext, id: ID) -> DomainResult<ApiKeyNode> {
    let id = parse_id(&id, "id")?;
    let key = context.api_keys().revoke(context.workspace_id(), id).await?;
    Ok(ApiKeyNode::new(&key, None))
}

pub(super) async fn delete(context: &MetadataContext, id: ID) -> DomainResult<ApiKeyNode> {
    let id = parse_id(&id, "id")?;
    let key = context.api_keys().delete(context.workspace_id(), id).await?;
    Ok(ApiKeyNode::new(&key, None))
}
