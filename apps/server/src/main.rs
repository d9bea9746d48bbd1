//! The `twenty-server` binary: parse the command line, load the configuration, run.

use clap::Parser;
use std::process::ExitCode;
use twenty_server::config::{Config, ConfigError};
use twenty_server::{Cli, init_logging, run};
use twenty_storage::StorageError;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    init_logging(&config);
    match run(cli, config).await {
        Ok(()) => ExitCode::SUCCESS,
        // A configuration problem found only by the command that needs the setting, or a database this binary
        // must not run on.
        Err(e) if e.downcast_ref::<ConfigError>().is_some() => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
        Err(e)
            if matches!(
                e.downcast_ref::<StorageError>(),
                Some(StorageError::NewerDatabase(_) | StorageError::DataDirectory(_))
            ) =>
        {
            eprintln!("error: {}", e.root_cause());
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
