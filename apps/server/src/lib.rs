//! `twenty-server`: configuration, the CLI, the private-PostgreSQL default, middleware (request ids, tracing,
//! metrics, authentication, request limits, rate limits), the webhook delivery worker and the HTTP app assembly
//! ([`http::build_app`], [`http::server`]). No business rules live here; `main.rs` only parses the command line
//! and calls [`cli::run`].

pub mod cli;
pub mod client_ip;
pub mod config;
pub mod database;
pub mod http;
pub mod metrics;
pub mod middleware;
pub mod rate_limit;
pub mod redis_buckets;
pub mod request_limits;
pub mod routes;
pub mod secret;
pub mod seed;
pub mod webhook_worker;

use crate::config::{Config, LogFormat, Secret};
use std::sync::Arc;
use twenty_api_graphql::SchemaCache;
use twenty_api_graphql::metadata::{MetadataSchema, metadata_schema};
use twenty_api_rest::RestState;
use twenty_api_rest::metadata::MetadataApi;
use twenty_api_rest::openapi::OpenApiCache;
use twenty_auth::{AuthService, AuthSettings, Buckets, LocalBuckets, Quota, Throttles, TokenSigner};
use twenty_domain::query::ReadLimits;
use twenty_domain::services::{MetadataService, RecordService};
use twenty_storage::{PgPool, PgStore};

pub use cli::{Cli, run};
pub use http::build_app;

/// The version and the commit it was built from (`twenty-server --version`, the start-up line).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("TWENTY_GIT_COMMIT"), ")");

/// Login attempts per minute, per client IP and per e-mail and client IP pair.
pub const LOGIN_ATTEMPTS_PER_MINUTE: u32 = 10;

/// Shared by every request handler.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub pool: PgPool,
    pub store: PgStore,
    pub auth: Arc<AuthService<PgStore>>,
    /// Login attempts per client IP and per e-mail and IP pair, sign-ups per client IP (`SIGN_UP_RATE_LIMIT` an
    /// hour).
    pub throttles: Arc<Throttles>,
    /// The Redis that keeps the rate buckets and throttles when `REDIS_URL` is set.
    pub redis: Option<Arc<redis_buckets::RedisBuckets>>,
    pub metrics: Arc<metrics::Metrics>,
    pub records: Arc<RecordService<PgStore>>,
    /// The data model: the workspaces' current metadata and its changes.
    pub data_model: Arc<MetadataService<PgStore>>,
    pub schemas: Arc<SchemaCache>,
    pub metadata_schema: Arc<MetadataSchema>,
    pub rest: Arc<RestState>,
    pub rate_limits: Arc<rate_limit::RateLimits>,
    pub request_limits: request_limits::RequestLimits,
}

impl AppState {
    pub fn new(config: Config, pool: PgPool, app_secret: &Secret) -> AppState {
        let workspace_cache_size = config.workspace_cache_size;
        let store = PgStore::with_cache_capacity(pool.clone(), workspace_cache_size)
            .with_workspace_limit(config.workspace_max_db_connections, config.pg_pool_timeout);
        let settings = AuthSettings {
            access_token_ttl: config.access_token_ttl,
            refresh_token_ttl: config.refresh_token_ttl,
            bcrypt_cost: config.bcrypt_cost,
            sign_up_disabled: config.sign_up_disabled,
        };
        let auth = AuthService::new(
            store.clone(),
            TokenSigner::new(app_secret.expose().as_bytes()),
            settings,
        );
        let limits = ReadLimits {
            default_size: config.default_page_size,
            max_size: config.max_page_size,
            max_order_keys: config.max_order_keys,
        };
        let records = Arc::new(RecordService::new(store.clone(), limits));
        let data_model = Arc::new(MetadataService::new(store.clone()));
        let rest = RestState {
            records: records.clone(),
            data_model: data_model.clone(),
            openapi: OpenApiCache::new(config.workspace_cache_size)
                .with_server_url(config.server_url.clone())
                .with_format(config.rest_response_format),
            format: config.rest_response_format,
            metadata: MetadataApi::new(config.rest_metadata_format, config.server_url.as_deref()),
        };
        let redis = config.redis_url.as_ref().and_then(|url| {
            // The URL was checked with the same parser when the configuration was read.
            redis_buckets::RedisBuckets::new(url.expose())
                .inspect_err(|err| tracing::error!(%err, "REDIS_URL unusable; rate limits stay per process"))
                .ok()
                .map(Arc::new)
        });
        let buckets: Arc<dyn Buckets> = match &redis {
            Some(redis) => redis.clone(),
            None => Arc::new(LocalBuckets::default()),
        };
        let rate_limits = rate_limit::RateLimits::new(
            buckets.clone(),
            config.rate_limit_graphql,
            config.rate_limit_rest,
            config.rate_limit_metadata,
            config.rate_limit_workspace_factor,
        );
        let request_limits = request_limits::RequestLimits {
            max_body_bytes: config.max_body_bytes,
            timeout: config.request_timeout,
        };
        let throttles = Throttles::new(
            buckets,
            Quota::per_minute(LOGIN_ATTEMPTS_PER_MINUTE),
            Quota::per_hour(config.sign_up_rate_limit),
        );
        AppState {
            request_limits,
            config: Arc::new(config),
            pool,
            auth: Arc::new(auth),
            throttles: Arc::new(throttles),
            redis,
            metrics: Arc::new(metrics::Metrics::default()),
            records,
            data_model,
            schemas: Arc::new(SchemaCache::new(workspace_cache_size)),
            metadata_schema: Arc::new(metadata_schema()),
            rest: Arc::new(rest),
            rate_limits: Arc::new(rate_limits),
            store,
        }
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
        LogFormat::Pretty => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
    };
}

/// How a fatal start-up error is printed (one line on stderr, then the process exits): as given, or with
/// `LOG_FORMAT=json` as a JSON line shaped like the other log lines (`timestamp`, `level`, `fields.message`,
/// `fields.exit_code`, `target`). Written directly rather than through `tracing`, so that no `RUST_LOG` filter can
/// hide it and it works before logging is set up (a configuration that does not load).
pub fn fatal_line(format: LogFormat, line: &str, exit_code: u8) -> String {
    match format {
        LogFormat::Pretty => line.to_string(),
        LogFormat::Json => serde_json::json!({
            "timestamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            "level": "ERROR",
            "fields": {
                "message": line.strip_prefix("error: ").unwrap_or(line),
                "exit_code": exit_code,
            },
            "target": "twenty_server",
        })
        .to_string(),
    }
}

/// The log format asked for by `LOG_FORMAT` alone, for a fatal error when the rest of the configuration does not
/// load (an unknown value: the plain format).
pub fn requested_log_format() -> LogFormat {
    std::env::var("LOG_FORMAT")
        .ok()
        .and_then(|raw| LogFormat::parse(&raw))
        .unwrap_or(LogFormat::Pretty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fatal_line_is_a_json_line_in_json_mode() {
        assert_eq!(fatal_line(LogFormat::Pretty, "error: boom", 1), "error: boom");
        let line = fatal_line(LogFormat::Json, "error: database unreachable\nat start", 1);
        assert!(!line.contains('\n'), "{line}");
        let parsed: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(parsed["level"], "ERROR");
        assert_eq!(parsed["fields"]["message"], "database unreachable\nat start");
        assert_eq!(parsed["fields"]["exit_code"], 1);
    }
}
