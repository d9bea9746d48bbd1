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

/// `json` as a value of the output type `ti`, shaped by `plan`.
pub fn object(ti: &TI, json: &Json, plan: &Plan<'_>) -> Value<S> {
    // A connection always has its parts (an absent one reads as empty); other objects may be null.
    if json.is_null() && !matches!(ti.kind, Kind::Connection(_)) {
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
    let get = |k: &str| json.get(k).unwrap_or(&NULL);
    match ti.kind {
        Kind::Connection(i) => match name {
            "edges" => {
                let edges = get("edges").as_array().map(Vec::as_slice).unwrap_or_default();
                list(&ti.with(Kind::Edge(i)), edges, children)
            }
            "pageInfo" => object(&ti.with(Kind::PageInfo), get("pageInfo"), children),
            "totalCount" => leaf_value(Leaf::Int, get("totalCount")),
            _ => Value::null(),
        },
        Kind::Edge(i) => match name {
            "node" => object(&ti.with(Kind::Node(i)), get("node"), children),
            _ => leaf_value(Leaf::String, get(name)),
        },
        Kind::PageInfo => leaf_value(Leaf::String, get(name)),
        Kind::Composite(c) => {
            let kind = c
                .sub_field(name)
                .map(|s| crate::types::sub_leaf(s.kind))
                .unwrap_or(Leaf::String);
            leaf_value(kind, get(name))
        }
        Kind::Node(i) => {
            let types = &ti.ws.objects[i];
            let Some(f) = types.by_name.get(name).map(|&n| &types.fields[n]) else {
                return Value::null();
            };
            match &f.shape {
                Shape::ToOne {
                    id_column: Some(column),
                    ..
                } if column == name => leaf_value(Leaf::Id, get(name)),
                Shape::Leaf(leaf) => leaf_value(*leaf, get(name)),
                Shape::Enum { .. } => leaf_value(Leaf::Json, get(name)),
                Shape::Composite(c) => object(&ti.with(Kind::Composite(*c)), get(name), children),
                // Relations are stored under their response key (aliases may differ per selection).
                Shape::ToOne { target, .. } => object(&ti.with(Kind::Node(*target)), get(&relation_key(key)), children),
                Shape::ToMany { target, .. } => {
                    object(&ti.with(Kind::Connection(*target)), get(&relation_key(key)), children)
                }
            }
        }
        _ => Value::null(),
    }
}
