//! Where the data lives: `DATABASE_URL`, or the private PostgreSQL cluster under `DATA_DIR` (contract §1.1).

use crate::config::{Config, ConfigError};
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
    /// The private cluster when this process stops it on shutdown: it started it, or it serves it.
    started_cluster: Option<LocalCluster>,
    /// `DATA_DIR/serve.lock`, held while this process serves the private cluster (one server per data directory).
    _serve_lock: Option<std::fs::File>,
}

/// The file whose lock marks the data directory's server; it holds that server's pid.
const SERVE_LOCK: &str = "serve.lock";

/// Takes the data directory's serve lock, or says which process holds it (exit code 2, contract §9).
fn lock_for_serving(config: &Config) -> anyhow::Result<std::fs::File> {
    use std::io::{Read, Seek, Write};
    std::fs::create_dir_all(&config.data_dir).with_context(|| format!("creating {}", config.data_dir.display()))?;
    let path = config.data_dir.join(SERVE_LOCK);
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    if file.try_lock().is_err() {
        let mut holder = String::new();
        let _ = file.read_to_string(&mut holder);
        return Err(ConfigError {
            variable: "DATA_DIR",
            message: format!(
                "{} is in use by another twenty-server (pid {}); stop it or use another DATA_DIR",
                config.data_dir.display(),
                holder.trim()
            ),
        }
        .into());
    }
    file.set_len(0)?;
    file.rewind()?;
    write!(file, "{}", std::process::id())?;
    file.flush()?;
    Ok(file)
}

/// How often the supervisor checks that the private PostgreSQL's postmaster is alive.
const SUPERVISION_INTERVAL: std::time::Duration = std::time::Duration::from_secs(1);

impl Database {
    /// Resolves the database, starting the private cluster when no URL is configured. `serving`: this process is
    /// the data directory's server (one at most; it stops the cluster at shutdown, also one it found running, left
    /// by a crashed server); other commands join a running cluster and leave it running.
    pub async fn open(config: &Config, serving: bool) -> anyhow::Result<Database> {
        if let Some(url) = &config.database_url {
            return Ok(Database {
                url: url.expose().to_string(),
                cluster: None,
                started_cluster: None,
                _serve_lock: None,
            });
        }
        let serve_lock = if serving { Some(lock_for_serving(config)?) } else { None };
        let cluster = LocalCluster::new(config.data_dir.join("postgres"))?;
        let starting = cluster.clone();
        let started = tokio::task::spawn_blocking(move || starting.ensure_started())
            .await
            .context("starting PostgreSQL")??;
        tracing::info!(data_dir = %cluster.data_dir().display(), started, "private PostgreSQL running (unix socket only)");
        let url = cluster.url(PRIVATE_DATABASE);
        if serving && !started {
            tracing::info!("adopted the private PostgreSQL that was already running; it stops with this server");
        }
        let database = Database {
            url,
            cluster: Some(cluster.clone()),
            started_cluster: (started || serving).then(|| cluster.clone()),
            _serve_lock: serve_lock,
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
