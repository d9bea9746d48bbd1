//! The typed argument tree the API adapters hand to the domain: a filter or an order as the client wrote it,
//! before metadata gives it a meaning. The REST query-string parser and the GraphQL look-ahead both build an
//! [`InputValue`]; [`crate::query::Filter::resolve`] and [`crate::query::parse_order`] resolve it against the
//! object's fields. Whether a value came from untyped text is part of the value ([`InputValue::Text`]), so the
//! REST dialect's "everything is text" does not loosen what a typed API accepts.

use crate::field_type::ScalarKind;
use crate::value::{NUL_MESSAGE, Value, parse_scalar};
use serde_json::Value as Json;

#[derive(Debug, Clone, PartialEq)]
pub enum InputValue {
    Null,
    Boolean(bool),
    Int(i64),
    Float(f64),
    /// A string of a typed source (a GraphQL string, ID or enum literal; a JSON string).
    String(String),
    /// A value of an untyped source — a REST query-string value — which the field's kind reads as a number, a
    /// boolean, a date, or text.
    Text(String),
    List(Vec<InputValue>),
    /// The entries of an object, in the order the client wrote them (order terms keep it as their priority).
    Object(Vec<(String, InputValue)>),
}

impl InputValue {
    pub fn is_null(&self) -> bool {
        matches!(self, InputValue::Null)
    }

    /// The text of a string, whatever its source.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            InputValue::String(s) | InputValue::Text(s) => Some(s),
            _ => None,
        }
    }

    /// An object under `key`: `{key: self}`.
    pub fn under(self, key: impl Into<String>) -> InputValue {
        InputValue::Object(vec![(key.into(), self)])
    }

    /// The value stored in a column of `kind`. Text reads as the kind needs (`"5"` as a number, `"true"` as a
    /// boolean); a typed string is a number or a boolean only where the kind's wire form is a string (a
    /// `BigInt` takes numeric strings on every API). Timestamps are truncated to milliseconds.
    pub fn to_scalar(&self, kind: ScalarKind) -> Result<Value, String> {
        match (kind, self) {
            (ScalarKind::Float, InputValue::String(_)) => Err("expected a number".into()),
            (ScalarKind::Boolean, InputValue::String(_)) => Err("expected a boolean".into()),
            _ => parse_scalar(kind, &self.to_json()),
        }
    }

    /// The JSON form of the value (text becomes a JSON string).
    pub fn to_json(&self) -> Json {
        match self {
            InputValue::Null => Json::Null,
            InputValue::Boolean(b) => Json::Bool(*b),
            InputValue::Int(i) => Json::from(*i),
            InputValue::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
            InputValue::String(s) | InputValue::Text(s) => Json::String(s.clone()),
            InputValue::List(items) => Json::Array(items.iter().map(InputValue::to_json).collect()),
            InputValue::Object(entries) => {
                Json::Object(entries.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
            }
        }
    }

    /// A string operand (a LIKE pattern, a prefix, an option name).
    pub fn to_text(&self) -> Result<String, String> {
        match self.as_str() {
            Some(s) if s.contains('\0') => Err(NUL_MESSAGE.to_string()),
            Some(s) => Ok(s.to_string()),
            None => Err("expected a string".to_string()),
        }
    }
}

/// JSON is a typed source: its strings stay strings. This is the entry for embedders that hold arguments as JSON.
impl From<&Json> for InputValue {
    fn from(json: &Json) -> Self {
        match json {
            Json::Null => InputValue::Null,
            Json::Bool(b) => InputValue::Boolean(*b),
            Json::Number(n) => match n.as_i64() {
                Some(i) => InputValue::Int(i),
                None => InputValue::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Json::String(s) => InputValue::String(s.clone()),
            Json::Array(items) => InputValue::List(items.iter().map(InputValue::from).collect()),
            Json::Object(map) => InputValue::Object(map.iter().map(|(k, v)| (k.clone(), v.into())).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_reads_as_the_kind_needs_but_a_typed_string_is_no_number() {
        let five = InputValue::Text("5".into());
        assert_eq!(five.to_scalar(ScalarKind::Float), Ok(Value::Float(5.0)));
        assert_eq!(
            InputValue::Text("true".into()).to_scalar(ScalarKind::Boolean),
            Ok(Value::Boolean(true))
        );
        assert!(InputValue::String("5".into()).to_scalar(ScalarKind::Float).is_err());
        assert!(
            InputValue::String("true".into())
                .to_scalar(ScalarKind::Boolean)
                .is_err()
        );
        // A BigInt's wire form is a string on every API.
        assert_eq!(
            InputValue::String("7".into()).to_scalar(ScalarKind::BigInt),
            Ok(Value::BigInt(7))
        );
        assert_eq!(InputValue::Int(5).to_scalar(ScalarKind::Float), Ok(Value::Float(5.0)));
    }

    #[test]
    fn json_keeps_its_order_and_its_types() {
        let json = serde_json::json!({"b": [1, 2.5, "x", null], "a": true});
        let value = InputValue::from(&json);
        let InputValue::Object(entries) = &value else {
            panic!("expected an object");
        };
        assert_eq!(entries[0].0, "b");
        assert_eq!(value.to_json(), json);
    }
}
