//! [`PgStore`]: the PostgreSQL implementation of the domain's ports — the connection pool and the in-memory
//! caches every port shares. Each port is implemented beside the SQL it runs: [`RecordStore`](crate::records),
//! [`IdentityStore`](crate::accounts), [`WebhookStore`](crate::webhooks), [`WorkspaceStore`](crate::provision)
//! and `MetadataStore` (in `metadata_changes`).

use crate::changes::{self, Caches};
use crate::db::PgPool;
use crate::error::pool_error;
use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::deadpool::Object;
use std::sync::Arc;
use twenty_domain::error::DomainResult;

/// A connection checked out of the pool; it goes back when dropped.
pub(crate) type PooledConnection = Object<AsyncPgConnection>;

#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    caches: Arc<Caches>,
}

impl PgStore {
    /// A store whose caches stay unused until [`PgStore::listen_for_changes`] is called.
    pub fn new(pool: PgPool) -> Self {
        PgStore::with_cache_capacity(pool, changes::DEFAULT_CAPACITY)
    }

    /// Like [`PgStore::new`], keeping at most `capacity` workspaces' metadata in memory.
    pub fn with_cache_capacity(pool: PgPool, capacity: usize) -> Self {
        PgStore {
            pool,
            caches: Arc::new(Caches::new(capacity)),
        }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Serves API keys and metadata from memory from now on, kept fresh by `LISTEN/NOTIFY` on a connection of its
    /// own to `url` (see [`changes`]). The task ends when the last clone of this store is dropped.
    pub fn listen_for_changes(&self, url: &str) -> tokio::task::JoinHandle<()> {
        changes::listen(url, &self.caches)
    }

    /// Whether requests are being served from the caches (the listening connection is up).
    pub fn serving_from_memory(&self) -> bool {
        self.caches.is_live()
    }

    /// A connection from the pool; see [`pool_error`] for what a failed checkout answers.
    pub(crate) async fn conn(&self) -> DomainResult<PooledConnection> {
        self.pool.get().await.map_err(pool_error)
    }

    pub(crate) fn caches(&self) -> &Caches {
        &self.caches
    }
}
