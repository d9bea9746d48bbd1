//! `twenty-server`: configuration, the CLI, the private-PostgreSQL default and the HTTP app assembly
//! ([`http::build_app`]). No business rules live here; `main.rs` only calls [`run`].

pub mod config;
pub mod database;
pub mod http;

use crate::config::{Config, LogFormat};
use crate::database::Database;
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::io::{Read, Write};
use std::sync::Arc;
use twenty_storage::{PgPool, PgStore, PoolOptions};

pub use http::build_app;

/// Shared by every request handler.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub pool: PgPool,
    pub store: PgStore,
}

#[derive(Debug, Parser)]
#[command(name = "twenty-server", version, about = "A Twenty-compatible CRM server")]
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
    /// Print the effective configuration, secrets redacted.
    Config,
    /// Exit 0 when the server on HOST:PORT answers GET /healthz (for container health checks).
    Healthcheck,
}

/// Runs one CLI command to completion.
pub async fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            let db = Database::open(&config).await?;
            let result = twenty_storage::run_migrations(&db.url).await;
            db.close().await;
            let applied = result?;
            println!("{applied} migration(s) applied");
            Ok(())
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

pub fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.rust_log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let db = Database::open(&config).await?;
    let result = serve_on(&config, &db).await;
    db.close().await;
    result
}

async fn serve_on(config: &Config, db: &Database) -> anyhow::Result<()> {
    let applied = twenty_storage::run_migrations(&db.url)
        .await
        .context("applying migrations")?;
    tracing::info!(applied, "core schema up to date");
    let pool = twenty_storage::build_pool(&db.url, &PoolOptions::default())?;
    let state = AppState {
        config: Arc::new(config.clone()),
        store: PgStore::new(pool.clone()),
        pool,
    };
    let address = (config.host.as_str(), config.port);
    let server = actix_web::HttpServer::new(move || build_app(state.clone()))
        .bind(address)
        .with_context(|| format!("cannot listen on {}:{}", config.host, config.port))?
        .shutdown_timeout(30)
        .run();
    tracing::info!(host = %config.host, port = config.port, "listening");
    // actix stops accepting on SIGTERM / SIGINT and drains in-flight requests before this returns.
    server.await?;
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
