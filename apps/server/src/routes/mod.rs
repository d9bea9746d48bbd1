//! HTTP handlers of the server's own routes: auth and operations.

pub mod auth;
pub mod graphql;
pub mod metadata;
pub mod ops;
