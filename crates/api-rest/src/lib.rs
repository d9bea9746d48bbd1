//! `twenty-api-rest`: the REST API (contract §6).
//!
//! It owns the routes ([`handlers`]) and what each handler starts from (`route`: the principal, the state, the path), the two answer shapes ([`envelope`]), the query-string language (`filter[..][..]`, `order[..]`,
//! [`query`]) which parses into the same domain types as GraphQL, the OpenAPI document generated from metadata
//! ([`openapi`]), Twenty's metadata routes `/rest/metadata/*` over the same `MetadataService` as `/metadata`
//! ([`metadata`]), and the error envelope and code → HTTP status table shared by `/rest` and `/auth` ([`error`]).

pub mod envelope;
pub mod error;
pub mod handlers;
pub mod metadata;
pub mod openapi;
pub mod query;
mod route;

pub use error::{ApiError, set_retry_after, status_of};
pub use handlers::{RestState, configure};
pub use route::{Authenticated, workspace_of};
