//! The real binary, with no DATABASE_URL: it runs its private cluster and stops it on SIGTERM.

use crate::support::binary::{free_port, try_request};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Processes whose command line mentions `needle` (the cluster's data directory).
fn processes_mentioning(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(needle) {
            found.push(cmdline);
        }
    }
    found
}

#[test]
fn serves_from_a_private_cluster_and_stops_it_on_sigterm() {
    let dir = test_support::test_cluster_dir()
        .parent()
        .unwrap()
        .join(format!("e2e-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]));
    std::fs::create_dir_all(&dir).unwrap();
    let data_dir = dir.join("data");
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_twenty-server"))
        .arg("serve")
        .current_dir(&dir)
        .env_remove("DATABASE_URL")
        .env_remove("PG_DATABASE_URL")
        .env("DATA_DIR", &data_dir)
        .env("PORT", port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    let deadline = Instant::now() + Duration::from_secs(90);
    let mut ready = None;
    while Instant::now() < deadline {
        if let Some(r) = try_request(port, "GET", "/readyz", &[], None).filter(|r| r.status == 200) {
            ready = Some(r);
            break;
        }
        if child.try_wait().unwrap().is_some() {
            let mut stderr = String::new();
            child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
            panic!("server exited early:\n{stderr}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(ready.is_some(), "server never became ready");
    let health = try_request(port, "GET", "/healthz", &[], None).unwrap();
    assert_eq!(health.status, 200, "{}", health.body);
    assert!(health.body.ends_with("{\"status\":\"ok\"}"), "{}", health.body);
    let pg_dir = data_dir.join("postgres");
    assert!(
        pg_dir.join("postmaster.pid").exists(),
        "the private cluster runs under DATA_DIR"
    );
    assert!(!processes_mentioning(&pg_dir.to_string_lossy()).is_empty());

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(60);
    let exit = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "server did not stop");
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(exit.success(), "exit status {exit:?}; log:\n{stderr}");
    assert!(!pg_dir.join("postmaster.pid").exists(), "cluster stopped");
    assert_eq!(
        processes_mentioning(&pg_dir.to_string_lossy()),
        Vec::<String>::new(),
        "no orphan process"
    );
    let _ = std::fs::remove_dir_all(Path::new(&dir));
}
