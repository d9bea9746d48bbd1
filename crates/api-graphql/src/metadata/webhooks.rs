//! Webhooks of the metadata API: the `Webhook` and `WebhookDelivery` types, their inputs, and the resolvers, which
//! call the domain's `WebhookService`.

use super::scalars::{DateTimeValue, timestamp};
use super::{MetadataContext, parse_id};
use juniper::{DefaultScalarValue as S, GraphQLInputObject, GraphQLObject, ID};
use twenty_domain::DomainResult;
use twenty_domain::services::WebhookInput;
use twenty_domain::webhook::{Delivery, Webhook};

#[derive(GraphQLObject, Clone)]
#[graphql(name = "Webhook", scalar = S)]
pub struct WebhookNode {
    id: ID,
    target_url: String,
    operation: String,
    description: Option<String>,
    secret: String,
    created_at: DateTimeValue,
    updated_at: DateTimeValue,
}

impl From<Webhook> for WebhookNode {
    fn from(w: Webhook) -> Self {
        WebhookNode {
            id: ID::new(w.id.to_string()),
            target_url: w.target_url,
            operation: w.operation,
            description: w.description,
            secret: w.secret,
            created_at: timestamp(w.created_at),
            updated_at: timestamp(w.updated_at),
        }
    }
}

#[derive(GraphQLObject, Clone)]
#[graphql(name = "WebhookDelivery", scalar = S)]
pub struct DeliveryNode {
    id: ID,
    webhook_id: ID,
    event_id: ID,
    event: String,
    /// pending, succeeded or failed
    status: String,
    http_status: Option<i32>,
    attempt: i32,
    error: Option<String>,
    created_at: DateTimeValue,
    updated_at: DateTimeValue,
}

impl From<Delivery> for DeliveryNode {
    fn from(d: Delivery) -> Self {
        DeliveryNode {
            id: ID::new(d.id.to_string()),
            webhook_id: ID::new(d.webhook_id.to_string()),
            event_id: ID::new(d.event_id.to_string()),
            event: d.event,
            status: d.status.as_str().to_string(),
            http_status: d.http_status.map(i32::from),
            attempt: d.attempt.min(i32::MAX as u32) as i32,
            error: d.error,
            created_at: timestamp(d.created_at),
            updated_at: timestamp(d.updated_at),
        }
    }
}

#[derive(GraphQLInputObject)]
#[graphql(scalar = S)]
pub struct CreateWebhookInput {
    target_url: String,
    operation: String,
    description: Option<String>,
    secret: Option<String>,
}

#[derive(GraphQLInputObject)]
#[graphql(scalar = S)]
pub struct UpdateWebhookInput {
    target_url: Option<String>,
    operation: Option<String>,
    description: Option<String>,
    secret: Option<String>,
}

pub(super) async fn list(context: &MetadataContext) -> DomainResult<Vec<WebhookNode>> {
    let hooks = context.webhooks().list(context.workspace_id()).await?;
    Ok(hooks.into_iter().map(WebhookNode::from).collect())
}

pub(super) async fn deliveries(context: &MetadataContext, webhook_id: ID) -> DomainResult<Vec<DeliveryNode>> {
    let id = parse_id(&webhook_id, "webhookId")?;
    let deliveries = context.webhooks().deliveries(context.workspace_id(), id).await?;
    Ok(deliveries.into_iter().map(DeliveryNode::from).collect())
}

pub(super) async fn create(context: &MetadataContext, data: CreateWebhookInput) -> DomainResult<WebhookNode> {
    let input = WebhookInput {
        target_url: Some(data.target_url),
        operation: Some(data.operation),
        description: Some(data.description),
        secret: data.secret,
    };
    context
        .webhooks()
        .create(context.workspace_id(), input)
        .await
        .map(WebhookNode::from)
}

pub(super) async fn update(context: &MetadataContext, id: ID, data: UpdateWebhookInput) -> DomainResult<WebhookNode> {
    let id = parse_id(&id, "id")?;
    let input = WebhookInput {
        target_url: data.target_url,
        operation: data.operation,
        description: data.description.map(Some),
        secret: data.secret,
    };
    context
        .webhooks()
        .update(context.workspace_id(), id, input)
        .await
        .map(WebhookNode::from)
}

pub(super) async fn delete(context: &MetadataContext, id: ID) -> DomainResult<WebhookNode> {
    let id = parse_id(&id, "id")?;
    context
        .webhooks()
        .delete(context.workspace_id(), id)
        .await
        .map(WebhookNode::from)
}
