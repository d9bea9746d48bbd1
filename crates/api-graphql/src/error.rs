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
