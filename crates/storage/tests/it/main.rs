//! Storage integration tests against a real PostgreSQL: one fresh database per test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod events;
mod filters;
mod helpers;
mod identifiers;
mod injection;
mod ordering;
mod paging;
mod plans;
mod relations;
mod round_trip;
mod smoke;
mod tls;
mod writes;
