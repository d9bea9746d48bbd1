//! The connection pool and the embedded core migrations.

use crate::connect::Target;
use crate::error::StorageError;
use diesel::connection::InstrumentationEvent;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub type PgPool = Pool<AsyncPgConnection>;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

/// A hash of the migration files: changes whenever a migration is added or edited.
pub const MIGRATIONS_FINGERPRINT: &str = env!("TWENTY_MIGRATIONS_FINGERPRINT");

/// Arbitrary constant for `pg_advisory_lock`: one migrator at a time per database.
const MIGRATION_LOCK: i64 = 0x7477_656e_7479;

#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub max_size: usize,
    /// Stops runaway statements; the client sees "query too expensive".
    pub statement_timeout: Duration,
    /// How long a request waits for a free connection or for a new one to open.
    pub wait_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            max_size: 16,
            statement_timeout: Duration::from_secs(10),
            wait_timeout: Duration::from_secs(10),
        }
    }
}

/// Statements sent on pooled connections since the process started (`/metrics`, and the tests that count round
/// trips per request).
static STATEMENTS: AtomicU64 = AtomicU64::new(0);

pub fn statements_executed() -> u64 {
    STATEMENTS.load(Ordering::Relaxed)
}

/// Builds the pool. Every connection runs in UTC with the statement timeout set; checkouts are not
/// re-verified with a round trip (a broken connection fails its statement and is dropped).
/// `url` is parsed here, once ([`Target::parse`]): a bad `sslmode` or an unreadable `sslrootcert` is an error now.
pub fn build_pool(url: &str, options: &PoolOptions) -> Result<PgPool, StorageError> {
    let target = Arc::new(Target::parse(url)?);
    let timeout_ms = options.statement_timeout.as_millis();
    let mut config = ManagerConfig::<AsyncPgConnection>::default();
    config.recycling_method = RecyclingMethod::Fast;
    config.custom_setup = Box::new(move |_url: &str| {
        let target = target.clone();
        Box::pin(async move {
            let mut conn = target.establish().await?;
            conn.set_instrumentation(|event: InstrumentationEvent<'_>| {
                if matches!(event, InstrumentationEvent::StartQuery { .. }) {
                    STATEMENTS.fetch_add(1, Ordering::Relaxed);
                }
            });
            conn.batch_execute(&format!("SET statement_timeout = {timeout_ms}; SET TimeZone = 'UTC'"))
                .await
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
            Ok(conn)
        })
    });
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
    Pool::builder(manager)
        .max_size(options.max_size)
        .wait_timeout(Some(options.wait_timeout))
        .create_timeout(Some(options.wait_timeout))
        .recycle_timeout(Some(options.wait_timeout))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .map_err(|e| StorageError::Connect(e.to_string()))
}

/// Applies pending core migrations under an advisory lock, so concurrent starts are safe. Returns how many ran.
/// A database with migrations this binary does not know (a newer binary migrated it) is refused
/// ([`StorageError::NewerDatabase`]) unless `allow_downgrade`.
pub async fn run_migrations(url: &str, allow_downgrade: bool) -> Result<usize, StorageError> {
    let conn = Target::parse(url)?
        .establish()
        .await
        .map_err(|e| StorageError::Connect(e.to_string()))?;
    tokio::task::spawn_blocking(move || {
        use diesel::RunQueryDsl;
        use diesel::migration::MigrationSource;
        let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::from(conn);
        diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK})")).execute(&mut conn)?;
        let applied = (|| {
            let known: Vec<String> = MigrationSource::<diesel::pg::Pg>::migrations(&MIGRATIONS)
                .map_err(|e| StorageError::Migration(e.to_string()))?
                .iter()
                .map(|m| m.name().version().to_string())
                .collect();
            let unknown: Vec<String> = conn
                .applied_migrations()
                .map_err(|e| StorageError::Migration(e.to_string()))?
                .into_iter()
                .map(|v| v.to_string())
                .filter(|v| !known.contains(v))
                .collect();
            if !unknown.is_empty() {
                if !allow_downgrade {
                    return Err(StorageError::NewerDatabase(unknown));
                }
                tracing::warn!(
                    ?unknown,
                    "database was migrated by a newer twenty-server; starting anyway (ALLOW_DOWNGRADE)"
                );
            }
            conn.run_pending_migrations(MIGRATIONS)
                .map(|v| v.len())
                .map_err(|e| StorageError::Migration(e.to_string()))
        })();
        diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})")).execute(&mut conn)?;
        applied
    })
    .await
    .map_err(|e| StorageError::Migration(e.to_string()))?
}

/// Connections live at most this long: each keeps the statements it prepared, so a long-lived connection
/// would hold every hot statement shape of every workspace it ever served.
pub const CONNECTION_MAX_AGE: Duration = Duration::from_secs(600);

/// Retires pooled connections older than [`CONNECTION_MAX_AGE`] (idle ones; a busy one goes on its next check),
/// every half minute, until the pool is dropped.
pub fn spawn_connection_recycler(pool: &PgPool) -> tokio::task::JoinHandle<()> {
    let pool = pool.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(30));
        loop {
            tick.tick().await;
            pool.retain(|_, metrics| metrics.age() < CONNECTION_MAX_AGE);
        }
    })
}

/// The PostgreSQL server's version (`SHOW server_version`), for the start-up line.
pub async fn server_version(pool: &PgPool) -> Option<String> {
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Version {
        #[diesel(sql_type = diesel::sql_types::Text)]
        server_version: String,
    }
    let mut conn = pool.get().await.ok()?;
    let version: Version = diesel::sql_query("SHOW server_version")
        .get_result(&mut conn)
        .await
        .ok()?;
    Some(version.server_version)
}

/// Whether the database answers a trivial query.
pub async fn ping(pool: &PgPool) -> bool {
    let Ok(mut conn) = pool.get().await else {
        return false;
    };
    conn.batch_execute("SELECT 1").await.is_ok()
}

/// Creates `database` on the server of `admin_url` unless it exists.
pub async fn ensure_database(admin_url: &str, database: &str) -> Result<(), StorageError> {
    use diesel::sql_types::Text;
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Exists {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        exists: bool,
    }
    let mut conn = Target::parse(admin_url)?
        .establish()
        .await
        .map_err(|e| StorageError::Connect(e.to_string()))?;
    let found: Exists = diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
        .bind::<Text, _>(database)
        .get_result(&mut conn)
        .await?;
    if !found.exists {
        conn.batch_execute(&format!("CREATE DATABASE {}", crate::sql::quote_ident(database)))
            .await?;
    }
    Ok(())
}
