//! `twenty-domain`: the CRM's domain, free of HTTP, GraphQL and SQL.
//!
//! It owns the metadata model (objects, fields, field types, composites, relations), the standard-object
//! catalogue, naming rules, value validation and coercion, the filter / order / page / selection types and their
//! validation against metadata, record events, the error codes, and the ports storage implements, with the
//! services that apply business rules over them.

pub mod blueprint;
pub mod catalogue;
pub mod error;
pub mod events;
pub mod field_type;
pub mod identity;
pub mod metadata;
pub mod naming;
pub mod ports;
pub mod query;
pub mod record;
pub mod services;
pub mod value;
pub mod webhook;

pub use error::{DomainError, DomainResult, ErrorCode, FieldError};
