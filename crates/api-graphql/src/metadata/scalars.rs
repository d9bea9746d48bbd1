//! The leaf types of the metadata API: `JSON` (defaults, options, settings), `DateTime`, and the
//! `FieldMetadataType` enum, whose values are the domain's field types so the two lists cannot drift apart.

use crate::scalars::{json_token, juniper_scalar, number_or_string_token, string_token};
use crate::types::{Leaf, leaf_value};
use juniper::meta::EnumValue;
use juniper::{DefaultScalarValue as S, InputValue, Value};
use serde_json::Value as Json;
use twenty_domain::field_type::FieldType;

/// An output-capable scalar holding any JSON value (`defaultValue`, `options`, `settings`).
#[derive(Debug, Clone)]
pub struct JsonValue(pub Json);

/// A date-time in UTC with milliseconds.
#[derive(Debug, Clone)]
pub struct DateTimeValue(pub String);

/// A UUID (`UUID`, as Twenty's metadata inputs type their ids): a string that parses as a UUID, or the value is
/// refused while the document's variables are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UuidValue(pub uuid::Uuid);

/// The field type enum (`FieldMetadataType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldTypeValue(pub FieldType);

pub(super) fn timestamp(t: chrono::DateTime<chrono::Utc>) -> DateTimeValue {
    DateTimeValue(t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

/// A `JSON` argument as JSON. Objects and lists arrive as strings that carry them ([`crate::tunnel`]).
fn scalar_json(v: &InputValue<S>) -> Option<Json> {
    Some(match v {
        InputValue::Null => Json::Null,
        InputValue::Scalar(S::Int(i)) => Json::from(*i),
        InputValue::Scalar(S::Float(f)) => serde_json::Number::from_f64(*f).map(Json::Number)?,
        InputValue::Scalar(S::String(s)) => crate::tunnel::decode_str(s).ok()?,
        InputValue::Scalar(S::Boolean(b)) => Json::Bool(*b),
        InputValue::Enum(e) => Json::String(e.clone()),
        _ => return None,
    })
}

juniper_scalar!(JsonValue, "JSON",
    token: json_token,
    input: |v| scalar_json(v).map(JsonValue),
    output: |v| leaf_value(Leaf::Json, &v.0));

juniper_scalar!(DateTimeValue, "DateTime",
    token: number_or_string_token,
    input: |v| match v {
        InputValue::Scalar(S::String(s)) => chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|_| DateTimeValue(s.clone())),
        _ => None,
    },
    output: |v| Value::scalar(v.0.clone()));

juniper_scalar!(UuidValue, "UUID",
    token: string_token,
    input: |v| match v {
        InputValue::Scalar(S::String(s)) => uuid::Uuid::parse_str(s).ok().map(UuidValue),
        _ => None,
    },
    output: |v| Value::scalar(v.0.to_string()));

juniper_scalar!(FieldTypeValue, "FieldMetadataType",
    enum_values: FieldType::ALL.iter().map(|t| EnumValue::new(t.as_str())).collect(),
    token: string_token,
    input: |v| {
        let name = match v {
            InputValue::Enum(e) => Some(e.as_str()),
            InputValue::Scalar(S::String(s)) => Some(s.as_str()),
            _ => None,
        };
        name.and_then(|n| n.parse::<FieldType>().ok()).map(FieldTypeValue)
    },
    output: |v| Value::scalar(v.0.as_str().to_string()));

impl juniper::ToInputValue<S> for JsonValue {
    fn to_input_value(&self) -> InputValue<S> {
        serde_json::from_value(self.0.clone()).unwrap_or(InputValue::Null)
    }
}

impl juniper::ToInputValue<S> for UuidValue {
    fn to_input_value(&self) -> InputValue<S> {
        InputValue::scalar(self.0.to_string())
    }
}

impl juniper::ToInputValue<S> for DateTimeValue {
    fn to_input_value(&self) -> InputValue<S> {
        InputValue::scalar(self.0.clone())
    }
}

impl juniper::ToInputValue<S> for FieldTypeValue {
    fn to_input_value(&self) -> InputValue<S> {
        InputValue::enum_value(self.0.as_str())
    }
}
