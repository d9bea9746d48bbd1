//! The naming model of a workspace's core schema: for each active object the names of its generated types and
//! the shape of each field ([`WorkspaceTypes`]), the root operations, and the [`TypeInfo`] that says which
//! generated type a juniper type stands for.

use juniper::ArcStr;
use std::collections::HashMap;
use std::sync::Arc;
use twenty_domain::field_type::{CompositeType, FieldType, Operator, ScalarKind, operators_of_kind};
use twenty_domain::metadata::{
    FieldMetadata, ObjectId, ObjectMetadata, RelationStorage, WorkspaceMetadata, pascal_case,
};
use twenty_domain::naming::{capitalised, noun, object_description, with_article};
use twenty_domain::record::LifeCycle;

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
    /// An exact decimal (`NUMERIC`), a string on the wire.
    BigFloat,
    /// A list of text (`ARRAY`).
    StringList,
}

impl Leaf {
    fn of_kind(kind: ScalarKind) -> Leaf {
        match kind {
            ScalarKind::Text => Leaf::String,
            ScalarKind::TextArray => Leaf::StringList,
            ScalarKind::Decimal => Leaf::BigFloat,
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
            Leaf::BigFloat => ScalarKind::Decimal,
            Leaf::StringList => ScalarKind::TextArray,
        }
    }

    /// The operators of this leaf's filter input, from the domain's table.
    pub(crate) fn operators(self) -> &'static [Operator] {
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
            Leaf::BigFloat => "BigFloatFilter",
            Leaf::StringList => "ArrayFilter",
        }
    }

    /// Whether records may be ordered by a field of this leaf (the domain's rule for its storage kind).
    pub(crate) fn orderable(self) -> bool {
        twenty_domain::field_type::orderable(self.storage_kind())
    }
}

/// What a field of a generated object type is.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldShape {
    Leaf(Leaf),
    Composite(CompositeType),
    /// SELECT / RATING (`multi: false`) or MULTI_SELECT; `enum_index` into [`WorkspaceTypes::enums`].
    Enum {
        enum_index: usize,
        multi: bool,
    },
    /// A to-one relation; `id_column`, the API name of its foreign key (`companyId`), when the key is stored on this
    /// object.
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
pub struct GeneratedField {
    pub name: String,
    pub shape: FieldShape,
    pub field: FieldMetadata,
}

impl GeneratedField {
    pub(crate) fn non_null_output(&self) -> bool {
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
    pub fields: Vec<GeneratedField>,
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
pub enum RootOperation {
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

impl RootOperation {
    /// The life-cycle change a delete, destroy or restore mutation makes. Only those six operations ask; the
    /// others fall under the soft delete arm and never use it.
    pub fn life_cycle(self) -> LifeCycle {
        match self {
            RootOperation::DestroyOne | RootOperation::DestroyMany => LifeCycle::Destroy,
            RootOperation::RestoreOne | RootOperation::RestoreMany => LifeCycle::Restore,
            _ => LifeCycle::SoftDelete,
        }
    }
}

/// Everything the schema of one workspace at one metadata version is built from.
#[derive(Debug)]
pub struct WorkspaceTypes {
    pub meta: Arc<WorkspaceMetadata>,
    pub objects: Vec<ObjectTypes>,
    pub enums: Vec<EnumType>,
    pub by_object_id: HashMap<ObjectId, usize>,
    pub queries: Vec<(String, RootOperation, usize)>,
    pub mutations: Vec<(String, RootOperation, usize)>,
}

impl WorkspaceTypes {
    pub fn new(meta: Arc<WorkspaceMetadata>) -> WorkspaceTypes {
        let active: Vec<&ObjectMetadata> = meta.active_objects().collect();
        let by_object_id: HashMap<ObjectId, usize> = active.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
        let mut enums = Vec::new();
        let mut objects = Vec::new();
        for object in &active {
            let type_name = object.type_name();
            let mut fields = Vec::new();
            for field in object.active_fields() {
                let shape = match shape_of(field, &by_object_id) {
                    Some(FieldShape::Enum { multi, .. }) => {
                        enums.push(EnumType {
                            name: ArcStr::from(format!("{type_name}{}Enum", pascal_case(&field.name))),
                            filter_name: ArcStr::from(format!("{type_name}{}EnumFilter", pascal_case(&field.name))),
                            values: field.option_values().map(str::to_string).collect(),
                            multi,
                            operators: field
                                .scalar_kind()
                                .map_or(&[][..], |kind| field.field_type.operators(kind)),
                        });
                        FieldShape::Enum {
                            enum_index: enums.len() - 1,
                            multi,
                        }
                    }
                    Some(shape) => shape,
                    None => continue,
                };
                fields.push(GeneratedField {
                    name: field.name.clone(),
                    shape,
                    field: field.clone(),
                });
            }
            let mut by_name = HashMap::new();
            for (i, f) in fields.iter().enumerate() {
                by_name.insert(f.name.clone(), i);
                if let FieldShape::ToOne {
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
            queries.push((plural.clone(), RootOperation::FindMany, i));
            queries.push((singular.clone(), RootOperation::FindOne, i));
            for (prefix, one, many) in [
                ("create", RootOperation::CreateOne, RootOperation::CreateMany),
                ("update", RootOperation::UpdateOne, RootOperation::UpdateMany),
                ("delete", RootOperation::DeleteOne, RootOperation::DeleteMany),
                ("destroy", RootOperation::DestroyOne, RootOperation::DestroyMany),
                ("restore", RootOperation::RestoreOne, RootOperation::RestoreMany),
            ] {
                mutations.push((format!("{prefix}{s}"), one, i));
                mutations.push((format!("{prefix}{p}"), many, i));
            }
        }
        WorkspaceTypes {
            meta,
            objects,
            enums,
            by_object_id,
            queries,
            mutations,
        }
    }
}

fn shape_of(field: &FieldMetadata, by_object_id: &HashMap<ObjectId, usize>) -> Option<FieldShape> {
    if let Some(link) = &field.relation {
        let target = *by_object_id.get(&link.target_object_id)?;
        return Some(match &link.storage {
            RelationStorage::OwnColumn { .. } => FieldShape::ToOne {
                target,
                id_column: field.id_field_name(),
            },
            RelationStorage::TargetColumn { .. } if link.is_to_one() => FieldShape::ToOne {
                target,
                id_column: None,
            },
            RelationStorage::TargetColumn { .. } => FieldShape::ToMany {
                target,
                junction: false,
            },
            RelationStorage::Junction { .. } => FieldShape::ToMany { target, junction: true },
        });
    }
    if let Some(composite) = field.composite() {
        return Some(FieldShape::Composite(composite));
    }
    Some(match field.field_type {
        FieldType::Select | FieldType::Rating => FieldShape::Enum {
            enum_index: 0,
            multi: false,
        },
        FieldType::MultiSelect => FieldShape::Enum {
            enum_index: 0,
            multi: true,
        },
        FieldType::Number if field.is_integer_number() => FieldShape::Leaf(Leaf::Int),
        _ => FieldShape::Leaf(Leaf::of_kind(field.scalar_kind()?)),
    })
}

/// Which generated type a [`TypeInfo`] stands for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TypeKind {
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

/// Juniper's type info for every generated type: which one it is, among the types of one workspace.
#[derive(Debug, Clone)]
pub struct TypeInfo {
    pub types: Arc<WorkspaceTypes>,
    pub kind: TypeKind,
}

impl TypeInfo {
    pub fn with(&self, kind: TypeKind) -> TypeInfo {
        TypeInfo {
            types: self.types.clone(),
            kind,
        }
    }

    pub fn name(&self) -> ArcStr {
        let o = |i: usize| &self.types.objects[i];
        match self.kind {
            TypeKind::Query => juniper::arcstr::literal!("Query"),
            TypeKind::Mutation => juniper::arcstr::literal!("Mutation"),
            TypeKind::Node(i) => o(i).node.clone(),
            TypeKind::Connection(i) => o(i).connection.clone(),
            TypeKind::Edge(i) => o(i).edge.clone(),
            TypeKind::PageInfo => juniper::arcstr::literal!("PageInfo"),
            TypeKind::Composite(c) => ArcStr::from(c.type_name()),
            TypeKind::Enum(e) => self.types.enums[e].name.clone(),
            TypeKind::Filter(i) => o(i).filter.clone(),
            TypeKind::OrderBy(i) => o(i).order_by.clone(),
            TypeKind::Create(i) => o(i).create.clone(),
            TypeKind::Update(i) => o(i).update.clone(),
            TypeKind::LeafFilter(leaf) => ArcStr::from(leaf.filter_name()),
            TypeKind::EnumFilter(e) => self.types.enums[e].filter_name.clone(),
            TypeKind::CompositeFilter(c) => ArcStr::from(format!("{}Filter", c.type_name())),
            TypeKind::CompositeOrderBy(c) => ArcStr::from(format!("{}OrderByInput", c.type_name())),
            TypeKind::CompositeInput(c) => ArcStr::from(format!("{}Input", c.type_name())),
        }
    }
}

impl TypeInfo {
    /// The description of the generated type, from the metadata's labels and descriptions; `None` for the types
    /// every workspace shares (composites, leaf filters) and enums.
    pub fn description(&self) -> Option<String> {
        let object = |i: usize| &self.types.objects[i].object;
        let one = |i: usize| noun(&object(i).label_singular);
        let many = |i: usize| noun(&object(i).label_plural);
        Some(match self.kind {
            TypeKind::Query => "Reads the workspace's records.".into(),
            TypeKind::Mutation => "Changes the workspace's records.".into(),
            TypeKind::Node(i) => object_description(object(i)),
            TypeKind::Connection(i) => format!("A page of {}.", many(i)),
            TypeKind::Edge(i) => format!("{} in a page, with its cursor.", capitalised(&with_article(&one(i)))),
            TypeKind::PageInfo => {
                "Whether there are records before and after a page, and the cursors at its ends.".into()
            }
            TypeKind::Filter(i) => format!(
                "Conditions on {}: every field given must hold; `and`, `or` and `not` combine filters.",
                many(i)
            ),
            TypeKind::OrderBy(i) => format!("The order of {}: one field per entry of the list.", many(i)),
            TypeKind::Create(i) => format!("The fields of a new {}.", one(i)),
            TypeKind::Update(i) => format!(
                "The fields to change on {}; those left out keep their values.",
                with_article(&one(i))
            ),
            _ => return None,
        })
    }
}

/// The description of a root field: what the operation does, in English ("Create an opportunity.").
pub fn root_field_description(operation: RootOperation, object: &ObjectMetadata) -> String {
    let one = noun(&object.label_singular);
    let a_one = with_article(&one);
    let many = noun(&object.label_plural);
    match operation {
        RootOperation::FindMany => format!("List {many}: a page, filtered and ordered."),
        RootOperation::FindOne => format!("Find {a_one} by a filter (usually its id)."),
        RootOperation::CreateOne => format!("Create {a_one} (with `upsert`, update it when its id exists)."),
        RootOperation::CreateMany => format!("Create {many} in one batch, all or none."),
        RootOperation::UpdateOne => format!("Update {a_one} by id."),
        RootOperation::UpdateMany => format!("Update the {many} given by ids or a filter."),
        RootOperation::DeleteOne => format!("Delete {a_one} (soft: `restore` brings it back)."),
        RootOperation::DeleteMany => format!("Delete the {many} given by ids or a filter (soft)."),
        RootOperation::DestroyOne => format!("Remove {a_one} for good."),
        RootOperation::DestroyMany => format!("Remove the {many} given by ids or a filter for good."),
        RootOperation::RestoreOne => format!("Restore {a_one} that was deleted."),
        RootOperation::RestoreMany => format!("Restore the deleted {many} given by ids or a filter."),
    }
}

pub(crate) fn sub_leaf(kind: ScalarKind) -> Leaf {
    Leaf::of_kind(kind)
}
