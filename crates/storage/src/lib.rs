//! `twenty-storage`: everything PostgreSQL.
//!
//! It owns connecting with libpq's TLS rules ([`connect`]), the connection pool and the embedded core migrations
//! ([`db`]), the private cluster used when no
//! `DATABASE_URL` is given ([`cluster`]), the per-workspace DDL generated from metadata ([`ddl`]), the dynamic
//! record query compiler ([`compile`], over the bind-only SQL builder [`sql`]) and [`PgStore`], the domain's ports
//! over PostgreSQL, each implemented beside its SQL: records ([`records`]), workspace provisioning and loading
//! ([`provision`]), data-model changes (`metadata_changes`), accounts and API keys ([`accounts`]) and webhooks
//! ([`webhooks`]). API keys, memberships and workspace metadata are served from memory, kept fresh by
//! `LISTEN/NOTIFY` ([`changes`], over [`cache`]); a workspace holds at most its share of the pool ([`fairness`]);
//! row estimates for the GraphQL cost model come from the statistics ([`estimates`]).

pub mod accounts;
pub mod cache;
pub mod changes;
pub mod cluster;
pub mod compile;
pub mod connect;
pub mod db;
pub mod ddl;
pub mod error;
pub mod estimates;
pub mod fairness;
mod metadata_changes;
mod metadata_rows;
pub mod provision;
pub mod records;
mod schema;
pub mod sql;
pub mod store;
mod transaction;
pub mod webhooks;

pub use connect::Target;
pub use db::{PgPool, PoolOptions, build_pool, run_migrations, statements_executed};
pub use error::StorageError;
pub use store::PgStore;
