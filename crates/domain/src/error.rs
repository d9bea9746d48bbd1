//! The error type of every domain operation and the stable codes of the API contract.

use serde::Serialize;

/// One problem with one input field; `field` is a path such as `email`, `name.firstName` or `[2].email`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The stable error codes of the contract (§3). Adapters map each to an HTTP status once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    Unauthorized,
    Forbidden,
    NotFound,
    ValidationError,
    Conflict,
    RateLimitExceeded,
    InternalError,
    /// A resource the request needs is exhausted for now (no database connection in time); retrying may succeed
    /// (contract §10, 503).
    ServiceUnavailable,
    /// A request body over `MAX_BODY_BYTES` (contract §10, 413).
    PayloadTooLarge,
    /// A request whose headers or body did not arrive within `REQUEST_TIMEOUT_SECS` (contract §10, 408).
    RequestTimeout,
    /// Request headers over the server's header limit (contract §10, 431).
    RequestHeaderFieldsTooLarge,
    /// A GraphQL document that does not parse.
    GraphqlParseFailed,
    /// A GraphQL document that is not valid against the schema.
    GraphqlValidationFailed,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 13] = [
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::ValidationError,
        ErrorCode::Conflict,
        ErrorCode::RateLimitExceeded,
        ErrorCode::InternalError,
        ErrorCode::ServiceUnavailable,
        ErrorCode::PayloadTooLarge,
        ErrorCode::RequestTimeout,
        ErrorCode::RequestHeaderFieldsTooLarge,
        ErrorCode::GraphqlParseFailed,
        ErrorCode::GraphqlValidationFailed,
    ];

    /// The code spelled `code` (as [`ErrorCode::as_str`] spells it).
    pub fn parse(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == code)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthorized => "UNAUTHORIZED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::ValidationError => "VALIDATION_ERROR",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::RateLimitExceeded => "RATE_LIMIT_EXCEEDED",
            ErrorCode::InternalError => "INTERNAL_ERROR",
            ErrorCode::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            ErrorCode::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            ErrorCode::RequestTimeout => "REQUEST_TIMEOUT",
            ErrorCode::RequestHeaderFieldsTooLarge => "REQUEST_HEADER_FIELDS_TOO_LARGE",
            ErrorCode::GraphqlParseFailed => "GRAPHQL_PARSE_FAILED",
            ErrorCode::GraphqlValidationFailed => "GRAPHQL_VALIDATION_FAILED",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// Bad input. `details` lists every invalid field, not only the first.
    #[error("{message}")]
    Validation { message: String, details: Vec<FieldError> },
    #[error("{what} not found")]
    NotFound { what: String },
    #[error("{message}")]
    Conflict { message: String, details: Vec<FieldError> },
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("Rate limit exceeded")]
    RateLimited { retry_after_secs: u64 },
    /// Something unexpected; the message reaching a client is generic, the source goes to the logs.
    #[error("internal error: {0}")]
    Internal(InternalError),
    /// Temporarily out of a resource (see [`ErrorCode::ServiceUnavailable`]); the message is safe to show.
    #[error("{message}")]
    Unavailable { message: String, retry_after_secs: u64 },
    /// The body of a request is larger than the limit.
    #[error("Request body is larger than the limit of {limit_bytes} bytes")]
    PayloadTooLarge { limit_bytes: usize },
    /// The request did not arrive in time.
    #[error("Request did not arrive within {limit_secs} seconds")]
    RequestTimeout { limit_secs: u64 },
    /// The headers of a request are larger than the limit.
    #[error("Request headers are larger than the limit of {limit_bytes} bytes")]
    HeadersTooLarge { limit_bytes: usize },
}

/// What went wrong unexpectedly: a message for the logs and, when there is one, the error that caused it. Neither
/// reaches a client; [`InternalError::report`] gives the whole chain for a log line.
#[derive(Debug)]
pub struct InternalError {
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl InternalError {
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The message followed by every cause: `database error: connection closed: broken pipe`.
    pub fn report(&self) -> String {
        let mut report = self.message.clone();
        let mut cause = std::error::Error::source(self);
        while let Some(err) = cause {
            report.push_str(": ");
            report.push_str(&err.to_string());
            cause = err.source();
        }
        report
    }
}

impl std::fmt::Display for InternalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for InternalError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|err| err as &(dyn std::error::Error + 'static))
    }
}

impl DomainError {
    pub fn code(&self) -> ErrorCode {
        match self {
            DomainError::Validation { .. } => ErrorCode::ValidationError,
            DomainError::NotFound { .. } => ErrorCode::NotFound,
            DomainError::Conflict { .. } => ErrorCode::Conflict,
            DomainError::Forbidden(_) => ErrorCode::Forbidden,
            DomainError::Unauthorized(_) => ErrorCode::Unauthorized,
            DomainError::RateLimited { .. } => ErrorCode::RateLimitExceeded,
            DomainError::Internal(_) => ErrorCode::InternalError,
            DomainError::Unavailable { .. } => ErrorCode::ServiceUnavailable,
            DomainError::PayloadTooLarge { .. } => ErrorCode::PayloadTooLarge,
            DomainError::RequestTimeout { .. } => ErrorCode::RequestTimeout,
            DomainError::HeadersTooLarge { .. } => ErrorCode::RequestHeaderFieldsTooLarge,
        }
    }

    /// When a client may try again (`Retry-After`, `retryAfter`): for rate limits and exhausted resources.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            DomainError::RateLimited { retry_after_secs } | DomainError::Unavailable { retry_after_secs, .. } => {
                Some(*retry_after_secs)
            }
            _ => None,
        }
    }

    /// Temporarily out of a resource; `retry_after_secs` is the hint given to the client.
    pub fn unavailable(message: impl Into<String>, retry_after_secs: u64) -> Self {
        DomainError::Unavailable {
            message: message.into(),
            retry_after_secs,
        }
    }

    pub fn validation(message: impl Into<String>) -> Self {
        DomainError::Validation {
            message: message.into(),
            details: Vec::new(),
        }
    }

    pub fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let detail = FieldError::new(field, message);
        DomainError::Validation {
            message: format!("Invalid value for `{}`: {}", detail.field, detail.message),
            details: vec![detail],
        }
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        DomainError::NotFound { what: what.into() }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        DomainError::Internal(InternalError {
            message: message.into(),
            source: None,
        })
    }

    /// An internal error that keeps the error causing it, for the log.
    pub fn internal_caused_by(
        message: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        DomainError::Internal(InternalError {
            message: message.into(),
            source: Some(source.into()),
        })
    }

    pub fn details(&self) -> &[FieldError] {
        match self {
            DomainError::Validation { details, .. } | DomainError::Conflict { details, .. } => details,
            _ => &[],
        }
    }
}

pub type DomainResult<T> = Result<T, DomainError>;

/// Collects every problem of one input before failing, so that a client sees all of them at once.
#[derive(Debug, Default)]
pub struct Problems {
    items: Vec<FieldError>,
}

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.items.push(FieldError::new(field, message));
    }

    pub fn extend(&mut self, other: Problems) {
        self.items.extend(other.items);
    }

    /// Absorbs the details of a validation error, prefixing each field path.
    pub fn absorb(&mut self, prefix: &str, err: DomainError) {
        match err {
            DomainError::Validation { details, message } if details.is_empty() => self.push(prefix, message),
            DomainError::Validation { details, .. } => {
                for d in details {
                    self.items.push(FieldError::new(join_path(prefix, &d.field), d.message));
                }
            }
            other => self.push(prefix, other.to_string()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// `Ok(value)` when nothing was reported, else one `Validation` error listing every problem.
    pub fn finish<T>(self, value: T) -> DomainResult<T> {
        if self.items.is_empty() {
            return Ok(value);
        }
        let message = if self.items.len() == 1 {
            format!("Invalid value for `{}`: {}", self.items[0].field, self.items[0].message)
        } else {
            format!("Validation failed for {} fields", self.items.len())
        };
        Err(DomainError::Validation {
            message,
            details: self.items,
        })
    }
}

/// Joins two parts of a field path: `name` + `firstName` → `name.firstName`; `[2]` + `email` → `[2].email`.
pub fn join_path(prefix: &str, field: &str) -> String {
    match (prefix.is_empty(), field.is_empty()) {
        (true, _) => field.to_string(),
        (_, true) => prefix.to_string(),
        _ if field.starts_with('[') => format!("{prefix}{field}"),
        _ => format!("{prefix}.{field}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_parses_back_from_its_spelling() {
        let spellings: std::collections::HashSet<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(spellings.len(), ErrorCode::ALL.len());
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
        }
        assert_eq!(ErrorCode::parse("NOT_A_CODE"), None);
    }

    #[test]
    fn an_internal_error_keeps_its_cause_for_the_log_only() {
        let cause = std::io::Error::other("connection reset by peer");
        let err = DomainError::internal_caused_by("database error", cause);
        assert_eq!(err.code(), ErrorCode::InternalError);
        assert_eq!(err.to_string(), "internal error: database error");
        let DomainError::Internal(internal) = &err else {
            panic!("not internal: {err:?}");
        };
        assert_eq!(internal.report(), "database error: connection reset by peer");
        assert_eq!(
            DomainError::internal("corrupt metadata").to_string(),
            "internal error: corrupt metadata"
        );
    }
}
