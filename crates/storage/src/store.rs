//! [`PgStore`]: the PostgreSQL implementation of the domain's ports — the connection pool and the in-memory
//! caches every port shares. Each port is implemented beside the SQL it runs: [`RecordStore`](crate::records),
//! [`IdentityStore`](crate::accounts), [`WebhookStore`](crate::webhooks), [`WorkspaceStore`](crate::provision)
//! and `MetadataStore` (in `metadata_changes`).

use crate::changes::{self, Caches};
use crate::db::PgPool;
use crate::error::pool_error;
use crate::estimates::RowEstimates;
use crate::fairness::WorkspaceSlots;
use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::deadpool::Object;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OwnedSemaphorePermit;
use twenty_domain::error::{DomainError, DomainResult};
use twenty_domain::metadata::WorkspaceId;

/// A connection checked out of the pool; it goes back when dropped.
pub(crate) type PooledConnection = Object<AsyncPgConnection>;

/// A pooled connection held for one workspace: it and the workspace's slot go back when dropped.
pub(crate) struct WorkspaceConnection {
    conn: PooledConnection,
    _slot: Option<OwnedSemaphorePermit>,
}

impl std::ops::Deref for WorkspaceConnection {
    type Target = AsyncPgConnection;
    fn deref(&self) -> &AsyncPgConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for WorkspaceConnection {
    fn deref_mut(&mut self) -> &mut AsyncPgConnection {
        &mut self.conn
    }
}

#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    caches: Arc<Caches>,
    /// Connections per workspace, and how long a request waits for its workspace's slot and a connection.
    fairness: Option<(Arc<WorkspaceSlots>, Duration)>,
    pub(crate) estimates: Arc<RowEstimates>,
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
            fairness: None,
            estimates: Arc::default(),
        }
    }

    /// At most `per_workspace` pooled connections per workspace at once for record reads and writes and
    /// metadata changes; a request waits at most `wait` for its workspace's slot and a connection together.
    pub fn with_workspace_limit(mut self, per_workspace: usize, wait: Duration) -> Self {
        self.fairness = Some((Arc::new(WorkspaceSlots::new(per_workspace)), wait));
        self
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

    /// A connection for work of `workspace`, within the workspace's share of the pool (see [`crate::fairness`]).
    pub(crate) async fn conn_of(&self, workspace: WorkspaceId) -> DomainResult<WorkspaceConnection> {
        let Some((slots, wait)) = &self.fairness else {
            let conn = self.conn().await?;
            return Ok(WorkspaceConnection { conn, _slot: None });
        };
        let checkout = async {
            let slot = slots.acquire(workspace).await?;
            let conn = self.conn().await?;
            Ok(WorkspaceConnection {
                conn,
                _slot: Some(slot),
            })
        };
        match tokio::time::timeout(*wait, checkout).await {
            Ok(checked_out) => checked_out,
            Err(_) => {
                tracing::warn!(%workspace, "no database connection for the workspace in time");
                Err(DomainError::unavailable(
                    "Service temporarily unavailable, try again shortly",
                    1,
                ))
            }
        }
    }

    pub(crate) fn caches(&self) -> &Caches {
        &self.caches
    }
}
