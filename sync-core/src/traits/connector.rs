//! The connector trait: reads the accounts of one instance.

use crate::account::{AccountFilter, AccountSet};
use crate::domain::DbType;
use async_trait::async_trait;
use secrecy::SecretString;
use std::time::Duration;
use thiserror::Error;
use tokio_util::sync::CancellationToken;

/// Everything a connector needs to read one instance. `Debug` never shows the password
/// (`SecretString` redacts itself).
#[derive(Debug, Clone)]
pub struct ConnectTarget {
    /// Instance name (for messages).
    pub instance_name: String,
    /// Host.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Database to connect to (`None`: the server default / `postgres`).
    pub database: Option<String>,
    /// PostgreSQL: further databases whose schema and default privileges are read.
    pub inspect_databases: Vec<String>,
    /// Login.
    pub user: String,
    /// Password, if any.
    pub password: Option<SecretString>,
    /// Budget for the whole read; connectors derive per-query timeouts from it.
    pub timeout: Duration,
    /// Accounts to leave out.
    pub filter: AccountFilter,
}

/// What a successful read returns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountRead {
    /// The server's version string (e.g. `10.11.19-MariaDB`, `PostgreSQL 15.19`).
    pub server_version: String,
    /// Every account, normalised.
    pub accounts: AccountSet,
    /// Non-fatal problems (e.g. a database that could not be inspected).
    pub warnings: Vec<String>,
}

/// Why a read failed. Messages never contain a password.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ConnectorError {
    /// The server could not be reached.
    #[error("cannot reach {host}:{port}: {reason}")]
    Unreachable {
        /// Host.
        host: String,
        /// Port.
        port: u16,
        /// What the network layer said.
        reason: String,
    },
    /// The connection was established, then lost in the middle of the read (the server
    /// stopped, crashed or a network link dropped).
    #[error("connection to {host}:{port} lost while {during}: {reason}")]
    ConnectionLost {
        /// Host.
        host: String,
        /// Port.
        port: u16,
        /// What was being done (`reading pg_roles`).
        during: String,
        /// What the network layer said.
        reason: String,
    },
    /// The server refused the login.
    #[error("authentication failed for user {user:?} on {host}:{port}")]
    AuthFailed {
        /// Login.
        user: String,
        /// Host.
        host: String,
        /// Port.
        port: u16,
    },
    /// The read took longer than its budget.
    #[error("timed out after {after:?} while {during}")]
    Timeout {
        /// The budget.
        after: Duration,
        /// What was being done.
        during: String,
    },
    /// The sync user may not read what is needed.
    #[error("missing privilege to read {what}; grant it with: {grant}")]
    MissingPrivilege {
        /// What could not be read.
        what: String,
        /// The statement that fixes it.
        grant: String,
    },
    /// The read was cancelled.
    #[error("cancelled")]
    Cancelled,
    /// The server (version or family) is not supported.
    #[error("unsupported server: {0}")]
    Unsupported(String),
    /// A catalog query failed.
    #[error("query {query} failed: {message}")]
    Query {
        /// Which query.
        query: String,
        /// The server's message.
        message: String,
    },
}

/// Reads the accounts of one instance.
///
/// Contract: on any failure return an error, **never an empty account list** (an empty list
/// would mark every stored account removed). Stop promptly when `cancel` fires (return
/// [`ConnectorError::Cancelled`]) and stay within `target.timeout`.
#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
#[async_trait]
pub trait AccountConnector: Send + Sync {
    /// The server family this connector reads.
    fn db_type(&self) -> DbType;

    /// Reads every account of the instance.
    async fn read_accounts(
        &self,
        target: &ConnectTarget,
        cancel: &CancellationToken,
    ) -> Result<AccountRead, ConnectorError>;
}
