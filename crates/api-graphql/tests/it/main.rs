//! Schema contracts: the SDL of a fixture workspace is committed and compared, and the cost model is checked on
//! it; its introspection is written for the graphql-core conformance check that CI runs
//! (`scripts/check-graphql-schema`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cost;
mod fixture;
mod operators;
mod sdl;
