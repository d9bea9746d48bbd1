//! Database errors → domain errors. Constraint violations caused by input become client errors; anything else
//! is logged with its source and surfaces as an opaque internal error.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::pooled_connection::deadpool::PoolError;
use twenty_domain::error::{DomainError, FieldError};

/// Storage's own failures (start-up, pool, migrations); request paths convert to [`DomainError`].
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    #[error("database error: {0}")]
    Query(#[from] DieselError),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("{0}")]
    Cluster(String),
    /// The database has core migrations this binary does not know: a newer binary migrated it.
    #[error(
        "database was migrated by a newer twenty-server (unknown migrations: {}); run that version or newer, \
         or set ALLOW_DOWNGRADE=true to start anyway",
        .0.join(", ")
    )]
    NewerDatabase(Vec<String>),
    /// A private data directory the PostgreSQL OS user cannot use (running as root, PostgreSQL runs as `postgres`).
    #[error("{0}")]
    DataDirectory(String),
    /// A connection string that cannot be used as given (bad `sslmode`, unreadable `sslrootcert`, bad syntax).
    #[error("{0}")]
    InvalidUrl(String),
}

/// Maps a diesel error from a record or metadata statement.
pub fn to_domain(err: DieselError) -> DomainError {
    match &err {
        DieselError::DatabaseError(kind, info) => {
            // "Key (companyId)=(…) is not present …": the column names the field.
            let field = info.details().and_then(column_of_details).unwrap_or_default();
            match kind {
                DatabaseErrorKind::UniqueViolation => DomainError::Conflict {
                    message: if field.is_empty() {
                        "A record with this value already exists".into()
                    } else {
                        format!("Duplicate value for `{field}`: a record with this value already exists")
                    },
                    details: vec![FieldError::new(field, "must be unique")],
                },
                // Destroying a record that a RESTRICT relation still points at.
                DatabaseErrorKind::ForeignKeyViolation if info.message().starts_with("update or delete on table") => {
                    DomainError::Conflict {
                        message: "The record is still referenced by other records".into(),
                        details: Vec::new(),
                    }
                }
                DatabaseErrorKind::ForeignKeyViolation => DomainError::Validation {
                    message: format!("Invalid value for `{field}`: the referenced record does not exist"),
                    details: vec![FieldError::new(field, "the referenced record does not exist")],
                },
                DatabaseErrorKind::NotNullViolation => {
                    let column = info.column_name().unwrap_or_default().to_string();
                    DomainError::invalid_field(column, "must not be null")
                }
                DatabaseErrorKind::CheckViolation => DomainError::validation(info.message().to_string()),
                // A value too large for a (unique) index: bad input.
                _ if info.message().contains("index row size") || info.message().contains("index row requires") => {
                    DomainError::validation(
                        "a value is too long to be indexed; unique text fields take at most about 2,700 bytes",
                    )
                }
                // A concurrent metadata change created the same column or table first.
                _ if info.message().contains("already exists") => DomainError::Conflict {
                    message: "The data model changed concurrently: a column or table of that name already exists"
                        .into(),
                    details: Vec::new(),
                },
                _ if info.message().contains("statement timeout") => {
                    DomainError::validation("query too expensive: it ran longer than the statement timeout")
                }
                _ => internal(err),
            }
        }
        _ => internal(err),
    }
}

fn internal(err: DieselError) -> DomainError {
    tracing::error!(error = %err, "database error");
    DomainError::internal_caused_by("database error", err)
}

/// The first column of a violation's detail, `Key (col, …)=(…) …`.
fn column_of_details(details: &str) -> Option<String> {
    let inside = details.strip_prefix("Key (")?.split(")=").next()?;
    let first = inside.split(',').next()?.trim().trim_matches('"');
    (!first.is_empty()).then(|| first.to_string())
}

/// Maps a failed checkout from the pool. Running out of time (every connection busy, or a new one not opening
/// in time) is `UNAVAILABLE`, which a client may retry; anything else is internal.
pub fn pool_error(err: PoolError) -> DomainError {
    tracing::error!(error = %err, "database pool error");
    match err {
        PoolError::Timeout(_) => DomainError::unavailable("Service temporarily unavailable, try again shortly", 1),
        other => DomainError::internal_caused_by("database unavailable", other),
    }
}

/// The error type inside storage transactions: database errors convert on the way in.
#[derive(Debug)]
pub(crate) struct TxError(pub DomainError);

impl From<DieselError> for TxError {
    fn from(err: DieselError) -> Self {
        TxError(to_domain(err))
    }
}

impl From<DomainError> for TxError {
    fn from(err: DomainError) -> Self {
        TxError(err)
    }
}

impl From<TxError> for DomainError {
    fn from(err: TxError) -> Self {
        err.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use deadpool::managed::TimeoutType;
    use twenty_domain::ErrorCode;

    #[test]
    fn a_pool_timeout_is_unavailable_and_other_pool_failures_are_internal() {
        for timeout in [TimeoutType::Wait, TimeoutType::Create, TimeoutType::Recycle] {
            let err = pool_error(PoolError::Timeout(timeout));
            assert_eq!(err.code(), ErrorCode::ServiceUnavailable, "{timeout:?}");
            assert_eq!(err.to_string(), "Service temporarily unavailable, try again shortly");
        }
        let closed = pool_error(PoolError::Closed);
        assert_eq!(closed.code(), ErrorCode::InternalError);
        assert_eq!(closed.to_string(), "internal error: database unavailable");
    }
}
