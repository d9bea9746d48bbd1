//! `twenty-auth`: credentials and who a request speaks for.
//!
//! It owns password rules and bcrypt hashing ([`password`]), the JWT access / refresh / API-key tokens
//! ([`tokens`]), refresh rotation with reuse detection ([`service`]), API keys ([`api_keys`]), login throttling
//! ([`throttle`]) and the [`Principal`]. Persistence goes through the domain's `IdentityStore` port; HTTP lives
//! in the server.

pub mod api_keys;
pub mod password;
pub mod principal;
pub mod service;
pub mod throttle;
pub mod tokens;

pub use api_keys::ApiKeyService;
pub use principal::{Principal, Subject};
pub use service::{AuthService, AuthSettings, SignUp, SignedUp, Tokens};
pub use throttle::Throttle;
pub use tokens::TokenSigner;
