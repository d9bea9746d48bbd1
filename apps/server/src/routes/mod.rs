//! HTTP handlers of the server's own routes: auth, operations, and the pages for browsers.

pub mod auth;
pub mod graphql;
pub mod metadata;
pub mod ops;
pub mod pages;
