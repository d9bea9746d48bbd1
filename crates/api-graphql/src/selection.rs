//! Look-ahead → domain queries: the whole selection set of a root field becomes one `ConnectionQuery` or
//! `Selection`, so each root field costs one SQL statement.

use crate::output::{Group, by_response_key, merged_children};
use crate::types::{FieldShape, WorkspaceTypes};
use juniper::{DefaultScalarValue as S, LookAheadSelection, LookAheadValue};
use serde_json::{Map, Value as Json};
use twenty_domain::error::{DomainError, DomainResult};
use twenty_domain::metadata::{ObjectMetadata, WorkspaceMetadata};
use twenty_domain::query::{ConnectionQuery, Cursors, InputValue, PageArgs, ReadLimits, Selection};

/// The JSON key of a relation selected under response key `key`. Scalars are stored under their field name, so
/// relations get a prefix no field name can have: an alias such as `id: company { id }` cannot clash.
pub fn relation_key(key: &str) -> String {
    format!("@{key}")
}

/// Connections may nest two deep (`companies { people }`), not three (contract §4.6).
pub const MAX_CONNECTION_DEPTH: usize = 2;

pub fn to_json(value: &LookAheadValue<'_, S>) -> Json {
    match value {
        LookAheadValue::Null => Json::Null,
        LookAheadValue::Scalar(s) => match s {
            S::Int(i) => Json::from(*i),
            S::Float(f) => serde_json::Number::from_f64(*f).map(Json::Number).unwrap_or(Json::Null),
            S::String(s) => Json::String(s.clone()),
            S::Boolean(b) => Json::Bool(*b),
        },
        LookAheadValue::Enum(e) => Json::String((*e).to_string()),
        LookAheadValue::List(list) => Json::Array(list.iter().map(|item| to_json(&item.item)).collect()),
        LookAheadValue::Object(object) => {
            let mut map = Map::new();
            for (key, value) in object.iter() {
                map.insert(key.item.to_string(), to_json(&value.item));
            }
            Json::Object(map)
        }
    }
}

/// A filter or order argument as the domain's typed argument tree: GraphQL values are typed, so strings stay
/// strings (enum literals such as `NULL` or `AscNullsFirst` read as their names).
pub fn to_input(value: &LookAheadValue<'_, S>) -> InputValue {
    match value {
        LookAheadValue::Null => InputValue::Null,
        LookAheadValue::Scalar(s) => match s {
            S::Int(i) => InputValue::Int(i64::from(*i)),
            S::Float(f) => InputValue::Float(*f),
            S::String(s) => InputValue::String(s.clone()),
            S::Boolean(b) => InputValue::Boolean(*b),
        },
        LookAheadValue::Enum(e) => InputValue::String((*e).to_string()),
        LookAheadValue::List(list) => InputValue::List(list.iter().map(|item| to_input(&item.item)).collect()),
        LookAheadValue::Object(object) => InputValue::Object(
            object
                .iter()
                .map(|(key, value)| (key.item.to_string(), to_input(&value.item)))
                .collect(),
        ),
    }
}

/// A filter or order argument; `None` when absent or null.
pub fn input_argument(field: &LookAheadSelection<'_, S>, name: &str) -> Option<InputValue> {
    field
        .argument(name)
        .map(|a| to_input(&a.value()))
        .filter(|v| !v.is_null())
}

/// An argument as JSON (record data); `None` when absent or null.
pub fn argument(field: &LookAheadSelection<'_, S>, name: &str) -> Option<Json> {
    field
        .argument(name)
        .map(|a| to_json(&a.value()))
        .filter(|v| !v.is_null())
}

fn int_argument(field: &LookAheadSelection<'_, S>, name: &str) -> Option<i64> {
    argument(field, name).and_then(|v| v.as_i64())
}

fn string_argument(field: &LookAheadSelection<'_, S>, name: &str) -> Option<String> {
    argument(field, name).and_then(|v| v.as_str().map(str::to_string))
}

/// Object `index` of a schema, as the request's workspace has it. Workspaces with the same data model share one
/// schema, so ids, tables and columns always come from the request's own metadata, found by name.
pub fn object_in<'m>(
    meta: &'m WorkspaceMetadata,
    ws: &WorkspaceTypes,
    index: usize,
) -> DomainResult<&'m ObjectMetadata> {
    meta.object_by_singular(&ws.objects[index].object.name_singular)
        .ok_or_else(|| DomainError::not_found("object"))
}

/// The record selection of object `index` from the selections made on its node type.
pub fn node_selection(
    ws: &WorkspaceTypes,
    meta: &WorkspaceMetadata,
    index: usize,
    children: Vec<LookAheadSelection<'_, S>>,
    connection_depth: usize,
    limits: ReadLimits,
) -> DomainResult<Selection> {
    let types = &ws.objects[index];
    let object = object_in(meta, ws, index)?;
    let mut selection = Selection::new();
    // `id` is always read: cheap, and it keeps every node non-empty.
    selection.select_field(object, "id")?;
    for Group { key, fields: group } in by_response_key(children) {
        let name = group[0].field_original_name();
        if name.starts_with("__") {
            continue;
        }
        let Some(field) = types.by_name.get(name).map(|&i| &types.fields[i]) else {
            continue;
        };
        selection = match &field.shape {
            FieldShape::ToOne { target, .. } if field.name == name => {
                let nested = node_selection(ws, meta, *target, merged_children(&group), connection_depth, limits)?;
                selection.to_one(object, name, &relation_key(key), nested)?
            }
            FieldShape::ToMany { target, .. } => {
                let connection = connection_query(ws, meta, *target, &group, connection_depth + 1, limits)?;
                selection.to_many(object, name, &relation_key(key), connection)?
            }
            _ => {
                selection.select_field(object, name)?;
                selection
            }
        };
    }
    Ok(selection)
}

/// The query of a connection field (root list or to-many relation); `depth` counts connections from the root.
pub fn connection_query(
    ws: &WorkspaceTypes,
    meta: &WorkspaceMetadata,
    index: usize,
    group: &[LookAheadSelection<'_, S>],
    depth: usize,
    limits: ReadLimits,
) -> DomainResult<ConnectionQuery> {
    if depth > MAX_CONNECTION_DEPTH {
        return Err(DomainError::validation(
            "Query too complex: a connection nested inside a connection nested inside a connection is not allowed",
        ));
    }
    let field = &group[0];
    let object = object_in(meta, ws, index)?;
    let page = PageArgs {
        first: int_argument(field, "first"),
        last: int_argument(field, "last"),
        after: string_argument(field, "after"),
        before: string_argument(field, "before"),
    };
    let query = ConnectionQuery::from_input(
        meta,
        object,
        input_argument(field, "filter").as_ref(),
        input_argument(field, "orderBy").as_ref(),
        &page,
        limits,
    )?;
    let children = merged_children(group);
    let total_count = children.iter().any(|c| c.field_original_name() == "totalCount");
    let edges = || children.iter().filter(|c| c.field_original_name() == "edges");
    let page_infos = || children.iter().filter(|c| c.field_original_name() == "pageInfo");
    let page_info = page_infos().next().is_some();
    let cursors = if edges().any(|e| e.children().iter().any(|c| c.field_original_name() == "cursor")) {
        Cursors::Every
    } else if page_infos().any(|p| {
        p.children()
            .iter()
            .any(|c| matches!(c.field_original_name(), "startCursor" | "endCursor"))
    }) {
        Cursors::Ends
    } else {
        Cursors::None
    };
    let node_children: Vec<LookAheadSelection<'_, S>> = children
        .iter()
        .filter(|c| c.field_original_name() == "edges")
        .flat_map(|edges| edges.children().iter().copied().collect::<Vec<_>>())
        .filter(|c| c.field_original_name() == "node")
        .flat_map(|node| node.children().iter().copied().collect::<Vec<_>>())
        .collect();
    let node = node_selection(ws, meta, index, node_children, depth, limits)?;
    Ok(query
        .with_node(node)
        .with_total_count(total_count)
        .with_parts(cursors, page_info))
}
