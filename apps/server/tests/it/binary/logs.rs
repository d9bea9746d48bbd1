//! What reaches the process's log: requests are logged, secrets never are.

use crate::support::SECRET;
use crate::support::binary::Server;
use serde_json::json;

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
