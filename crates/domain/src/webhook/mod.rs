//! Webhooks (contract §7): subscriptions with their operation and target rules ([`subscription`]) and the
//! delivery of record events to them ([`delivery`]) at target URLs parsed once ([`target`]). The subscription service is [`crate::services::WebhookService`].

mod delivery;
mod subscription;
mod target;

pub use delivery::*;
pub use subscription::*;
pub use target::*;
