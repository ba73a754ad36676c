//! Exit codes and the error type of the commands.

use crate::config::ConfigError;
use std::process::ExitCode;
use sync_core::service::ServiceError;
use thiserror::Error;

/// Everything worked.
pub const OK: u8 = 0;
/// At least one instance failed, a session was cancelled, or the store failed.
pub const FAILED: u8 = 1;
/// Usage or configuration error.
pub const USAGE: u8 = 2;

/// Why a command did not run to the end. Messages never contain a password.
#[derive(Debug, Error)]
pub enum CliError {
    /// The configuration is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// An argument is wrong (beyond what clap checks).
    #[error("{0}")]
    Usage(String),
    /// The store cannot be opened.
    #[error("cannot open the store: {0}")]
    Store(String),
    /// The service refused or failed.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// Writing the output failed.
    #[error("{0}")]
    Output(String),
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Output(e.to_string())
    }
}

impl CliError {
    /// The process exit code for this error.
    pub fn code(&self) -> u8 {
        match self {
            CliError::Config(_) | CliError::Usage(_) => USAGE,
            CliError::Service(e) => match e {
                ServiceError::InvalidConfig(_)
                | ServiceError::InvalidRequest(_)
                | ServiceError::Query(_)
                | ServiceError::NotFound { .. }
                | ServiceError::NoActiveInstance => USAGE,
                _ => FAILED,
            },
            CliError::Store(_) | CliError::Output(_) => FAILED,
        }
    }

    /// A hint printed after the message, when there is a next step to suggest.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            CliError::Service(ServiceError::NoActiveInstance) => Some(
                "register the configuration's instances with `account-sync instances import` (or use \
                 `account-sync run`, which imports, syncs and shows the history)",
            ),
            CliError::Service(ServiceError::AlreadyRunning(_)) => {
                Some("wait for it to end, or cancel it with `account-sync cancel <session>`")
            }
            _ => None,
        }
    }

    /// Prints the error (and hint) to stderr and gives the exit code.
    pub fn report(&self) -> ExitCode {
        crate::output::stderr(&format!("error: {self}\n"));
        if let Some(h) = self.hint() {
            crate::output::stderr(&format!("hint: {h}\n"));
        }
        ExitCode::from(self.code())
    }
}
