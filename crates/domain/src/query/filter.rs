//! The record filter: resolved from the adapters' typed argument tree ([`InputValue`], the same shape for
//! GraphQL and REST) against metadata. The operators a field takes come from the capability table
//! ([`crate::field_type::operator`]). A resolve reports every problem of the filter at once.

use crate::error::{DomainResult, Problems, join_path};
use crate::field_type::{FieldType, Operator, SystemField};
use crate::metadata::{Column, FieldMetadata, ObjectId, ObjectMetadata, RelationStorage, WorkspaceMetadata};
use crate::query::InputValue;
use crate::value::Value;
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

/// The most values an `in`, `containsAny` or `containsAll` list may hold.
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

impl Filter {
    /// Resolves a filter of `object` (`{name: {eq: "Acme"}, or: [...]}`) against metadata.
    pub fn resolve(meta: &WorkspaceMetadata, object: &ObjectMetadata, input: &InputValue) -> DomainResult<Filter> {
        let mut problems = Problems::new();
        let filter = parse_node(meta, object, input, "filter", &mut problems, 0);
        problems.finish(filter.unwrap_or(Filter::And(Vec::new())))
    }

    /// [`Filter::resolve`] of a filter held as JSON (a typed source: its strings stay strings).
    pub fn parse(meta: &WorkspaceMetadata, object: &ObjectMetadata, json: &Json) -> DomainResult<Filter> {
        Filter::resolve(meta, object, &InputValue::from(json))
    }

    /// Whether the filter names `deletedAt` anywhere: then soft-deleted records are not hidden (contract §4.4).
    pub fn mentions_deleted_at(&self) -> bool {
        match self {
            Filter::And(items) | Filter::Or(items) => items.iter().any(Filter::mentions_deleted_at),
            Filter::Not(inner) => inner.mentions_deleted_at(),
            Filter::Compare { column, .. } => SystemField::from_name(&column.name) == Some(SystemField::DeletedAt),
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
    input: &InputValue,
    path: &str,
    problems: &mut Problems,
    depth: usize,
) -> Option<Filter> {
    if depth > MAX_FILTER_DEPTH {
        problems.push(path, "filter is nested too deeply");
        return None;
    }
    let InputValue::Object(entries) = input else {
        problems.push(path, "expected an object");
        return None;
    };
    let mut parts = Vec::new();
    for (key, value) in entries {
        let here = join_path(path, key);
        match key.as_str() {
            "and" | "or" => {
                let InputValue::List(items) = value else {
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
    value: &InputValue,
    path: &str,
    problems: &mut Problems,
    depth: usize,
) -> Option<Filter> {
    if let Some(field) = object.active_field(key) {
        if let Some(composite) = field.composite() {
            let InputValue::Object(subs) = value else {
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
    ops: &InputValue,
    path: &str,
    problems: &mut Problems,
) -> Vec<Filter> {
    let InputValue::Object(ops) = ops else {
        problems.push(path, "expected an object of operators such as {\"eq\": ...}");
        return Vec::new();
    };
    let allowed = as_type.operators(column.kind);
    let mut out = Vec::new();
    for (name, operand) in ops {
        let op_path = join_path(path, name);
        let Some(op) = Operator::from_name(name).filter(|op| allowed.contains(op)) else {
            let names: Vec<&str> = allowed.iter().map(|op| op.name()).collect();
            problems.push(
                &op_path,
                format!(
                    "operator `{name}` is not supported here; use one of {}",
                    names.join(", ")
                ),
            );
            continue;
        };
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

/// The comparison `op` makes with its operand. A new [`Operator`] is a new arm here (the match is exhaustive).
fn parse_comparison(
    field: &FieldMetadata,
    as_type: FieldType,
    column: &Column,
    op: Operator,
    operand: &InputValue,
) -> Result<Comparison, String> {
    let not_an_option = |value: &str| {
        format!(
            "`{value}` is not one of {}",
            field.option_values().collect::<Vec<_>>().join(", ")
        )
    };
    let scalar = |input: &InputValue| -> Result<Value, String> {
        if input.is_null() {
            return Err("must not be null; use `is: NULL`".into());
        }
        let value = input.to_scalar(column.kind)?;
        if as_type.has_options()
            && let Value::Text(s) = &value
            && !field.option_values().any(|o| o == s)
        {
            return Err(not_an_option(s));
        }
        Ok(value)
    };
    let pattern = |input: &InputValue| like_pattern(input.to_text()?);
    let options = |input: &InputValue| -> Result<Vec<String>, String> {
        let InputValue::List(items) = input else {
            return Err("expected a list".into());
        };
        let items = items
            .iter()
            .map(|i| i.as_str().map(str::to_string).ok_or("expected a list of strings"))
            .collect::<Result<Vec<_>, _>>()?;
        check_list_length(items.len())?;
        let bad = items
            .iter()
            .find(|v| as_type.has_options() && !field.option_values().any(|o| o == v.as_str()));
        match bad {
            Some(bad) => Err(not_an_option(bad)),
            None => Ok(items),
        }
    };
    Ok(match op {
        Operator::Eq => Comparison::Eq(scalar(operand)?),
        Operator::Neq => Comparison::Neq(scalar(operand)?),
        Operator::Gt => Comparison::Gt(scalar(operand)?),
        Operator::Gte => Comparison::Gte(scalar(operand)?),
        Operator::Lt => Comparison::Lt(scalar(operand)?),
        Operator::Lte => Comparison::Lte(scalar(operand)?),
        Operator::In => {
            let InputValue::List(items) = operand else {
                return Err("expected a list".into());
            };
            check_list_length(items.len())?;
            Comparison::In(items.iter().map(scalar).collect::<Result<_, _>>()?)
        }
        Operator::Is => match operand.as_str() {
            Some("NULL") => Comparison::IsNull,
            Some("NOT_NULL") => Comparison::IsNotNull,
            _ => return Err("expected NULL or NOT_NULL".into()),
        },
        Operator::Like => Comparison::Like(pattern(operand)?),
        Operator::ILike => Comparison::ILike(pattern(operand)?),
        Operator::StartsWith => Comparison::StartsWith(operand.to_text()?),
        Operator::ContainsAny => Comparison::ContainsAny(options(operand)?),
        Operator::ContainsAll => Comparison::ContainsAll(options(operand)?),
    })
}
