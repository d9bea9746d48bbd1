//! The metadata API (`POST /metadata`): a static schema for objects, fields, relations, API keys and webhooks,
//! with the reference's operations and argument shapes and, beside them, Twenty's (`input:` forms, filters,
//! `currentWorkspace`; contract §11). This module holds the per-request context and the
//! two roots, which list the operations and hand each to its resource's module (which answers in domain terms; the roots map errors); the types, inputs and resolvers
//! live with their resource ([`objects`], [`fields`], [`relations`], [`api_keys`], [`webhooks`]), the leaf types
//! in [`scalars`] and the connections in [`connection`]. Resolvers call services, never the store.

pub mod api_keys;
pub mod connection;
pub mod fields;
pub mod filter;
pub mod objects;
pub mod relations;
pub mod scalars;
pub mod webhooks;
pub mod workspace;

use crate::error::field_error;
use api_keys::{ApiKeyNode, CreateApiKeyInput};
use connection::CursorPaging;
use fields::{
    CreateFieldInput, CreateOneFieldMetadataInput, DeleteOneFieldInput, FieldConnection, FieldNode, UpdateFieldInput,
    UpdateOneFieldMetadataInput,
};
use filter::{FieldFilter, ObjectFilter};
use juniper::{DefaultScalarValue as S, EmptySubscription, FieldResult, ID, RootNode, graphql_object};
use objects::{
    CreateObjectInput, CreateOneObjectInput, DeleteOneObjectInput, ObjectConnection, ObjectNode, UpdateObjectInput,
    UpdateOneObjectInput,
};
use relations::{CreateRelationInput, RelationConnection, RelationNode};
use std::sync::Arc;
use twenty_auth::{ApiKeyService, AuthService, Principal};
use twenty_domain::metadata::{WorkspaceId, WorkspaceMetadata};
use twenty_domain::services::WebhookService;
use twenty_domain::services::{MetadataService, PresentationUpdate};
use twenty_domain::value::parse_uuid;
use twenty_domain::{DomainError, DomainResult};
use twenty_storage::PgStore;
use uuid::Uuid;
use webhooks::{CreateWebhookInput, DeliveryNode, UpdateWebhookInput, WebhookNode};

/// The per-request context of the metadata API: who asks, and what the services are built from.
pub struct MetadataContext {
    /// The store of the services, whose metadata cache the core APIs read too.
    pub store: PgStore,
    pub auth: Arc<AuthService<PgStore>>,
    pub principal: Principal,
    pub allow_private_webhooks: bool,
    /// The server's public base URL (`SERVER_URL`), told as `currentWorkspace.workspaceUrls.subdomainUrl`.
    pub server_url: Option<String>,
}

impl juniper::Context for MetadataContext {}

impl MetadataContext {
    /// The workspace's current metadata, from the shared cache. Every metadata change made through the store
    /// drops the cached entry, so a change is visible to the next resolver and the next request.
    async fn meta(&self) -> DomainResult<Arc<WorkspaceMetadata>> {
        self.data_model().current(self.workspace_id()).await
    }

    fn workspace_id(&self) -> WorkspaceId {
        self.principal.workspace_id
    }

    fn data_model(&self) -> MetadataService<PgStore> {
        MetadataService::new(self.store.clone())
    }

    fn webhooks(&self) -> WebhookService<PgStore> {
        WebhookService::new(self.store.clone(), self.allow_private_webhooks)
    }

    fn api_keys(&self) -> ApiKeyService<'_, PgStore> {
        self.auth.api_keys()
    }
}

fn parse_id(id: &ID, name: &str) -> DomainResult<Uuid> {
    parse_uuid(name, id)
}

/// The `description`, `icon` and `isActive` of an update input: each one given replaces, each one left out keeps.
fn presentation(description: Option<String>, icon: Option<String>, is_active: Option<bool>) -> PresentationUpdate {
    PresentationUpdate {
        description: description.map(Some),
        icon: icon.map(Some),
        is_active,
    }
}

/// The argument form a mutation was given: the reference's (`data:`, with `id:` for updates; `id:` for deletes)
/// or Twenty's (`input:`). Exactly one must be given; both forms then call the same resolver.
enum Form<R, T> {
    Reference(R),
    Twenty(T),
}

/// The one form given, of `reference` (named `reference_args` in errors) and Twenty's `input`.
fn one_form<R, T>(reference: Option<R>, input: Option<T>, reference_args: &str) -> DomainResult<Form<R, T>> {
    match (reference, input) {
        (Some(r), None) => Ok(Form::Reference(r)),
        (None, Some(t)) => Ok(Form::Twenty(t)),
        (Some(_), Some(_)) => Err(DomainError::invalid_field(
            "input",
            format!("give either {reference_args} or `input`, not both"),
        )),
        (None, None) => Err(DomainError::invalid_field(
            "input",
            format!("give {reference_args} or `input`"),
        )),
    }
}

/// The reference's `id:` and `data:` of an update: both or neither (then Twenty's `input:` must be given).
fn id_and_data<D>(id: Option<ID>, data: Option<D>, input_given: bool) -> DomainResult<Option<(Uuid, D)>> {
    match (id, data) {
        (Some(id), Some(data)) => Ok(Some((parse_id(&id, "id")?, data))),
        (None, None) => Ok(None),
        _ if input_given => Err(DomainError::invalid_field(
            "input",
            "give either `id` and `data` or `input`, not both",
        )),
        (Some(_), None) => Err(DomainError::invalid_field("data", "`id` needs `data`")),
        (None, Some(_)) => Err(DomainError::invalid_field("id", "`data` needs `id`")),
    }
}

pub struct MetadataQuery;

#[graphql_object(name = "MetaQuery", context = MetadataContext, scalar = S)]
impl MetadataQuery {
    /// The workspace of the API key or user asking (Twenty's `Workspace`).
    async fn current_workspace(context: &MetadataContext) -> FieldResult<workspace::WorkspaceNode> {
        workspace::current(context).await.map_err(field_error)
    }

    /// Every object, active or not, each with its fields; `filter` (Twenty's `ObjectFilter`) keeps those it accepts.
    async fn objects(
        context: &MetadataContext,
        paging: Option<CursorPaging>,
        filter: Option<ObjectFilter>,
    ) -> FieldResult<ObjectConnection> {
        objects::list(context, paging, filter).await.map_err(field_error)
    }

    async fn object(context: &MetadataContext, id: ID) -> FieldResult<ObjectNode> {
        objects::get(context, id).await.map_err(field_error)
    }

    /// Every field of the workspace, or of one object; `filter` (Twenty's `FieldFilter`) keeps those it accepts.
    async fn fields(
        context: &MetadataContext,
        object_metadata_id: Option<ID>,
        paging: Option<CursorPaging>,
        filter: Option<FieldFilter>,
    ) -> FieldResult<FieldConnection> {
        fields::list(context, object_metadata_id, paging, filter)
            .await
            .map_err(field_error)
    }

    async fn relations(context: &MetadataContext) -> FieldResult<RelationConnection> {
        relations::list(context).await.map_err(field_error)
    }

    /// API keys of the workspace (never their tokens).
    async fn api_keys(context: &MetadataContext) -> FieldResult<Vec<ApiKeyNode>> {
        api_keys::list(context).await.map_err(field_error)
    }

    /// Delivery attempts of one webhook, newest first.
    async fn webhook_deliveries(context: &MetadataContext, webhook_id: ID) -> FieldResult<Vec<DeliveryNode>> {
        webhooks::deliveries(context, webhook_id).await.map_err(field_error)
    }

    async fn webhooks(context: &MetadataContext) -> FieldResult<Vec<WebhookNode>> {
        webhooks::list(context).await.map_err(field_error)
    }
}

pub struct MetadataMutation;

#[graphql_object(name = "MetaMutation", context = MetadataContext, scalar = S)]
impl MetadataMutation {
    /// A custom object: `data: CreateObjectInput` (the reference) or `input: {object: CreateObjectInput}`
    /// (Twenty); exactly one.
    async fn create_one_object(
        context: &MetadataContext,
        data: Option<CreateObjectInput>,
        input: Option<CreateOneObjectInput>,
    ) -> FieldResult<ObjectNode> {
        let data = match one_form(data, input, "`data`").map_err(field_error)? {
            Form::Reference(data) => data,
            Form::Twenty(input) => input.object,
        };
        objects::create(context, data).await.map_err(field_error)
    }

    /// `id:` and `data: UpdateObjectInput` (the reference) or `input: {id, update: UpdateObjectPayload}` (Twenty).
    async fn update_one_object(
        context: &MetadataContext,
        id: Option<ID>,
        data: Option<UpdateObjectInput>,
        input: Option<UpdateOneObjectInput>,
    ) -> FieldResult<ObjectNode> {
        let reference = id_and_data(id, data, input.is_some()).map_err(field_error)?;
        let (id, data) = match one_form(reference, input, "`id` and `data`").map_err(field_error)? {
            Form::Reference((id, data)) => (id, data.into()),
            Form::Twenty(input) => (input.id.0, input.update.into()),
        };
        objects::update(context, id, data).await.map_err(field_error)
    }

    /// `id:` (the reference) or `input: {id}` (Twenty).
    async fn delete_one_object(
        context: &MetadataContext,
        id: Option<ID>,
        input: Option<DeleteOneObjectInput>,
    ) -> FieldResult<ObjectNode> {
        let id = match one_form(id, input, "`id`").map_err(field_error)? {
            Form::Reference(id) => parse_id(&id, "id").map_err(field_error)?,
            Form::Twenty(input) => input.id.0,
        };
        objects::delete(context, id).await.map_err(field_error)
    }

    /// `data: CreateFieldInput` (the reference) or `input: {field: CreateFieldInput}` (Twenty); exactly one.
    async fn create_one_field(
        context: &MetadataContext,
        data: Option<CreateFieldInput>,
        input: Option<CreateOneFieldMetadataInput>,
    ) -> FieldResult<FieldNode> {
        let data = match one_form(data, input, "`data`").map_err(field_error)? {
            Form::Reference(data) => data,
            Form::Twenty(input) => input.field,
        };
        fields::create(context, data).await.map_err(field_error)
    }

    /// `id:` and `data: UpdateFieldInput` (the reference) or `input: {id, update: UpdateFieldInput}` (Twenty).
    async fn update_one_field(
        context: &MetadataContext,
        id: Option<ID>,
        data: Option<UpdateFieldInput>,
        input: Option<UpdateOneFieldMetadataInput>,
    ) -> FieldResult<FieldNode> {
        let reference = id_and_data(id, data, input.is_some()).map_err(field_error)?;
        let (id, data) = match one_form(reference, input, "`id` and `data`").map_err(field_error)? {
            Form::Reference((id, data)) => (id, data),
            Form::Twenty(input) => (input.id.0, input.update),
        };
        fields::update(context, id, data).await.map_err(field_error)
    }

    /// `id:` (the reference) or `input: {id}` (Twenty).
    async fn delete_one_field(
        context: &MetadataContext,
        id: Option<ID>,
        input: Option<DeleteOneFieldInput>,
    ) -> FieldResult<FieldNode> {
        let id = match one_form(id, input, "`id`").map_err(field_error)? {
            Form::Reference(id) => parse_id(&id, "id").map_err(field_error)?,
            Form::Twenty(input) => input.id.0,
        };
        fields::delete(context, id).await.map_err(field_error)
    }

    async fn create_one_relation(context: &MetadataContext, data: CreateRelationInput) -> FieldResult<RelationNode> {
        relations::create(context, data).await.map_err(field_error)
    }

    async fn delete_one_relation(context: &MetadataContext, id: ID) -> FieldResult<RelationNode> {
        relations::delete(context, id).await.map_err(field_error)
    }

    async fn create_one_api_key(context: &MetadataContext, data: CreateApiKeyInput) -> FieldResult<ApiKeyNode> {
        api_keys::create(context, data).await.map_err(field_error)
    }

    async fn revoke_one_api_key(context: &MetadataContext, id: ID) -> FieldResult<ApiKeyNode> {
        api_keys::revoke(context, id).await.map_err(field_error)
    }

    async fn delete_one_api_key(context: &MetadataContext, id: ID) -> FieldResult<ApiKeyNode> {
        api_keys::delete(context, id).await.map_err(field_error)
    }

    async fn create_one_webhook(context: &MetadataContext, data: CreateWebhookInput) -> FieldResult<WebhookNode> {
        webhooks::create(context, data).await.map_err(field_error)
    }

    async fn update_one_webhook(
        context: &MetadataContext,
        id: ID,
        data: UpdateWebhookInput,
    ) -> FieldResult<WebhookNode> {
        webhooks::update(context, id, data).await.map_err(field_error)
    }

    async fn delete_one_webhook(context: &MetadataContext, id: ID) -> FieldResult<WebhookNode> {
        webhooks::delete(context, id).await.map_err(field_error)
    }
}

pub type MetadataSchema = RootNode<MetadataQuery, MetadataMutation, EmptySubscription<MetadataContext>>;

pub fn metadata_schema() -> MetadataSchema {
    RootNode::new(MetadataQuery, MetadataMutation, EmptySubscription::new())
}
