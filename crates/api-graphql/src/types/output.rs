//! The meta of the generated output objects: nodes, connections, edges, page info and composite values.

use super::input::connection_args;
use super::names::{FieldShape, Leaf, TypeInfo, TypeKind, sub_leaf};
use super::{DynEnum, JsonView};
use crate::scalars::{BigFloat, BigInt, Date, DateTime, Json as JsonScalar};
use juniper::meta::{Argument, Field};
use juniper::{DefaultScalarValue as S, ID, Registry};
use twenty_domain::naming::field_description;

/// An output field of a leaf type.
fn leaf_field(registry: &mut Registry<S>, name: &str, leaf: Leaf, non_null: bool) -> Field<S> {
    let name = name.to_string();
    match (leaf, non_null) {
        (Leaf::Id, true) => registry.field::<ID>(name, &()),
        (Leaf::Id, false) => registry.field::<Option<ID>>(name, &()),
        (Leaf::String, true) => registry.field::<String>(name, &()),
        (Leaf::String, false) => registry.field::<Option<String>>(name, &()),
        (Leaf::Int, _) => registry.field::<Option<i32>>(name, &()),
        (Leaf::Float, _) => registry.field::<Option<f64>>(name, &()),
        (Leaf::Boolean, _) => registry.field::<Option<bool>>(name, &()),
        (Leaf::DateTime, true) => registry.field::<DateTime>(name, &()),
        (Leaf::DateTime, false) => registry.field::<Option<DateTime>>(name, &()),
        (Leaf::Date, _) => registry.field::<Option<Date>>(name, &()),
        (Leaf::Json, _) => registry.field::<Option<JsonScalar>>(name, &()),
        (Leaf::BigInt, _) => registry.field::<Option<BigInt>>(name, &()),
        (Leaf::BigFloat, _) => registry.field::<Option<BigFloat>>(name, &()),
        (Leaf::StringList, _) => registry.field::<Option<Vec<Option<String>>>>(name, &()),
    }
}

/// Gives the first of `fields` its description.
fn describe(fields: &mut [Field<S>], description: &str) {
    if let Some(field) = fields.first_mut() {
        field.description = Some(description.into());
    }
}

fn with_args(mut field: Field<S>, args: Vec<Argument<S>>) -> Field<S> {
    for arg in args {
        field = field.argument(arg);
    }
    field
}

pub(super) fn output_fields(info: &TypeInfo, registry: &mut Registry<S>) -> Vec<Field<S>> {
    let types = info.types.clone();
    match info.kind {
        TypeKind::Node(i) => {
            let mut fields = Vec::new();
            for f in &types.objects[i].fields {
                let before = fields.len();
                match &f.shape {
                    FieldShape::Leaf(leaf) => fields.push(leaf_field(registry, &f.name, *leaf, f.non_null_output())),
                    FieldShape::Composite(c) => fields.push(
                        registry
                            .field::<Option<JsonView<'static>>>(f.name.clone(), &info.with(TypeKind::Composite(*c))),
                    ),
                    FieldShape::Enum {
                        enum_index,
                        multi: false,
                    } => fields.push(
                        registry.field::<Option<DynEnum>>(f.name.clone(), &info.with(TypeKind::Enum(*enum_index))),
                    ),
                    FieldShape::Enum {
                        enum_index,
                        multi: true,
                    } => fields.push(
                        registry.field::<Option<Vec<DynEnum>>>(f.name.clone(), &info.with(TypeKind::Enum(*enum_index))),
                    ),
                    FieldShape::ToOne { target, id_column } => {
                        fields.push(
                            registry.field::<Option<JsonView<'static>>>(
                                f.name.clone(),
                                &info.with(TypeKind::Node(*target)),
                            ),
                        );
                        if let Some(column) = id_column {
                            fields.push(
                                leaf_field(registry, column, Leaf::Id, false)
                                    .description(format!("{}: the id of the linked record.", f.field.label)),
                            );
                        }
                    }
                    FieldShape::ToMany { target, .. } => {
                        let field = registry
                            .field::<JsonView<'static>>(f.name.clone(), &info.with(TypeKind::Connection(*target)));
                        let args = connection_args(registry, info, *target);
                        fields.push(with_args(field, args));
                    }
                }
                // The field itself is the first one pushed; a relation's id field has its own description.
                describe(&mut fields[before..], field_description(&f.field));
            }
            fields
        }
        TypeKind::Connection(i) => vec![
            registry
                .field::<Vec<JsonView<'static>>>("edges", &info.with(TypeKind::Edge(i)))
                .description("The records of the page, in order, each with its cursor."),
            registry
                .field::<JsonView<'static>>("pageInfo", &info.with(TypeKind::PageInfo))
                .description("Whether there are more records, and the cursors to reach them."),
            registry
                .field::<i32>("totalCount", &())
                .description("How many records match the filter, over all pages."),
        ],
        TypeKind::Edge(i) => {
            vec![
                registry
                    .field::<JsonView<'static>>("node", &info.with(TypeKind::Node(i)))
                    .description("The record."),
                registry
                    .field::<String>("cursor", &())
                    .description("The record's place in the order: pass it as `after` or `before`."),
            ]
        }
        TypeKind::PageInfo => vec![
            registry
                .field::<bool>("hasNextPage", &())
                .description("Whether records follow this page."),
            registry
                .field::<bool>("hasPreviousPage", &())
                .description("Whether records come before this page."),
            registry
                .field::<Option<String>>("startCursor", &())
                .description("The cursor of the page's first record."),
            registry
                .field::<Option<String>>("endCursor", &())
                .description("The cursor of the page's last record."),
        ],
        TypeKind::Composite(c) => c
            .sub_fields()
            .iter()
            .map(|s| leaf_field(registry, s.name, sub_leaf(s.kind), false))
            .collect(),
        _ => Vec::new(),
    }
}
