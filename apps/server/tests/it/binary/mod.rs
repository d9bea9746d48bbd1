//! The tests that need the real binary, each for a reason the in-process app cannot stand in for:
//! - [`life_cycle`]: start-up with a private PostgreSQL, SIGTERM, and what is left running afterwards;
//! - [`siblings`]: a second process on the same database learns of changes through `LISTEN/NOTIFY`;
//! - [`shared_limits`]: processes on one Redis (`REDIS_URL`) spend the same rate budgets and throttles;
//! - [`statements`]: statements per request, read from a counter that is global to the process;
//! - [`logs`]: what reaches the process's log;
//! - [`cli`]: the command line; [`cli_admin`] its admin commands, [`cli_import`] and [`cli_export`] moving data;
//! - [`tls`]: serving a database that accepts TLS connections only;
//! - [`readme`]: the README's quick start, command by command, on a fresh data directory.

mod cli;
mod cli_admin;
mod cli_export;
mod cli_import;
mod life_cycle;
mod logs;
mod readme;
mod shared_limits;
mod siblings;
mod statements;
mod tls;

use crate::support::Response;
use crate::support::binary::{Server, request};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The JSON lines of `text` (what a command printed, a log); every line must be one.
fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}\n{text}")))
        .collect()
}

/// A file of the test's own in the temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    /// A name of its own, nothing written yet (for a command to write).
    fn unwritten(extension: &str) -> TempFile {
        let name = format!("twenty-test-{}.{extension}", uuid::Uuid::new_v4().simple());
        TempFile(std::env::temp_dir().join(name))
    }

    /// A file holding `content`.
    fn new(extension: &str, content: &str) -> TempFile {
        let file = TempFile::unwritten(extension);
        std::fs::write(&file.0, content).unwrap();
        file
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn post(port: u16, path: &str, token: &str, body: &Value) -> Response {
    request(
        port,
        "POST",
        path,
        &[("Authorization", &format!("Bearer {token}"))],
        Some(&body.to_string()),
    )
}

fn graphql(port: u16, token: &str, query: &str, variables: Value) -> Response {
    post(
        port,
        "/graphql",
        token,
        &json!({"query": query, "variables": variables}),
    )
}

/// The `data` of a metadata API answer that must succeed.
fn metadata(port: u16, token: &str, query: &str, variables: Value) -> Value {
    let res = post(
        port,
        "/metadata",
        token,
        &json!({"query": query, "variables": variables}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    res.gql().data()
}

/// One value of the server's `/metrics`.
fn metric(port: u16, name: &str) -> u64 {
    let body = request(port, "GET", "/metrics", &[], None).body;
    body.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.trim().parse().ok()))
        .unwrap_or_else(|| panic!("no {name} in {body}"))
}

/// Waits until the server serves from memory (its listening connection is up).
fn wait_until_live(port: u16) {
    time_until(|| metric(port, "twenty_change_notifications_live") == 1);
}

/// An API key of a new workspace (signed up through `server`): (access token of its admin, key id, key token).
fn api_key(server: &Server) -> (String, String, String) {
    api_key_of_a_new_workspace(server, "owner@example.com", "load")
}

/// An API key named `name` of the new workspace of `email`, signed up through `server`: (access token of its admin,
/// key id, key token).
fn api_key_of_a_new_workspace(server: &Server, email: &str, name: &str) -> (String, String, String) {
    let access = server.access_token(email);
    let mutation = "mutation($n: String!) { createOneApiKey(data: {name: $n}) { id token } }";
    let created = metadata(server.port, &access, mutation, json!({"n": name}));
    let key = &created["createOneApiKey"];
    let (id, token) = (key["id"].as_str().unwrap(), key["token"].as_str().unwrap());
    (access, id.to_string(), token.to_string())
}

/// Polls `check` every 20 ms until it holds; returns how long that took (fails after 5 s).
fn time_until(mut check: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < Duration::from_secs(5), "never happened");
        std::thread::sleep(Duration::from_millis(20));
    }
    started.elapsed()
}
