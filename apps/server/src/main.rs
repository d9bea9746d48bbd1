//! The `twenty-server` binary: parse the command line, load the configuration, run.

use clap::Parser;
use std::process::ExitCode;
use twenty_server::config::Config;
use twenty_server::{Cli, init_logging, run};

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
        Err(e) => {
            let (line, code) = twenty_server::cli::failure(&e);
            eprintln!("{line}");
            ExitCode::from(code)
        }
    }
}
