//! JSON objects and lists through juniper, which refuses them wherever a scalar is expected (upstream issue
//! graphql-rust/juniper#280) while `JSON` must take any JSON value (contract §11).
//!
//! Before juniper sees a request, [`encode_variables`] walks each of its variables along its declared type, and
//! [`crate::literals::encode_literals`] each literal argument of its document along the argument's type; at every
//! position whose type is the `JSON` scalar, an object or a list becomes a string: [`MARK`] followed by the value's
//! JSON text. Juniper then checks and carries a string scalar. The code that turns arguments into domain values
//! walks them along their declared type again and [`decode`]s those strings back.
//!
//! Decoding is unambiguous: a string that a client sends at a `JSON` position and that begins with [`MARK`] is
//! encoded too (as the JSON text of that string), in variables and in literals alike. Strings at other positions
//! are never encoded nor decoded, whatever they hold.

use juniper::meta::MetaType;
use juniper::{DefaultScalarValue as S, Definition, SchemaType};
use serde_json::{Map, Value as Json};

/// What begins an encoded value: a Unicode noncharacter (reserved for a program's internal use) and a tag.
pub const MARK: &str = "\u{FDD0}json:";

/// The name both schemas give their JSON scalar.
pub(crate) const JSON_SCALAR: &str = "JSON";

/// Whether `value` travels encoded: objects, lists, and strings that begin with [`MARK`].
pub(crate) fn tunnelled(value: &Json) -> bool {
    match value {
        Json::Array(_) | Json::Object(_) => true,
        Json::String(s) => s.starts_with(MARK),
        _ => false,
    }
}

/// The value as it travels through juniper: a [`tunnelled`] value becomes a marked string; everything else stays
/// as it is.
pub(crate) fn encode(value: &mut Json) {
    if tunnelled(value) {
        *value = Json::String(format!("{MARK}{value}"));
    }
}

/// A string scalar as a `JSON` value: the value a marked string carries, or the string itself. `Err` for a marked
/// string that does not carry JSON, which no client can produce (see the module's documentation).
pub fn decode_str(s: &str) -> Result<Json, String> {
    match s.strip_prefix(MARK) {
        Some(text) => serde_json::from_str(text).map_err(|e| format!("an encoded JSON value does not parse: {e}")),
        None => Ok(Json::String(s.to_string())),
    }
}

/// The declared type (as GraphQL prints it: `[Input!]!`) of each variable of the operation juniper will run:
/// the one named `operation`, or the only one. Empty when there is none such.
pub fn variable_types(document: &[Definition<'_, S>], operation: Option<&str>) -> Vec<(String, String)> {
    let chosen = crate::limits::find_operation(document, operation);
    let Some(definitions) = chosen.and_then(|o| o.variables_definition.as_ref()) else {
        return Vec::new();
    };
    definitions
        .item
        .iter()
        .map(|(name, definition)| (name.item.to_string(), definition.var_type.item.to_string()))
        .collect()
}

/// Encodes the variables' values at the `JSON` positions of their declared types (`types`, from
/// [`variable_types`]). Values that do not fit their types are left for juniper to refuse.
pub fn encode_variables(variables: &mut Map<String, Json>, types: &[(String, String)], schema: &SchemaType<S>) {
    for (name, type_name) in types {
        if let Some(value) = variables.get_mut(name) {
            // Encoding never fails.
            let _ = at_json_positions(value, type_name, schema, &mut |v| {
                encode(v);
                Ok(())
            });
        }
    }
}

/// Decodes an argument's value, read from juniper as JSON, at the `JSON` positions of its type `type_name`.
pub fn decode(value: &mut Json, type_name: &str, schema: &SchemaType<S>) -> Result<(), String> {
    at_json_positions(value, type_name, schema, &mut |v| {
        if let Json::String(s) = v {
            *v = decode_str(s)?;
        }
        Ok(())
    })
}

/// The declared type of argument `argument` of field `field` of the type named `parent`, as GraphQL prints it.
pub fn argument_type(schema: &SchemaType<S>, parent: &str, field: &str, argument: &str) -> Option<String> {
    let field = schema.concrete_type_by_name(parent)?.field_by_name(field)?;
    let argument = field.arguments.as_ref()?.iter().find(|a| a.name == argument)?;
    Some(argument.arg_type.to_string())
}

/// Calls `f` on every part of `value` that stands at a position of type `JSON` in `type_name` (a type as GraphQL
/// prints it, `[Input!]!`), through lists and input objects. Input object fields the type does not have, and
/// values of the wrong shape, are skipped.
fn at_json_positions(
    value: &mut Json,
    type_name: &str,
    schema: &SchemaType<S>,
    f: &mut dyn FnMut(&mut Json) -> Result<(), String>,
) -> Result<(), String> {
    if value.is_null() {
        return Ok(());
    }
    if let Some(inner) = type_name.strip_suffix('!') {
        return at_json_positions(value, inner, schema, f);
    }
    if let Some(inner) = type_name.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return match value {
            Json::Array(items) => items
                .iter_mut()
                .try_for_each(|item| at_json_positions(item, inner, schema, f)),
            // A single value where a list is expected stands for a list of one (input coercion).
            single => at_json_positions(single, inner, schema, f),
        };
    }
    match schema.concrete_type_by_name(type_name) {
        Some(MetaType::Scalar(scalar)) if scalar.name == JSON_SCALAR => f(value),
        Some(MetaType::InputObject(input)) => {
            let Json::Object(fields) = value else {
                return Ok(());
            };
            for (name, field_value) in fields.iter_mut() {
                if let Some(field) = input.input_fields.iter().find(|field| field.name == name.as_str()) {
                    at_json_positions(field_value, &field.arg_type.to_string(), schema, f)?;
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn encoding_then_decoding_gives_every_value_back() {
        for value in [
            json!({"a": [1, {"b": null}]}),
            json!([]),
            json!({}),
            json!("text"),
            json!(format!("{MARK}[1]")),
            json!(MARK),
            json!(2.5),
            json!(true),
        ] {
            let mut encoded = value.clone();
            encode(&mut encoded);
            assert!(!encoded.is_array() && !encoded.is_object(), "{value}");
            let back = match &encoded {
                Json::String(s) => decode_str(s).unwrap(),
                other => other.clone(),
            };
            assert_eq!(back, value);
        }
    }

    #[test]
    fn only_json_positions_are_encoded() {
        let schema = crate::metadata::metadata_schema();
        let document = "mutation($input: CreateFieldInput!, $d: JSON, $s: String, $l: [JSON]) { a: createOneField(data: $input) { id } }";
        let parsed = juniper::parser::parse_document_source::<S>(document, &schema.schema).unwrap();
        let types = variable_types(&parsed, None);
        assert_eq!(types[0], ("input".to_string(), "CreateFieldInput!".to_string()));
        let mut variables = json!({
            "input": {"name": {"a": 1}, "label": format!("{MARK}x"), "defaultValue": {"a": [1]}, "unknown": [1]},
            "d": [1],
            "s": [1],
            "l": [[1], {"b": 2}, 3, format!("{MARK}y")],
        });
        let Json::Object(map) = &mut variables else { panic!() };
        encode_variables(map, &types, &schema.schema);
        assert_eq!(
            variables,
            json!({
                "input": {"name": {"a": 1}, "label": format!("{MARK}x"), "defaultValue": format!("{MARK}{{\"a\":[1]}}"), "unknown": [1]},
                "d": format!("{MARK}[1]"),
                "s": [1],
                "l": [format!("{MARK}[1]"), format!("{MARK}{{\"b\":2}}"), 3, format!("{MARK}\"{MARK}y\"")],
            })
        );
        let mut list = variables["l"].clone();
        decode(&mut list, "[JSON]", &schema.schema).unwrap();
        assert_eq!(list, json!([[1], {"b": 2}, 3, format!("{MARK}y")]));
    }
}
