//! `twenty-domain`: the CRM's domain, free of HTTP, GraphQL and SQL.
//!
//! It owns the metadata model (objects, fields, relations) and the capability table of field types
//! ([`field_type`]: storage kinds, composites, formats, filter operators, system fields) that every adapter reads;
//! the standard-object catalogue, naming rules, value validation and coercion; the typed argument tree adapters
//! build and the filter / order / page / selection types resolved from it against metadata ([`query`]); record
//! inputs, targets and events; accounts, webhooks, error codes; every port storage implements ([`ports`]); and the
//! services that apply business rules over them ([`services`]).

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
