//! The response of a root field, shaped in one pass from the JSON PostgreSQL built and the field's look-ahead:
//! response keys in document order (aliases, merged duplicates, fragments and `@skip` / `@include` already
//! applied by the look-ahead), `__typename`, and leaf values converted as [`leaf_value`] says. Juniper's
//! per-field executor is not involved below the root field: validation has already guaranteed that every
//! selected field exists, and PostgreSQL never returns NULL for a non-null field (ids, edges, cursors, page info).

use crate::selection::relation_key;
use crate::types::{Kind, Leaf, Shape, TI, leaf_value};
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
    Object(TI, &'j Json, &'p Plan<'a>),
    List(TI, &'j [Json], &'p Plan<'a>),
}

/// Field `name` (answered under response key `key`) of the object `json` of type `ti`, whose sub-selection is
/// `children`. The one place that knows how each output type maps onto PostgreSQL's JSON.
fn part<'j, 'p, 'a>(ti: &TI, json: &'j Json, name: &str, key: &str, children: &'p Plan<'a>) -> Part<'j, 'p, 'a> {
    let get = |k: &str| json.get(k).unwrap_or(&NULL);
    let leaf = |leaf: Leaf, k: &str| Part::Leaf(leaf_value(leaf, get(k)));
    match ti.kind {
        Kind::Connection(i) => match name {
            "edges" => {
                let edges = get("edges").as_array().map(Vec::as_slice).unwrap_or_default();
                Part::List(ti.with(Kind::Edge(i)), edges, children)
            }
            "pageInfo" => Part::Object(ti.with(Kind::PageInfo), get("pageInfo"), children),
            "totalCount" => leaf(Leaf::Int, "totalCount"),
            _ => Part::Leaf(Value::null()),
        },
        Kind::Edge(i) => match name {
            "node" => Part::Object(ti.with(Kind::Node(i)), get("node"), children),
            _ => leaf(Leaf::String, name),
        },
        Kind::PageInfo => leaf(Leaf::String, name),
        Kind::Composite(c) => {
            let kind = c
                .sub_field(name)
                .map(|s| crate::types::sub_leaf(s.kind))
                .unwrap_or(Leaf::String);
            leaf(kind, name)
        }
        Kind::Node(i) => {
            let types = &ti.ws.objects[i];
            let Some(f) = types.by_name.get(name).map(|&n| &types.fields[n]) else {
                return Part::Leaf(Value::null());
            };
            match &f.shape {
                Shape::ToOne {
                    id_column: Some(column),
                    ..
                } if column == name => leaf(Leaf::Id, name),
                Shape::Leaf(l) => leaf(*l, name),
                Shape::Enum { .. } => leaf(Leaf::Json, name),
                Shape::Composite(c) => Part::Object(ti.with(Kind::Composite(*c)), get(name), children),
                // Relations are stored under their response key (aliases may differ per selection).
                Shape::ToOne { target, .. } => {
                    Part::Object(ti.with(Kind::Node(*target)), get(&relation_key(key)), children)
                }
                Shape::ToMany { target, .. } => {
                    Part::Object(ti.with(Kind::Connection(*target)), get(&relation_key(key)), children)
                }
            }
        }
        _ => Part::Leaf(Value::null()),
    }
}

/// A connection always has its parts (an absent one reads as empty); other objects may be null.
fn is_null_object(ti: &TI, json: &Json) -> bool {
    json.is_null() && !matches!(ti.kind, Kind::Connection(_))
}

/// `json` as a value of the output type `ti`, shaped by `plan`.
pub fn object(ti: &TI, json: &Json, plan: &Plan<'_>) -> Value<S> {
    if is_null_object(ti, json) {
        return Value::null();
    }
    let mut out = Object::with_capacity(plan.fields.len());
    for planned in &plan.fields {
        let value = if planned.name == "__typename" {
            Value::scalar(ti.name().to_string())
        } else {
            field(ti, json, planned.name, planned.key, &planned.children)
        };
        out.add_field(planned.key, value);
    }
    Value::object(out)
}

/// Rows of the output type `ti`.
pub fn list(ti: &TI, rows: &[Json], plan: &Plan<'_>) -> Value<S> {
    Value::list(rows.iter().map(|row| object(ti, row, plan)).collect())
}

/// Field `name` (answered under response key `key`) of the object `json` of type `ti`, its sub-selection shaped
/// by `children`.
pub fn field(ti: &TI, json: &Json, name: &str, key: &str, children: &Plan<'_>) -> Value<S> {
    match part(ti, json, name, key, children) {
        Part::Leaf(value) => value,
        Part::Object(ti, json, plan) => object(&ti, json, plan),
        Part::List(ti, rows, plan) => list(&ti, rows, plan),
    }
}

/// Like [`object`], written straight to JSON text: what the response would hold for it, without building
/// juniper's value tree (root fields splice it into the response, see `execute`).
pub fn write_object(ti: &TI, json: &Json, plan: &Plan<'_>, out: &mut Vec<u8>) {
    if is_null_object(ti, json) {
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
            write_str(&ti.name(), out);
            continue;
        }
        match part(ti, json, planned.name, planned.key, &planned.children) {
            Part::Leaf(value) => write_value(&value, out),
            Part::Object(ti, json, plan) => write_object(&ti, json, plan, out),
            Part::List(ti, rows, plan) => write_list(&ti, rows, plan, out),
        }
    }
    out.push(b'}');
}

/// Like [`list`], written straight to JSON text.
pub fn write_list(ti: &TI, rows: &[Json], plan: &Plan<'_>, out: &mut Vec<u8>) {
    out.push(b'[');
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_object(ti, row, plan, out);
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
