//! End-to-end tests of the server: in-process through `build_app`, and the real binary over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod auth;
mod cli;
mod graphql;
mod health;
mod metadata;
mod process;
mod rate_limits;
mod rest;
mod steady_state;
mod support;
mod webhooks;
