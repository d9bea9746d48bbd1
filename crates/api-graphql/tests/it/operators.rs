//! The filter inputs of the generated SDL against the domain's operator table: every leaf, enum and composite
//! filter input has exactly the operators (or sub-fields) the table gives the fields that use it, so the two can
//! never drift.

use crate::fixture;
use std::collections::{BTreeMap, BTreeSet};
use twenty_api_graphql::build_schema;
use twenty_domain::field_type::{Operator, ScalarKind, operators_of_kind};

/// Every `input` block of an SDL: its name → its fields (name, type), in order.
fn input_types(sdl: &str) -> BTreeMap<String, Vec<(String, String)>> {
    let mut inputs = BTreeMap::new();
    let mut current: Option<(String, Vec<(String, String)>)> = None;
    for line in sdl.lines() {
        if let Some(name) = line.strip_prefix("input ").and_then(|l| l.strip_suffix(" {")) {
            current = Some((name.to_string(), Vec::new()));
        } else if line == "}" {
            if let Some((name, fields)) = current.take() {
                inputs.insert(name, fields);
            }
        } else if let Some((_, fields)) = current.as_mut() {
            let (field, type_name) = line.trim().split_once(": ").unwrap();
            fields.push((field.to_string(), type_name.to_string()));
        }
    }
    inputs
}

fn names(operators: &[Operator]) -> Vec<String> {
    operators.iter().map(|op| op.name().to_string()).collect()
}

#[test]
fn every_filter_input_has_exactly_the_operators_of_the_table() {
    let meta = fixture::workspace();
    let inputs = input_types(&build_schema(meta.clone()).unwrap().as_sdl());
    let fields_of = |type_name: &str| -> Vec<String> {
        let fields = inputs.get(type_name).unwrap_or_else(|| panic!("no input {type_name}"));
        fields.iter().map(|(name, _)| name.clone()).collect()
    };
    let mut checked = BTreeSet::new();
    let mut check = |type_name: &str, expected: Vec<String>, field: &str| {
        assert_eq!(fields_of(type_name), expected, "{type_name} (the filter of `{field}`)");
        checked.insert(type_name.to_string());
    };
    for object in meta.active_objects() {
        let filter = &inputs[&format!("{}FilterInput", object.type_name())];
        let filter_type = |name: &str| filter.iter().find(|(f, _)| f == name).map(|(_, t)| t.clone());
        for field in object.active_fields() {
            if field.relation.is_some() {
                if let Some(column) = field.own_join_column() {
                    let type_name = filter_type(column).unwrap();
                    check(&type_name, names(operators_of_kind(ScalarKind::Uuid)), column);
                }
                continue;
            }
            let Some(type_name) = filter_type(&field.name) else {
                continue;
            };
            if let Some(composite) = field.composite() {
                let sub_fields = composite.sub_fields();
                check(
                    &type_name,
                    sub_fields.iter().map(|s| s.name.to_string()).collect(),
                    &field.name,
                );
                let composite_filter = &inputs[&type_name];
                for sub in sub_fields {
                    let (_, sub_type) = composite_filter.iter().find(|(f, _)| f == sub.name).unwrap();
                    check(sub_type, names(sub.as_type.operators(sub.kind)), sub.name);
                }
                continue;
            }
            let kind = field.scalar_kind().unwrap();
            check(&type_name, names(field.field_type.operators(kind)), &field.name);
        }
    }
    let filters: BTreeSet<String> = inputs.keys().filter(|name| name.ends_with("Filter")).cloned().collect();
    assert_eq!(checked, filters, "every filter input of the SDL is tied to the table");
}
