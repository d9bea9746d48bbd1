//! The custom scalars of the core schema (contract §4.2). Values are read from the look-ahead as raw input and
//! validated by the domain; these types give the schema its names and check literals and variables.

use juniper::meta::MetaType;
use juniper::parser::{ParseError, ScalarToken, Token};
use juniper::{
    Arguments, DefaultScalarValue as S, ExecutionResult, Executor, FieldError, FromInputValue, GraphQLType,
    GraphQLValue, InputValue, ParseScalarResult, ParseScalarValue, Registry, Selection, Value,
};

fn string_token(token: ScalarToken<'_>) -> ParseScalarResult<S> {
    <String as ParseScalarValue<S>>::from_str(token)
}

fn as_string(v: &InputValue<S>) -> Option<&str> {
    match v {
        InputValue::Scalar(S::String(s)) => Some(s),
        _ => None,
    }
}

/// Declares a scalar: its GraphQL name, description, how literal tokens parse, and which input values it takes.
macro_rules! scalar {
    ($ty:ident, $name:literal, $description:literal, token: $token:expr, accept: $accept:expr) => {
        #[derive(Debug, Clone, Copy)]
        pub struct $ty;

        impl GraphQLType<S> for $ty {
            fn name(_: &()) -> Option<juniper::ArcStr> {
                Some(juniper::arcstr::literal!($name))
            }

            fn meta(info: &(), registry: &mut Registry<S>) -> MetaType<S> {
                registry
                    .build_scalar_type::<Self>(info)
                    .description($description)
                    .into_meta()
            }
        }

        impl GraphQLValue<S> for $ty {
            type Context = ();
            type TypeInfo = ();

            fn type_name(&self, info: &()) -> Option<juniper::ArcStr> {
                <Self as GraphQLType<S>>::name(info)
            }

            fn resolve(&self, _: &(), _: Option<&[Selection<S>]>, _: &Executor<(), S>) -> ExecutionResult<S> {
                Ok(Value::null())
            }

            fn resolve_field(&self, _: &(), _: &str, _: &Arguments<S>, _: &Executor<(), S>) -> ExecutionResult<S> {
                Ok(Value::null())
            }
        }

        impl FromInputValue<S> for $ty {
            type Error = FieldError<S>;

            fn from_input_value(v: &InputValue<S>) -> Result<Self, Self::Error> {
                let accept: fn(&InputValue<S>) -> bool = $accept;
                if accept(v) {
                    Ok($ty)
                } else {
                    Err(FieldError::new(
                        format!("Invalid {} value: {v}", $name),
                        Value::null(),
                    ))
                }
            }
        }

        impl ParseScalarValue<S> for $ty {
            fn from_str(token: ScalarToken<'_>) -> ParseScalarResult<S> {
                let parse: fn(ScalarToken<'_>) -> ParseScalarResult<S> = $token;
                parse(token)
            }
        }
    };
}

scalar!(DateTime, "DateTime", "An RFC 3339 date-time; returned in UTC with milliseconds.",
    token: string_token,
    accept: |v| as_string(v).is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok()));

scalar!(Date, "Date", "A calendar date, YYYY-MM-DD.",
    token: string_token,
    accept: |v| as_string(v).is_some_and(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()));

scalar!(BigInt, "BigInt", "A 64-bit integer: integer literals of any size, JSON numbers and numeric strings.",
token: |token| match token {
    // Kept as text so that values beyond 32 bits survive parsing exactly.
    ScalarToken::Int(s) => Ok(s.parse::<i32>().map(S::Int).unwrap_or_else(|_| S::String(s.to_string()))),
    ScalarToken::Float(s) => s.parse::<f64>().map(S::Float).map_err(|_| ParseError::unexpected_token(Token::Scalar(token))),
    ScalarToken::String(_) => string_token(token),
},
accept: |v| match v {
    InputValue::Scalar(S::Int(_)) => true,
    InputValue::Scalar(S::Float(f)) => f.fract() == 0.0 && f.abs() < 9.2e18,
    InputValue::Scalar(S::String(s)) => s.trim().parse::<i64>().is_ok(),
    _ => false,
});

scalar!(Json, "JSON", "Any JSON value. In GraphQL documents, objects and lists are passed as variables or as JSON text.",
    token: |token| match token {
        ScalarToken::Int(s) => Ok(s.parse::<i32>().map(S::Int).unwrap_or_else(|_| S::String(s.to_string()))),
        ScalarToken::Float(s) => s.parse::<f64>().map(S::Float).map_err(|_| ParseError::unexpected_token(Token::Scalar(token))),
        ScalarToken::String(_) => string_token(token),
    },
    accept: |v| matches!(v, InputValue::Scalar(_) | InputValue::Null));

pub const DIRECTIONS: [&str; 6] = [
    "Asc",
    "Desc",
    "AscNullsFirst",
    "AscNullsLast",
    "DescNullsFirst",
    "DescNullsLast",
];

scalar!(OrderByDirection, "OrderByDirection",
"Asc, Desc, AscNullsFirst, AscNullsLast, DescNullsFirst or DescNullsLast, as a string or an enum-style literal.",
token: string_token,
accept: |v| match v {
    InputValue::Enum(e) => DIRECTIONS.contains(&e.as_str()),
    other => as_string(other).is_some_and(|s| DIRECTIONS.contains(&s)),
});

scalar!(FilterIs, "FilterIs", "NULL or NOT_NULL, as a string or an enum-style literal.",
token: string_token,
accept: |v| match v {
    InputValue::Enum(e) => e == "NULL" || e == "NOT_NULL",
    other => as_string(other).is_some_and(|s| s == "NULL" || s == "NOT_NULL"),
});
