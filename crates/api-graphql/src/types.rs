//! The runtime types of a workspace's core schema. Every generated output object is a view ([`J`]) over JSON that
//! PostgreSQL already shaped; every generated input object is a [`DynInput`] (juniper validates it against the meta,
//! resolvers read the raw value through the look-ahead); SELECT-like fields get a [`DynEnum`] each.

use crate::context::Ctx;
use crate::scalars::{BigInt, Date, DateTime, FilterIs, Json as JsonScalar, OrderByDirection};
use juniper::meta::{Argument, EnumValue, Field, MetaType};
use juniper::{
    ArcStr, Arguments, BoxFuture, DefaultScalarValue as S, ExecutionResult, Executor, FieldError, FromInputValue,
    GraphQLType, GraphQLValue, GraphQLValueAsync, ID, InputValue, Object, Registry, Value,
};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::Arc;
use twenty_domain::field_type::{
    CompositeType, FieldType, Operand, Operator, ScalarKind, SystemField, operators_of_kind,
};
use twenty_domain::metadata::{
    FieldMetadata, ObjectId, ObjectMetadata, RelationStorage, WorkspaceMetadata, pascal_case,
};

/// How a leaf value looks in GraphQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Leaf {
    Id,
    String,
    Int,
    Float,
    Boolean,
    DateTime,
    Date,
    Json,
    BigInt,
}

impl Leaf {
    fn of_kind(kind: ScalarKind) -> Leaf {
        match kind {
            ScalarKind::Text | ScalarKind::TextArray => Leaf::String,
            ScalarKind::Float => Leaf::Float,
            ScalarKind::BigInt => Leaf::BigInt,
            ScalarKind::Boolean => Leaf::Boolean,
            ScalarKind::Uuid => Leaf::Id,
            ScalarKind::Timestamp => Leaf::DateTime,
            ScalarKind::Date => Leaf::Date,
            ScalarKind::Json => Leaf::Json,
        }
    }

    /// The storage kind whose operators a filter on this leaf takes (every field with this leaf shares its
    /// filter type, and their kinds take the same operators).
    fn storage_kind(self) -> ScalarKind {
        match self {
            Leaf::Id => ScalarKind::Uuid,
            Leaf::String => ScalarKind::Text,
            Leaf::Int | Leaf::Float => ScalarKind::Float,
            Leaf::Boolean => ScalarKind::Boolean,
            Leaf::DateTime => ScalarKind::Timestamp,
            Leaf::Date => ScalarKind::Date,
            Leaf::Json => ScalarKind::Json,
            Leaf::BigInt => ScalarKind::BigInt,
        }
    }

    /// The operators of this leaf's filter input, from the domain's table.
    fn operators(self) -> &'static [Operator] {
        operators_of_kind(self.storage_kind())
    }

    fn filter_name(self) -> &'static str {
        match self {
            Leaf::Id => "IDFilter",
            Leaf::String => "StringFilter",
            Leaf::Int => "IntFilter",
            Leaf::Float => "FloatFilter",
            Leaf::Boolean => "BooleanFilter",
            Leaf::DateTime => "DateTimeFilter",
            Leaf::Date => "DateFilter",
            Leaf::Json => "JSONFilter",
            Leaf::BigInt => "BigIntFilter",
        }
    }
}

/// What a field of a generated object type is.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Leaf(Leaf),
    Composite(CompositeType),
    /// SELECT / RATING (`multi: false`) or MULTI_SELECT; `enum_index` into [`WsTypes::enums`].
    Enum {
        enum_index: usize,
        multi: bool,
    },
    /// A to-one relation; `id_column` when the foreign key is stored on this object.
    ToOne {
        target: usize,
        id_column: Option<String>,
    },
    /// A to-many relation; `junction` when the link is a MANY_TO_MANY junction (writable as `<name>Ids`).
    ToMany {
        target: usize,
        junction: bool,
    },
}

#[derive(Debug, Clone)]
pub struct GqlField {
    pub name: String,
    pub shape: Shape,
    pub field: FieldMetadata,
}

impl GqlField {
    fn non_null_output(&self) -> bool {
        self.field.non_null_output()
    }
}

/// The generated names and fields of one active object.
#[derive(Debug, Clone)]
pub struct ObjectTypes {
    pub object: ObjectMetadata,
    pub node: ArcStr,
    pub connection: ArcStr,
    pub edge: ArcStr,
    pub filter: ArcStr,
    pub order_by: ArcStr,
    pub create: ArcStr,
    pub update: ArcStr,
    pub fields: Vec<GqlField>,
    /// Output field name → field index, including relation-id fields (`companyId` → the `company` field).
    pub by_name: HashMap<String, usize>,
}

#[derive(Debug, Clone)]
pub struct EnumType {
    pub name: ArcStr,
    pub filter_name: ArcStr,
    pub values: Vec<String>,
    pub multi: bool,
    /// The operators of its filter input, from the domain's table.
    pub operators: &'static [Operator],
}

/// Root operations, by root field name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootOp {
    FindMany,
    FindOne,
    CreateOne,
    CreateMany,
    UpdateOne,
    UpdateMany,
    DeleteOne,
    DeleteMany,
    DestroyOne,
    DestroyMany,
    RestoreOne,
    RestoreMany,
}

/// Everything the schema of one workspace at one metadata version is built from.
#[derive(Debug)]
pub struct WsTypes {
    pub meta: Arc<WorkspaceMetadata>,
    pub objects: Vec<ObjectTypes>,
    pub enums: Vec<EnumType>,
    pub by_object_id: HashMap<ObjectId, usize>,
    pub queries: Vec<(String, RootOp, usize)>,
    pub mutations: Vec<(String, RootOp, usize)>,
}

impl WsTypes {
    pub fn new(meta: Arc<WorkspaceMetadata>) -> WsTypes {
        let active: Vec<&ObjectMetadata> = meta.active_objects().collect();
        let by_object_id: HashMap<ObjectId, usize> = active.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
        let mut enums = Vec::new();
        let mut objects = Vec::new();
        for object in &active {
            let type_name = object.type_name();
            let mut fields = Vec::new();
            for field in object.active_fields() {
                let shape = match shape_of(field, &by_object_id) {
                    Some(Shape::Enum { multi, .. }) => {
                        enums.push(EnumType {
                            name: ArcStr::from(format!("{type_name}{}Enum", pascal_case(&field.name))),
                            filter_name: ArcStr::from(format!("{type_name}{}EnumFilter", pascal_case(&field.name))),
                            values: field.option_values().map(str::to_string).collect(),
                            multi,
                            operators: field
                                .scalar_kind()
                                .map_or(&[][..], |kind| field.field_type.operators(kind)),
                        });
                        Shape::Enum {
                            enum_index: enums.len() - 1,
                            multi,
                        }
                    }
                    Some(shape) => shape,
                    None => continue,
                };
                fields.push(GqlField {
                    name: field.name.clone(),
                    shape,
                    field: field.clone(),
                });
            }
            let mut by_name = HashMap::new();
            for (i, f) in fields.iter().enumerate() {
                by_name.insert(f.name.clone(), i);
                if let Shape::ToOne {
                    id_column: Some(column),
                    ..
                } = &f.shape
                {
                    by_name.insert(column.clone(), i);
                }
            }
            objects.push(ObjectTypes {
                object: (*object).clone(),
                node: ArcStr::from(type_name.clone()),
                connection: ArcStr::from(format!("{type_name}Connection")),
                edge: ArcStr::from(format!("{type_name}Edge")),
                filter: ArcStr::from(format!("{type_name}FilterInput")),
                order_by: ArcStr::from(format!("{type_name}OrderByInput")),
                create: ArcStr::from(format!("{type_name}CreateInput")),
                update: ArcStr::from(format!("{type_name}UpdateInput")),
                fields,
                by_name,
            });
        }
        let mut queries = Vec::new();
        let mut mutations = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            let (singular, plural) = (&o.object.name_singular, &o.object.name_plural);
            let (s, p) = (pascal_case(singular), pascal_case(plural));
            queries.push((plural.clone(), RootOp::FindMany, i));
            queries.push((singular.clone(), RootOp::FindOne, i));
            for (prefix, one, many) in [
                ("create", RootOp::CreateOne, RootOp::CreateMany),
                ("update", RootOp::UpdateOne, RootOp::UpdateMany),
                ("delete", RootOp::DeleteOne, RootOp::DeleteMany),
                ("destroy", RootOp::DestroyOne, RootOp::DestroyMany),
                ("restore", RootOp::RestoreOne, RootOp::RestoreMany),
            ] {
                mutations.push((format!("{prefix}{s}"), one, i));
                mutations.push((format!("{prefix}{p}"), many, i));
            }
        }
        WsTypes {
            meta,
            objects,
            enums,
            by_object_id,
            queries,
            mutations,
        }
    }
}

fn shape_of(field: &FieldMetadata, by_object_id: &HashMap<ObjectId, usize>) -> Option<Shape> {
    if let Some(link) = &field.relation {
        let target = *by_object_id.get(&link.target_object_id)?;
        return Some(match &link.storage {
            RelationStorage::OwnColumn { column } => Shape::ToOne {
                target,
                id_column: Some(column.clone()),
            },
            RelationStorage::TargetColumn { .. } if link.is_to_one() => Shape::ToOne {
                target,
                id_column: None,
            },
            RelationStorage::TargetColumn { .. } => Shape::ToMany {
                target,
                junction: false,
            },
            RelationStorage::Junction { .. } => Shape::ToMany { target, junction: true },
        });
    }
    if let Some(composite) = field.composite() {
        return Some(Shape::Composite(composite));
    }
    Some(match field.field_type {
        FieldType::Select | FieldType::Rating => Shape::Enum {
            enum_index: 0,
            multi: false,
        },
        FieldType::MultiSelect => Shape::Enum {
            enum_index: 0,
            multi: true,
        },
        FieldType::Number if field.is_integer_number() => Shape::Leaf(Leaf::Int),
        _ => Shape::Leaf(Leaf::of_kind(field.scalar_kind()?)),
    })
}

/// Which generated type a [`TI`] stands for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    Query,
    Mutation,
    Node(usize),
    Connection(usize),
    Edge(usize),
    PageInfo,
    Composite(CompositeType),
    Enum(usize),
    Filter(usize),
    OrderBy(usize),
    Create(usize),
    Update(usize),
    LeafFilter(Leaf),
    EnumFilter(usize),
    CompositeFilter(CompositeType),
    CompositeOrderBy(CompositeType),
    CompositeInput(CompositeType),
}

/// The `TypeInfo` of every generated type.
#[derive(Debug, Clone)]
pub struct TI {
    pub ws: Arc<WsTypes>,
    pub kind: Kind,
}

impl TI {
    pub fn with(&self, kind: Kind) -> TI {
        TI {
            ws: self.ws.clone(),
            kind,
        }
    }

    pub fn name(&self) -> ArcStr {
        let o = |i: usize| &self.ws.objects[i];
        match self.kind {
            Kind::Query => juniper::arcstr::literal!("Query"),
            Kind::Mutation => juniper::arcstr::literal!("Mutation"),
            Kind::Node(i) => o(i).node.clone(),
            Kind::Connection(i) => o(i).connection.clone(),
            Kind::Edge(i) => o(i).edge.clone(),
            Kind::PageInfo => juniper::arcstr::literal!("PageInfo"),
            Kind::Composite(c) => ArcStr::from(c.type_name()),
            Kind::Enum(e) => self.ws.enums[e].name.clone(),
            Kind::Filter(i) => o(i).filter.clone(),
            Kind::OrderBy(i) => o(i).order_by.clone(),
            Kind::Create(i) => o(i).create.clone(),
            Kind::Update(i) => o(i).update.clone(),
            Kind::LeafFilter(leaf) => ArcStr::from(leaf.filter_name()),
            Kind::EnumFilter(e) => self.ws.enums[e].filter_name.clone(),
            Kind::CompositeFilter(c) => ArcStr::from(format!("{}Filter", c.type_name())),
            Kind::CompositeOrderBy(c) => ArcStr::from(format!("{}OrderByInput", c.type_name())),
            Kind::CompositeInput(c) => ArcStr::from(format!("{}Input", c.type_name())),
        }
    }
}

pub(crate) fn sub_leaf(kind: ScalarKind) -> Leaf {
    Leaf::of_kind(kind)
}

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
    }
}

/// An input field of a leaf type (or a list of them).
fn leaf_arg(registry: &mut Registry<S>, name: &str, leaf: Leaf, required: bool, list: bool) -> Argument<S> {
    let name = name.to_string();
    macro_rules! arg {
        ($t:ty) => {
            match (required, list) {
                (true, false) => registry.arg::<$t>(name, &()),
                (false, false) => registry.arg::<Option<$t>>(name, &()),
                (true, true) => registry.arg::<Vec<$t>>(name, &()),
                (false, true) => registry.arg::<Option<Vec<$t>>>(name, &()),
            }
        };
    }
    match leaf {
        Leaf::Id => arg!(ID),
        Leaf::String => arg!(String),
        Leaf::Int => arg!(i32),
        Leaf::Float => arg!(f64),
        Leaf::Boolean => arg!(bool),
        Leaf::DateTime => arg!(DateTime),
        Leaf::Date => arg!(Date),
        Leaf::Json => arg!(JsonScalar),
        Leaf::BigInt => arg!(BigInt),
    }
}

fn dyn_arg(registry: &mut Registry<S>, name: &str, ti: &TI, required: bool, list: bool) -> Argument<S> {
    let name = name.to_string();
    match (required, list) {
        (true, false) => registry.arg::<DynInput>(name, ti),
        (false, false) => registry.arg::<Option<DynInput>>(name, ti),
        (true, true) => registry.arg::<Vec<DynInput>>(name, ti),
        (false, true) => registry.arg::<Option<Vec<DynInput>>>(name, ti),
    }
}

fn enum_arg(registry: &mut Registry<S>, name: &str, ti: &TI, required: bool, list: bool) -> Argument<S> {
    let name = name.to_string();
    match (required, list) {
        (true, false) => registry.arg::<DynEnum>(name, ti),
        (false, false) => registry.arg::<Option<DynEnum>>(name, ti),
        (true, true) => registry.arg::<Vec<DynEnum>>(name, ti),
        (false, true) => registry.arg::<Option<Vec<DynEnum>>>(name, ti),
    }
}

/// The arguments of a connection field (root list and to-many relations).
pub fn connection_args(registry: &mut Registry<S>, ti: &TI, object: usize) -> Vec<Argument<S>> {
    vec![
        dyn_arg(registry, "filter", &ti.with(Kind::Filter(object)), false, false),
        dyn_arg(registry, "orderBy", &ti.with(Kind::OrderBy(object)), false, true),
        registry.arg::<Option<i32>>("first", &()),
        registry.arg::<Option<i32>>("last", &()),
        registry.arg::<Option<String>>("after", &()),
        registry.arg::<Option<String>>("before", &()),
    ]
}

fn with_args(mut field: Field<S>, args: Vec<Argument<S>>) -> Field<S> {
    for arg in args {
        field = field.argument(arg);
    }
    field
}

fn output_fields(ti: &TI, registry: &mut Registry<S>) -> Vec<Field<S>> {
    let ws = ti.ws.clone();
    match ti.kind {
        Kind::Node(i) => {
            let mut fields = Vec::new();
            for f in &ws.objects[i].fields {
                match &f.shape {
                    Shape::Leaf(leaf) => fields.push(leaf_field(registry, &f.name, *leaf, f.non_null_output())),
                    Shape::Composite(c) => {
                        fields.push(registry.field::<Option<J<'static>>>(f.name.clone(), &ti.with(Kind::Composite(*c))))
                    }
                    Shape::Enum {
                        enum_index,
                        multi: false,
                    } => fields
                        .push(registry.field::<Option<DynEnum>>(f.name.clone(), &ti.with(Kind::Enum(*enum_index)))),
                    Shape::Enum {
                        enum_index,
                        multi: true,
                    } => fields.push(
                        registry.field::<Option<Vec<DynEnum>>>(f.name.clone(), &ti.with(Kind::Enum(*enum_index))),
                    ),
                    Shape::ToOne { target, id_column } => {
                        fields
                            .push(registry.field::<Option<J<'static>>>(f.name.clone(), &ti.with(Kind::Node(*target))));
                        if let Some(column) = id_column {
                            fields.push(leaf_field(registry, column, Leaf::Id, false));
                        }
                    }
                    Shape::ToMany { target, .. } => {
                        let field = registry.field::<J<'static>>(f.name.clone(), &ti.with(Kind::Connection(*target)));
                        let args = connection_args(registry, ti, *target);
                        fields.push(with_args(field, args));
                    }
                }
            }
            fields
        }
        Kind::Connection(i) => vec![
            registry.field::<Vec<J<'static>>>("edges", &ti.with(Kind::Edge(i))),
            registry.field::<J<'static>>("pageInfo", &ti.with(Kind::PageInfo)),
            registry.field::<i32>("totalCount", &()),
        ],
        Kind::Edge(i) => {
            vec![
                registry.field::<J<'static>>("node", &ti.with(Kind::Node(i))),
                registry.field::<String>("cursor", &()),
            ]
        }
        Kind::PageInfo => vec![
            registry.field::<bool>("hasNextPage", &()),
            registry.field::<bool>("hasPreviousPage", &()),
            registry.field::<Option<String>>("startCursor", &()),
            registry.field::<Option<String>>("endCursor", &()),
        ],
        Kind::Composite(c) => c
            .sub_fields()
            .iter()
            .map(|s| leaf_field(registry, s.name, sub_leaf(s.kind), false))
            .collect(),
        _ => Vec::new(),
    }
}

fn input_fields(ti: &TI, registry: &mut Registry<S>) -> Vec<Argument<S>> {
    let ws = ti.ws.clone();
    match ti.kind {
        Kind::Filter(i) => {
            let mut args = Vec::new();
            for f in &ws.objects[i].fields {
                match &f.shape {
                    Shape::Leaf(leaf) => args.push(dyn_arg(
                        registry,
                        &f.name,
                        &ti.with(Kind::LeafFilter(*leaf)),
                        false,
                        false,
                    )),
                    Shape::Composite(c) => args.push(dyn_arg(
                        registry,
                        &f.name,
                        &ti.with(Kind::CompositeFilter(*c)),
                        false,
                        false,
                    )),
                    Shape::Enum { enum_index, .. } => args.push(dyn_arg(
                        registry,
                        &f.name,
                        &ti.with(Kind::EnumFilter(*enum_index)),
                        false,
                        false,
                    )),
                    Shape::ToOne {
                        target,
                        id_column: Some(column),
                    } => {
                        args.push(dyn_arg(
                            registry,
                            column,
                            &ti.with(Kind::LeafFilter(Leaf::Id)),
                            false,
                            false,
                        ));
                        args.push(dyn_arg(
                            registry,
                            &f.name,
                            &ti.with(Kind::Filter(*target)),
                            false,
                            false,
                        ));
                    }
                    Shape::ToOne { id_column: None, .. } | Shape::ToMany { .. } => {}
                }
            }
            args.push(dyn_arg(registry, "and", ti, false, true));
            args.push(dyn_arg(registry, "or", ti, false, true));
            args.push(dyn_arg(registry, "not", ti, false, false));
            args
        }
        Kind::OrderBy(i) => {
            let mut args = Vec::new();
            for f in &ws.objects[i].fields {
                match &f.shape {
                    Shape::Leaf(Leaf::Json) | Shape::Enum { multi: true, .. } => {}
                    Shape::Leaf(_) | Shape::Enum { multi: false, .. } => {
                        args.push(registry.arg::<Option<OrderByDirection>>(f.name.clone(), &()))
                    }
                    Shape::Composite(c) => args.push(dyn_arg(
                        registry,
                        &f.name,
                        &ti.with(Kind::CompositeOrderBy(*c)),
                        false,
                        false,
                    )),
                    Shape::ToOne {
                        id_column: Some(column),
                        ..
                    } => args.push(registry.arg::<Option<OrderByDirection>>(column.clone(), &())),
                    Shape::ToOne { .. } | Shape::ToMany { .. } => {}
                }
            }
            args
        }
        Kind::Create(i) | Kind::Update(i) => {
            let create = matches!(ti.kind, Kind::Create(_));
            let mut args = Vec::new();
            for f in &ws.objects[i].fields {
                let field = &f.field;
                let required = create && field.required_on_create();
                match &f.shape {
                    _ if field.is_read_only() => {}
                    _ if field.system_field() == Some(SystemField::Id) && !create => {}
                    Shape::Leaf(leaf) => args.push(leaf_arg(registry, &f.name, *leaf, required, false)),
                    Shape::Composite(c) => args.push(dyn_arg(
                        registry,
                        &f.name,
                        &ti.with(Kind::CompositeInput(*c)),
                        required,
                        false,
                    )),
                    Shape::Enum { enum_index, multi } => args.push(enum_arg(
                        registry,
                        &f.name,
                        &ti.with(Kind::Enum(*enum_index)),
                        required,
                        *multi,
                    )),
                    Shape::ToOne {
                        id_column: Some(column),
                        ..
                    } => args.push(leaf_arg(registry, column, Leaf::Id, false, false)),
                    Shape::ToMany { junction: true, .. } => {
                        args.push(leaf_arg(registry, &format!("{}Ids", f.name), Leaf::Id, false, true))
                    }
                    Shape::ToOne { .. } | Shape::ToMany { .. } => {}
                }
            }
            args
        }
        Kind::LeafFilter(leaf) => operator_args(registry, leaf.operators(), |registry, name, list| {
            leaf_arg(registry, name, leaf, false, list)
        }),
        Kind::EnumFilter(e) => {
            let value = ti.with(Kind::Enum(e));
            operator_args(registry, ws.enums[e].operators, |registry, name, list| {
                enum_arg(registry, name, &value, false, list)
            })
        }
        Kind::CompositeFilter(c) => c
            .sub_fields()
            .iter()
            .map(|s| {
                dyn_arg(
                    registry,
                    s.name,
                    &ti.with(Kind::LeafFilter(sub_leaf(s.kind))),
                    false,
                    false,
                )
            })
            .collect(),
        Kind::CompositeOrderBy(c) => c
            .sub_fields()
            .iter()
            .map(|s| registry.arg::<Option<OrderByDirection>>(s.name, &()))
            .collect(),
        Kind::CompositeInput(c) => c
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

/// An output object: a view over JSON built by PostgreSQL.
#[derive(Debug, Clone, Copy)]
pub struct J<'a>(pub &'a Json);

impl GraphQLType<S> for J<'_> {
    fn name(info: &TI) -> Option<ArcStr> {
        Some(info.name())
    }

    fn meta(info: &TI, registry: &mut Registry<S>) -> MetaType<S> {
        let fields = output_fields(info, registry);
        registry.build_object_type::<Self>(info, &fields).into_meta()
    }
}

impl GraphQLValue<S> for J<'_> {
    type Context = Ctx;
    type TypeInfo = TI;

    fn type_name(&self, info: &TI) -> Option<ArcStr> {
        Some(info.name())
    }

    fn concrete_type_name(&self, _: &Ctx, info: &TI) -> String {
        info.name().to_string()
    }

    /// Only reached when juniper resolves a view itself; root fields shape their whole result in one pass
    /// ([`crate::output`]), and this answers the same.
    fn resolve_field(
        &self,
        info: &TI,
        field: &str,
        _: &Arguments<S>,
        executor: &Executor<Ctx, S>,
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
}

impl GraphQLValueAsync<S> for J<'_> {
    fn resolve_field_async<'b>(
        &'b self,
        info: &'b TI,
        field: &'b str,
        args: &'b Arguments<S>,
        executor: &'b Executor<Ctx, S>,
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

/// Every generated input object. Juniper checks the shape against the meta; resolvers read the raw value.
#[derive(Debug, Clone, Copy)]
pub struct DynInput;

impl GraphQLType<S> for DynInput {
    fn name(info: &TI) -> Option<ArcStr> {
        Some(info.name())
    }

    fn meta(info: &TI, registry: &mut Registry<S>) -> MetaType<S> {
        let fields = input_fields(info, registry);
        registry.build_input_object_type::<Self>(info, &fields).into_meta()
    }
}

impl GraphQLValue<S> for DynInput {
    type Context = Ctx;
    type TypeInfo = TI;

    fn type_name(&self, info: &TI) -> Option<ArcStr> {
        Some(info.name())
    }
}

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

impl GraphQLType<S> for DynEnum {
    fn name(info: &TI) -> Option<ArcStr> {
        Some(info.name())
    }

    fn meta(info: &TI, registry: &mut Registry<S>) -> MetaType<S> {
        let values: Vec<EnumValue> = match info.kind {
            Kind::Enum(e) => info.ws.enums[e]
                .values
                .iter()
                .map(|v| EnumValue::new(v.clone()))
                .collect(),
            _ => Vec::new(),
        };
        registry.build_enum_type::<Self>(info, &values).into_meta()
    }
}

impl GraphQLValue<S> for DynEnum {
    type Context = Ctx;
    type TypeInfo = TI;

    fn type_name(&self, info: &TI) -> Option<ArcStr> {
        Some(info.name())
    }

    fn resolve(&self, _: &TI, _: Option<&[juniper::Selection<S>]>, _: &Executor<Ctx, S>) -> ExecutionResult<S> {
        Ok(Value::null())
    }
}

impl FromInputValue<S> for DynEnum {
    type Error = FieldError<S>;

    fn from_input_value(v: &InputValue<S>) -> Result<Self, Self::Error> {
        match v {
            InputValue::Enum(_) | InputValue::Scalar(_) | InputValue::Null => Ok(DynEnum),
            _ => Err(FieldError::new("expected an enum value", Value::null())),
        }
    }
}
