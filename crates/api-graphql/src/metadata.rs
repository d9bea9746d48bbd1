//! The metadata API (`POST /metadata`): a static schema for objects, fields, relations, API keys and webhooks,
//! with exactly the reference's operations and argument shapes.

use crate::error::field_error;
use crate::types::leaf_value;
use juniper::meta::{EnumValue, MetaType};
use juniper::parser::{ParseError, ScalarToken, Token};
use juniper::{
    ArcStr, Arguments, BoxFuture, DefaultScalarValue as S, EmptySubscription, ExecutionResult, Executor, FieldError,
    FieldResult, FromInputValue, GraphQLEnum, GraphQLInputObject, GraphQLObject, GraphQLType, GraphQLValue,
    GraphQLValueAsync, ID, InputValue, ParseScalarResult, ParseScalarValue, Registry, RootNode, Selection, Value,
    graphql_object,
};
use serde_json::Value as Json;
use std::sync::Arc;
use twenty_auth::{AuthService, Principal};
use twenty_domain::DomainError;
use twenty_domain::blueprint::{FieldBlueprint, ObjectBlueprint};
use twenty_domain::data_model::{FieldUpdate, MetadataService, NewRelation, ObjectUpdate};
use twenty_domain::field_type::FieldType;
use twenty_domain::identity::{ApiKey, IdentityStore};
use twenty_domain::metadata::{
    FieldMetadata, ObjectMetadata, OnDelete, RelationMetadata, RelationType, SelectOption, WorkspaceMetadata,
};
use twenty_domain::ports::WorkspaceStore;
use twenty_domain::webhook::{Delivery, Webhook, WebhookInput, WebhookService, WebhookStore};
use twenty_storage::PgStore;
use uuid::Uuid;

/// The per-request context of the metadata API.
pub struct MetaCtx {
    pub store: PgStore,
    pub auth: Arc<AuthService<PgStore>>,
    pub principal: Principal,
    pub allow_private_webhooks: bool,
}

impl juniper::Context for MetaCtx {}

impl MetaCtx {
    async fn meta(&self) -> FieldResult<WorkspaceMetadata> {
        self.store
            .load_metadata(self.principal.workspace_id)
            .await
            .map_err(field_error)?
            .ok_or_else(|| field_error(DomainError::not_found("workspace")))
    }

    fn service(&self) -> MetadataService<PgStore> {
        MetadataService::new(self.store.clone())
    }

    fn webhooks(&self) -> WebhookService<PgStore> {
        WebhookService::new(self.store.clone(), self.allow_private_webhooks)
    }
}

fn parse_id(id: &ID, name: &str) -> FieldResult<Uuid> {
    Uuid::parse_str(id).map_err(|_| field_error(DomainError::invalid_field(name, "must be a UUID")))
}

fn timestamp(t: chrono::DateTime<chrono::Utc>) -> DateTimeValue {
    DateTimeValue(t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

/// An output-capable scalar holding any JSON value (`defaultValue`, `options`, `settings`).
#[derive(Debug, Clone)]
pub struct JsonValue(pub Json);

/// A date-time in UTC with milliseconds.
#[derive(Debug, Clone)]
pub struct DateTimeValue(pub String);

macro_rules! output_scalar {
    ($ty:ident, $name:literal, $to_value:expr, $from_input:expr) => {
        impl GraphQLType<S> for $ty {
            fn name(_: &()) -> Option<ArcStr> {
                Some(juniper::arcstr::literal!($name))
            }

            fn meta(info: &(), registry: &mut Registry<S>) -> MetaType<S> {
                registry.build_scalar_type::<Self>(info).into_meta()
            }
        }

        impl GraphQLValue<S> for $ty {
            type Context = ();
            type TypeInfo = ();

            fn type_name(&self, info: &()) -> Option<ArcStr> {
                <Self as GraphQLType<S>>::name(info)
            }

            fn resolve(&self, _: &(), _: Option<&[Selection<S>]>, _: &Executor<(), S>) -> ExecutionResult<S> {
                let to_value: fn(&$ty) -> Value<S> = $to_value;
                Ok(to_value(self))
            }

            fn resolve_field(&self, _: &(), _: &str, _: &Arguments<S>, _: &Executor<(), S>) -> ExecutionResult<S> {
                Ok(Value::null())
            }
        }

        impl GraphQLValueAsync<S> for $ty {
            fn resolve_async<'a>(
                &'a self,
                info: &'a (),
                selection_set: Option<&'a [Selection<S>]>,
                executor: &'a Executor<(), S>,
            ) -> BoxFuture<'a, ExecutionResult<S>> {
                Box::pin(std::future::ready(self.resolve(info, selection_set, executor)))
            }
        }

        impl FromInputValue<S> for $ty {
            type Error = FieldError<S>;

            fn from_input_value(v: &InputValue<S>) -> Result<Self, Self::Error> {
                let from_input: fn(&InputValue<S>) -> Option<$ty> = $from_input;
                from_input(v).ok_or_else(|| FieldError::new(format!("Invalid {} value: {v}", $name), Value::null()))
            }
        }

        // What `#[derive(GraphQLScalar)]` would generate, for a scalar that outputs any value.
        impl juniper::marker::IsOutputType<S> for $ty {}
        impl juniper::marker::IsInputType<S> for $ty {}
        impl juniper::macros::reflect::BaseType<S> for $ty {
            const NAME: juniper::macros::reflect::Type = $name;
        }
        impl juniper::macros::reflect::BaseSubTypes<S> for $ty {
            const NAMES: juniper::macros::reflect::Types = &[$name];
        }
        impl juniper::macros::reflect::WrappedType<S> for $ty {
            const VALUE: juniper::macros::reflect::WrappedValue = 1;
        }

        impl ParseScalarValue<S> for $ty {
            fn from_str(token: ScalarToken<'_>) -> ParseScalarResult<S> {
                match token {
                    ScalarToken::Int(s) => Ok(s
                        .parse::<i32>()
                        .map(S::Int)
                        .unwrap_or_else(|_| S::String(s.to_string()))),
                    ScalarToken::Float(s) => s
                        .parse::<f64>()
                        .map(S::Float)
                        .map_err(|_| ParseError::unexpected_token(Token::Scalar(token))),
                    ScalarToken::String(_) => <String as ParseScalarValue<S>>::from_str(token),
                }
            }
        }
    };
}

fn scalar_json(v: &InputValue<S>) -> Option<Json> {
    Some(match v {
        InputValue::Null => Json::Null,
        InputValue::Scalar(S::Int(i)) => Json::from(*i),
        InputValue::Scalar(S::Float(f)) => serde_json::Number::from_f64(*f).map(Json::Number)?,
        InputValue::Scalar(S::String(s)) => Json::String(s.clone()),
        InputValue::Scalar(S::Boolean(b)) => Json::Bool(*b),
        InputValue::Enum(e) => Json::String(e.clone()),
        _ => return None,
    })
}

impl juniper::ToInputValue<S> for JsonValue {
    fn to_input_value(&self) -> InputValue<S> {
        serde_json::from_value(self.0.clone()).unwrap_or(InputValue::Null)
    }
}

impl juniper::ToInputValue<S> for DateTimeValue {
    fn to_input_value(&self) -> InputValue<S> {
        InputValue::scalar(self.0.clone())
    }
}

output_scalar!(JsonValue, "JSON", |v| leaf_value(crate::types::Leaf::Json, &v.0), |v| {
    scalar_json(v).map(JsonValue)
});
output_scalar!(DateTimeValue, "DateTime", |v| Value::scalar(v.0.clone()), |v| match v {
    InputValue::Scalar(S::String(s)) => chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|_| DateTimeValue(s.clone())),
    _ => None,
});

/// The field type enum (`FieldMetadataType`): its values are the domain's field types, so the two lists cannot
/// drift apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldTypeValue(pub FieldType);

const FIELD_TYPE_ENUM: &str = "FieldMetadataType";

impl GraphQLType<S> for FieldTypeValue {
    fn name(_: &()) -> Option<ArcStr> {
        Some(ArcStr::from(FIELD_TYPE_ENUM))
    }

    fn meta(info: &(), registry: &mut Registry<S>) -> MetaType<S> {
        let values: Vec<EnumValue> = FieldType::ALL.iter().map(|t| EnumValue::new(t.as_str())).collect();
        registry.build_enum_type::<Self>(info, &values).into_meta()
    }
}

impl GraphQLValue<S> for FieldTypeValue {
    type Context = ();
    type TypeInfo = ();

    fn type_name(&self, info: &()) -> Option<ArcStr> {
        <Self as GraphQLType<S>>::name(info)
    }

    fn resolve(&self, _: &(), _: Option<&[Selection<S>]>, _: &Executor<(), S>) -> ExecutionResult<S> {
        Ok(Value::scalar(self.0.as_str().to_string()))
    }
}

impl GraphQLValueAsync<S> for FieldTypeValue {
    fn resolve_async<'a>(
        &'a self,
        info: &'a (),
        selection_set: Option<&'a [Selection<S>]>,
        executor: &'a Executor<(), S>,
    ) -> BoxFuture<'a, ExecutionResult<S>> {
        Box::pin(std::future::ready(self.resolve(info, selection_set, executor)))
    }
}

impl FromInputValue<S> for FieldTypeValue {
    type Error = FieldError<S>;

    fn from_input_value(v: &InputValue<S>) -> Result<Self, Self::Error> {
        let name = match v {
            InputValue::Enum(e) => Some(e.as_str()),
            InputValue::Scalar(S::String(s)) => Some(s.as_str()),
            _ => None,
        };
        name.and_then(|n| n.parse::<FieldType>().ok())
            .map(FieldTypeValue)
            .ok_or_else(|| FieldError::new(format!("Invalid {FIELD_TYPE_ENUM} value: {v}"), Value::null()))
    }
}

impl juniper::ToInputValue<S> for FieldTypeValue {
    fn to_input_value(&self) -> InputValue<S> {
        InputValue::enum_value(self.0.as_str())
    }
}

impl juniper::marker::IsOutputType<S> for FieldTypeValue {}
impl juniper::marker::IsInputType<S> for FieldTypeValue {}
impl juniper::macros::reflect::BaseType<S> for FieldTypeValue {
    const NAME: juniper::macros::reflect::Type = FIELD_TYPE_ENUM;
}
impl juniper::macros::reflect::BaseSubTypes<S> for FieldTypeValue {
    const NAMES: juniper::macros::reflect::Types = &[FIELD_TYPE_ENUM];
}
impl juniper::macros::reflect::WrappedType<S> for FieldTypeValue {
    const VALUE: juniper::macros::reflect::WrappedValue = 1;
}

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

#[derive(GraphQLObject, Clone)]
#[graphql(name = "PageInfo", scalar = S)]
pub struct MetaPageInfo {
    has_next_page: bool,
    has_previous_page: bool,
    start_cursor: Option<String>,
    end_cursor: Option<String>,
}

fn page_info(count: usize) -> MetaPageInfo {
    MetaPageInfo {
        has_next_page: false,
        has_previous_page: false,
        start_cursor: (count > 0).then(|| "0".to_string()),
        end_cursor: count.checked_sub(1).map(|n| n.to_string()),
    }
}

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

#[derive(GraphQLObject, Clone)]
#[graphql(scalar = S)]
pub struct FieldEdge {
    node: FieldNode,
    cursor: String,
}

#[derive(GraphQLObject, Clone)]
#[graphql(scalar = S)]
pub struct FieldConnection {
    edges: Vec<FieldEdge>,
    page_info: MetaPageInfo,
    total_count: i32,
}

fn field_connection(fields: Vec<FieldMetadata>) -> FieldConnection {
    let count = fields.len();
    FieldConnection {
        edges: fields
            .into_iter()
            .enumerate()
            .map(|(i, f)| FieldEdge {
                node: FieldNode(f),
                cursor: i.to_string(),
            })
            .collect(),
        page_info: page_info(count),
        total_count: count as i32,
    }
}

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
        field_connection(self.0.fields.clone())
    }
}

#[derive(GraphQLObject, Clone)]
#[graphql(scalar = S)]
pub struct ObjectEdge {
    node: ObjectNode,
    cursor: String,
}

#[derive(GraphQLObject, Clone)]
#[graphql(scalar = S)]
pub struct ObjectConnection {
    edges: Vec<ObjectEdge>,
    page_info: MetaPageInfo,
    total_count: i32,
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
            on_delete: match r.on_delete {
                OnDelete::SetNull => OnDeleteEnum::SetNull,
                OnDelete::Cascade => OnDeleteEnum::Cascade,
                OnDelete::Restrict => OnDeleteEnum::Restrict,
            },
        }
    }
}

#[derive(GraphQLObject, Clone)]
#[graphql(scalar = S)]
pub struct RelationEdge {
    node: RelationNode,
    cursor: String,
}

#[derive(GraphQLObject, Clone)]
#[graphql(scalar = S)]
pub struct RelationConnection {
    edges: Vec<RelationEdge>,
    page_info: MetaPageInfo,
    total_count: i32,
}

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
            status: d.status,
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
pub struct CursorPaging {
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
}

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
}

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

#[derive(GraphQLInputObject)]
#[graphql(scalar = S)]
pub struct CreateApiKeyInput {
    name: String,
    expires_at: Option<DateTimeValue>,
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

fn options_of(options: Option<Vec<FieldOptionInput>>) -> Vec<SelectOption> {
    options
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, o)| SelectOption {
            value: o.value,
            label: o.label,
            color: o.color,
            position: o.position.unwrap_or(i as i32),
        })
        .collect()
}

pub struct MetaQuery;

#[graphql_object(context = MetaCtx, scalar = S)]
impl MetaQuery {
    /// Every object, active or not, each with its fields.
    async fn objects(context: &MetaCtx, paging: Option<CursorPaging>) -> FieldResult<ObjectConnection> {
        let meta = context.meta().await?;
        let mut objects = meta.objects;
        if let Some(first) = paging.and_then(|p| p.first) {
            objects.truncate(first.max(0) as usize);
        }
        let count = objects.len();
        Ok(ObjectConnection {
            edges: objects
                .into_iter()
                .enumerate()
                .map(|(i, o)| ObjectEdge {
                    node: ObjectNode(o),
                    cursor: i.to_string(),
                })
                .collect(),
            page_info: page_info(count),
            total_count: count as i32,
        })
    }

    async fn object(context: &MetaCtx, id: ID) -> FieldResult<ObjectNode> {
        let id = parse_id(&id, "id")?;
        let meta = context.meta().await?;
        meta.object(id)
            .cloned()
            .map(ObjectNode)
            .ok_or_else(|| field_error(DomainError::not_found("object")))
    }

    /// Every field of the workspace, or of one object.
    async fn fields(context: &MetaCtx, object_metadata_id: Option<ID>) -> FieldResult<FieldConnection> {
        let meta = context.meta().await?;
        let object = object_metadata_id
            .map(|id| parse_id(&id, "objectMetadataId"))
            .transpose()?;
        let fields = meta
            .objects
            .into_iter()
            .filter(|o| object.is_none_or(|id| id == o.id))
            .flat_map(|o| o.fields)
            .collect();
        Ok(field_connection(fields))
    }

    async fn relations(context: &MetaCtx) -> FieldResult<RelationConnection> {
        let meta = context.meta().await?;
        let count = meta.relations.len();
        Ok(RelationConnection {
            edges: meta
                .relations
                .iter()
                .enumerate()
                .map(|(i, r)| RelationEdge {
                    node: RelationNode::from(r),
                    cursor: i.to_string(),
                })
                .collect(),
            page_info: page_info(count),
            total_count: count as i32,
        })
    }

    /// API keys of the workspace (never their tokens).
    async fn api_keys(context: &MetaCtx) -> FieldResult<Vec<ApiKeyNode>> {
        let keys = context
            .store
            .list_api_keys(context.principal.workspace_id)
            .await
            .map_err(field_error)?;
        Ok(keys.iter().map(|k| ApiKeyNode::new(k, None)).collect())
    }

    /// Delivery attempts of one webhook, newest first.
    async fn webhook_deliveries(context: &MetaCtx, webhook_id: ID) -> FieldResult<Vec<DeliveryNode>> {
        let id = parse_id(&webhook_id, "webhookId")?;
        let deliveries = context
            .store
            .list_deliveries(context.principal.workspace_id, id)
            .await
            .map_err(field_error)?;
        Ok(deliveries.into_iter().map(DeliveryNode::from).collect())
    }

    async fn webhooks(context: &MetaCtx) -> FieldResult<Vec<WebhookNode>> {
        let hooks = context
            .webhooks()
            .list(context.principal.workspace_id)
            .await
            .map_err(field_error)?;
        Ok(hooks.into_iter().map(WebhookNode::from).collect())
    }
}

pub struct MetaMutation;

#[graphql_object(context = MetaCtx, scalar = S)]
impl MetaMutation {
    async fn create_one_object(context: &MetaCtx, data: CreateObjectInput) -> FieldResult<ObjectNode> {
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
            .service()
            .create_object(&meta, &blueprint)
            .await
            .map(ObjectNode)
            .map_err(field_error)
    }

    async fn update_one_object(context: &MetaCtx, id: ID, data: UpdateObjectInput) -> FieldResult<ObjectNode> {
        let id = parse_id(&id, "id")?;
        let meta = context.meta().await?;
        let update = ObjectUpdate {
            label_singular: data.label_singular,
            label_plural: data.label_plural,
            description: data.description.map(Some),
            icon: data.icon.map(Some),
            is_active: data.is_active,
            name_singular: data.name_singular,
            name_plural: data.name_plural,
        };
        context
            .service()
            .update_object(&meta, id, &update)
            .await
            .map(ObjectNode)
            .map_err(field_error)
    }

    async fn delete_one_object(context: &MetaCtx, id: ID) -> FieldResult<ObjectNode> {
        let id = parse_id(&id, "id")?;
        let meta = context.meta().await?;
        context
            .service()
            .delete_object(&meta, id)
            .await
            .map(ObjectNode)
            .map_err(field_error)
    }

    async fn create_one_field(context: &MetaCtx, data: CreateFieldInput) -> FieldResult<FieldNode> {
        let object_id = parse_id(&data.object_metadata_id, "objectMetadataId")?;
        let meta = context.meta().await?;
        let mut blueprint = FieldBlueprint::new(&data.name, &data.label, data.field_type.0);
        blueprint.description = data.description;
        blueprint.icon = data.icon;
        blueprint.is_nullable = data.is_nullable.unwrap_or(true);
        blueprint.is_unique = data.is_unique.unwrap_or(false);
        blueprint.default_value = data.default_value.map(|v| v.0).filter(|v| !v.is_null());
        blueprint.options = options_of(data.options);
        blueprint.settings = data.settings.and_then(|s| {
            let mut settings = serde_json::Map::new();
            if let Some(data_type) = s.data_type {
                settings.insert("dataType".into(), data_type.into());
            }
            if s.is_indexed == Some(true) {
                settings.insert("isIndexed".into(), true.into());
            }
            (!settings.is_empty()).then_some(serde_json::Value::Object(settings))
        });
        if blueprint
            .settings
            .as_ref()
            .and_then(|s| s["dataType"].as_str())
            .is_some_and(|d| d != "int" && d != "float")
        {
            return Err(field_error(DomainError::invalid_field(
                "settings.dataType",
                "must be int or float",
            )));
        }
        context
            .service()
            .create_field(&meta, object_id, &blueprint)
            .await
            .map(FieldNode)
            .map_err(field_error)
    }

    async fn update_one_field(context: &MetaCtx, id: ID, data: UpdateFieldInput) -> FieldResult<FieldNode> {
        let id = parse_id(&id, "id")?;
        let meta = context.meta().await?;
        let update = FieldUpdate {
            name: data.name,
            label: data.label,
            description: data.description.map(Some),
            icon: data.icon.map(Some),
            is_active: data.is_active,
            is_nullable: data.is_nullable,
            default_value: data.default_value.map(|v| Some(v.0)),
            options: data.options.map(|o| options_of(Some(o))),
        };
        context
            .service()
            .update_field(&meta, id, &update)
            .await
            .map(FieldNode)
            .map_err(field_error)
    }

    async fn delete_one_field(context: &MetaCtx, id: ID) -> FieldResult<FieldNode> {
        let id = parse_id(&id, "id")?;
        let meta = context.meta().await?;
        context
            .service()
            .delete_field(&meta, id)
            .await
            .map(FieldNode)
            .map_err(field_error)
    }

    async fn create_one_relation(context: &MetaCtx, data: CreateRelationInput) -> FieldResult<RelationNode> {
        let meta = context.meta().await?;
        let input = NewRelation {
            relation_type: data.relation_type.to_domain(),
            from_object_id: parse_id(&data.from_object_metadata_id, "fromObjectMetadataId")?,
            to_object_id: parse_id(&data.to_object_metadata_id, "toObjectMetadataId")?,
            from_name: data.from_field_metadata_name,
            from_label: data.from_field_metadata_label,
            to_name: data.to_field_metadata_name,
            to_label: data.to_field_metadata_label,
            on_delete: data.on_delete.map(|o| match o {
                OnDeleteEnum::SetNull => OnDelete::SetNull,
                OnDeleteEnum::Cascade => OnDelete::Cascade,
                OnDeleteEnum::Restrict => OnDelete::Restrict,
            }),
        };
        context
            .service()
            .create_relation(&meta, &input)
            .await
            .map(|r| RelationNode::from(&r))
            .map_err(field_error)
    }

    async fn delete_one_relation(context: &MetaCtx, id: ID) -> FieldResult<RelationNode> {
        let id = parse_id(&id, "id")?;
        let meta = context.meta().await?;
        context
            .service()
            .delete_relation(&meta, id)
            .await
            .map(|r| RelationNode::from(&r))
            .map_err(field_error)
    }

    async fn create_one_api_key(context: &MetaCtx, data: CreateApiKeyInput) -> FieldResult<ApiKeyNode> {
        let expires_at = data
            .expires_at
            .map(|e| chrono::DateTime::parse_from_rfc3339(&e.0).map(|d| d.with_timezone(&chrono::Utc)))
            .transpose()
            .map_err(|_| field_error(DomainError::invalid_field("expiresAt", "must be an RFC 3339 date-time")))?;
        let (key, token) = context
            .auth
            .create_api_key(context.principal.workspace_id, &data.name, expires_at)
            .await
            .map_err(field_error)?;
        Ok(ApiKeyNode::new(&key, Some(token)))
    }

    async fn revoke_one_api_key(context: &MetaCtx, id: ID) -> FieldResult<ApiKeyNode> {
        let id = parse_id(&id, "id")?;
        let key = context
            .store
            .revoke_api_key(context.principal.workspace_id, id)
            .await
            .map_err(field_error)?;
        key.map(|k| ApiKeyNode::new(&k, None))
            .ok_or_else(|| field_error(DomainError::not_found("API key")))
    }

    async fn delete_one_api_key(context: &MetaCtx, id: ID) -> FieldResult<ApiKeyNode> {
        let id = parse_id(&id, "id")?;
        let ws = context.principal.workspace_id;
        let key = context.store.find_api_key(ws, id).await.map_err(field_error)?;
        let key = key.ok_or_else(|| field_error(DomainError::not_found("API key")))?;
        context.store.delete_api_key(ws, id).await.map_err(field_error)?;
        Ok(ApiKeyNode::new(&key, None))
    }

    async fn create_one_webhook(context: &MetaCtx, data: CreateWebhookInput) -> FieldResult<WebhookNode> {
        let input = WebhookInput {
            target_url: Some(data.target_url),
            operation: Some(data.operation),
            description: Some(data.description),
            secret: data.secret,
        };
        context
            .webhooks()
            .create(context.principal.workspace_id, input)
            .await
            .map(WebhookNode::from)
            .map_err(field_error)
    }

    async fn update_one_webhook(context: &MetaCtx, id: ID, data: UpdateWebhookInput) -> FieldResult<WebhookNode> {
        let id = parse_id(&id, "id")?;
        let input = WebhookInput {
            target_url: data.target_url,
            operation: data.operation,
            description: data.description.map(Some),
            secret: data.secret,
        };
        context
            .webhooks()
            .update(context.principal.workspace_id, id, input)
            .await
            .map(WebhookNode::from)
            .map_err(field_error)
    }

    async fn delete_one_webhook(context: &MetaCtx, id: ID) -> FieldResult<WebhookNode> {
        let id = parse_id(&id, "id")?;
        context
            .webhooks()
            .delete(context.principal.workspace_id, id)
            .await
            .map(WebhookNode::from)
            .map_err(field_error)
    }
}

pub type MetadataSchema = RootNode<MetaQuery, MetaMutation, EmptySubscription<MetaCtx>>;

pub fn metadata_schema() -> MetadataSchema {
    RootNode::new(MetaQuery, MetaMutation, EmptySubscription::new())
}
