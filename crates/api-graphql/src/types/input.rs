//! The meta of the generated input objects (filters, orders, create and update data) and enums, and the juniper
//! types that stand for them: [`DynInput`] and [`DynEnum`]. Filter inputs take exactly the operators of the
//! domain's table.

use super::generated_type;
use super::names::{FieldShape, Leaf, TypeInfo, TypeKind, sub_leaf};
use crate::scalars::{BigFloat, BigInt, Date, DateTime, FilterIs, Json as JsonScalar, OrderByDirection};
use juniper::meta::{Argument, EnumValue};
use juniper::{
    DefaultScalarValue as S, ExecutionResult, Executor, FieldError, FromInputValue, GraphQLType, ID, InputValue,
    Registry, Value,
};
use twenty_domain::field_type::{Operand, Operator, SystemField};
use twenty_domain::naming::field_description;

/// An input field of type `T`: `T!` when required, `T` otherwise, and a list of non-null `T` when `list`.
fn wrapped_arg<T>(registry: &mut Registry<S>, name: &str, info: &T::TypeInfo, required: bool, list: bool) -> Argument<S>
where
    T: GraphQLType<S> + FromInputValue<S>,
{
    let name = name.to_string();
    match (required, list) {
        (true, false) => registry.arg::<T>(name, info),
        (false, false) => registry.arg::<Option<T>>(name, info),
        (true, true) => registry.arg::<Vec<T>>(name, info),
        (false, true) => registry.arg::<Option<Vec<T>>>(name, info),
    }
}

/// An input field of a leaf type (or a list of them).
fn leaf_arg(registry: &mut Registry<S>, name: &str, leaf: Leaf, required: bool, list: bool) -> Argument<S> {
    let arg = match leaf {
        Leaf::Id => wrapped_arg::<ID>,
        Leaf::String => wrapped_arg::<String>,
        Leaf::Int => wrapped_arg::<i32>,
        Leaf::Float => wrapped_arg::<f64>,
        Leaf::Boolean => wrapped_arg::<bool>,
        Leaf::DateTime => wrapped_arg::<DateTime>,
        Leaf::Date => wrapped_arg::<Date>,
        Leaf::Json => wrapped_arg::<JsonScalar>,
        Leaf::BigInt => wrapped_arg::<BigInt>,
        Leaf::BigFloat => wrapped_arg::<BigFloat>,
        // A list of text is written as a list, and compared with lists (`containsAny: [..]`).
        Leaf::StringList => return wrapped_arg::<String>(registry, name, &(), required, true),
    };
    arg(registry, name, &(), required, list)
}

/// An input field of a generated input object.
fn dyn_arg(registry: &mut Registry<S>, name: &str, info: &TypeInfo, required: bool, list: bool) -> Argument<S> {
    wrapped_arg::<DynInput>(registry, name, info, required, list)
}

/// An input field of a generated enum.
fn enum_arg(registry: &mut Registry<S>, name: &str, info: &TypeInfo, required: bool, list: bool) -> Argument<S> {
    wrapped_arg::<DynEnum>(registry, name, info, required, list)
}

/// The arguments of a connection field (root list and to-many relations).
pub fn connection_args(registry: &mut Registry<S>, info: &TypeInfo, object: usize) -> Vec<Argument<S>> {
    vec![
        dyn_arg(registry, "filter", &info.with(TypeKind::Filter(object)), false, false),
        // `[…OrderByInput]`, items nullable as Twenty's front-end declares it (null items are ignored); a
        // variable declared `[…OrderByInput!]` still fits.
        registry.arg::<Option<Vec<Option<DynInput>>>>("orderBy".to_string(), &info.with(TypeKind::OrderBy(object))),
        registry.arg::<Option<i32>>("first", &()),
        registry.arg::<Option<i32>>("last", &()),
        registry.arg::<Option<String>>("after", &()),
        registry.arg::<Option<String>>("before", &()),
    ]
}

fn input_fields(info: &TypeInfo, registry: &mut Registry<S>) -> Vec<Argument<S>> {
    let types = info.types.clone();
    match info.kind {
        TypeKind::Filter(i) => {
            // An optional field whose type is another generated filter input.
            let filter = |registry: &mut Registry<S>, name: &str, kind: TypeKind| {
                dyn_arg(registry, name, &info.with(kind), false, false)
            };
            let mut args = Vec::new();
            for f in &types.objects[i].fields {
                match &f.shape {
                    FieldShape::Leaf(leaf) => args.push(filter(registry, &f.name, TypeKind::LeafFilter(*leaf))),
                    FieldShape::Composite(c) => args.push(filter(registry, &f.name, TypeKind::CompositeFilter(*c))),
                    FieldShape::Enum { enum_index, .. } => {
                        args.push(filter(registry, &f.name, TypeKind::EnumFilter(*enum_index)))
                    }
                    FieldShape::ToOne {
                        target,
                        id_column: Some(column),
                    } => {
                        args.push(filter(registry, column, TypeKind::LeafFilter(Leaf::Id)));
                        args.push(filter(registry, &f.name, TypeKind::Filter(*target)));
                    }
                    FieldShape::ToOne { id_column: None, .. } | FieldShape::ToMany { .. } => {}
                }
            }
            args.push(dyn_arg(registry, "and", info, false, true));
            args.push(dyn_arg(registry, "or", info, false, true));
            args.push(dyn_arg(registry, "not", info, false, false));
            args
        }
        TypeKind::OrderBy(i) => {
            let mut args = Vec::new();
            for f in &types.objects[i].fields {
                match &f.shape {
                    FieldShape::Leaf(leaf) if !leaf.orderable() => {}
                    FieldShape::Enum { multi: true, .. } => {}
                    FieldShape::Leaf(_) | FieldShape::Enum { multi: false, .. } => {
                        args.push(registry.arg::<Option<OrderByDirection>>(f.name.clone(), &()))
                    }
                    FieldShape::Composite(c) => args.push(dyn_arg(
                        registry,
                        &f.name,
                        &info.with(TypeKind::CompositeOrderBy(*c)),
                        false,
                        false,
                    )),
                    FieldShape::ToOne {
                        id_column: Some(column),
                        ..
                    } => args.push(registry.arg::<Option<OrderByDirection>>(column.clone(), &())),
                    FieldShape::ToOne { .. } | FieldShape::ToMany { .. } => {}
                }
            }
            args
        }
        TypeKind::Create(i) | TypeKind::Update(i) => {
            let create = matches!(info.kind, TypeKind::Create(_));
            let mut args = Vec::new();
            for f in &types.objects[i].fields {
                let field = &f.field;
                let required = create && field.required_on_create();
                let text = field_description(field);
                match &f.shape {
                    _ if field.is_read_only() => {}
                    _ if field.system_field() == Some(SystemField::Id) && !create => {}
                    FieldShape::Leaf(leaf) => {
                        args.push(leaf_arg(registry, &f.name, *leaf, required, false).description(text))
                    }
                    FieldShape::Composite(c) => args.push(
                        dyn_arg(
                            registry,
                            &f.name,
                            &info.with(TypeKind::CompositeInput(*c)),
                            required,
                            false,
                        )
                        .description(text),
                    ),
                    FieldShape::Enum { enum_index, multi } => args.push(
                        enum_arg(
                            registry,
                            &f.name,
                            &info.with(TypeKind::Enum(*enum_index)),
                            required,
                            *multi,
                        )
                        .description(text),
                    ),
                    FieldShape::ToOne {
                        id_column: Some(column),
                        ..
                    } => args.push(
                        leaf_arg(registry, column, Leaf::Id, false, false)
                            .description(format!("{}: the id of the linked record.", field.label)),
                    ),
                    FieldShape::ToMany { junction: true, .. } => args.push(
                        leaf_arg(registry, &format!("{}Ids", f.name), Leaf::Id, false, true)
                            .description(format!("{}: the ids of the linked records.", field.label)),
                    ),
                    FieldShape::ToOne { .. } | FieldShape::ToMany { .. } => {}
                }
            }
            args
        }
        TypeKind::LeafFilter(leaf) => operator_args(registry, leaf.operators(), |registry, name, list| {
            leaf_arg(registry, name, leaf, false, list)
        }),
        TypeKind::EnumFilter(e) => {
            let value = info.with(TypeKind::Enum(e));
            operator_args(registry, types.enums[e].operators, |registry, name, list| {
                enum_arg(registry, name, &value, false, list)
            })
        }
        TypeKind::CompositeFilter(c) => c
            .sub_fields()
            .iter()
            .map(|s| {
                dyn_arg(
                    registry,
                    s.name,
                    &info.with(TypeKind::LeafFilter(sub_leaf(s.kind))),
                    false,
                    false,
                )
            })
            .collect(),
        TypeKind::CompositeOrderBy(c) => c
            .sub_fields()
            .iter()
            .filter(|s| twenty_domain::field_type::orderable(s.kind))
            .map(|s| registry.arg::<Option<OrderByDirection>>(s.name, &()))
            .collect(),
        TypeKind::CompositeInput(c) => c
            .sub_fields()
            .iter()
            .map(|s| leaf_arg(registry, s.name, sub_leaf(s.kind), false, false))
            .collect(),
        _ => Vec::new(),
    }
}

/// The fields of a filter input: one per operator, named and typed as the domain's table says; `value` declares
/// an operand of the filtered type (a list when the operator takes one).
fn operator_args(
    registry: &mut Registry<S>,
    operators: &[Operator],
    value: impl Fn(&mut Registry<S>, &str, bool) -> Argument<S>,
) -> Vec<Argument<S>> {
    operators
        .iter()
        .map(|op| match op.operand() {
            Operand::NullCheck => registry.arg::<Option<FilterIs>>(op.name(), &()),
            _ => value(registry, op.name(), op.takes_list()),
        })
        .collect()
}

/// Every generated input object. Juniper checks the shape against the meta; resolvers read the raw value.
#[derive(Debug, Clone, Copy)]
pub struct DynInput;

generated_type!(DynInput, meta: |info, registry| {
    let fields = input_fields(info, registry);
    let meta = registry.build_input_object_type::<Self>(info, &fields);
    match info.description() {
        Some(description) => meta.description(description).into_meta(),
        None => meta.into_meta(),
    }
}, {});

impl FromInputValue<S> for DynInput {
    type Error = FieldError<S>;

    fn from_input_value(_: &InputValue<S>) -> Result<Self, Self::Error> {
        Ok(DynInput)
    }
}

/// The options of one SELECT, MULTI_SELECT or RATING field. Literal values are checked by the domain (juniper
/// cannot check runtime enum literals); variables are checked by juniper against the values.
#[derive(Debug, Clone, Copy)]
pub struct DynEnum;

generated_type!(DynEnum, meta: |info, registry| {
    let values: Vec<EnumValue> = match info.kind {
        TypeKind::Enum(e) => info.types.enums[e]
            .values
            .iter()
            .map(|v| EnumValue::new(v.clone()))
            .collect(),
        _ => Vec::new(),
    };
    registry.build_enum_type::<Self>(info, &values).into_meta()
}, {
    fn resolve(
        &self,
        _: &TypeInfo,
        _: Option<&[juniper::Selection<S>]>,
        _: &Executor<crate::context::CoreContext, S>,
    ) -> ExecutionResult<S> {
        Ok(Value::null())
    }
});

impl FromInputValue<S> for DynEnum {
    type Error = FieldError<S>;

    fn from_input_value(v: &InputValue<S>) -> Result<Self, Self::Error> {
        match v {
            InputValue::Enum(_) | InputValue::Scalar(_) | InputValue::Null => Ok(DynEnum),
            _ => Err(FieldError::new("expected an enum value", Value::null())),
        }
    }
}
