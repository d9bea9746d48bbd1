//! Limits checked on the document before anything executes (contract §4.6): depth (introspection fields do not
//! count) and the number of root fields. The nesting of connections is checked while building the queries. The
//! operation a document runs is chosen here once for the limits and the cost plan (`chosen_operation`).

use juniper::{DefaultScalarValue as S, Definition, Selection};
use std::collections::HashMap;

pub const MAX_DEPTH: usize = 10;
pub const MAX_ROOT_FIELDS: usize = 20;

/// The fragments of a document, by name.
pub(crate) type Fragments<'d, 'a> = HashMap<&'a str, &'d [Selection<'a, S>]>;

/// The selections of the operation `operation_name` (the only one when no name is given) and the document's
/// fragments; `None` when no operation can be chosen (juniper reports that).
pub(crate) fn chosen_operation<'d, 'a>(
    document: &'d [Definition<'a, S>],
    operation_name: Option<&str>,
) -> Option<(&'d [Selection<'a, S>], Fragments<'d, 'a>)> {
    let mut fragments: Fragments<'_, '_> = HashMap::new();
    let mut operations = Vec::new();
    for definition in document {
        match definition {
            Definition::Fragment(f) => {
                fragments.insert(f.item.name.item, f.item.selection_set.as_slice());
            }
            Definition::Operation(o) => operations.push(&o.item),
        }
    }
    let operation = match operation_name {
        Some(name) => operations
            .into_iter()
            .find(|o| o.name.as_ref().is_some_and(|n| n.item == name)),
        None if operations.len() == 1 => operations.into_iter().next(),
        None => None,
    }?;
    Some((operation.selection_set.as_slice(), fragments))
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
