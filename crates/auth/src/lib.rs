//! `twenty-auth`: credentials and who a request speaks for.
//!
//! It owns password rules and bcrypt hashing ([`password`]), the JWT access / refresh / API-key tokens
//! ([`tokens`]), refresh rotation with reuse detection ([`service`]), API keys ([`api_keys`]), the rate buckets
//! behind every limit ([`buckets`]), the login and sign-up throttles ([`throttle`]) and the [`Principal`].
//! Persistence goes through the domain's `IdentityStore` port; HTTP (and the Redis store of buckets) lives in the
//! server.

pub mod api_keys;
pub mod buckets;
pub mod password;
pub mod principal;
pub mod service;
pub mod throttle;
pub mod tokens;

pub use api_keys::ApiKeyService;
pub use buckets::{Bucket, Buckets, LocalBuckets, Quota, Spent};
pub use principal::{Principal, Subject};
pub use service::{AuthService, AuthSettings, PasswordSet, SignUp, SignedUp, Tokens};
pub use throttle::Throttles;
pub use tokens::TokenSigner;
