//! Where the data lives: `DATABASE_URL`, or the private PostgreSQL cluster under `DATA_DIR` (contract §1.1).

use crate::config::Config;
use anyhow::Context;
use twenty_storage::PgPool;
use twenty_storage::cluster::LocalCluster;
use twenty_storage::db::{PoolOptions, ensure_database};

/// The connection pool of the configuration (`PG_POOL_MAX_CONNECTIONS`, `PG_POOL_TIMEOUT_MS`).
pub fn pool_options(config: &Config) -> PoolOptions {
    PoolOptions {
        max_size: config.pg_pool_max_connections,
        wait_timeout: config.pg_pool_timeout,
        ..PoolOptions::default()
    }
}

/// The database name inside the private cluster.
const PRIVATE_DATABASE: &str = "twenty";

pub struct Database {
    pub url: String,
    /// The private cluster, in private mode.
    cluster: Option<LocalCluster>,
    /// The private cluster, when this process started it (and so stops it on shutdown).
    started_cluster: Option<LocalCluster>,
}

/// How often the supervisor checks that the private PostgreSQL's postmaster is alive.
const SUPERVISION_INTERVAL: std::time::Duration = std::time::Duration::from_secs(1);

impl Database {
    /// Resolves the database, starting the private cluster when no URL is configured.
    pub async fn open(config: &Config) -> anyhow::Result<Database> {
        if let Some(url) = &config.database_url {
            return Ok(Database {
                url: url.expose().to_string(),
                cluster: None,
                started_cluster: None,
            });
        }
        let cluster = LocalCluster::new(config.data_dir.join("postgres"))?;
        let starting = cluster.clone();
        let started = tokio::task::spawn_blocking(move || starting.ensure_started())
            .await
            .context("starting PostgreSQL")??;
        tracing::info!(data_dir = %cluster.data_dir().display(), started, "private PostgreSQL running (unix socket only)");
        let url = cluster.url(PRIVATE_DATABASE);
        let database = Database {
            url,
            cluster: Some(cluster.clone()),
            started_cluster: started.then(|| cluster.clone()),
        };
        if let Err(e) = ensure_database(&cluster.url("postgres"), PRIVATE_DATABASE).await {
            database.close().await;
            return Err(e.into());
        }
        Ok(database)
    }

    /// In private mode, restarts the private PostgreSQL whenever its postmaster dies (contract §9) and then drops
    /// the pool's idle connections, which died with it; readiness is 503 meanwhile, since the pool cannot reach
    /// the database. Abort the task before [`Database::close`]. `None` with `DATABASE_URL`.
    pub fn supervise(&self, pool: PgPool) -> Option<tokio::task::JoinHandle<()>> {
        let cluster = self.cluster.clone()?;
        Some(tokio::spawn(async move {
            loop {
                tokio::time::sleep(SUPERVISION_INTERVAL).await;
                let probe = cluster.clone();
                if tokio::task::spawn_blocking(move || probe.is_running())
                    .await
                    .unwrap_or(true)
                {
                    continue;
                }
                tracing::warn!("the private PostgreSQL is not running; restarting it");
                let starting = cluster.clone();
                match tokio::task::spawn_blocking(move || starting.ensure_started()).await {
                    Ok(Ok(_)) => {
                        pool.retain(|_, _| false);
                        tracing::info!("the private PostgreSQL was restarted");
                    }
                    Ok(Err(e)) => tracing::error!(error = %e, "restarting the private PostgreSQL failed; retrying"),
                    Err(e) => tracing::error!(error = %e, "restarting the private PostgreSQL failed; retrying"),
                }
            }
        }))
    }

    /// Stops the private cluster if this process started it.
    pub async fn close(self) {
        if let Some(cluster) = self.started_cluster {
            match tokio::task::spawn_blocking(move || cluster.stop()).await {
                Ok(Ok(())) => tracing::info!("private PostgreSQL stopped"),
                Ok(Err(e)) => tracing::error!(error = %e, "stopping the private PostgreSQL failed"),
                Err(e) => tracing::error!(error = %e, "stopping the private PostgreSQL failed"),
            }
        }
    }
}
