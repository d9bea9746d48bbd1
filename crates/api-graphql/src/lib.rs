//! `twenty-api-graphql`: the two GraphQL APIs, the core one (`/graphql`) and the metadata one (`/metadata`).
//!
//! For the core API it owns the per-workspace schema built at runtime from metadata ([`types`], [`root`]), cached
//! by metadata version ([`schema`]); the translation of a root field's look-ahead into one domain query
//! ([`selection`]); the document limits ([`limits`]) and cost ([`cost`]); the response of a root field shaped in one pass from
//! PostgreSQL's JSON ([`output`]). It also owns the metadata API's static schema and resolvers ([`metadata`]).
//! Both share execution with the contract's error format ([`execute`], [`error`]) and the scalar pattern
//! ([`scalars`]); [`tunnel`] and [`literals`] carry `JSON` objects and lists, in variables and in literals, past
//! juniper.

pub mod context;
pub mod cost;
pub mod error;
pub mod execute;
pub mod limits;
pub mod literals;
pub mod metadata;
pub mod output;
pub mod root;
pub mod scalars;
pub mod schema;
pub mod selection;
pub mod tunnel;
pub mod types;

pub use context::CoreContext;
pub use execute::{GraphQLRequest, Outcome, execute};
pub use limits::OperationInfo;
pub use schema::{Schema, SchemaCache, build_schema};
