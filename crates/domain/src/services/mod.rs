//! The domain services: business rules over the ports, shared by every API adapter. Records
//! ([`RecordService`]), the data model ([`MetadataService`]) and webhook subscriptions ([`WebhookService`]).
//! Accounts, tokens and API keys are `twenty-auth`'s services.

mod duplicates;
mod metadata;
mod records;
mod webhooks;

pub use duplicates::*;
pub use metadata::*;
pub use records::*;
pub use webhooks::*;
