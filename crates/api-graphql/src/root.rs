//! The Query and Mutation roots: their fields per active object, and the resolvers that run one domain call per
//! root field and shape the JSON that comes back in one pass ([`crate::output`]).

use crate::context::CoreContext;
use crate::error::field_error;
use crate::output;
use crate::selection::{argument, connection_query, input_argument, node_selection, object_in};
use crate::tunnel;
use crate::types::names::root_field_description;
use crate::types::{DynInput, JsonView, RootOperation, TypeInfo, TypeKind, connection_args, generated_type};
use juniper::meta::Field;
use juniper::{
    Arguments, BoxFuture, DefaultScalarValue as S, ExecutionResult, Executor, GraphQLValueAsync, ID, Registry, Value,
};
use serde_json::Value as Json;
use twenty_domain::error::{DomainError, DomainResult};
use twenty_domain::metadata::{ObjectMetadata, WorkspaceMetadata};
use twenty_domain::query::{Filter, InputValue, Selection};
use twenty_domain::record::{RecordTarget, WriteMode};
use twenty_domain::value::parse_uuid;
use uuid::Uuid;

/// The Query and Mutation root objects (which one is in the `TypeInfo`).
pub struct Root;

generated_type!(Root, meta: |info, registry| {
    let fields = match info.kind {
        TypeKind::Query => query_fields(info, registry),
        _ => mutation_fields(info, registry),
    };
    let meta = registry.build_object_type::<Self>(info, &fields);
    match info.description() {
        Some(description) => meta.description(description).into_meta(),
        None => meta.into_meta(),
    }
}, {});

fn query_fields(info: &TypeInfo, registry: &mut Registry<S>) -> Vec<Field<S>> {
    let mut fields = Vec::new();
    for (name, op, i) in &info.types.queries {
        let field = match op {
            RootOperation::FindMany => {
                let mut field = registry.field::<JsonView<'static>>(name.clone(), &info.with(TypeKind::Connection(*i)));
                for arg in connection_args(registry, info, *i) {
                    field = field.argument(arg);
                }
                field
            }
            _ => registry
                .field::<Option<JsonView<'static>>>(name.clone(), &info.with(TypeKind::Node(*i)))
                .argument(registry.arg::<DynInput>("filter", &info.with(TypeKind::Filter(*i)))),
        };
        fields.push(field.description(root_field_description(*op, &info.types.objects[*i].object)));
    }
    fields
}

fn mutation_fields(info: &TypeInfo, registry: &mut Registry<S>) -> Vec<Field<S>> {
    let mut fields = Vec::new();
    for (name, op, i) in &info.types.mutations {
        let node = info.with(TypeKind::Node(*i));
        let name = name.clone();
        let field = match op {
            RootOperation::CreateOne => registry
                .field::<Option<JsonView<'static>>>(name, &node)
                .argument(registry.arg::<DynInput>("data", &info.with(TypeKind::Create(*i))))
                .argument(registry.arg::<Option<bool>>("upsert", &())),
            RootOperation::CreateMany => registry
                .field::<Vec<JsonView<'static>>>(name, &node)
                .argument(registry.arg::<Vec<DynInput>>("data", &info.with(TypeKind::Create(*i))))
                .argument(registry.arg::<Option<bool>>("upsert", &())),
            RootOperation::UpdateOne => registry
                .field::<Option<JsonView<'static>>>(name, &node)
                .argument(registry.arg::<ID>("id", &()))
                .argument(registry.arg::<DynInput>("data", &info.with(TypeKind::Update(*i)))),
            RootOperation::UpdateMany => registry
                .field::<Vec<JsonView<'static>>>(name, &node)
                .argument(registry.arg::<Option<Vec<ID>>>("ids", &()))
                .argument(registry.arg::<Option<DynInput>>("filter", &info.with(TypeKind::Filter(*i))))
                .argument(registry.arg::<DynInput>("data", &info.with(TypeKind::Update(*i)))),
            RootOperation::DeleteOne | RootOperation::DestroyOne | RootOperation::RestoreOne => registry
                .field::<Option<JsonView<'static>>>(name, &node)
                .argument(registry.arg::<ID>("id", &())),
            _ => registry
                .field::<Vec<JsonView<'static>>>(name, &node)
                .argument(registry.arg::<Option<Vec<ID>>>("ids", &()))
                .argument(registry.arg::<Option<DynInput>>("filter", &info.with(TypeKind::Filter(*i)))),
        };
        fields.push(field.description(root_field_description(*op, &info.types.objects[*i].object)));
    }
    fields
}

impl GraphQLValueAsync<S> for Root {
    fn resolve_field_async<'a>(
        &'a self,
        info: &'a TypeInfo,
        field: &'a str,
        _: &'a Arguments<S>,
        executor: &'a Executor<CoreContext, S>,
    ) -> BoxFuture<'a, ExecutionResult<S>> {
        Box::pin(async move {
            let roots = if info.kind == TypeKind::Query {
                &info.types.queries
            } else {
                &info.types.mutations
            };
            let Some((_, op, index)) = roots.iter().find(|(name, _, _)| name == field) else {
                return Ok(Value::null());
            };
            resolve_root(info, *op, *index, executor).await.map_err(field_error)?
        })
    }
}

fn uuid_argument(field: &juniper::LookAheadSelection<'_, S>, name: &str) -> DomainResult<Uuid> {
    let value = argument(field, name)
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    parse_uuid(name, &value)
}

/// The record data of a create or update root field, with its `JSON` values decoded ([`crate::tunnel`]).
fn data_argument(field: &juniper::LookAheadSelection<'_, S>, schema: &juniper::SchemaType<S>) -> DomainResult<Json> {
    let mut data = argument(field, "data").unwrap_or(Json::Null);
    let data_type = schema
        .concrete_mutation_type()
        .and_then(|mutation| mutation.name())
        .and_then(|mutation| tunnel::argument_type(schema, mutation, field.field_original_name(), "data"))
        .ok_or_else(|| DomainError::internal("a mutation's `data` argument is not in the schema"))?;
    tunnel::decode(&mut data, &data_type, schema).map_err(|message| DomainError::invalid_field("data", message))?;
    Ok(data)
}

/// `ids` and/or `filter` of a bulk mutation; at least one is required.
fn bulk_target(
    meta: &WorkspaceMetadata,
    object: &ObjectMetadata,
    field: &juniper::LookAheadSelection<'_, S>,
) -> DomainResult<RecordTarget> {
    let filter = input_argument(field, "filter")
        .map(|f| Filter::resolve(meta, object, &f))
        .transpose()?;
    let ids = match argument(field, "ids") {
        Some(Json::Array(items)) => Some(
            items
                .iter()
                .map(|i| i.as_str().and_then(|s| Uuid::parse_str(s).ok()))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| DomainError::invalid_field("ids", "must be UUIDs"))?,
        ),
        _ => None,
    };
    match (ids, filter) {
        (Some(ids), None) => Ok(RecordTarget::Ids(ids)),
        (None, Some(filter)) => Ok(RecordTarget::Filter(filter)),
        (Some(ids), Some(filter)) => {
            let id_column = object.field("id").and_then(|f| f.columns().into_iter().next());
            let by_ids = id_column.map(|column| Filter::Compare {
                column,
                op: twenty_domain::query::Comparison::In(
                    ids.into_iter().map(twenty_domain::value::Value::Uuid).collect(),
                ),
            });
            Ok(RecordTarget::Filter(Filter::And(
                by_ids.into_iter().chain([filter]).collect(),
            )))
        }
        (None, None) => Err(DomainError::validation("Provide `ids` or a non-empty `filter`")),
    }
}

/// One root field: build the domain request from the look-ahead, make one call, shape the JSON.
async fn resolve_root(
    info: &TypeInfo,
    op: RootOperation,
    index: usize,
    executor: &Executor<'_, '_, CoreContext, S>,
) -> DomainResult<ExecutionResult<S>> {
    let ctx = executor.context();
    let records = &ctx.records;
    let limits = records.limits();
    let meta = &*ctx.meta;
    let object = object_in(meta, &info.types, index)?;
    let field = executor.look_ahead();
    let node_ti = info.with(TypeKind::Node(index));
    let children = || field.children().iter().copied().collect::<Vec<_>>();
    let node = || -> DomainResult<Selection> { node_selection(&info.types, meta, index, children(), 0, limits) };
    let plan = || output::Plan::of(children());
    // Results are written as JSON text and spliced into the response (`CoreContext::raw`), not built as juniper values.
    let one = |json: Option<Json>| -> ExecutionResult<S> {
        let Some(json) = json else { return Ok(Value::null()) };
        let mut text = Vec::new();
        output::write_object(&node_ti, &json, &plan(), &mut text);
        Ok(ctx.raw.splice(text))
    };
    let many = |rows: Vec<Json>| -> ExecutionResult<S> {
        let mut text = Vec::new();
        output::write_list(&node_ti, &rows, &plan(), &mut text);
        Ok(ctx.raw.splice(text))
    };
    let data = || data_argument(&field, executor.schema());
    let upsert = || argument(&field, "upsert").and_then(|v| v.as_bool()).unwrap_or(false);
    Ok(match op {
        RootOperation::FindMany => {
            let query = connection_query(&info.types, meta, index, &[field], 1, limits)?;
            let connection = records.find_many(meta, &query).await?;
            let mut text = Vec::new();
            output::write_object(
                &info.with(TypeKind::Connection(index)),
                connection.as_json(),
                &plan(),
                &mut text,
            );
            Ok(ctx.raw.splice(text))
        }
        RootOperation::FindOne => {
            let filter = Filter::resolve(
                meta,
                object,
                &input_argument(&field, "filter").unwrap_or(InputValue::Null),
            )?;
            one(records.find_one(meta, object, filter, node()?).await?)
        }
        RootOperation::CreateOne => one(Some(
            records.create_one(meta, object, &data()?, upsert(), &node()?).await?,
        )),
        RootOperation::CreateMany => {
            let items = match data()? {
                Json::Array(items) => items,
                _ => return Err(DomainError::invalid_field("data", "expected a list")),
            };
            many(records.create_many(meta, object, &items, upsert(), &node()?).await?)
        }
        RootOperation::UpdateOne => {
            let id = uuid_argument(&field, "id")?;
            one(Some(records.update_one(meta, object, id, &data()?, &node()?).await?))
        }
        RootOperation::UpdateMany => {
            let target = bulk_target(meta, object, &field)?;
            many(
                records
                    .update_many(WriteMode::Update, meta, object, &target, &data()?, &node()?)
                    .await?,
            )
        }
        RootOperation::DeleteOne | RootOperation::DestroyOne | RootOperation::RestoreOne => {
            let id = uuid_argument(&field, "id")?;
            one(Some(
                records.change_one(op.life_cycle(), meta, object, id, &node()?).await?,
            ))
        }
        RootOperation::DeleteMany | RootOperation::DestroyMany | RootOperation::RestoreMany => {
            let target = bulk_target(meta, object, &field)?;
            many(
                records
                    .change_many(op.life_cycle(), meta, object, &target, &node()?)
                    .await?,
            )
        }
    })
}
