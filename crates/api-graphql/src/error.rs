//! Errors in the GraphQL error format: `{"errors": [{message, extensions: {code, ...}, locations?}], "data": null}`.
//! [`render`] decides, once, what a client sees of a domain error; the request-level body, the field error and
//! the document errors are built from it.

use crate::types::{Leaf, leaf_value};
use serde_json::{Value, json};
use twenty_domain::{DomainError, ErrorCode};

/// What a client sees of a domain error.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// The error's message; internal errors say only "Internal server error" (the cause goes to the logs).
    pub message: String,
    /// `code`, and `details` or `retryAfter` when the error has them.
    pub extensions: Value,
}

/// The message and extensions of a domain error, for both the request-level body and field errors.
pub fn render(err: &DomainError) -> Rendered {
    let message = match err {
        DomainError::Internal(_) => "Internal server error".to_string(),
        other => other.to_string(),
    };
    let mut extensions = json!({ "code": err.code().as_str() });
    if !err.details().is_empty() {
        extensions["details"] = json!(err.details());
    }
    if let Some(retry_after_secs) = err.retry_after_secs() {
        extensions["retryAfter"] = json!(retry_after_secs);
    }
    Rendered { message, extensions }
}

/// One entry of `errors`.
fn error_entry(message: String, extensions: Value, locations: &[(usize, usize)]) -> Value {
    let mut error = json!({ "message": message, "extensions": extensions });
    if !locations.is_empty() {
        error["locations"] = locations
            .iter()
            .map(|(line, column)| json!({"line": line, "column": column}))
            .collect();
    }
    error
}

/// The response body for an error that stops a GraphQL request before execution (auth, rate limit).
pub fn request_error_body(err: &DomainError) -> Value {
    let Rendered { message, extensions } = render(err);
    json!({ "errors": [error_entry(message, extensions, &[])], "data": null })
}

/// A domain error raised while resolving a field: `extensions.code` (and `details`, `retryAfter`).
pub fn field_error(err: DomainError) -> juniper::FieldError {
    if let DomainError::Internal(cause) = &err {
        tracing::error!(cause = cause.report(), "internal error in a GraphQL resolver");
    }
    let Rendered { message, extensions } = render(&err);
    // Numbers in the extensions (`retryAfter`) are GraphQL `Int`s.
    juniper::FieldError::new(message, leaf_value(Leaf::Int, &extensions))
}

/// A document-level error (`GRAPHQL_PARSE_FAILED`, `GRAPHQL_VALIDATION_FAILED`, or a limit).
pub fn document_error(message: String, code: ErrorCode, locations: Vec<(usize, usize)>) -> Value {
    error_entry(message, json!({ "code": code.as_str() }), &locations)
}

/// Juniper's validation messages in the wording clients know from graphql-js, where they differ.
pub fn rewrite_validation_message(message: &str) -> String {
    // `Unknown field "x" on type "Company"` → `Field 'x' doesn't exist on type 'Company'`.
    if let Some(rest) = message.strip_prefix("Unknown field \"")
        && let Some((field, rest)) = rest.split_once("\" on type \"")
        && let Some(type_name) = rest.strip_suffix('"')
    {
        return format!("Field '{field}' doesn't exist on type '{type_name}'");
    }
    // Juniper refuses a list literal wherever one value is expected (at a `JSON` position it arrives encoded, see
    // `crate::literals`).
    message.replace("Input lists are not literals", LIST_LITERAL)
}

/// Why a list literal is refused where one value is expected.
const LIST_LITERAL: &str = "A list literal stands where one value is expected";

/// Why an object literal is refused where a scalar or an enum is expected.
pub const OBJECT_LITERAL: &str = "An object literal stands where a scalar or an enum is expected";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unauthorized_and_rate_limited_shapes() {
        let body = request_error_body(&DomainError::Unauthorized("Invalid or expired token".into()));
        assert_eq!(body["errors"][0]["extensions"]["code"], json!("UNAUTHORIZED"));
        assert_eq!(body["data"], Value::Null);
        let body = request_error_body(&DomainError::RateLimited { retry_after_secs: 3 });
        assert_eq!(body["errors"][0]["message"], json!("Rate limit exceeded"));
        assert_eq!(body["errors"][0]["extensions"]["retryAfter"], json!(3));
    }

    #[test]
    fn a_field_error_carries_the_rendered_extensions() {
        let err = DomainError::invalid_field("name", "must not be empty");
        let rendered = render(&err);
        let field = field_error(err);
        assert_eq!(field.message(), rendered.message);
        assert_eq!(crate::execute::to_json(field.extensions()), rendered.extensions);
        assert_eq!(rendered.extensions["details"][0]["field"], json!("name"));
        let internal = render(&DomainError::internal("pool exhausted"));
        assert_eq!(internal.message, "Internal server error");
        assert_eq!(internal.extensions, json!({"code": "INTERNAL_ERROR"}));
    }

    #[test]
    fn unknown_field_messages_read_like_graphql_js() {
        assert_eq!(
            rewrite_validation_message(r#"Unknown field "unknownField" on type "Company""#),
            "Field 'unknownField' doesn't exist on type 'Company'"
        );
        assert_eq!(rewrite_validation_message("Something else"), "Something else");
        assert!(
            rewrite_validation_message(r#"Error on "In" field "j": Input lists are not literals"#)
                .ends_with("A list literal stands where one value is expected")
        );
    }
}
