//! The custom scalars of the core schema (contract §4.2), and [`juniper_scalar!`], the one way this crate declares
//! a scalar (the metadata API's scalars and its field-type enum use it too). Core values are read from the
//! look-ahead as raw input and validated by the domain; these types give the schema its names and check literals
//! and variables.

use juniper::parser::{ParseError, ScalarToken, Token};
use juniper::{DefaultScalarValue as S, InputValue, ParseScalarResult, ParseScalarValue, Value};

/// A literal token read as a string.
pub(crate) fn string_token(token: ScalarToken<'_>) -> ParseScalarResult<S> {
    <String as ParseScalarValue<S>>::from_str(token)
}

/// A literal number or string. Integers beyond 32 bits are kept as text so that they survive parsing exactly.
pub(crate) fn number_or_string_token(token: ScalarToken<'_>) -> ParseScalarResult<S> {
    match token {
        ScalarToken::Int(s) => Ok(s
            .parse::<i32>()
            .map(S::Int)
            .unwrap_or_else(|_| S::String(s.to_string()))),
        ScalarToken::Float(s) => s
            .parse::<f64>()
            .map(S::Float)
            .map_err(|_| ParseError::unexpected_token(Token::Scalar(token))),
        ScalarToken::String(_) => string_token(token),
    }
}

/// A literal token at a `JSON` position: a number or a string (objects, lists and marked strings arrive encoded,
/// see [`crate::literals`]).
pub(crate) fn json_token(token: ScalarToken<'_>) -> ParseScalarResult<S> {
    number_or_string_token(token)
}

pub(crate) fn as_string(v: &InputValue<S>) -> Option<&str> {
    match v {
        InputValue::Scalar(S::String(s)) => Some(s),
        _ => None,
    }
}

/// Whether `v` is one of `names`, as a string or an enum-style literal.
fn one_of(v: &InputValue<S>, names: &[&str]) -> bool {
    match v {
        InputValue::Enum(e) => names.contains(&e.as_str()),
        other => as_string(other).is_some_and(|s| names.contains(&s)),
    }
}

/// Implements juniper's traits for a leaf type of a static schema: its GraphQL name; its meta (a scalar, with or
/// without a `description`, or an enum of `enum_values`); how literal tokens parse (`token`); which input values
/// it takes (`input`, `None` rejects); and the value it answers (`output`).
macro_rules! juniper_scalar {
    ($ty:ident, $name:literal, description: $description:literal, $($rest:tt)*) => {
        $crate::scalars::juniper_scalar!(@impl $ty, $name,
            |registry| registry.build_scalar_type::<$ty>(&()).description($description).into_meta(), $($rest)*);
    };
    ($ty:ident, $name:literal, enum_values: $values:expr, $($rest:tt)*) => {
        $crate::scalars::juniper_scalar!(@impl $ty, $name, |registry| {
            let values: Vec<juniper::meta::EnumValue> = $values;
            registry.build_enum_type::<$ty>(&(), &values).into_meta()
        }, $($rest)*);
    };
    ($ty:ident, $name:literal, token: $($rest:tt)*) => {
        $crate::scalars::juniper_scalar!(@impl $ty, $name,
            |registry| registry.build_scalar_type::<$ty>(&()).into_meta(), token: $($rest)*);
    };
    (@impl $ty:ident, $name:literal, $meta:expr, token: $token:expr, input: $input:expr, output: $output:expr $(,)?) => {
        impl juniper::GraphQLType<juniper::DefaultScalarValue> for $ty {
            fn name(_: &()) -> Option<juniper::ArcStr> {
                Some(juniper::arcstr::literal!($name))
            }

            fn meta(
                _: &(),
                registry: &mut juniper::Registry<juniper::DefaultScalarValue>,
            ) -> juniper::meta::MetaType<juniper::DefaultScalarValue> {
                let meta: fn(
                    &mut juniper::Registry<juniper::DefaultScalarValue>,
                ) -> juniper::meta::MetaType<juniper::DefaultScalarValue> = $meta;
                meta(registry)
            }
        }

        impl juniper::GraphQLValue<juniper::DefaultScalarValue> for $ty {
            type Context = ();
            type TypeInfo = ();

            fn type_name(&self, info: &()) -> Option<juniper::ArcStr> {
                <Self as juniper::GraphQLType<juniper::DefaultScalarValue>>::name(info)
            }

            fn resolve(
                &self,
                _: &(),
                _: Option<&[juniper::Selection<juniper::DefaultScalarValue>]>,
                _: &juniper::Executor<(), juniper::DefaultScalarValue>,
            ) -> juniper::ExecutionResult<juniper::DefaultScalarValue> {
                let output: fn(&$ty) -> juniper::Value<juniper::DefaultScalarValue> = $output;
                Ok(output(self))
            }

            fn resolve_field(
                &self,
                _: &(),
                _: &str,
                _: &juniper::Arguments<juniper::DefaultScalarValue>,
                _: &juniper::Executor<(), juniper::DefaultScalarValue>,
            ) -> juniper::ExecutionResult<juniper::DefaultScalarValue> {
                Ok(juniper::Value::null())
            }
        }

        impl juniper::GraphQLValueAsync<juniper::DefaultScalarValue> for $ty {
            fn resolve_async<'a>(
                &'a self,
                info: &'a (),
                selection_set: Option<&'a [juniper::Selection<juniper::DefaultScalarValue>]>,
                executor: &'a juniper::Executor<(), juniper::DefaultScalarValue>,
            ) -> juniper::BoxFuture<'a, juniper::ExecutionResult<juniper::DefaultScalarValue>> {
                use juniper::GraphQLValue as _;
                Box::pin(std::future::ready(self.resolve(info, selection_set, executor)))
            }
        }

        impl juniper::FromInputValue<juniper::DefaultScalarValue> for $ty {
            type Error = juniper::FieldError<juniper::DefaultScalarValue>;

            fn from_input_value(v: &juniper::InputValue<juniper::DefaultScalarValue>) -> Result<Self, Self::Error> {
                let input: fn(&juniper::InputValue<juniper::DefaultScalarValue>) -> Option<$ty> = $input;
                input(v).ok_or_else(|| {
                    juniper::FieldError::new(format!("Invalid {} value: {v}", $name), juniper::Value::null())
                })
            }
        }

        impl juniper::ParseScalarValue<juniper::DefaultScalarValue> for $ty {
            fn from_str(
                token: juniper::parser::ScalarToken<'_>,
            ) -> juniper::ParseScalarResult<juniper::DefaultScalarValue> {
                let parse: fn(
                    juniper::parser::ScalarToken<'_>,
                ) -> juniper::ParseScalarResult<juniper::DefaultScalarValue> = $token;
                parse(token)
            }
        }

        // What `#[derive(GraphQLScalar)]` would generate, so that derived objects and inputs may hold the type.
        impl juniper::marker::IsOutputType<juniper::DefaultScalarValue> for $ty {}
        impl juniper::marker::IsInputType<juniper::DefaultScalarValue> for $ty {}
        impl juniper::macros::reflect::BaseType<juniper::DefaultScalarValue> for $ty {
            const NAME: juniper::macros::reflect::Type = $name;
        }
        impl juniper::macros::reflect::BaseSubTypes<juniper::DefaultScalarValue> for $ty {
            const NAMES: juniper::macros::reflect::Types = &[$name];
        }
        impl juniper::macros::reflect::WrappedType<juniper::DefaultScalarValue> for $ty {
            const VALUE: juniper::macros::reflect::WrappedValue = 1;
        }
    };
}
pub(crate) use juniper_scalar;

/// Core scalars answer nothing themselves: root fields write their values straight from PostgreSQL's JSON.
fn no_output<T>(_: &T) -> Value<S> {
    Value::null()
}

#[derive(Debug, Clone, Copy)]
pub struct DateTime;
juniper_scalar!(DateTime, "DateTime", description: "An RFC 3339 date-time; returned in UTC with milliseconds.",
    token: string_token,
    input: |v| as_string(v).is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok()).then_some(DateTime),
    output: no_output);

#[derive(Debug, Clone, Copy)]
pub struct Date;
juniper_scalar!(Date, "Date", description: "A calendar date, YYYY-MM-DD.",
    token: string_token,
    input: |v| as_string(v).is_some_and(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()).then_some(Date),
    output: no_output);

#[derive(Debug, Clone, Copy)]
pub struct BigInt;
juniper_scalar!(BigInt, "BigInt", description: "A 64-bit integer: integer literals of any size, JSON numbers and numeric strings.",
    token: number_or_string_token,
    input: |v| match v {
        InputValue::Scalar(S::Int(_)) => Some(BigInt),
        InputValue::Scalar(S::Float(f)) => (f.fract() == 0.0 && f.abs() < 9.2e18).then_some(BigInt),
        InputValue::Scalar(S::String(s)) => s.trim().parse::<i64>().is_ok().then_some(BigInt),
        _ => None,
    },
    output: no_output);

#[derive(Debug, Clone, Copy)]
pub struct BigFloat;
juniper_scalar!(BigFloat, "BigFloat", description: "An exact decimal, returned as a string (\"12.50\"); taken as a string or a number.",
    token: number_or_string_token,
    input: |v| match v {
        InputValue::Scalar(S::Int(_) | S::Float(_) | S::String(_)) => Some(BigFloat),
        _ => None,
    },
    output: no_output);

#[derive(Debug, Clone, Copy)]
pub struct Json;
juniper_scalar!(Json, "JSON", description: "Any JSON value. Objects and lists are passed as variables.",
    token: json_token,
    // Objects and lists arrive as strings that carry them (`crate::tunnel`); the resolvers decode them.
    input: |v| match v {
        InputValue::Scalar(S::String(s)) => crate::tunnel::decode_str(s).is_ok().then_some(Json),
        InputValue::Scalar(_) | InputValue::Null => Some(Json),
        _ => None,
    },
    output: no_output);

pub const DIRECTIONS: [&str; 6] = [
    "Asc",
    "Desc",
    "AscNullsFirst",
    "AscNullsLast",
    "DescNullsFirst",
    "DescNullsLast",
];

#[derive(Debug, Clone, Copy)]
pub struct OrderByDirection;
juniper_scalar!(OrderByDirection, "OrderByDirection",
    description: "Asc, Desc, AscNullsFirst, AscNullsLast, DescNullsFirst or DescNullsLast, as a string or an enum-style literal.",
    token: string_token,
    input: |v| one_of(v, &DIRECTIONS).then_some(OrderByDirection),
    output: no_output);

#[derive(Debug, Clone, Copy)]
pub struct FilterIs;
juniper_scalar!(FilterIs, "FilterIs", description: "NULL or NOT_NULL, as a string or an enum-style literal.",
    token: string_token,
    input: |v| one_of(v, &["NULL", "NOT_NULL"]).then_some(FilterIs),
    output: no_output);
