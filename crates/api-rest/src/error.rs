//! Domain errors → HTTP responses, once for every JSON (non-GraphQL) route.

use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderValue, RETRY_AFTER};
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;
use std::fmt;
use twenty_domain::{DomainError, ErrorCode};

/// The HTTP status of each contract code.
pub fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
        ErrorCode::Forbidden => StatusCode::FORBIDDEN,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::ValidationError => StatusCode::BAD_REQUEST,
        ErrorCode::Conflict => StatusCode::CONFLICT,
        ErrorCode::RateLimitExceeded => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::InternalError => StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
        ErrorCode::RequestHeaderFieldsTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        // GraphQL document errors are answered in the response body of a 200, as GraphQL servers do.
        ErrorCode::GraphqlParseFailed | ErrorCode::GraphqlValidationFailed => StatusCode::OK,
    }
}

/// The `Retry-After` header of an error that has one ([`DomainError::retry_after_secs`]), in every API's format.
pub fn set_retry_after(response: &mut HttpResponse, err: &DomainError) {
    if let Some(secs) = err.retry_after_secs()
        && let Ok(value) = HeaderValue::from_str(&secs.to_string())
    {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
}

#[derive(Debug)]
pub struct ApiError(pub DomainError);

impl From<DomainError> for ApiError {
    fn from(err: DomainError) -> Self {
        ApiError(err)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl ApiError {
    /// The envelope body. Internal errors say nothing about their cause.
    pub fn body(&self) -> serde_json::Value {
        let code = self.0.code();
        let message = match &self.0 {
            DomainError::Internal(_) => "Internal server error".to_string(),
            DomainError::NotFound { what } => format!("{} not found", twenty_domain::naming::capitalised(what)),
            other => other.to_string(),
        };
        let mut error = json!({
            "message": message,
            "code": code.as_str(),
            "statusCode": status_of(code).as_u16(),
            "details": self.0.details(),
        });
        if let Some(retry_after_secs) = self.0.retry_after_secs() {
            error["retryAfter"] = json!(retry_after_secs);
        }
        json!({ "error": error })
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        status_of(self.0.code())
    }

    fn error_response(&self) -> HttpResponse {
        if let DomainError::Internal(cause) = &self.0 {
            tracing::error!(cause = cause.report(), "internal error");
        }
        let mut response = HttpResponse::build(self.status_code()).json(self.body());
        set_retry_after(&mut response, &self.0);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use twenty_domain::FieldError;

    #[test]
    fn envelopes_follow_the_contract() {
        let err = ApiError(DomainError::Validation {
            message: "Validation failed".into(),
            details: vec![FieldError::new("email", "Invalid email format")],
        });
        assert_eq!(err.status_code(), StatusCode::BAD_REQUEST);
        assert_eq!(
            err.body(),
            json!({"error": {"message": "Validation failed", "code": "VALIDATION_ERROR", "statusCode": 400,
                             "details": [{"field": "email", "message": "Invalid email format"}]}})
        );
        let limited = ApiError(DomainError::RateLimited { retry_after_secs: 12 });
        assert_eq!(limited.body()["error"]["retryAfter"], json!(12));
        let internal = ApiError(DomainError::internal("pg: relation does not exist"));
        assert_eq!(internal.body()["error"]["message"], json!("Internal server error"));
        let unavailable = ApiError(DomainError::unavailable("Service temporarily unavailable", 1));
        assert_eq!(unavailable.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            unavailable.body(),
            json!({"error": {"message": "Service temporarily unavailable", "code": "SERVICE_UNAVAILABLE", "statusCode": 503,
                             "details": [], "retryAfter": 1}})
        );
    }
}
