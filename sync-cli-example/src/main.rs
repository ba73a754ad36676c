//! `account-sync`: the command line of the account-sync library. See `--help`.

mod cli;
mod commands;
mod config;
mod exit;
mod logging;
mod output;
mod progress;
mod render;

use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    logging::init();
    match commands::run(cli).await {
        Ok(code) => ExitCode::from(code),
        Err(e) => e.report(),
    }
}
