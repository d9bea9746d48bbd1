//! `twenty-api-rest`: the REST API. So far it owns the error envelope of contract §3, shared by `/rest` and
//! `/auth`: `{"error": {"message", "code", "statusCode", "details"}}`.

pub mod error;

pub use error::{ApiError, status_of};
