//! Webhooks (contract §7): subscriptions with their operation and target rules ([`subscription`]) and the
//! delivery of record events to them ([`delivery`]). The subscription service is [`crate::services::WebhookService`].

mod delivery;
mod subscription;

pub use delivery::*;
pub use subscription::*;
