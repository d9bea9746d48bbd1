//! The admin's commands: `api-key list` and `revoke` (a revoked key is refused by a running server),
//! `user set-password`, `workspace list`.

use super::cli::{cli, created_api_key, created_workspace, succeeded, workspace_created};
use super::{json_lines, time_until, wait_until_live};
use crate::support::SECRET;
use crate::support::binary::Server;
use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Stdio};
use test_support::TestDb;

/// The JSON lines a command that must succeed printed.
fn printed(out: &std::process::Output) -> Vec<Value> {
    json_lines(&succeeded(out).0)
}

/// One failing command's stderr, which must be one clear `error:` line.
fn failure_of(out: &std::process::Output) -> String {
    assert!(!out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    errors[0].to_string()
}

/// The binary with `input` on stdin.
fn cli_with_stdin(db: &TestDb, args: &[&str], input: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_twenty-server"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("APP_SECRET", SECRET)
        .env("BCRYPT_COST", "4")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn api_key_list_shows_keys_without_tokens_and_a_revoked_key_is_refused_by_a_running_server() {
    let server = Server::start(&[]).await;
    let db = &server.db;
    let workspace = &created_workspace(db);
    let token = created_api_key(db, workspace);
    // The server serves keys from memory once its change feed is up: the revocation must reach that memory.
    wait_until_live(server.port);
    assert_eq!(server.get("/rest/companies", Some(&token)).status, 200);

    let listed = cli(db, &["api-key", "list", "--workspace", workspace], &[]);
    assert!(!succeeded(&listed).0.contains(&token), "a token is never shown again");
    let keys = printed(&listed);
    assert_eq!(keys.len(), 1, "{keys:?}");
    let key = &keys[0];
    assert_eq!(key["name"], json!("ci"));
    assert_eq!(key["revoked"], json!(false));
    assert_eq!(key["expiresAt"], Value::Null);
    assert!(key["createdAt"].as_str().is_some_and(|t| t.ends_with('Z')), "{key}");
    assert!(key.get("token").is_none(), "{key}");
    let id = key["id"].as_str().unwrap();

    let revoked = cli(db, &["api-key", "revoke", "--workspace", workspace, "--id", id], &[]);
    assert!(printed(&revoked)[0]["revokedAt"].is_string());
    time_until(|| server.get("/rest/companies", Some(&token)).status == 401);
    let keys = printed(&cli(db, &["api-key", "list", "--workspace", workspace], &[]));
    assert_eq!(keys[0]["revoked"], json!(true));

    // A key of another workspace, an unknown key, an unknown workspace: one clear line each, exit 1.
    let (other, _) = server.workspace("other@example.com");
    let line = failure_of(&cli(db, &["api-key", "revoke", "--workspace", &other, "--id", id], &[]));
    assert!(line.contains("no API key"), "{line}");
    let unknown = uuid::Uuid::new_v4().to_string();
    let line = failure_of(&cli(db, &["api-key", "list", "--workspace", &unknown], &[]));
    assert!(line.contains(&format!("no workspace {unknown}")), "{line}");
}

#[tokio::test]
async fn user_set_password_takes_the_new_password_from_stdin_and_ends_the_old_sessions() {
    let server = Server::start(&[]).await;
    let db = &server.db;
    created_workspace(db);
    let login = |password: &str| {
        server.post(
            "/auth/login",
            &json!({"email": "ops@example.com", "password": password}),
        )
    };
    let before = login("password123");
    assert_eq!(before.status, 200, "{}", before.body);
    let refresh_token = before.json()["refreshToken"].as_str().unwrap().to_string();

    // The rules of sign-up hold.
    let line = failure_of(&cli_with_stdin(
        db,
        &["user", "set-password", "--email", "ops@example.com"],
        "short\n",
    ));
    assert!(line.contains("password"), "{line}");
    let line = failure_of(&cli_with_stdin(
        db,
        &["user", "set-password", "--email", "ops@example.com"],
        "",
    ));
    assert!(line.contains("no password on stdin"), "{line}");
    assert_eq!(login("password123").status, 200, "a refused password changes nothing");

    let set = cli_with_stdin(
        db,
        &["user", "set-password", "--email", "OPS@example.com"],
        "a-n3w-Passphrase\n",
    );
    let answer = &printed(&set)[0];
    assert!(answer["revokedRefreshTokens"].as_u64().unwrap() >= 2, "{answer}");
    assert_eq!(login("a-n3w-Passphrase").status, 200);
    assert_eq!(login("password123").status, 401);
    let refreshed = server.post("/auth/refresh", &json!({"refreshToken": refresh_token}));
    assert_eq!(refreshed.status, 401, "{}", refreshed.body);

    let line = failure_of(&cli_with_stdin(
        db,
        &["user", "set-password", "--email", "nobody@example.com"],
        "a-n3w-Passphrase\n",
    ));
    assert!(line.contains("nobody@example.com"), "{line}");
}

#[tokio::test]
async fn workspace_list_prints_every_workspace_oldest_first() {
    let db = TestDb::new().await;
    assert!(printed(&cli(&db, &["workspace", "list"], &[])).is_empty());
    let first = created_workspace(&db);
    let second = workspace_created(&db, "Globex", "globex@example.com");
    let listed = printed(&cli(&db, &["workspace", "list"], &[]));
    let ids: Vec<&Value> = listed.iter().map(|w| &w["id"]).collect();
    assert_eq!(ids, vec![&json!(first), &json!(second)]);
    assert_eq!(listed[0]["displayName"], json!("Acme"));
    assert_eq!(listed[1]["displayName"], json!("Globex"));
}
