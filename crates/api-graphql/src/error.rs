//! Domain errors in the GraphQL error format: `{"errors": [{message, extensions: {code, ...}}], "data": null}`.

use serde_json::{Value, json};
use twenty_domain::DomainError;

/// The response body for an error that stops a GraphQL request before execution (auth, rate limit).
pub fn request_error_body(err: &DomainError) -> Value {
    let message = match err {
        DomainError::Internal(_) => "Internal server error".to_string(),
        other => other.to_string(),
    };
    let mut extensions = json!({ "code": err.code().as_str() });
    if let DomainError::RateLimited { retry_after_secs } = err {
        extensions["retryAfter"] = json!(retry_after_secs);
    }
    if !err.details().is_empty() {
        extensions["details"] = json!(err.details());
    }
    json!({ "errors": [{ "message": message, "extensions": extensions }], "data": null })
}

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
}

/// A domain error raised while resolving a field: `extensions.code` (and `details`, `retryAfter`).
pub fn field_error(err: DomainError) -> juniper::FieldError {
    use juniper::{Object, Value as GqlValue};
    let message = match &err {
        DomainError::Internal(cause) => {
            tracing::error!(cause = cause.report(), "internal error in a GraphQL resolver");
            "Internal server error".to_string()
        }
        other => other.to_string(),
    };
    let mut extensions = Object::with_capacity(3);
    extensions.add_field("code", GqlValue::scalar(err.code().as_str().to_string()));
    if !err.details().is_empty() {
        let details = err
            .details()
            .iter()
            .map(|d| {
                let mut o = Object::with_capacity(2);
                o.add_field("field", GqlValue::scalar(d.field.clone()));
                o.add_field("message", GqlValue::scalar(d.message.clone()));
                GqlValue::object(o)
            })
            .collect();
        extensions.add_field("details", GqlValue::list(details));
    }
    if let DomainError::RateLimited { retry_after_secs } = err {
        extensions.add_field(
            "retryAfter",
            GqlValue::scalar(retry_after_secs.min(i32::MAX as u64) as i32),
        );
    }
    juniper::FieldError::new(message, GqlValue::object(extensions))
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
    message.to_string()
}

/// A document-level error (`GRAPHQL_PARSE_FAILED`, `GRAPHQL_VALIDATION_FAILED`, or a limit).
pub fn document_error(message: String, code: &str, locations: Vec<(usize, usize)>) -> Value {
    let mut error = json!({ "message": message, "extensions": { "code": code } });
    if !locations.is_empty() {
        error["locations"] = locations
            .iter()
            .map(|(line, column)| json!({"line": line, "column": column}))
            .collect();
    }
    error
}

#[cfg(test)]
mod rewrite_tests {
    use super::*;

    #[test]
    fn unknown_field_messages_read_like_graphql_js() {
        assert_eq!(
            rewrite_validation_message(r#"Unknown field "unknownField" on type "Company""#),
            "Field 'unknownField' doesn't exist on type 'Company'"
        );
        assert_eq!(rewrite_validation_message("Something else"), "Something else");
    }
}
