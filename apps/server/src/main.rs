//! The `twenty-server` binary: parse the command line, load the configuration, run.

use clap::Parser;
use std::process::ExitCode;
use twenty_server::config::Config;
use twenty_server::{Cli, fatal_line, init_logging, requested_log_format, run};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{}", fatal_line(requested_log_format(), &e.to_string(), 2));
            return ExitCode::from(2);
        }
    };
    init_logging(&config);
    let format = config.log_format;
    match run(cli, config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let (line, code) = twenty_server::cli::failure(&e);
            eprintln!("{}", fatal_line(format, &line, code));
            ExitCode::from(code)
        }
    }
}
