//! The record filter: parsed from the API's JSON shape (shared by GraphQL and REST) and validated against
//! metadata. A parse reports every problem of the filter at once.

use crate::error::{DomainResult, Problems, join_path};
use crate::field_type::{FieldType, ScalarKind};
use crate::metadata::{Column, FieldMetadata, ObjectId, ObjectMetadata, RelationStorage, WorkspaceMetadata};
use crate::value::{Value, parse_scalar};
use serde_json::Value as Json;

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
    Compare {
        column: Column,
        op: Comparison,
    },
    /// A condition on the record a MANY_TO_ONE (or owning ONE_TO_ONE) relation points at:
    /// `company: {name: {eq: "Acme"}}`.
    Related {
        field: String,
        join_column: String,
        target_object: ObjectId,
        filter: Box<Filter>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Comparison {
    Eq(Value),
    Neq(Value),
    In(Vec<Value>),
    IsNull,
    IsNotNull,
    Gt(Value),
    Gte(Value),
    Lt(Value),
    Lte(Value),
    Like(String),
    ILike(String),
    StartsWith(String),
    ContainsAny(Vec<String>),
    ContainsAll(Vec<String>),
}

/// The most values an `in`, `containsAny` or `containsAll` list may hold (each is a bind parameter).
pub const MAX_LIST_VALUES: usize = 1000;

fn check_list_length(len: usize) -> Result<(), String> {
    if len > MAX_LIST_VALUES {
        return Err(format!("at most {MAX_LIST_VALUES} values are allowed"));
    }
    Ok(())
}

/// In LIKE patterns `\` escapes the next character; a pattern ending in an unescaped one is malformed.
fn like_pattern(pattern: String) -> Result<String, String> {
    let trailing = pattern.chars().rev().take_while(|c| *c == '\\').count();
    if trailing % 2 == 1 {
        return Err("a pattern must not end with an unescaped backslash (write \\\\ for a literal one)".into());
    }
    Ok(pattern)
}

/// The operators each kind of field accepts (contract §4.4).
fn allowed_operators(field_type: FieldType, kind: ScalarKind) -> &'static [&'static str] {
    const TEXT: &[&str] = &[
        "eq",
        "neq",
        "in",
        "is",
        "gt",
        "gte",
        "lt",
        "lte",
        "like",
        "ilike",
        "startsWith",
    ];
    const ORDERED: &[&str] = &["eq", "neq", "in", "is", "gt", "gte", "lt", "lte"];
    const EQUALITY: &[&str] = &["eq", "neq", "in", "is"];
    match (field_type, kind) {
        (FieldType::MultiSelect, _) => &["containsAny", "containsAll", "is"],
        (FieldType::Select | FieldType::Rating, _) => EQUALITY,
        (FieldType::Boolean, _) => &["eq", "neq", "is"],
        (FieldType::Json, _) => &["is"],
        (_, ScalarKind::Uuid) => EQUALITY,
        (_, ScalarKind::Text) => TEXT,
        _ => ORDERED,
    }
}

impl Filter {
    /// Parses a filter of `object` from its JSON form (`{"name": {"eq": "Acme"}, "or": [...]}`).
    pub fn parse(meta: &WorkspaceMetadata, object: &ObjectMetadata, json: &Json) -> DomainResult<Filter> {
        let mut problems = Problems::new();
        let filter = parse_node(meta, object, json, "filter", &mut problems, 0);
        problems.finish(filter.unwrap_or(Filter::And(Vec::new())))
    }

    /// Whether the filter names `deletedAt` anywhere: then soft-deleted records are not hidden (contract §4.4).
    pub fn mentions_deleted_at(&self) -> bool {
        match self {
            Filter::And(items) | Filter::Or(items) => items.iter().any(Filter::mentions_deleted_at),
            Filter::Not(inner) => inner.mentions_deleted_at(),
            Filter::Compare { column, .. } => column.name == "deletedAt",
            Filter::Related { .. } => false,
        }
    }

    /// An empty `and` matches everything; bulk mutations refuse it.
    pub fn is_empty(&self) -> bool {
        matches!(self, Filter::And(items) if items.iter().all(Filter::is_empty))
    }
}

const MAX_FILTER_DEPTH: usize = 32;

fn parse_node(
    meta: &WorkspaceMetadata,
    object: &ObjectMetadata,
    json: &Json,
    path: &str,
    problems: &mut Problems,
    depth: usize,
) -> Option<Filter> {
    if depth > MAX_FILTER_DEPTH {
        problems.push(path, "filter is nested too deeply");
        return None;
    }
    let Json::Object(map) = json else {
        problems.push(path, "expected an object");
        return None;
    };
    let mut parts = Vec::new();
    for (key, value) in map {
        let here = join_path(path, key);
        match key.as_str() {
            "and" | "or" => {
                let Json::Array(items) = value else {
                    problems.push(&here, "expected a list of filters");
                    continue;
                };
                let children: Vec<Filter> = items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, item)| {
                        parse_node(meta, object, item, &format!("{here}[{i}]"), problems, depth + 1)
                    })
                    .collect();
                parts.push(if key == "and" {
                    Filter::And(children)
                } else {
                    Filter::Or(children)
                });
            }
            "not" => {
                if let Some(inner) = parse_node(meta, object, value, &here, problems, depth + 1) {
                    parts.push(Filter::Not(Box::new(inner)));
                }
            }
            _ => {
                if let Some(f) = parse_field_condition(meta, object, key, value, &here, problems, depth) {
                    parts.push(f);
                }
            }
        }
    }
    Some(if parts.len() == 1 {
        parts.remove(0)
    } else {
        Filter::And(parts)
    })
}

fn parse_field_condition(
    meta: &WorkspaceMetadata,
    object: &ObjectMetadata,
    key: &str,
    value: &Json,
    path: &str,
    problems: &mut Problems,
    depth: usize,
) -> Option<Filter> {
    if let Some(field) = object.active_field(key) {
        if let Some(composite) = field.composite() {
            let Json::Object(subs) = value else {
                problems.push(path, "expected an object of sub-field conditions");
                return None;
            };
            let mut parts = Vec::new();
            for (sub_name, ops) in subs {
                let sub_path = join_path(path, sub_name);
                let Some(sub) = composite.sub_field(sub_name) else {
                    problems.push(&sub_path, format!("unknown sub-field of {}", composite.type_name()));
                    continue;
                };
                let column = field.columns().into_iter().find(|c| c.sub_field == Some(sub.name))?;
                parts.extend(parse_operators(field, sub.as_type, column, ops, &sub_path, problems));
            }
            return Some(Filter::And(parts));
        }
        if let Some(link) = &field.relation {
            return match (&link.storage, meta.object(link.target_object_id)) {
                (RelationStorage::OwnColumn { column }, Some(target)) => {
                    let inner = parse_node(meta, target, value, path, problems, depth + 1)?;
                    Some(Filter::Related {
                        field: field.name.clone(),
                        join_column: column.clone(),
                        target_object: target.id,
                        filter: Box::new(inner),
                    })
                }
                _ => {
                    problems.push(path, "filtering through a to-many relation is not supported");
                    None
                }
            };
        }
        let column = field.columns().into_iter().next()?;
        return Some(Filter::And(parse_operators(
            field,
            field.field_type,
            column,
            value,
            path,
            problems,
        )));
    }
    if let Some(relation) = object.relation_by_id_column(key) {
        let column = relation.columns().into_iter().next()?;
        return Some(Filter::And(parse_operators(
            relation,
            FieldType::Uuid,
            column,
            value,
            path,
            problems,
        )));
    }
    problems.push(path, format!("unknown field `{key}` on {}", object.name_singular));
    None
}

fn parse_operators(
    field: &FieldMetadata,
    as_type: FieldType,
    column: Column,
    ops: &Json,
    path: &str,
    problems: &mut Problems,
) -> Vec<Filter> {
    let Json::Object(ops) = ops else {
        problems.push(path, "expected an object of operators such as {\"eq\": ...}");
        return Vec::new();
    };
    let allowed = allowed_operators(as_type, column.kind);
    let mut out = Vec::new();
    for (op, operand) in ops {
        let op_path = join_path(path, op);
        if !allowed.contains(&op.as_str()) {
            problems.push(
                &op_path,
                format!(
                    "operator `{op}` is not supported here; use one of {}",
                    allowed.join(", ")
                ),
            );
            continue;
        }
        match parse_comparison(field, as_type, &column, op, operand) {
            Ok(c) => out.push(Filter::Compare {
                column: column.clone(),
                op: c,
            }),
            Err(msg) => problems.push(&op_path, msg),
        }
    }
    out
}

fn parse_comparison(
    field: &FieldMetadata,
    as_type: FieldType,
    column: &Column,
    op: &str,
    operand: &Json,
) -> Result<Comparison, String> {
    let scalar = |json: &Json| -> Result<Value, String> {
        if json.is_null() {
            return Err("must not be null; use `is: NULL`".into());
        }
        let value = parse_scalar(column.kind, json)?;
        if matches!(as_type, FieldType::Select | FieldType::Rating)
            && let Value::Text(s) = &value
            && !field.option_values().any(|o| o == s)
        {
            return Err(format!(
                "`{s}` is not one of {}",
                field.option_values().collect::<Vec<_>>().join(", ")
            ));
        }
        Ok(value)
    };
    let text = |json: &Json| match json.as_str() {
        Some(s) if s.contains('\0') => Err(crate::value::NUL_MESSAGE.to_string()),
        Some(s) => Ok(s.to_string()),
        None => Err("expected a string".to_string()),
    };
    let string_list = |json: &Json| -> Result<Vec<String>, String> {
        let Json::Array(items) = json else {
            return Err("expected a list".into());
        };
        items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| "expected a list of strings".into())
            })
            .collect()
    };
    Ok(match op {
        "eq" => Comparison::Eq(scalar(operand)?),
        "neq" => Comparison::Neq(scalar(operand)?),
        "gt" => Comparison::Gt(scalar(operand)?),
        "gte" => Comparison::Gte(scalar(operand)?),
        "lt" => Comparison::Lt(scalar(operand)?),
        "lte" => Comparison::Lte(scalar(operand)?),
        "in" => {
            let Json::Array(items) = operand else {
                return Err("expected a list".into());
            };
            check_list_length(items.len())?;
            Comparison::In(items.iter().map(scalar).collect::<Result<_, _>>()?)
        }
        "is" => match operand.as_str() {
            Some("NULL") => Comparison::IsNull,
            Some("NOT_NULL") => Comparison::IsNotNull,
            _ => return Err("expected NULL or NOT_NULL".into()),
        },
        "like" => Comparison::Like(like_pattern(text(operand)?)?),
        "ilike" => Comparison::ILike(like_pattern(text(operand)?)?),
        "startsWith" => Comparison::StartsWith(text(operand)?),
        "containsAny" | "containsAll" => {
            let items = string_list(operand)?;
            check_list_length(items.len())?;
            if let Some(bad) = items.iter().find(|v| !field.option_values().any(|o| o == v.as_str())) {
                return Err(format!(
                    "`{bad}` is not one of {}",
                    field.option_values().collect::<Vec<_>>().join(", ")
                ));
            }
            if op == "containsAny" {
                Comparison::ContainsAny(items)
            } else {
                Comparison::ContainsAll(items)
            }
        }
        other => return Err(format!("unknown operator `{other}`")),
    })
}
