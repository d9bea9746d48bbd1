//! Where the data lives: `DATABASE_URL`, or the private PostgreSQL cluster under `DATA_DIR` (contract §1.1).

use crate::config::Config;
use anyhow::Context;
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
    /// The private cluster, when this process started it (and so stops it on shutdown).
    started_cluster: Option<LocalCluster>,
}

impl Database {
    /// Resolves the database, starting the private cluster when no URL is configured.
    pub async fn open(config: &Config) -> anyhow::Result<Database> {
        if let Some(url) = &config.database_url {
            return Ok(Database {
                url: url.expose().to_string(),
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
            started_cluster: started.then(|| cluster.clone()),
        };
        if let Err(e) = ensure_database(&cluster.url("postgres"), PRIVATE_DATABASE).await {
            database.close().await;
            return Err(e.into());
        }
        Ok(database)
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
