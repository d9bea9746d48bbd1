//! Limits checked on the document before anything executes (contract §4.6): depth (introspection fields do not
//! count) and the number of root fields. The nesting of connections is checked while building the queries. The
//! operation a document runs is chosen here once for the limits, the cost plan (`chosen_operation`) and the access
//! log ([`OperationInfo`]).

use juniper::{DefaultScalarValue as S, Definition, Operation, OperationType, Selection};
use std::collections::HashMap;
use std::sync::Arc;

pub const MAX_DEPTH: usize = 10;
pub const MAX_ROOT_FIELDS: usize = 20;

/// The fragments of a document, by name.
pub(crate) type Fragments<'d, 'a> = HashMap<&'a str, &'d [Selection<'a, S>]>;

/// The operation `operation_name` of a document (the only one when no name is given); `None` when no operation can
/// be chosen (juniper reports that).
pub(crate) fn find_operation<'d, 'a>(
    document: &'d [Definition<'a, S>],
    operation_name: Option<&str>,
) -> Option<&'d Operation<'a, S>> {
    let mut operations = document.iter().filter_map(|d| match d {
        Definition::Operation(o) => Some(&o.item),
        Definition::Fragment(_) => None,
    });
    match operation_name {
        Some(name) => operations.find(|o| o.name.as_ref().is_some_and(|n| n.item == name)),
        None => {
            let only = operations.next();
            operations.next().is_none().then_some(only).flatten()
        }
    }
}

/// The selections of the chosen operation ([`find_operation`]) and the document's fragments.
pub(crate) fn chosen_operation<'d, 'a>(
    document: &'d [Definition<'a, S>],
    operation_name: Option<&str>,
) -> Option<(&'d [Selection<'a, S>], Fragments<'d, 'a>)> {
    let operation = find_operation(document, operation_name)?;
    let fragments: Fragments<'_, '_> = document
        .iter()
        .filter_map(|d| match d {
            Definition::Fragment(f) => Some((f.item.name.item, f.item.selection_set.as_slice())),
            Definition::Operation(_) => None,
        })
        .collect();
    Some((operation.selection_set.as_slice(), fragments))
}

/// What the access log says of the operation a request runs: its name and its type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperationInfo {
    /// The operation's name in the document, else the request's `operationName`.
    pub name: Option<Arc<str>>,
    /// `query`, `mutation` or `subscription`; `None` when the document does not parse or names no operation.
    pub kind: Option<&'static str>,
}

impl OperationInfo {
    /// The chosen operation of a parsed document; `requested` is the request's `operationName`.
    pub fn of(document: &[Definition<'_, S>], requested: Option<&str>) -> OperationInfo {
        match find_operation(document, requested) {
            Some(operation) => OperationInfo {
                // Chosen by the requested name when there is one, so it is that name.
                name: operation.name.as_ref().map(|n| Arc::from(n.item)),
                kind: Some(match operation.operation_type {
                    OperationType::Query => "query",
                    OperationType::Mutation => "mutation",
                    OperationType::Subscription => "subscription",
                }),
            },
            None => OperationInfo::requested(requested),
        }
    }

    /// Only what the request says: its `operationName` (a document that does not parse).
    pub fn requested(requested: Option<&str>) -> OperationInfo {
        OperationInfo {
            name: requested.map(Arc::from),
            kind: None,
        }
    }
}

/// `Err(message)` when the chosen operation breaks a limit. Documents that do not parse or whose operation
/// cannot be chosen pass, so that juniper reports them.
pub fn check(document: &[Definition<'_, S>], operation_name: Option<&str>) -> Result<(), String> {
    let Some((selections, fragments)) = chosen_operation(document, operation_name) else {
        return Ok(());
    };
    let roots = root_fields(selections, &fragments, &mut Vec::new());
    if roots > MAX_ROOT_FIELDS {
        return Err(format!(
            "Query has {roots} root fields; at most {MAX_ROOT_FIELDS} are allowed"
        ));
    }
    let depth = depth(selections, &fragments, &mut Vec::new());
    if depth > MAX_DEPTH {
        return Err(format!("Query is {depth} levels deep; at most {MAX_DEPTH} are allowed"));
    }
    Ok(())
}

/// `measure` of the fragment `name`'s selections; 0 for an unknown fragment or one already being expanded on this
/// path (a cycle, which validation reports).
fn expand<'a>(
    name: &'a str,
    fragments: &Fragments<'_, 'a>,
    seen: &mut Vec<&'a str>,
    measure: impl FnOnce(&[Selection<'a, S>], &mut Vec<&'a str>) -> usize,
) -> usize {
    match fragments.get(name) {
        Some(set) if !seen.contains(&name) => {
            seen.push(name);
            let n = measure(set, seen);
            seen.pop();
            n
        }
        _ => 0,
    }
}

fn root_fields<'a>(selections: &[Selection<'a, S>], fragments: &Fragments<'_, 'a>, seen: &mut Vec<&'a str>) -> usize {
    selections
        .iter()
        .map(|s| match s {
            Selection::Field(f) => usize::from(!f.item.name.item.starts_with("__")),
            Selection::InlineFragment(i) => root_fields(&i.item.selection_set, fragments, seen),
            Selection::FragmentSpread(spread) => expand(spread.item.name.item, fragments, seen, |set, seen| {
                root_fields(set, fragments, seen)
            }),
        })
        .sum()
}

/// Nesting depth of fields, fragments expanded; `__schema` / `__type` subtrees do not count.
fn depth<'a>(selections: &[Selection<'a, S>], fragments: &Fragments<'_, 'a>, seen: &mut Vec<&'a str>) -> usize {
    selections
        .iter()
        .map(|s| match s {
            Selection::Field(f) if f.item.name.item.starts_with("__") => 0,
            Selection::Field(f) => {
                1 + f
                    .item
                    .selection_set
                    .as_deref()
                    .map(|set| depth(set, fragments, seen))
                    .unwrap_or(0)
            }
            Selection::InlineFragment(i) => depth(&i.item.selection_set, fragments, seen),
            Selection::FragmentSpread(spread) => expand(spread.item.name.item, fragments, seen, |set, seen| {
                depth(set, fragments, seen)
            }),
        })
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(query: &str, requested: Option<&str>) -> OperationInfo {
        let schema = crate::metadata::metadata_schema();
        let document = juniper::parser::parse_document_source::<S>(query, &schema.schema).unwrap_or_default();
        OperationInfo::of(&document, requested)
    }

    #[test]
    fn the_operation_is_named_by_the_document_else_by_the_request() {
        let named = info("mutation Rename { __typename }", None);
        assert_eq!((named.name.as_deref(), named.kind), (Some("Rename"), Some("mutation")));
        let anonymous = info("{ __typename }", None);
        assert_eq!((anonymous.name.as_deref(), anonymous.kind), (None, Some("query")));
        // A name the document does not have: no operation runs (juniper says so); the request's name is kept.
        assert_eq!(
            info("{ __typename }", Some("Asked")),
            OperationInfo::requested(Some("Asked"))
        );
        let chosen = info("query A { __typename } mutation B { __typename }", Some("B"));
        assert_eq!((chosen.name.as_deref(), chosen.kind), (Some("B"), Some("mutation")));
        // Two operations and no name: none is chosen; only the request's name is known.
        let ambiguous = info("query A { __typename } query B { __typename }", None);
        assert_eq!(ambiguous, OperationInfo::default());
        assert_eq!(info("{ oops", Some("Broken")), OperationInfo::requested(Some("Broken")));
    }
}
