//! The command line (contract §1 and §9): `serve`, `migrate`, `workspace create|list`, `api-key
//! create|list|revoke`, `user set-password`, `export`, `import`, `seed-demo`, `config`, `healthcheck`. Every
//! command that touches data goes through the domain and auth services, as the APIs do.

mod admin;
mod export;
mod import;
mod progress;

pub use progress::ProgressMode;

use crate::config::Config;
use crate::database::Database;
use crate::{AppState, secret};
use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use serde_json::json;
use std::io::{Read, Write};
use twenty_auth::SignUp;
use twenty_storage::PgPool;

#[derive(Debug, Parser)]
#[command(name = "twenty-server", version = crate::VERSION, about = "A Twenty-compatible CRM server")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the core schema if needed and serve HTTP on HOST:PORT (the default command).
    Serve,
    /// Apply pending core migrations and exit.
    Migrate,
    /// Manage workspaces.
    Workspace {
        #[command(subcommand)]
        action: WorkspaceCommand,
    },
    /// Manage API keys.
    #[command(name = "api-key")]
    ApiKey {
        #[command(subcommand)]
        action: ApiKeyCommand,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// Write a workspace's data model and records as NDJSON (docs/cli.md).
    Export {
        #[arg(long)]
        workspace: uuid::Uuid,
        /// The file to write (default: stdout).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// Draw a progress bar on stderr: when it is a terminal (auto), always, or never.
        #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
        progress: ProgressMode,
    },
    /// Read records from a CSV file (one object, --object) or from NDJSON as `export` writes it (docs/cli.md).
    Import {
        #[arg(long)]
        workspace: uuid::Uuid,
        /// The object of a CSV file's rows, by its plural name (`companies`).
        #[arg(long)]
        object: Option<String>,
        /// Draw a progress bar on stderr: when it is a terminal (auto), always, or never.
        #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
        progress: ProgressMode,
        file: std::path::PathBuf,
    },
    /// Write a deterministic demo data set into a workspace through the record service: COMPANIES companies, five
    /// people and two opportunities each (benchmarks, trying the API). Prints the counts as JSON.
    #[command(name = "seed-demo")]
    SeedDemo {
        #[arg(long)]
        workspace: uuid::Uuid,
        #[arg(long, default_value_t = 1000)]
        companies: usize,
    },
    /// Print the effective configuration, secrets redacted.
    Config,
    /// Exit 0 when the server on HOST:PORT answers GET /healthz (for container health checks).
    Healthcheck,
}

#[derive(Debug, Subcommand)]
pub enum WorkspaceCommand {
    /// Create a workspace with the standard objects and its admin user; prints the ids as JSON.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
    },
    /// One JSON line per workspace: id, displayName, createdAt.
    List,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Set a user's password, read from stdin (its first line); the user's refresh tokens are revoked.
    #[command(name = "set-password")]
    SetPassword {
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create an API key and print its token (shown only once).
    Create {
        #[arg(long)]
        workspace: uuid::Uuid,
        #[arg(long)]
        name: String,
        /// RFC 3339, in the future.
        #[arg(long)]
        expires_at: Option<DateTime<Utc>>,
    },
    /// One JSON line per key of the workspace: id, name, expiresAt, revoked, revokedAt, createdAt (never a token).
    List {
        #[arg(long)]
        workspace: uuid::Uuid,
    },
    /// Revoke a key: servers on the same database refuse it from their next request.
    Revoke {
        #[arg(long)]
        workspace: uuid::Uuid,
        #[arg(long)]
        id: uuid::Uuid,
    },
}

/// How a failed command ends: the one line to print and the exit code. 2 for a configuration problem found by the
/// command that needs the setting, and for a database or data directory this binary must not run on (contract
/// §9); 1 for anything else.
pub fn failure(err: &anyhow::Error) -> (String, u8) {
    if err.downcast_ref::<crate::config::ConfigError>().is_some() {
        return (err.to_string(), 2);
    }
    if matches!(
        err.downcast_ref::<twenty_storage::StorageError>(),
        Some(twenty_storage::StorageError::NewerDatabase(_) | twenty_storage::StorageError::DataDirectory(_))
    ) {
        return (format!("error: {}", err.root_cause()), 2);
    }
    (format!("error: {err:#}"), 1)
}

/// Runs one CLI command to completion.
pub async fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let db = Database::open(&config, true).await?;
            let served = serve(&config, &db).await;
            db.close().await;
            served
        }
        Command::Migrate => {
            with_database(&config, async |db| {
                let applied = twenty_storage::run_migrations(&db.url, config.allow_downgrade).await?;
                println!("{applied} migration(s) applied");
                Ok(())
            })
            .await
        }
        Command::Workspace {
            action: WorkspaceCommand::Create { name, email, password },
        } => {
            with_state(&config, async |state| {
                let input = SignUp {
                    email,
                    password,
                    workspace_name: Some(name),
                    ..SignUp::default()
                };
                let created = state.auth.create_workspace_with_admin(input).await.map_err(describe)?;
                println!(
                    "{}",
                    json!({"workspaceId": created.workspace_id, "userId": created.user_id})
                );
                Ok(())
            })
            .await
        }
        Command::ApiKey {
            action:
                ApiKeyCommand::Create {
                    workspace,
                    name,
                    expires_at,
                },
        } => {
            with_state(&config, async |state| {
                let (_, token) = state
                    .auth
                    .api_keys()
                    .create(workspace, &name, expires_at)
                    .await
                    .map_err(describe)?;
                println!("{token}");
                Ok(())
            })
            .await
        }
        Command::ApiKey {
            action: ApiKeyCommand::List { workspace },
        } => with_state(&config, async |state| admin::list_api_keys(&state, workspace).await).await,
        Command::ApiKey {
            action: ApiKeyCommand::Revoke { workspace, id },
        } => {
            with_state(&config, async |state| {
                admin::revoke_api_key(&state, workspace, id).await
            })
            .await
        }
        Command::User {
            action: UserCommand::SetPassword { email },
        } => with_state(&config, async |state| admin::set_password(&state, &email).await).await,
        Command::Workspace {
            action: WorkspaceCommand::List,
        } => with_state(&config, async |state| admin::list_workspaces(&state).await).await,
        Command::Export {
            workspace,
            out,
            progress,
        } => {
            with_state(&config, async |state| {
                export::export(&state, workspace, out.as_deref(), progress).await
            })
            .await
        }
        Command::Import {
            workspace,
            object,
            progress,
            file,
        } => {
            with_state(&config, async |state| {
                import::import(&state, workspace, object.as_deref(), &file, progress).await
            })
            .await
        }
        Command::SeedDemo { workspace, companies } => {
            with_state(&config, async |state| {
                let seeded = crate::seed::seed(&state, workspace, companies)
                    .await
                    .map_err(describe)?;
                println!("{}", json!(seeded));
                Ok(())
            })
            .await
        }
        Command::Config => {
            for (name, value) in config.describe() {
                println!("{name}={value}");
            }
            Ok(())
        }
        Command::Healthcheck => healthcheck(&config),
    }
}

/// An error in one line (a row's problem, a failed command): every field's problem, or the error itself.
pub(crate) fn problem(err: &twenty_domain::DomainError) -> String {
    let details: Vec<String> = err
        .details()
        .iter()
        .map(|d| format!("{}: {}", d.field, d.message))
        .collect();
    if details.is_empty() {
        err.to_string()
    } else {
        details.join("; ")
    }
}

/// A domain error as one line, with its details.
pub(crate) fn describe(err: twenty_domain::DomainError) -> anyhow::Error {
    if err.details().is_empty() {
        anyhow::anyhow!("{err}")
    } else {
        anyhow::anyhow!("{err} ({})", problem(&err))
    }
}

/// Opens the database (starting the private cluster if needed), runs `f`, and closes it again.
async fn with_database(config: &Config, f: impl AsyncFnOnce(&Database) -> anyhow::Result<()>) -> anyhow::Result<()> {
    let db = Database::open(config, false).await?;
    let result = f(&db).await;
    db.close().await;
    result
}

/// Like [`with_database`], with migrations applied and the application state built.
async fn with_state(config: &Config, f: impl AsyncFnOnce(AppState) -> anyhow::Result<()>) -> anyhow::Result<()> {
    with_database(config, async |db| {
        let secret = secret::app_secret(config)?;
        let pool = migrate_and_connect(&db.url, config).await?;
        let state = AppState::new(config.clone(), pool, &secret);
        f(state).await
    })
    .await
}

/// Applies the migrations and builds the pool. A database that cannot be reached is retried, with back-off, for
/// `DB_CONNECT_RETRY_SECS` (it may be starting beside this server) before giving up.
async fn migrate_and_connect(url: &str, config: &Config) -> anyhow::Result<PgPool> {
    let deadline = std::time::Instant::now() + config.db_connect_retry;
    let mut pause = std::time::Duration::from_millis(250);
    let applied = loop {
        match twenty_storage::run_migrations(url, config.allow_downgrade).await {
            Err(twenty_storage::StorageError::Connect(reason)) if std::time::Instant::now() + pause < deadline => {
                tracing::warn!(%reason, retry_in_ms = pause.as_millis() as u64, "database unreachable; retrying");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(std::time::Duration::from_secs(5));
            }
            outcome => break outcome.context("applying migrations")?,
        }
    };
    tracing::info!(applied, "core schema up to date");
    Ok(twenty_storage::build_pool(url, &crate::database::pool_options(config))?)
}

async fn serve(config: &Config, db: &Database) -> anyhow::Result<()> {
    // Before anything touches the database: a missing secret is a configuration error.
    let secret = secret::app_secret(config)?;
    let pool = migrate_and_connect(&db.url, config).await?;
    let state = AppState::new(config.clone(), pool.clone(), &secret);
    let worker_metrics = state.metrics.clone();
    // Redis is not needed to serve: unreachable, it is logged (by `ping`) and the limits count in process until
    // it answers.
    if let Some(redis) = &state.redis
        && redis.ping().await.is_ok()
    {
        tracing::info!(redis = %redis.address, "rate limits and throttles are shared through Redis");
    }
    let changes = state.store.listen_for_changes(&db.url);
    let recycler = twenty_storage::db::spawn_connection_recycler(&pool);
    let supervisor = db.supervise(pool.clone());
    // Logged before the port opens, so that whoever sees the port answer finds the line.
    let postgres = twenty_storage::db::server_version(&pool)
        .await
        .unwrap_or_else(|| "unknown".into());
    tracing::info!(
        version = crate::VERSION,
        postgres = %postgres,
        pool_size = config.pg_pool_max_connections,
        listen = %format!("{}:{}", config.host, config.port),
        "twenty-server starting"
    );
    let listener = std::net::TcpListener::bind((config.host.as_str(), config.port))
        .with_context(|| format!("cannot listen on {}:{}", config.host, config.port))?;
    let metrics = match config.metrics_addr {
        Some(addr) => {
            let listener = std::net::TcpListener::bind(addr).with_context(|| format!("cannot listen on {addr}"))?;
            let metrics = crate::http::metrics_server(state.clone(), listener)?;
            let handle = metrics.handle();
            tokio::spawn(metrics);
            Some(handle)
        }
        None => None,
    };
    let server = crate::http::server(state, listener)?;
    let signals = crate::http::drain_on_signals(server.handle());
    tracing::info!(host = %config.host, port = config.port, "listening");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = crate::webhook_worker::spawn(
        pool,
        worker_metrics,
        crate::webhook_worker::WorkerSettings::from_config(config, std::time::Duration::from_millis(500)),
        stopped,
    );
    // Returns once a signal stopped the server and in-flight requests were drained.
    let served = server.await;
    signals.abort();
    if let Some(metrics) = metrics {
        metrics.stop(true).await;
    }
    let _ = stop.send(true);
    let _ = worker.await;
    changes.abort();
    recycler.abort();
    // Before the cluster is stopped on purpose, which the supervisor would undo.
    if let Some(supervisor) = supervisor {
        supervisor.abort();
    }
    served?;
    tracing::info!("shut down");
    Ok(())
}

fn healthcheck(config: &Config) -> anyhow::Result<()> {
    let host = if config.host == "0.0.0.0" {
        "127.0.0.1"
    } else {
        config.host.as_str()
    };
    let mut stream = std::net::TcpStream::connect((host, config.port))
        .with_context(|| format!("nothing listens on {host}:{}", config.port))?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(5)))?;
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    if response.starts_with("HTTP/1.1 200") {
        println!("ok");
        Ok(())
    } else {
        anyhow::bail!("unhealthy: {}", response.lines().next().unwrap_or("no response"))
    }
}
