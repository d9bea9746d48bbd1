//! `test-support`: the test database harness (dev-only).
//!
//! Each test gets a fresh database cloned from a migrated template (`CREATE DATABASE … TEMPLATE …`) and dropped
//! when the [`TestDb`] goes away, so tests run in parallel without sharing state. The server is `DATABASE_URL`
//! when set; otherwise a private cluster under `target/test-pg`, started once and shared by every test process
//! (stop it with `scripts/test-cluster stop`). Workspaces are signed up as production signs them up
//! ([`workspaces`]). A private Redis ([`redis`]) serves the tests of shared rate limits. [`fixtures`] is the workspace
//! the schema snapshots are generated from.

pub mod fixtures;
pub mod redis;
pub mod tls;
mod workspaces;

pub use redis::{TestRedis, shared_redis};
pub use workspaces::{TEST_APP_SECRET, TEST_PASSWORD};

/// A loopback port for a server a test starts (the server binary, a Redis), never handed out twice in this
/// process. Ports come from below the kernel's ephemeral range (32768 and up), so a listener another test opens
/// on port 0 — a webhook receiver, the kernel's choice — cannot take one between this check and the server's
/// bind; a port something else holds is skipped. (Asking the kernel for a free port and closing it raced with
/// such listeners when tests ran on many threads: a test could talk to another test's server.)
pub fn free_port() -> u16 {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    const FIRST: u32 = 20_000;
    const SPAN: u32 = 12_000;
    let start = std::process::id().wrapping_mul(97) % SPAN;
    loop {
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        assert!(n < SPAN, "no free port left for test servers");
        let port = (FIRST + (start + n) % SPAN) as u16;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use std::path::PathBuf;
use std::sync::OnceLock;
use twenty_domain::query::ReadLimits;
use twenty_domain::services::RecordService;
use twenty_storage::cluster::LocalCluster;
use twenty_storage::db::{MIGRATIONS_FINGERPRINT, PoolOptions, build_pool, run_migrations};
use twenty_storage::{PgPool, PgStore};

/// The server every test database lives on, decided once per process.
fn server_url() -> &'static Result<ServerUrl, String> {
    static SERVER: OnceLock<Result<ServerUrl, String>> = OnceLock::new();
    SERVER.get_or_init(|| {
        if let Ok(url) = std::env::var("DATABASE_URL")
            && !url.is_empty()
        {
            return Ok(ServerUrl {
                admin: url.clone(),
                base: url,
            });
        }
        let cluster = LocalCluster::new(test_cluster_dir())
            .map_err(|e| e.to_string())?
            // A throw-away cluster: durability traded for speed.
            .with_setting("fsync", "off")
            .with_setting("synchronous_commit", "off")
            .with_setting("full_page_writes", "off")
            .with_setting("max_connections", "300");
        cluster.ensure_started().map_err(|e| e.to_string())?;
        let url = cluster.url("postgres");
        Ok(ServerUrl {
            admin: url.clone(),
            base: url,
        })
    })
}

struct ServerUrl {
    /// Where CREATE/DROP DATABASE run.
    admin: String,
    /// A URL whose database name is replaced per test database.
    base: String,
}

/// `target/test-pg` of this workspace (or `TWENTY_TEST_PG_DIR`) — unless, running as root, the `postgres` OS user
/// the cluster runs as cannot enter `target` (a clone inside a `0700` directory, as `mktemp -d` makes): then a
/// directory of its own under the system's temporary directory, named after the workspace.
pub fn test_cluster_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("TWENTY_TEST_PG_DIR") {
        return PathBuf::from(dir);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            // Resolved without `..`: the socket path inside must stay short.
            let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            manifest
                .parent()
                .and_then(|p| p.parent())
                .map(|root| root.join("target"))
                .unwrap_or(manifest)
        });
    cluster_dir_for(&target)
}

fn cluster_dir_for(target: &std::path::Path) -> PathBuf {
    if twenty_storage::cluster::server_user_can_enter(target) {
        return target.join("test-pg");
    }
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    target.hash(&mut hasher);
    std::env::temp_dir().join(format!("twenty-test-pg-{:016x}", hasher.finish()))
}

/// Replaces the database name of a URL (the path segment before any `?`).
pub fn with_database(url: &str, database: &str) -> String {
    let (main, query) = match url.split_once('?') {
        Some((m, q)) => (m, Some(q)),
        None => (url, None),
    };
    let scheme_end = main.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match main[scheme_end..].find('/') {
        Some(i) => &main[..scheme_end + i],
        None => main,
    };
    match query {
        Some(q) => format!("{base}/{database}?{q}"),
        None => format!("{base}/{database}"),
    }
}

async fn admin_connection(admin: &str) -> AsyncPgConnection {
    match AsyncPgConnection::establish(admin).await {
        Ok(c) => c,
        Err(e) => panic!("test database server unreachable at {admin}: {e}"),
    }
}

/// Creates the migrated template once per migration set; concurrent test processes wait on an advisory lock.
async fn ensure_template(server: &ServerUrl) -> String {
    let name = format!("twenty_tpl_{MIGRATIONS_FINGERPRINT}");
    let mut admin = admin_connection(&server.admin).await;
    let lock = i64::from_str_radix(&MIGRATIONS_FINGERPRINT[..15], 16).unwrap_or(1);
    exec(&mut admin, &format!("SELECT pg_advisory_lock({lock})")).await;
    if !database_exists(&mut admin, &name).await {
        let building = format!("{name}_building");
        exec(
            &mut admin,
            &format!("DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"),
        )
        .await;
        exec(&mut admin, &format!("CREATE DATABASE \"{building}\"")).await;
        if let Err(e) = run_migrations(&with_database(&server.base, &building), false).await {
            panic!("migrating the test template failed: {e}");
        }
        exec(
            &mut admin,
            &format!("ALTER DATABASE \"{building}\" RENAME TO \"{name}\""),
        )
        .await;
    }
    exec(&mut admin, &format!("SELECT pg_advisory_unlock({lock})")).await;
    name
}

async fn database_exists(conn: &mut AsyncPgConnection, name: &str) -> bool {
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let row: Result<Count, _> = diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
        .bind::<diesel::sql_types::Text, _>(name)
        .get_result(conn)
        .await;
    row.map(|r| r.n > 0).unwrap_or(false)
}

async fn exec(conn: &mut AsyncPgConnection, sql: &str) {
    if let Err(e) = conn.batch_execute(sql).await {
        panic!("test harness statement failed: {sql}: {e}");
    }
}

fn test_server() -> &'static ServerUrl {
    match server_url() {
        Ok(s) => s,
        Err(e) => panic!("no test database server: {e}"),
    }
}

async fn create_from_template(server: &ServerUrl, name: &str) {
    let template = ensure_template(server).await;
    let mut admin = admin_connection(&server.admin).await;
    exec(
        &mut admin,
        &format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""),
    )
    .await;
}

/// A fresh, migrated database for one test ([`TestDb::new`]), dropped when this value is dropped.
pub struct TestDb {
    pub name: String,
    pub url: String,
    pub pool: PgPool,
    admin: String,
}

impl TestDb {
    pub async fn new() -> TestDb {
        let server = test_server();
        let name = format!("twenty_test_{}", uuid::Uuid::new_v4().simple());
        create_from_template(server, &name).await;
        TestDb::connect(server, name)
    }

    fn connect(server: &ServerUrl, name: String) -> TestDb {
        let url = with_database(&server.base, &name);
        let options = PoolOptions {
            max_size: 4,
            ..PoolOptions::default()
        };
        let pool = match build_pool(&url, &options) {
            Ok(p) => p,
            Err(e) => panic!("pool: {e}"),
        };
        TestDb {
            name,
            url,
            pool,
            admin: server.admin.clone(),
        }
    }

    pub fn store(&self) -> PgStore {
        PgStore::new(self.pool.clone())
    }

    pub async fn connection(&self) -> AsyncPgConnection {
        match AsyncPgConnection::establish(&self.url).await {
            Ok(c) => c,
            Err(e) => panic!("connect to {}: {e}", self.name),
        }
    }

    pub fn records(&self) -> RecordService<PgStore> {
        RecordService::new(self.store(), ReadLimits::default())
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        self.pool.close();
        let admin = self.admin.clone();
        let name = self.name.clone();
        // Drop runs outside async context guarantees, so the DROP DATABASE gets a thread and runtime of its own.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            rt.block_on(async move {
                if let Ok(mut conn) = AsyncPgConnection::establish(&admin).await {
                    let _ = conn
                        .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .await;
                }
            });
        })
        .join();
    }
}

#[cfg(test)]
mod tests {
    use super::{cluster_dir_for, with_database};

    #[test]
    fn the_cluster_moves_out_of_a_target_the_postgres_user_cannot_enter() {
        use std::os::unix::fs::PermissionsExt;
        let outer = std::env::temp_dir().join(format!("twenty-0700-{}", std::process::id()));
        let target = outer.join("clone").join("target");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::set_permissions(&outer, std::fs::Permissions::from_mode(0o700)).unwrap();
        let dir = cluster_dir_for(&target);
        let root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        if root {
            assert!(
                dir.starts_with(std::env::temp_dir()) && !dir.starts_with(&outer),
                "{}",
                dir.display()
            );
            assert_eq!(dir, cluster_dir_for(&target), "the same place every time");
        } else {
            // Not root: the cluster runs as this user, who can enter its own 0700 directory.
            assert_eq!(dir, target.join("test-pg"));
        }
        std::fs::set_permissions(&outer, std::fs::Permissions::from_mode(0o755)).unwrap();
        let _ = std::fs::remove_dir_all(&outer);
        assert_eq!(
            cluster_dir_for(&std::env::temp_dir()),
            std::env::temp_dir().join("test-pg")
        );
    }

    #[test]
    fn database_names_are_replaced_in_urls() {
        assert_eq!(with_database("postgres://u@h:5432/test", "x"), "postgres://u@h:5432/x");
        assert_eq!(
            with_database("postgresql://postgres@%2Ftmp%2Fpg/postgres", "x"),
            "postgresql://postgres@%2Ftmp%2Fpg/x"
        );
        assert_eq!(
            with_database("postgres://h/db?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }
}
