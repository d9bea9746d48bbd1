//! What reaches the process's log: requests are logged with the fields of contract §9 (text and JSON), secrets
//! never are, fatal start-up errors are JSON lines in JSON mode; and `METRICS_ADDR` moves `/metrics` off the
//! public port.

use super::json_lines;
use crate::support::binary::{Server, free_port, request};
use crate::support::{Response, SECRET};
use serde_json::{Value, json};

#[tokio::test]
async fn requests_are_logged_and_secrets_never_reach_the_log() {
    let server = Server::start(&[]).await;
    let signed_up = server.sign_up("ada@example.com");
    let login = server
        .post(
            "/auth/login",
            &json!({"email": "ada@example.com", "password": "password123"}),
        )
        .json();
    let refreshed = server
        .post("/auth/refresh", &json!({"refreshToken": login["refreshToken"]}))
        .json();
    server.get(
        &format!("/rest/open-api/core?token={}", login["accessToken"].as_str().unwrap()),
        None,
    );
    let log = server.log_text();
    assert!(log.contains("request completed"), "requests are logged: {log}");
    for secret in [
        "password123",
        signed_up["accessToken"].as_str().unwrap(),
        signed_up["refreshToken"].as_str().unwrap(),
        login["accessToken"].as_str().unwrap(),
        login["refreshToken"].as_str().unwrap(),
        refreshed["refreshToken"].as_str().unwrap(),
        SECRET,
    ] {
        assert!(!log.contains(secret), "a secret reached the log:\n{log}");
    }
}

#[tokio::test]
async fn the_start_up_line_names_the_version_postgresql_the_pool_and_the_address() {
    let server = Server::start(&[("PG_POOL_MAX_CONNECTIONS", "7")]).await;
    let started = server
        .log_text()
        .lines()
        .find(|l| l.contains("twenty-server starting"))
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no start-up line:\n{}", server.log_text()));
    assert!(
        started.contains(concat!("version=\"", env!("CARGO_PKG_VERSION"), " (commit ")),
        "{started}"
    );
    assert!(started.contains("postgres=1"), "{started}");
    assert!(started.contains("pool_size=7"), "{started}");
    assert!(
        started.contains(&format!("listen=127.0.0.1:{}", server.port)),
        "{started}"
    );
}

/// The access-log line of the request whose `X-Request-Id` was `id`.
fn access_line(lines: &[Value], id: &str) -> Value {
    lines
        .iter()
        .find(|l| l["fields"]["message"] == "request completed" && l["fields"]["request_id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no access-log line for {id}: {lines:#?}"))
}

fn send(server: &Server, path: &str, token: Option<&str>, id: &str, body: &Value) -> Response {
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("X-Request-Id", id), ("User-Agent", "ops-test/1.0 (logs)")];
    if let Some(auth) = &auth {
        headers.push(("Authorization", auth));
    }
    request(server.port, "POST", path, &headers, Some(&body.to_string()))
}

#[tokio::test]
async fn in_json_mode_the_access_log_line_has_every_field_and_a_graphql_error_is_named() {
    let server = Server::start(&[("LOG_FORMAT", "json")]).await;
    let signed_up = server.sign_up("grace@example.com");
    let token = signed_up["accessToken"].as_str().unwrap();
    // A 200 answer that carries an error: the record does not exist.
    let missing = uuid::Uuid::new_v4();
    let rename =
        format!(r#"mutation RenameCompany {{ updateCompany(id: "{missing}", data: {{name: "x"}}) {{ id }} }}"#);
    let answer = send(&server, "/graphql", Some(token), "rename-1", &json!({"query": rename}));
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.gql().error_code(), "NOT_FOUND", "{}", answer.body);
    // The same on the metadata API, the operation named by the request only.
    let objects = json!({"query": "{ objects(paging: {first: 1}) { totalCount } nope }", "operationName": null});
    let invalid = send(&server, "/metadata", Some(token), "metadata-1", &objects);
    assert_eq!(invalid.status, 200, "{}", invalid.body);
    // Without a token: the principal is anonymous, the code the request-level one.
    let anonymous = send(
        &server,
        "/graphql",
        None,
        "anonymous-1",
        &json!({"query": "query Me { __typename }"}),
    );
    assert_eq!(anonymous.status, 401);
    // A success on the metadata API: a query, no error code.
    let listed = json!({"query": "query ListObjects { objects(paging: {first: 1}) { totalCount } }"});
    assert_eq!(
        send(&server, "/metadata", Some(token), "metadata-2", &listed).status,
        200
    );

    let lines = json_lines(&server.log_text());
    let line = access_line(&lines, "rename-1");
    let fields = &line["fields"];
    assert_eq!(line["target"], "twenty_server::access", "{line}");
    assert_eq!(fields["client_ip"], "127.0.0.1", "{line}");
    assert_eq!(fields["method"], "POST", "{line}");
    assert_eq!(fields["path"], "/graphql", "{line}");
    assert_eq!(fields["status"], 200, "{line}");
    assert_eq!(fields["bytes"], answer.body.len(), "{line}");
    assert_eq!(fields["user_agent"], "ops-test/1.0 (logs)", "{line}");
    assert_eq!(fields["principal"], "user", "{line}");
    assert_eq!(fields["workspace_id"], signed_up["workspaceId"], "{line}");
    assert_eq!(fields["operation_name"], "RenameCompany", "{line}");
    assert_eq!(fields["operation_type"], "mutation", "{line}");
    assert_eq!(fields["error_code"], "NOT_FOUND", "{line}");
    // Milliseconds to the microsecond: at most three decimals.
    let elapsed = fields["elapsed_ms"]
        .as_f64()
        .unwrap_or_else(|| panic!("elapsed_ms: {line}"));
    assert!(elapsed > 0.0, "{line}");
    let printed = fields["elapsed_ms"].to_string();
    assert!(printed.split('.').nth(1).is_none_or(|d| d.len() <= 3), "{printed}");

    let metadata = access_line(&lines, "metadata-1");
    assert_eq!(
        metadata["fields"]["error_code"], "GRAPHQL_VALIDATION_FAILED",
        "{metadata}"
    );
    assert_eq!(metadata["fields"]["path"], "/metadata", "{metadata}");
    let listed = access_line(&lines, "metadata-2");
    assert_eq!(listed["fields"]["operation_name"], "ListObjects", "{listed}");
    assert_eq!(listed["fields"]["operation_type"], "query", "{listed}");
    assert!(listed["fields"].get("error_code").is_none(), "{listed}");

    let anonymous = access_line(&lines, "anonymous-1");
    assert_eq!(anonymous["fields"]["principal"], "anonymous", "{anonymous}");
    assert_eq!(anonymous["fields"]["status"], 401, "{anonymous}");
    assert_eq!(anonymous["fields"]["error_code"], "UNAUTHORIZED", "{anonymous}");
    assert!(anonymous["fields"].get("workspace_id").is_none(), "{anonymous}");
}

#[tokio::test]
async fn in_text_mode_the_access_log_line_names_the_operation_and_the_error_code() {
    let server = Server::start(&[]).await;
    let token = server.access_token("hopper@example.com");
    let query = json!({"query": "query FindNothing { nope }"});
    let answer = send(&server, "/graphql", Some(&token), "text-1", &query);
    assert_eq!(answer.status, 200, "{}", answer.body);
    let log = server.log_text();
    let line = log
        .lines()
        .find(|l| l.contains("request completed") && l.contains("request_id=text-1"))
        .unwrap_or_else(|| panic!("no access-log line:\n{log}"));
    for field in [
        "operation_name=\"FindNothing\"",
        "operation_type=\"query\"",
        "error_code=\"GRAPHQL_VALIDATION_FAILED\"",
        "status=200",
        "principal=\"user\"",
        "client_ip=127.0.0.1",
    ] {
        assert!(line.contains(field), "{field} missing: {line}");
    }
}

/// Runs the binary with `env` until it exits; (exit code, stderr).
fn run_to_exit(env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_twenty-server"));
    command
        .arg("serve")
        .env("APP_SECRET", SECRET)
        .env("DATA_DIR", std::env::temp_dir().join("twenty-server-test-data"))
        .env_remove("RUST_LOG");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[tokio::test]
async fn fatal_start_up_errors_are_json_lines_in_json_mode() {
    // A bad value: exit 2, before anything else is set up.
    let (code, stderr) = run_to_exit(&[("LOG_FORMAT", "json"), ("PORT", "eighty")]);
    assert_eq!(code, Some(2), "{stderr}");
    let lines = json_lines(&stderr);
    assert_eq!(lines.len(), 1, "{stderr}");
    assert_eq!(lines[0]["level"], "ERROR");
    assert_eq!(lines[0]["fields"]["exit_code"], 2);
    assert!(
        lines[0]["fields"]["message"].as_str().unwrap().contains("PORT"),
        "{stderr}"
    );
    // An unreachable database: retried for DB_CONNECT_RETRY_SECS (logged), then exit 1; every line is JSON.
    let unreachable = format!("postgres://nobody@127.0.0.1:{}/none", free_port());
    let (code, stderr) = run_to_exit(&[
        ("LOG_FORMAT", "json"),
        ("DATABASE_URL", &unreachable),
        ("DB_CONNECT_RETRY_SECS", "1"),
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    let lines = json_lines(&stderr);
    let last = lines.last().unwrap();
    assert_eq!(last["level"], "ERROR", "{stderr}");
    assert_eq!(last["fields"]["exit_code"], 1, "{stderr}");
    assert!(!last["fields"]["message"].as_str().unwrap().is_empty(), "{stderr}");
    // The same failure in the default format stays a plain line.
    let (code, stderr) = run_to_exit(&[("DATABASE_URL", &unreachable), ("DB_CONNECT_RETRY_SECS", "1")]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.trim().lines().last().unwrap().starts_with("error: "), "{stderr}");
}

#[tokio::test]
async fn with_metrics_addr_the_binary_serves_metrics_there_and_not_on_the_public_port() {
    let metrics_port = free_port();
    let addr = format!("127.0.0.1:{metrics_port}");
    let server = Server::start(&[("METRICS_ADDR", &addr)]).await;
    assert_eq!(server.get("/metrics", None).status, 404);
    let scraped = request(metrics_port, "GET", "/metrics", &[], None);
    assert_eq!(scraped.status, 200, "{}", scraped.body);
    let families = crate::support::metrics::parse_exposition(&scraped.body);
    assert!(families.contains_key("twenty_db_pool_connections"), "{}", scraped.body);
    // Nothing but /metrics there.
    assert_eq!(request(metrics_port, "GET", "/healthz", &[], None).status, 404);
}
