//! Record ordering: a list of terms applied in order, always ending with `id` as the tie-breaker.

use crate::error::{DomainResult, Problems, join_path};
use crate::field_type::{ScalarKind, SystemField, orderable};
use crate::metadata::{Column, ObjectMetadata};
use crate::query::InputValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortDirection {
    Asc,
    Desc,
}

/// One sort key with its direction and where NULLs go.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderTerm {
    pub column: Column,
    pub direction: SortDirection,
    pub nulls_first: bool,
}

impl OrderTerm {
    fn id() -> Self {
        OrderTerm {
            column: Column {
                name: "id".into(),
                kind: ScalarKind::Uuid,
                field: "id".into(),
                sub_field: None,
            },
            direction: SortDirection::Asc,
            nulls_first: true,
        }
    }

    /// The same term in the opposite order (backward paging reads the reversed order).
    pub fn reversed(&self) -> Self {
        OrderTerm {
            column: self.column.clone(),
            direction: match self.direction {
                SortDirection::Asc => SortDirection::Desc,
                SortDirection::Desc => SortDirection::Asc,
            },
            nulls_first: !self.nulls_first,
        }
    }
}

/// Parses `OrderByDirection` values: `Asc`, `Desc`, `AscNullsFirst`, `AscNullsLast`, `DescNullsFirst`,
/// `DescNullsLast` (and the REST spellings `asc`/`desc`). `Asc` = `AscNullsFirst`, `Desc` = `DescNullsLast`.
pub fn parse_direction(s: &str) -> Option<(SortDirection, bool)> {
    Some(match s {
        "Asc" | "asc" | "ASC" | "AscNullsFirst" => (SortDirection::Asc, true),
        "AscNullsLast" => (SortDirection::Asc, false),
        "Desc" | "desc" | "DESC" | "DescNullsLast" => (SortDirection::Desc, false),
        "DescNullsFirst" => (SortDirection::Desc, true),
        _ => return None,
    })
}

pub const DIRECTIONS: &str = "Asc, Desc, AscNullsFirst, AscNullsLast, DescNullsFirst, DescNullsLast";

/// The ordering of a list: the client's terms (a list of one-key objects, or one object whose keys are in
/// priority order; at most `max_keys` of them), then `id`. With no terms: `position`, then `id`.
pub fn parse_order(
    object: &ObjectMetadata,
    input: Option<&InputValue>,
    max_keys: usize,
) -> DomainResult<Vec<OrderTerm>> {
    let mut problems = Problems::new();
    let mut terms = Vec::new();
    match input {
        None | Some(InputValue::Null) => {}
        Some(InputValue::List(items)) => {
            // Null items are ignored (Twenty's clients declare `[…OrderByInput]`).
            for (i, item) in items.iter().enumerate().filter(|(_, item)| !item.is_null()) {
                parse_order_object(object, item, &format!("orderBy[{i}]"), &mut terms, &mut problems);
            }
        }
        Some(item @ InputValue::Object(_)) => parse_order_object(object, item, "orderBy", &mut terms, &mut problems),
        Some(_) => problems.push("orderBy", "expected a list of {field: direction} objects"),
    }
    if terms.len() > max_keys {
        problems.push(
            "orderBy",
            format!("at most {max_keys} order keys are allowed, got {}", terms.len()),
        );
    }
    problems.finish(())?;
    Ok(finish_order(object, terms))
}

/// Adds the default and the `id` tie-breaker; drops anything after `id`, which is unique.
pub fn finish_order(object: &ObjectMetadata, mut terms: Vec<OrderTerm>) -> Vec<OrderTerm> {
    if terms.is_empty()
        && let Some(position) = object
            .field(SystemField::Position.name())
            .and_then(|f| f.columns().into_iter().next())
    {
        terms.push(OrderTerm {
            column: position,
            direction: SortDirection::Asc,
            nulls_first: true,
        });
    }
    if let Some(i) = terms.iter().position(|t| t.column.name == SystemField::Id.name()) {
        terms.truncate(i + 1);
    } else {
        terms.push(OrderTerm::id());
    }
    terms
}

fn parse_order_object(
    object: &ObjectMetadata,
    input: &InputValue,
    path: &str,
    terms: &mut Vec<OrderTerm>,
    problems: &mut Problems,
) {
    let InputValue::Object(map) = input else {
        problems.push(path, "expected an object such as {\"createdAt\": \"DescNullsLast\"}");
        return;
    };
    for (key, value) in map {
        let here = join_path(path, key);
        let field = object.active_field(key).or_else(|| object.relation_by_id_column(key));
        let Some(field) = field else {
            problems.push(&here, format!("unknown field `{key}` on {}", object.name_singular));
            continue;
        };
        let columns = field.columns();
        let chosen: Vec<(Column, &InputValue, String)> = match (field.composite(), value) {
            (Some(_), InputValue::Object(subs)) => subs
                .iter()
                .filter_map(|(sub, dir)| {
                    let column = columns.iter().find(|c| c.sub_field == Some(sub.as_str())).cloned();
                    if column.is_none() {
                        problems.push(join_path(&here, sub), "unknown sub-field");
                    }
                    column.map(|c| (c, dir, join_path(&here, sub)))
                })
                .collect(),
            (Some(_), _) => {
                problems.push(&here, "expected an object of sub-field directions");
                continue;
            }
            (None, _) if field.is_to_many() || (field.relation.is_some() && key == &field.name) => {
                problems.push(&here, "ordering by a relation is not supported");
                continue;
            }
            (None, dir) => match columns.into_iter().next() {
                Some(c) => vec![(c, dir, here.clone())],
                None => continue,
            },
        };
        for (column, dir, dir_path) in chosen {
            if !orderable(column.kind) {
                problems.push(&dir_path, "this field cannot be sorted");
                continue;
            }
            match dir.as_str().and_then(parse_direction) {
                Some((direction, nulls_first)) => terms.push(OrderTerm {
                    column,
                    direction,
                    nulls_first,
                }),
                None => problems.push(&dir_path, format!("expected one of {DIRECTIONS}")),
            }
        }
    }
}
