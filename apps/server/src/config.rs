//! The server's configuration: every variable of the contract (§1), read once from the environment (and a
//! `.env` file in the working directory) into one [`Config`] that travels in the app state.

use crate::client_ip::TrustedProxies;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;
use twenty_api_rest::envelope::ResponseFormat;
use twenty_api_rest::metadata::MetadataFormat;
use twenty_storage::connect::with_ssl_defaults;

/// A secret that never prints.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Secret(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

impl LogFormat {
    /// A `LOG_FORMAT` value: `pretty` or `json` (surrounding blanks ignored, as for every variable).
    pub fn parse(raw: &str) -> Option<LogFormat> {
        match raw.trim() {
            "pretty" => Some(LogFormat::Pretty),
            "json" => Some(LogFormat::Json),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Unset: the private PostgreSQL cluster under `data_dir`.
    /// With libpq's `PGSSLMODE` / `PGSSLROOTCERT` applied where the URL has no `sslmode` / `sslrootcert`.
    pub database_url: Option<Secret>,
    pub pg_ssl_mode: Option<String>,
    pub pg_ssl_root_cert: Option<String>,
    pub data_dir: PathBuf,
    pub host: String,
    pub port: u16,
    pub app_secret: Option<Secret>,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub bcrypt_cost: u32,
    pub sign_up_disabled: bool,
    pub rate_limit_graphql: u32,
    pub rate_limit_rest: u32,
    pub rate_limit_metadata: u32,
    pub max_page_size: u32,
    pub default_page_size: u32,
    /// Workspaces whose metadata, GraphQL schema and OpenAPI document are kept in memory.
    pub workspace_cache_size: usize,
    pub webhook_timeout: Duration,
    pub webhook_max_attempts: u32,
    pub webhook_allow_private_urls: bool,
    pub log_format: LogFormat,
    pub rust_log: String,
    /// Request bodies above this are refused with 413 (`MAX_BODY_BYTES`).
    pub max_body_bytes: usize,
    /// A request's head, then its body, must arrive within this (`REQUEST_TIMEOUT_SECS`).
    pub request_timeout: Duration,
    /// Open client connections at most (`MAX_CONNECTIONS`); past it new ones wait in the listen backlog.
    pub max_connections: usize,
    /// Order keys per list read, GraphQL and REST (`MAX_ORDER_KEYS`).
    pub max_order_keys: usize,
    /// Webhook deliveries in flight at once (`WEBHOOK_CONCURRENCY`).
    pub webhook_concurrency: usize,
    /// Sign-ups per hour per client IP (`SIGN_UP_RATE_LIMIT`); 0 disables.
    pub sign_up_rate_limit: u32,
    /// A workspace's budget per API is this many times the per-principal limit (`RATE_LIMIT_WORKSPACE_FACTOR`).
    pub rate_limit_workspace_factor: u32,
    /// Pooled database connections (`PG_POOL_MAX_CONNECTIONS`).
    pub pg_pool_max_connections: usize,
    /// The longest a request waits for a pooled connection before a 503 (`PG_POOL_TIMEOUT_MS`).
    pub pg_pool_timeout: Duration,
    /// Pooled connections one workspace may hold at once (`WORKSPACE_MAX_DB_CONNECTIONS`).
    pub workspace_max_db_connections: usize,
    /// The most a GraphQL document may cost (`MAX_QUERY_COST`).
    pub max_query_cost: u64,
    /// Proxies whose `Forwarded` / `X-Forwarded-For` are believed (`TRUSTED_PROXIES`).
    pub trusted_proxies: TrustedProxies,
    /// Origins allowed by CORS (`CORS_ORIGINS`); `None` allows any.
    pub cors_origins: Option<Vec<String>>,
    /// Start on a database a newer binary migrated (`ALLOW_DOWNGRADE`).
    pub allow_downgrade: bool,
    /// The public base URL (`SERVER_URL`), without a trailing slash.
    pub server_url: Option<String>,
    /// The envelopes of `/rest` answers: the reference's, or Twenty's (contract §11).
    pub rest_response_format: ResponseFormat,
    /// Where `/metrics` is served instead of the public port (`METRICS_ADDR`).
    pub metrics_addr: Option<std::net::SocketAddr>,
    /// How long an unreachable database is retried at start (`DB_CONNECT_RETRY_SECS`).
    pub db_connect_retry: Duration,
    /// Where rate budgets and throttles are shared by every instance (`REDIS_URL`); unset: in the process.
    pub redis_url: Option<Secret>,
    /// The envelope of `/rest/metadata/*` answers (`REST_METADATA_FORMAT`: Twenty's legacy one, or its direct one).
    pub rest_metadata_format: MetadataFormat,
}

/// One bad variable: the process stops with this single line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid configuration: {}: {}", self.variable, self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads `.env` (if present, without overriding the environment), then the environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        let _ = dotenvy::dotenv();
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Builds the configuration from any variable source (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let pg_ssl_mode = get("PGSSLMODE");
        let pg_ssl_root_cert = get("PGSSLROOTCERT");
        let database_url = match get("DATABASE_URL").or_else(|| get("PG_DATABASE_URL")) {
            Some(url) => {
                // libpq's environment defaults, then the TLS settings are checked (and the roots read) now.
                let url = with_ssl_defaults(&url, pg_ssl_mode.as_deref(), pg_ssl_root_cert.as_deref());
                twenty_storage::Target::parse(&url).map_err(|e| ConfigError {
                    variable: "DATABASE_URL",
                    message: e.to_string(),
                })?;
                Some(Secret::new(url))
            }
            None => None,
        };
        let app_secret = match get("APP_SECRET") {
            Some(s) if s.len() < 32 => {
                return Err(ConfigError {
                    variable: "APP_SECRET",
                    message: "must be at least 32 bytes long".into(),
                });
            }
            other => other.map(Secret::new),
        };
        let default_page_size = number(&get, "DEFAULT_PAGE_SIZE", 60, 1, 10_000)?;
        let max_page_size = number(&get, "MAX_PAGE_SIZE", 200, 1, 10_000)?;
        if default_page_size > max_page_size {
            return Err(ConfigError {
                variable: "DEFAULT_PAGE_SIZE",
                message: format!("must not exceed MAX_PAGE_SIZE ({max_page_size})"),
            });
        }
        let pg_pool_max_connections = number(&get, "PG_POOL_MAX_CONNECTIONS", 16, 1, 10_000)? as usize;
        let workspace_max_db_connections = number(
            &get,
            "WORKSPACE_MAX_DB_CONNECTIONS",
            (pg_pool_max_connections as u64 / 2).max(1),
            1,
            pg_pool_max_connections as u64,
        )? as usize;
        Ok(Config {
            pg_ssl_mode,
            pg_ssl_root_cert,
            pg_pool_max_connections,
            workspace_max_db_connections,
            pg_pool_timeout: Duration::from_millis(number(&get, "PG_POOL_TIMEOUT_MS", 5000, 1, 600_000)?),
            database_url,
            data_dir: PathBuf::from(get("DATA_DIR").unwrap_or_else(|| "./data".into())),
            host: get("HOST").unwrap_or_else(|| "127.0.0.1".into()),
            port: number(&get, "PORT", 3000, 1, 65_535)? as u16,
            app_secret,
            access_token_ttl: lifetime(
                &get,
                ("ACCESS_TOKEN_TTL_SECS", "ACCESS_TOKEN_EXPIRES_IN"),
                1800,
                31_536_000,
            )?,
            refresh_token_ttl: lifetime(
                &get,
                ("REFRESH_TOKEN_TTL_SECS", "REFRESH_TOKEN_EXPIRES_IN"),
                5_184_000,
                315_360_000,
            )?,
            bcrypt_cost: number(&get, "BCRYPT_COST", 10, 4, 31)? as u32,
            sign_up_disabled: match get("SIGN_UP_DISABLED") {
                Some(_) => boolean(&get, "SIGN_UP_DISABLED", false)?,
                None => boolean(&get, "IS_SIGN_UP_DISABLED", false)?,
            },
            rate_limit_graphql: number(&get, "RATE_LIMIT_GRAPHQL", 100, 0, 1_000_000)? as u32,
            rate_limit_rest: number(&get, "RATE_LIMIT_REST", 200, 0, 1_000_000)? as u32,
            rate_limit_metadata: number(&get, "RATE_LIMIT_METADATA", 50, 0, 1_000_000)? as u32,
            max_page_size: max_page_size as u32,
            default_page_size: default_page_size as u32,
            workspace_cache_size: number(
                &get,
                "WORKSPACE_CACHE_SIZE",
                twenty_storage::changes::DEFAULT_CAPACITY as u64,
                1,
                1_000_000,
            )? as usize,
            webhook_timeout: Duration::from_secs(number(&get, "WEBHOOK_TIMEOUT_SECS", 5, 1, 300)?),
            webhook_max_attempts: number(&get, "WEBHOOK_MAX_ATTEMPTS", 8, 1, 100)? as u32,
            webhook_allow_private_urls: boolean(&get, "WEBHOOK_ALLOW_PRIVATE_URLS", false)?,
            log_format: match get("LOG_FORMAT") {
                None => LogFormat::Pretty,
                Some(raw) => LogFormat::parse(&raw).ok_or_else(|| ConfigError {
                    variable: "LOG_FORMAT",
                    message: format!("expected `pretty` or `json`, got {raw:?}"),
                })?,
            },
            rest_response_format: match get("REST_RESPONSE_FORMAT") {
                None => ResponseFormat::default(),
                Some(value) => ResponseFormat::parse(&value).ok_or_else(|| ConfigError {
                    variable: "REST_RESPONSE_FORMAT",
                    message: format!("expected one of {}, got {value:?}", ResponseFormat::NAMES),
                })?,
            },
            rust_log: get("RUST_LOG").unwrap_or_else(|| "info".into()),
            max_body_bytes: number(&get, "MAX_BODY_BYTES", 5_242_880, 1024, 1 << 30)? as usize,
            request_timeout: Duration::from_secs(number(&get, "REQUEST_TIMEOUT_SECS", 30, 1, 3600)?),
            max_connections: number(&get, "MAX_CONNECTIONS", 4096, 1, 1_000_000)? as usize,
            max_order_keys: number(&get, "MAX_ORDER_KEYS", 8, 1, 64)? as usize,
            max_query_cost: number(&get, "MAX_QUERY_COST", 50_000, 1, u64::from(u32::MAX))?,
            cors_origins: cors_origins(get("CORS_ORIGINS"))?,
            allow_downgrade: boolean(&get, "ALLOW_DOWNGRADE", false)?,
            server_url: server_url(get("SERVER_URL"))?,
            db_connect_retry: Duration::from_secs(number(&get, "DB_CONNECT_RETRY_SECS", 30, 0, 3600)?),
            metrics_addr: match get("METRICS_ADDR") {
                None => None,
                Some(raw) => Some(raw.trim().parse().map_err(|_| ConfigError {
                    variable: "METRICS_ADDR",
                    message: format!("expected an address and port such as 127.0.0.1:9464, got {raw:?}"),
                })?),
            },
            trusted_proxies: TrustedProxies::parse(&get("TRUSTED_PROXIES").unwrap_or_default()).map_err(|message| {
                ConfigError {
                    variable: "TRUSTED_PROXIES",
                    message,
                }
            })?,
            webhook_concurrency: number(&get, "WEBHOOK_CONCURRENCY", 32, 1, 1024)? as usize,
            sign_up_rate_limit: number(&get, "SIGN_UP_RATE_LIMIT", 10, 0, 1_000_000)? as u32,
            rate_limit_workspace_factor: number(&get, "RATE_LIMIT_WORKSPACE_FACTOR", 4, 0, 1000)? as u32,
            redis_url: redis_url(get("REDIS_URL"))?,
            rest_metadata_format: match get("REST_METADATA_FORMAT") {
                None => MetadataFormat::default(),
                Some(raw) => MetadataFormat::parse(raw.trim()).ok_or_else(|| ConfigError {
                    variable: "REST_METADATA_FORMAT",
                    message: format!("expected `legacy` or `direct`, got {raw:?}"),
                })?,
            },
        })
    }

    /// The effective configuration as `NAME=value` lines, secrets redacted (`twenty-server config`).
    pub fn describe(&self) -> Vec<(&'static str, String)> {
        let redacted = |s: &Option<Secret>| match s {
            Some(_) => "[redacted]".to_string(),
            None => "(unset)".to_string(),
        };
        vec![
            ("DATABASE_URL", redacted(&self.database_url)),
            (
                "PGSSLMODE",
                self.pg_ssl_mode.clone().unwrap_or_else(|| "(unset: prefer)".into()),
            ),
            (
                "PGSSLROOTCERT",
                self.pg_ssl_root_cert.clone().unwrap_or_else(|| "(unset)".into()),
            ),
            ("DATA_DIR", self.data_dir.display().to_string()),
            ("HOST", self.host.clone()),
            ("PORT", self.port.to_string()),
            ("APP_SECRET", redacted(&self.app_secret)),
            ("ACCESS_TOKEN_TTL_SECS", self.access_token_ttl.as_secs().to_string()),
            ("REFRESH_TOKEN_TTL_SECS", self.refresh_token_ttl.as_secs().to_string()),
            ("BCRYPT_COST", self.bcrypt_cost.to_string()),
            ("SIGN_UP_DISABLED", self.sign_up_disabled.to_string()),
            ("RATE_LIMIT_GRAPHQL", self.rate_limit_graphql.to_string()),
            ("RATE_LIMIT_REST", self.rate_limit_rest.to_string()),
            ("RATE_LIMIT_METADATA", self.rate_limit_metadata.to_string()),
            ("MAX_PAGE_SIZE", self.max_page_size.to_string()),
            ("DEFAULT_PAGE_SIZE", self.default_page_size.to_string()),
            ("WORKSPACE_CACHE_SIZE", self.workspace_cache_size.to_string()),
            ("WEBHOOK_TIMEOUT_SECS", self.webhook_timeout.as_secs().to_string()),
            ("WEBHOOK_MAX_ATTEMPTS", self.webhook_max_attempts.to_string()),
            (
                "WEBHOOK_ALLOW_PRIVATE_URLS",
                self.webhook_allow_private_urls.to_string(),
            ),
            (
                "LOG_FORMAT",
                match self.log_format {
                    LogFormat::Pretty => "pretty".into(),
                    LogFormat::Json => "json".into(),
                },
            ),
            ("RUST_LOG", self.rust_log.clone()),
            ("MAX_BODY_BYTES", self.max_body_bytes.to_string()),
            ("REQUEST_TIMEOUT_SECS", self.request_timeout.as_secs().to_string()),
            ("MAX_CONNECTIONS", self.max_connections.to_string()),
            ("MAX_ORDER_KEYS", self.max_order_keys.to_string()),
            ("MAX_QUERY_COST", self.max_query_cost.to_string()),
            ("TRUSTED_PROXIES", self.trusted_proxies.to_string()),
            ("ALLOW_DOWNGRADE", self.allow_downgrade.to_string()),
            ("SERVER_URL", self.server_url.clone().unwrap_or_default()),
            (
                "REST_RESPONSE_FORMAT",
                match self.rest_response_format {
                    ResponseFormat::Reference => "reference".into(),
                    ResponseFormat::Twenty => "twenty".into(),
                },
            ),
            ("DB_CONNECT_RETRY_SECS", self.db_connect_retry.as_secs().to_string()),
            (
                "METRICS_ADDR",
                self.metrics_addr.map(|a| a.to_string()).unwrap_or_default(),
            ),
            (
                "CORS_ORIGINS",
                self.cors_origins
                    .as_ref()
                    .map_or_else(|| "*".to_string(), |o| o.join(",")),
            ),
            ("WEBHOOK_CONCURRENCY", self.webhook_concurrency.to_string()),
            ("SIGN_UP_RATE_LIMIT", self.sign_up_rate_limit.to_string()),
            (
                "RATE_LIMIT_WORKSPACE_FACTOR",
                self.rate_limit_workspace_factor.to_string(),
            ),
            ("REDIS_URL", redacted(&self.redis_url)),
            (
                "REST_METADATA_FORMAT",
                match self.rest_metadata_format {
                    MetadataFormat::Legacy => "legacy".into(),
                    MetadataFormat::Direct => "direct".into(),
                },
            ),
        ]
    }
}

fn number(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: u64,
    min: u64,
    max: u64,
) -> Result<u64, ConfigError> {
    let Some(raw) = get(variable) else { return Ok(default) };
    match raw.trim().parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ConfigError {
            variable,
            message: format!("expected a whole number from {min} to {max}, got {raw:?}"),
        }),
    }
}

/// A lifetime in seconds: this project's `*_SECS` variable (a whole number), else Twenty's `*_EXPIRES_IN` (a
/// duration such as `30m`, `12h`, `60d`); the project's name wins when both are set.
fn lifetime(
    get: &impl Fn(&str) -> Option<String>,
    (own, twenty): (&'static str, &'static str),
    default: u64,
    max: u64,
) -> Result<Duration, ConfigError> {
    if get(own).is_some() {
        return number(get, own, default, 1, max).map(Duration::from_secs);
    }
    let Some(raw) = get(twenty) else {
        return Ok(Duration::from_secs(default));
    };
    let text = raw.trim();
    let (digits, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()));
    let scale = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => 0,
    };
    match digits.parse::<u64>().ok().map(|n| n.saturating_mul(scale)) {
        Some(secs) if (1..=max).contains(&secs) => Ok(Duration::from_secs(secs)),
        _ => Err(ConfigError {
            variable: twenty,
            message: format!("expected a duration such as 30m, 12h or 60d (at most {max} s), got {raw:?}"),
        }),
    }
}

/// `SERVER_URL`: an absolute http(s) URL, kept without its trailing slash.
fn server_url(raw: Option<String>) -> Result<Option<String>, ConfigError> {
    let Some(raw) = raw else { return Ok(None) };
    let url = raw.trim().trim_end_matches('/').to_string();
    let host = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    if host.is_none_or(|h| h.is_empty() || h.contains(char::is_whitespace)) {
        return Err(ConfigError {
            variable: "SERVER_URL",
            message: format!("expected an absolute http(s) URL such as https://crm.example.com, got {raw:?}"),
        });
    }
    Ok(Some(url))
}

/// `REDIS_URL`: `redis://[user:password@]host[:port][/db]` or `unix:///path/to/socket` (parsed as the client
/// will parse it). TLS (`rediss://`) is not built in. The value is never repeated in the error: it may hold a
/// password.
fn redis_url(raw: Option<String>) -> Result<Option<Secret>, ConfigError> {
    let Some(raw) = raw else { return Ok(None) };
    let url = raw.trim();
    let error = |message: String| ConfigError {
        variable: "REDIS_URL",
        message,
    };
    if url.starts_with("rediss://") || url.starts_with("valkeys://") {
        return Err(error(
            "TLS (rediss://) is not supported; use redis:// on a trusted network or through a local TLS tunnel".into(),
        ));
    }
    match redis::IntoConnectionInfo::into_connection_info(url) {
        Ok(_) => Ok(Some(Secret::new(url.to_string()))),
        Err(err) => Err(error(format!(
            "expected redis://[user:password@]host[:port][/db] or unix:///path/to/socket ({})",
            err.to_string().replace('\n', " ")
        ))),
    }
}

/// `CORS_ORIGINS`: `*` (the default) or comma-separated origins such as `https://app.example.com`.
fn cors_origins(raw: Option<String>) -> Result<Option<Vec<String>>, ConfigError> {
    let Some(raw) = raw.filter(|r| r.trim() != "*") else {
        return Ok(None);
    };
    let origins: Vec<String> = raw
        .split(',')
        .map(|o| o.trim().trim_end_matches('/').to_string())
        .filter(|o| !o.is_empty())
        .collect();
    if let Some(bad) = origins
        .iter()
        .find(|o| !(o.starts_with("http://") || o.starts_with("https://")) || o[8..].contains('/'))
    {
        return Err(ConfigError {
            variable: "CORS_ORIGINS",
            message: format!("expected `*` or origins such as https://app.example.com, got {bad:?}"),
        });
    }
    Ok(Some(origins))
}

fn boolean(get: &impl Fn(&str) -> Option<String>, variable: &'static str, default: bool) -> Result<bool, ConfigError> {
    match get(variable).map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None => Ok(default),
        Some("true" | "1" | "yes") => Ok(true),
        Some("false" | "0" | "no") => Ok(false),
        Some(other) => Err(ConfigError {
            variable,
            message: format!("expected true or false, got {other:?}"),
        }),
    }
}

#[cfg(test)]
mod tests;
