//! `twenty-api-graphql`: the core GraphQL API.
//!
//! It owns the per-workspace schema built at runtime from metadata ([`types`], [`root`]), cached by metadata
//! version ([`schema`]); the translation of a root field's look-ahead into one domain query ([`selection`]); the
//! document limits ([`limits`]); execution with the contract's error format ([`execute`], [`error`]); the response
//! of a root field shaped in one pass from PostgreSQL's JSON ([`output`]).

pub mod context;
pub mod error;
pub mod execute;
pub mod limits;
pub mod metadata;
pub mod output;
pub mod root;
pub mod scalars;
pub mod schema;
pub mod selection;
pub mod types;

pub use context::CoreContext;
pub use execute::{GraphQLRequest, execute};
pub use schema::{Schema, SchemaCache, build_schema};
