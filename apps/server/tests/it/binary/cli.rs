//! The command line and the process: configuration errors, `workspace create`, `api-key create`, and the drain
//! of in-flight requests on SIGINT and SIGTERM.

use crate::support::SECRET;
use crate::support::binary::Server;
use std::process::{Command, Output};
use test_support::TestDb;

pub(super) fn cli(db: &TestDb, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_twenty-server"));
    command
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("APP_SECRET", SECRET)
        .env("BCRYPT_COST", "4");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

/// The stdout and stderr of a command that must succeed.
pub(super) fn succeeded(out: &Output) -> (String, String) {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    (String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
}

#[tokio::test]
async fn each_invalid_configuration_value_stops_with_one_line() {
    let db = TestDb::new().await;
    for (var, value) in [
        ("PORT", "abc"),
        ("APP_SECRET", "too-short"),
        ("BCRYPT_COST", "99"),
        ("SIGN_UP_DISABLED", "perhaps"),
        ("LOG_FORMAT", "yaml"),
        ("RATE_LIMIT_REST", "-5"),
        ("MAX_PAGE_SIZE", "lots"),
        ("ACCESS_TOKEN_TTL_SECS", "0"),
        ("REDIS_URL", "cache.internal:6379"),
        ("REDIS_URL", "rediss://:hunter2@cache.internal"),
    ] {
        let out = cli(&db, &["serve"], &[(var, value)]);
        assert_eq!(out.status.code(), Some(2), "{var}={value} was accepted");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "{var}: {stderr}");
        assert!(stderr.contains(var), "{var}: {stderr}");
        assert!(!stderr.contains("hunter2"), "a secret is never repeated: {stderr}");
    }
    // An unreachable database is one line too.
    let out = cli(
        &db,
        &["migrate"],
        &[("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim().lines().filter(|l| l.starts_with("error")).count(),
        1,
        "{stderr}"
    );
}

#[tokio::test]
async fn serving_a_database_url_without_app_secret_stops_with_one_line_saying_how_to_make_one() {
    let db = TestDb::new().await;
    let mut command = Command::new(env!("CARGO_BIN_EXE_twenty-server"));
    let out = command
        .arg("serve")
        .env("DATABASE_URL", &db.url)
        .env_remove("APP_SECRET")
        .env("PORT", crate::support::binary::free_port().to_string())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("APP_SECRET") && stderr.contains("openssl rand -base64 48"),
        "{stderr}"
    );
}

#[tokio::test]
async fn workspace_create_then_api_key_create_gives_a_working_key() {
    let server = Server::start(&[]).await;
    let token = created_api_key(&server.db, &created_workspace(&server.db));
    let res = server.get("/rest/companies", Some(&token));
    assert_ne!(res.status, 401, "{}", res.body);

    // The admin can log in.
    let login = server.post(
        "/auth/login",
        &serde_json::json!({"email": "ops@example.com", "password": "password123"}),
    );
    assert_eq!(login.status, 200);
}

/// The workspace "Acme" of ops@example.com (password `password123`) made by `workspace create`: its id.
pub(super) fn created_workspace(db: &TestDb) -> String {
    workspace_created(db, "Acme", "ops@example.com")
}

/// A workspace `name` of `email` (password `password123`) made by `workspace create`: its id.
pub(super) fn workspace_created(db: &TestDb, name: &str, email: &str) -> String {
    let args = [
        "workspace",
        "create",
        "--name",
        name,
        "--email",
        email,
        "--password",
        "password123",
    ];
    let (stdout, _) = succeeded(&cli(db, &args, &[]));
    let created: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    created["workspaceId"].as_str().unwrap().to_string()
}

/// The token of an API key "ci" of `workspace` made by `api-key create`.
pub(super) fn created_api_key(db: &TestDb, workspace: &str) -> String {
    let out = cli(
        db,
        &["api-key", "create", "--workspace", workspace, "--name", "ci"],
        &[],
    );
    succeeded(&out).0.trim().to_string()
}

#[tokio::test]
async fn api_key_create_refuses_a_past_expiry_and_an_unknown_workspace() {
    let db = TestDb::new().await;
    let db = &db;
    let workspace = &created_workspace(db);
    let out = cli(
        db,
        &[
            "api-key",
            "create",
            "--workspace",
            workspace,
            "--name",
            "old",
            "--expires-at",
            "2020-01-01T00:00:00Z",
        ],
        &[],
    );
    assert!(!out.status.success());
    let out = cli(
        db,
        &[
            "api-key",
            "create",
            "--workspace",
            &uuid::Uuid::new_v4().to_string(),
            "--name",
            "x",
        ],
        &[],
    );
    assert!(!out.status.success());
}

#[tokio::test]
async fn config_prints_the_configuration_with_secrets_redacted() {
    let db = TestDb::new().await;
    let out = cli(&db, &["config"], &[]);
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains("APP_SECRET=[redacted]") && !printed.contains(SECRET),
        "{printed}"
    );
}

/// A request that is in flight when `signal` arrives: its head and half its body are sent first, the rest after.
async fn answer_across(signal: &str) -> (Option<crate::support::Response>, std::process::ExitStatus) {
    use std::io::Write;
    let mut server = Server::start(&[]).await;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let body = r#"{"email":"drain@example.com","password":"a-Str0ng-password"}"#;
    let (first, rest) = body.split_at(10);
    let head = format!(
        "POST /auth/signup HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{first}",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    server.signal(signal);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let _ = stream.write_all(rest.as_bytes());
    let answer = crate::support::binary::read_response(&mut stream);
    (answer, server.wait())
}

#[tokio::test]
async fn sigint_drains_the_request_in_flight_then_exits_0() {
    let (answer, exit) = answer_across("-INT").await;
    assert_eq!(answer.map(|a| a.status), Some(201));
    assert!(exit.success(), "{exit:?}");
}

#[tokio::test]
async fn sigterm_drains_the_request_in_flight_then_exits_0() {
    let (answer, exit) = answer_across("-TERM").await;
    assert_eq!(answer.map(|a| a.status), Some(201));
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn version_names_the_release_and_the_commit() {
    let out = Command::new(env!("CARGO_BIN_EXE_twenty-server"))
        .arg("--version")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let version = stdout
        .trim()
        .strip_prefix("twenty-server ")
        .unwrap_or_else(|| panic!("{stdout}"));
    let commit = version
        .strip_prefix(concat!(env!("CARGO_PKG_VERSION"), " (commit "))
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        commit == "unknown" || commit.chars().all(|c| c.is_ascii_hexdigit()),
        "{stdout}"
    );
}

#[tokio::test]
async fn a_database_migrated_by_a_newer_binary_is_refused_unless_downgrades_are_allowed() {
    use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
    let db = TestDb::new().await;
    let mut conn = AsyncPgConnection::establish(&db.url).await.unwrap();
    conn.batch_execute("INSERT INTO __diesel_schema_migrations (version) VALUES ('99991231000000')")
        .await
        .unwrap();
    let refused = cli(&db, &["migrate"], &[]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("database was migrated by a newer twenty-server"),
        "{stderr}"
    );
    assert!(stderr.contains("99991231000000"), "{stderr}");
    let allowed = cli(&db, &["migrate"], &[("ALLOW_DOWNGRADE", "true")]);
    assert!(allowed.status.success(), "{}", String::from_utf8_lossy(&allowed.stderr));
}

#[tokio::test]
async fn an_unreachable_database_is_retried_for_db_connect_retry_secs_then_exit_1() {
    let db = TestDb::new().await;
    let out = cli(
        &db,
        &["serve"],
        &[
            ("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none"),
            ("DB_CONNECT_RETRY_SECS", "2"),
            ("PORT", &crate::support::binary::free_port().to_string()),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.matches("database unreachable; retrying").count() >= 2,
        "{stderr}"
    );
    assert_eq!(stderr.lines().filter(|l| l.starts_with("error")).count(), 1, "{stderr}");
}
