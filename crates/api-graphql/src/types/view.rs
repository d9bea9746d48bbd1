//! The view that resolves every generated output object over the JSON PostgreSQL built ([`JsonView`]), and the
//! conversion of a JSON leaf to a GraphQL value.

use super::generated_type;
use super::names::{Leaf, TypeInfo};
use super::output::output_fields;
use crate::context::CoreContext;
use juniper::{
    Arguments, BoxFuture, DefaultScalarValue as S, ExecutionResult, Executor, GraphQLValue, GraphQLValueAsync, Object,
    Value,
};
use serde_json::Value as Json;

/// An output object: a view over JSON built by PostgreSQL.
#[derive(Debug, Clone, Copy)]
pub struct JsonView<'a>(pub &'a Json);

generated_type!(JsonView<'_>, meta: |info, registry| {
    let fields = output_fields(info, registry);
    let meta = registry.build_object_type::<Self>(info, &fields);
    match info.description() {
        Some(description) => meta.description(description).into_meta(),
        None => meta.into_meta(),
    }
}, {
    /// Only reached when juniper resolves a view itself; root fields shape their whole result in one pass
    /// ([`crate::output`]), and this answers the same.
    fn resolve_field(
        &self,
        info: &TypeInfo,
        field: &str,
        _: &Arguments<S>,
        executor: &Executor<CoreContext, S>,
    ) -> ExecutionResult<S> {
        let look_ahead = executor.look_ahead();
        let plan = crate::output::Plan::of(look_ahead.children().iter().copied().collect());
        Ok(crate::output::field(
            info,
            self.0,
            field,
            look_ahead.field_name(),
            &plan,
        ))
    }
});

impl GraphQLValueAsync<S> for JsonView<'_> {
    fn resolve_field_async<'b>(
        &'b self,
        info: &'b TypeInfo,
        field: &'b str,
        args: &'b Arguments<S>,
        executor: &'b Executor<CoreContext, S>,
    ) -> BoxFuture<'b, ExecutionResult<S>> {
        let result = self.resolve_field(info, field, args, executor);
        Box::pin(std::future::ready(result))
    }
}

/// A JSON leaf as a GraphQL value. Numbers of `Int` fields become `Int` when they fit.
pub fn leaf_value(leaf: Leaf, json: &Json) -> Value<S> {
    match json {
        Json::Null => Value::null(),
        Json::Bool(b) => Value::scalar(*b),
        Json::String(s) => Value::scalar(s.clone()),
        Json::Number(n) => match (leaf, n.as_i64().and_then(|i| i32::try_from(i).ok())) {
            (Leaf::Int, Some(i)) => Value::scalar(i),
            _ => Value::scalar(n.as_f64().unwrap_or_default()),
        },
        Json::Array(items) => Value::list(items.iter().map(|i| leaf_value(leaf, i)).collect()),
        Json::Object(map) => {
            let mut object = Object::with_capacity(map.len());
            for (k, v) in map {
                object.add_field(k.as_str(), leaf_value(leaf, v));
            }
            Value::object(object)
        }
    }
}
