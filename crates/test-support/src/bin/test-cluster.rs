//! `test-cluster start|stop|status|url`: manage the private PostgreSQL the tests use when `DATABASE_URL` is unset.

use std::process::ExitCode;
use twenty_storage::cluster::LocalCluster;

fn main() -> ExitCode {
    let action = std::env::args().nth(1).unwrap_or_else(|| "status".into());
    let cluster = match LocalCluster::new(test_support::test_cluster_dir()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match action.as_str() {
        "start" => cluster
            .ensure_started()
            .map(|_| println!("running: {}", cluster.url("postgres"))),
        "stop" => cluster.stop().map(|()| println!("stopped")),
        "status" => {
            println!("{}", if cluster.is_running() { "running" } else { "stopped" });
            Ok(())
        }
        "url" => {
            println!("{}", cluster.url("postgres"));
            Ok(())
        }
        other => {
            eprintln!("usage: test-cluster start|stop|status|url (got {other:?})");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
