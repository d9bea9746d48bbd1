//! The response of a root field, shaped in one pass from the JSON PostgreSQL built and the field's look-ahead:
//! response keys in document order (aliases, merged duplicates, fragments and `@skip` / `@include` already
//! applied by the look-ahead), `__typename`, and leaf values converted as [`leaf_value`] says. Juniper's
//! per-field executor is not involved below the root field: validation has already guaranteed that every
//! selected field exists, and PostgreSQL never returns NULL for a non-null field (ids, edges, cursors, page info).

use crate::selection::relation_key;
use crate::types::{FieldShape, Leaf, TypeInfo, TypeKind, leaf_value};
use juniper::{DefaultScalarValue as S, LookAheadSelection, Object, Value};
use serde_json::Value as Json;

static NULL: Json = Json::Null;

/// The selections of one response key, in document order of first appearance.
pub(crate) struct Group<'a> {
    pub key: &'a str,
    pub fields: Vec<LookAheadSelection<'a, S>>,
}

/// Groups selections by response key, keeping first-appearance order (GraphQL field collection).
pub(crate) fn by_response_key<'a>(children: impl IntoIterator<Item = LookAheadSelection<'a, S>>) -> Vec<Group<'a>> {
    let mut groups: Vec<Group<'a>> = Vec::new();
    for child in children {
        let key = child.field_name();
        match groups.iter_mut().find(|g| g.key == key) {
            Some(group) => group.fields.push(child),
            None => groups.push(Group {
                key,
                fields: vec![child],
            }),
        }
    }
    groups
}

/// The children of every selection of a group, merged (GraphQL field merging).
pub(crate) fn merged_children<'a>(group: &[LookAheadSelection<'a, S>]) -> Vec<LookAheadSelection<'a, S>> {
    group
        .iter()
        .flat_map(|f| f.children().iter().copied().collect::<Vec<_>>())
        .collect()
}

/// A sub-selection, collected once (not once per row): the fields by response key, each with its own.
#[derive(Debug, Default)]
pub struct Plan<'a> {
    fields: Vec<Planned<'a>>,
}

#[derive(Debug)]
struct Planned<'a> {
    key: &'a str,
    name: &'a str,
    children: Plan<'a>,
}

impl<'a> Plan<'a> {
    pub fn of(selection: Vec<LookAheadSelection<'a, S>>) -> Plan<'a> {
        let fields = by_response_key(selection)
            .into_iter()
            .map(|group| Planned {
                key: group.key,
                name: group.fields[0].field_original_name(),
                children: Plan::of(merged_children(&group.fields)),
            })
            .collect();
        Plan { fields }
    }
}

/// What one field of an output object is: a leaf value, or an object or list to shape further.
enum Part<'j, 'p, 'a> {
    Leaf(Value<S>),
    Object(TypeInfo, &'j Json, &'p Plan<'a>),
    List(TypeInfo, &'j [Json], &'p Plan<'a>),
}

/// Field `name` (answered under response key `key`) of the object `json` of type `info`, whose sub-selection is
/// `children`. The one place that knows how each output type maps onto PostgreSQL's JSON.
fn part<'j, 'p, 'a>(
    info: &TypeInfo,
    json: &'j Json,
    name: &str,
    key: &str,
    children: &'p Plan<'a>,
) -> Part<'j, 'p, 'a> {
    let get = |k: &str| json.get(k).unwrap_or(&NULL);
    let leaf = |leaf: Leaf, k: &str| Part::Leaf(leaf_value(leaf, get(k)));
    match info.kind {
        TypeKind::Connection(i) => match name {
            "edges" => {
                let edges = get("edges").as_array().map(Vec::as_slice).unwrap_or_default();
                Part::List(info.with(TypeKind::Edge(i)), edges, children)
            }
            "pageInfo" => Part::Object(info.with(TypeKind::PageInfo), get("pageInfo"), children),
            "totalCount" => leaf(Leaf::Int, "totalCount"),
            _ => Part::Leaf(Value::null()),
        },
        TypeKind::Edge(i) => match name {
            "node" => Part::Object(info.with(TypeKind::Node(i)), get("node"), children),
            _ => leaf(Leaf::String, name),
        },
        TypeKind::PageInfo => leaf(Leaf::String, name),
        TypeKind::Composite(c) => {
            let kind = c
                .sub_field(name)
                .map(|s| crate::types::names::sub_leaf(s.kind))
                .unwrap_or(Leaf::String);
            leaf(kind, name)
        }
        TypeKind::Node(i) => {
            let types = &info.types.objects[i];
            let Some(f) = types.by_name.get(name).map(|&n| &types.fields[n]) else {
                return Part::Leaf(Value::null());
            };
            match &f.shape {
                FieldShape::ToOne {
                    id_column: Some(column),
                    ..
                } if column == name => leaf(Leaf::Id, name),
                FieldShape::Leaf(l) => leaf(*l, name),
                FieldShape::Enum { .. } => leaf(Leaf::Json, name),
                FieldShape::Composite(c) => Part::Object(info.with(TypeKind::Composite(*c)), get(name), children),
                // Relations are stored under their response key (aliases may differ per selection).
                FieldShape::ToOne { target, .. } => {
                    Part::Object(info.with(TypeKind::Node(*target)), get(&relation_key(key)), children)
                }
                FieldShape::ToMany { target, .. } => Part::Object(
                    info.with(TypeKind::Connection(*target)),
                    get(&relation_key(key)),
                    children,
                ),
            }
        }
        _ => Part::Leaf(Value::null()),
    }
}

/// A connection always has its parts (an absent one reads as empty); other objects may be null.
fn is_null_object(info: &TypeInfo, json: &Json) -> bool {
    json.is_null() && !matches!(info.kind, TypeKind::Connection(_))
}

/// `json` as a value of the output type `info`, shaped by `plan`.
pub fn object(info: &TypeInfo, json: &Json, plan: &Plan<'_>) -> Value<S> {
    if is_null_object(info, json) {
        return Value::null();
    }
    let mut out = Object::with_capacity(plan.fields.len());
    for planned in &plan.fields {
        let value = if planned.name == "__typename" {
            Value::scalar(info.name().to_string())
        } else {
            field(info, json, planned.name, planned.key, &planned.children)
        };
        out.add_field(planned.key, value);
    }
    Value::object(out)
}

/// Rows of the output type `info`.
pub fn list(info: &TypeInfo, rows: &[Json], plan: &Plan<'_>) -> Value<S> {
    Value::list(rows.iter().map(|row| object(info, row, plan)).collect())
}

/// Field `name` (answered under response key `key`) of the object `json` of type `info`, its sub-selection shaped
/// by `children`.
pub fn field(info: &TypeInfo, json: &Json, name: &str, key: &str, children: &Plan<'_>) -> Value<S> {
    match part(info, json, name, key, children) {
        Part::Leaf(value) => value,
        Part::Object(info, json, plan) => object(&info, json, plan),
        Part::List(info, rows, plan) => list(&info, rows, plan),
    }
}

/// Like [`object`], written straight to JSON text: what the response would hold for it, without building
/// juniper's value tree (root fields splice it into the response, see `execute`).
pub fn write_object(info: &TypeInfo, json: &Json, plan: &Plan<'_>, out: &mut Vec<u8>) {
    if is_null_object(info, json) {
        out.extend_from_slice(b"null");
        return;
    }
    out.push(b'{');
    for (i, planned) in plan.fields.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(planned.key, out);
        out.push(b':');
        if planned.name == "__typename" {
            write_str(&info.name(), out);
            continue;
        }
        match part(info, json, planned.name, planned.key, &planned.children) {
            Part::Leaf(value) => write_value(&value, out),
            Part::Object(info, json, plan) => write_object(&info, json, plan, out),
            Part::List(info, rows, plan) => write_list(&info, rows, plan, out),
        }
    }
    out.push(b'}');
}

/// Like [`list`], written straight to JSON text.
pub fn write_list(info: &TypeInfo, rows: &[Json], plan: &Plan<'_>, out: &mut Vec<u8>) {
    out.push(b'[');
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_object(info, row, plan, out);
    }
    out.push(b']');
}

fn write_str(s: &str, out: &mut Vec<u8>) {
    // Writing into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// A leaf exactly as the response serialiser writes juniper values.
fn write_value(value: &Value<S>, out: &mut Vec<u8>) {
    let _ = serde_json::to_writer(&mut *out, &crate::execute::Output(value));
}
