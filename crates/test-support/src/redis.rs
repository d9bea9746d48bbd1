//! A private Redis for tests: `redis-server` on a free loopback port, without persistence, never the machine's own.
//!
//! [`shared_redis`] is started once per test process and shared by its tests (each test uses keys of its own:
//! its own workspaces, keys, e-mails and client addresses); [`TestRedis::start`] gives a test one of its own, to
//! stop and start again. Each server runs under a small shell that waits on a pipe from this process and stops
//! the server when the pipe closes, so no `redis-server` outlives the test process, however it ends.

use crate::free_port;
use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A `redis-server` of this test process.
pub struct TestRedis {
    pub port: u16,
    running: Option<(Child, ChildStdin)>,
}

/// The Redis shared by the tests of this process, started on first use and stopped when the process exits.
pub fn shared_redis() -> &'static TestRedis {
    static SHARED: OnceLock<TestRedis> = OnceLock::new();
    SHARED.get_or_init(TestRedis::start)
}

impl TestRedis {
    /// A Redis of the caller's own, stopped when dropped.
    pub fn start() -> TestRedis {
        for _ in 0..3 {
            let mut redis = TestRedis {
                port: free_port(),
                running: None,
            };
            if redis.try_start() {
                return redis;
            }
        }
        panic!("redis-server did not start, three times");
    }

    /// `redis://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Stops the server (it is gone when this returns).
    pub fn stop(&mut self) {
        if let Some((mut child, stdin)) = self.running.take() {
            drop(stdin);
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port, empty.
    pub fn restart(&mut self) {
        self.stop();
        assert!(
            self.try_start(),
            "redis-server did not start again on port {}",
            self.port
        );
    }

    /// Starts `redis-server` on `self.port`; `false` when it exited before answering (the port was taken).
    fn try_start(&mut self) -> bool {
        let port = self.port.to_string();
        let mut child = Command::new("sh")
            .args(["-c", WATCHED, "sh"])
            .arg(redis_server())
            .args([
                "--port",
                &port,
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .args(["--daemonize", "no", "--loglevel", "warning", "--dir"])
            .arg(std::env::temp_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run sh for redis-server: {e}"));
        let Some(stdin) = child.stdin.take() else {
            panic!("no pipe to the redis-server shell")
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !answers_ping(self.port) {
            if matches!(child.try_wait(), Ok(Some(_))) {
                return false;
            }
            assert!(
                Instant::now() < deadline,
                "redis-server on port {} did not answer within 10 s",
                self.port
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        self.running = Some((child, stdin));
        true
    }
}

/// `sh -c WATCHED sh <redis-server> <args…>`: runs the server, and stops it when this process's pipe on the
/// shell's standard input closes (the [`TestRedis`] is dropped, or the test process exits however it ends). The
/// shell exits with the server.
const WATCHED: &str = r#"server=$1; shift
exec 3<&0
"$server" "$@" </dev/null &
pid=$!
(read _ <&3; kill $pid) &
watchdog=$!
wait $pid
kill $watchdog 2>/dev/null
"#;

impl Drop for TestRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The `redis-server` binary: on `PATH`, or where Debian's package puts it.
fn redis_server() -> std::path::PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/bin".into(), "/usr/sbin".into(), "/usr/local/bin".into()])
        .map(|dir| dir.join("redis-server"))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!("redis-server not found: install it with scripts/install-deps (Debian's redis-server package)")
        })
}

/// `PING` on `port` answers `+PONG`.
pub fn answers_ping(port: u16) -> bool {
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut answer = [0u8; 7];
    stream.write_all(b"PING\r\n").is_ok() && stream.read_exact(&mut answer).is_ok() && &answer == b"+PONG\r\n"
}
