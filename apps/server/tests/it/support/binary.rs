//! The real binary against a fresh test database, and a minimal blocking HTTP/1.1 client to talk to it — for the
//! tests that need a process of their own (see `crate::binary`).

use super::{PASSWORD, Response, SECRET};
use serde_json::Value;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use test_support::TestDb;

/// One request over a fresh connection (`Connection: close`).
pub fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> Response {
    try_request(port, method, path, headers, body).unwrap_or_else(|| panic!("no answer on port {port}"))
}

/// Like [`request`], `None` when nothing listens or the connection fails.
pub fn try_request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Option<Response> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(body) = body {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).ok()?;
    if let Some(body) = body {
        stream.write_all(body.as_bytes()).ok()?;
    }
    read_response(&mut stream)
}

/// The response the server writes on `stream` up to the end of the connection; `None` when reading fails (or
/// times out under the stream's read timeout).
pub fn read_response(stream: &mut std::net::TcpStream) -> Option<Response> {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked { dechunk(body) } else { body.to_string() };
    Some(Response { status, headers, body })
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

pub fn post_json(port: u16, path: &str, body: &Value) -> Response {
    request(port, "POST", path, &[], Some(&body.to_string()))
}

pub use test_support::free_port;

/// The binary, serving a test database.
pub struct Server {
    pub port: u16,
    pub log: PathBuf,
    child: Child,
    pub db: TestDb,
    /// The variables it was started with, which its siblings get too.
    env: Vec<(String, String)>,
}

/// Spawns the binary on `database_url` and waits until it accepts connections. The free port is only free until
/// someone else takes it, so a server that exits before it listens is started again on another port.
fn spawn(database_url: &str, env: &[(&str, &str)]) -> (Child, u16, PathBuf) {
    for _ in 0..3 {
        if let Some(started) = try_spawn(database_url, env) {
            return started;
        }
    }
    panic!("the server exited before listening, three times");
}

fn try_spawn(database_url: &str, env: &[(&str, &str)]) -> Option<(Child, u16, PathBuf)> {
    let port = free_port();
    let log = std::env::temp_dir().join(format!("twenty-server-{}.log", uuid::Uuid::new_v4().simple()));
    let log_file = std::fs::File::create(&log).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_twenty-server"));
    command
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("PORT", port.to_string())
        .env("APP_SECRET", SECRET)
        .env("BCRYPT_COST", "4")
        .env("RUST_LOG", "debug")
        // Generous budgets unless a test asks otherwise (the rate-limit test sets its own).
        .env("RATE_LIMIT_GRAPHQL", "100000")
        .env("RATE_LIMIT_REST", "100000")
        .env("RATE_LIMIT_METADATA", "100000")
        .env("DATA_DIR", std::env::temp_dir().join("twenty-server-test-data"))
        // Shared limits only where a test asks for them, never through a Redis of the developer's environment.
        .env_remove("REDIS_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::from(log_file));
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if child.try_wait().unwrap().is_some() {
            return None;
        }
        assert!(
            Instant::now() < deadline,
            "server did not start: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Some((child, port, log))
}

/// Another server process on the same database as a [`Server`] (or one on a database of the test's own, see
/// [`serve_on`]); killed when dropped.
pub struct Sibling {
    pub port: u16,
    log: PathBuf,
    child: Child,
}

impl Drop for Sibling {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// A server process on `database_url`, which the test made (a TLS cluster, say).
pub fn serve_on(database_url: &str, env: &[(&str, &str)]) -> Sibling {
    let (child, port, log) = spawn(database_url, env);
    Sibling { port, log, child }
}

impl Server {
    pub async fn start(env: &[(&str, &str)]) -> Server {
        let db = TestDb::new().await;
        let (child, port, log) = spawn(&db.url, env);
        let env = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Server {
            port,
            log,
            child,
            db,
            env,
        }
    }

    /// A second process serving the same database, with the same variables.
    pub fn sibling(&self) -> Sibling {
        let env: Vec<(&str, &str)> = self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (child, port, log) = spawn(&self.db.url, &env);
        Sibling { port, log, child }
    }

    /// Sends `signal` (`-INT`, `-TERM`) to the process.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the process to exit (at most a minute).
    pub fn wait(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn post(&self, path: &str, body: &Value) -> Response {
        post_json(self.port, path, body)
    }

    pub fn get(&self, path: &str, token: Option<&str>) -> Response {
        let auth = token.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> = auth.as_deref().map(|a| vec![("Authorization", a)]).unwrap_or_default();
        request(self.port, "GET", path, &headers, None)
    }

    /// Signs up `email` and returns the response body.
    pub fn sign_up(&self, email: &str) -> Value {
        let res = self.post(
            "/auth/signup",
            &serde_json::json!({"email": email, "password": PASSWORD, "workspaceName": "Acme"}),
        );
        assert_eq!(res.status, 201, "{}", res.body);
        res.json()
    }

    /// Signs up `email`: (the new workspace's id, the access token of its admin).
    pub fn workspace(&self, email: &str) -> (String, String) {
        let signed_up = self.sign_up(email);
        let text = |key: &str| signed_up[key].as_str().unwrap().to_string();
        (text("workspaceId"), text("accessToken"))
    }

    /// Signs up `email`: the access token of its admin.
    pub fn access_token(&self, email: &str) -> String {
        self.workspace(email).1
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}
