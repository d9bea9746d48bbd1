//! The server's tests. Most run in process against `build_app` through [`support::TestApp`]; the real binary is
//! spawned only for what needs a process of its own: its life cycle, several processes on one database, the
//! process-wide statement counter and log, and the command line (the `binary` module).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod auth;
mod binary;
mod browser;
mod descriptions;
mod field_types;
mod graphql;
mod identity;
mod limits;
mod metadata;
mod notifications;
mod ops;
mod pages;
mod rate_limits;
mod rest;
mod rest_duplicates;
mod rest_metadata;
mod rest_twenty;
mod support;
mod throttles;
mod webhooks;
