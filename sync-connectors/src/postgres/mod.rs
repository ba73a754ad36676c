//! The PostgreSQL connector (feature `postgres`).
//!
//! [`PostgresConnector`] reads every role of a server with a fixed number of catalog queries
//! (see [`catalog`]) into plain rows ([`rows`]) and normalises them with a pure function
//! ([`normalise::normalise`]). See the crate docs for the least privilege the sync user needs
//! and the representation of PUBLIC, passwords and default privileges.

pub mod acl;
pub mod catalog;
pub mod connect;
pub mod error;
pub mod normalise;
pub mod roles;
pub mod rows;

pub use connect::SessionSettings;
pub use normalise::{PUBLIC_NAME, normalise, public_key};
pub use rows::CatalogRows;

use async_trait::async_trait;
use sqlx::postgres::PgSslMode;
use sync_core::domain::DbType;
use sync_core::traits::{AccountConnector, AccountRead, ConnectTarget, ConnectorError};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Reads the roles of a PostgreSQL server. Holds no secret (the password comes with each
/// [`ConnectTarget`]) and no connection: every read opens its connections and closes them.
#[derive(Debug, Clone, Default)]
pub struct PostgresConnector {
    settings: SessionSettings,
}

impl PostgresConnector {
    /// A connector with the default settings (TLS `prefer`, `application_name=account-sync`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the TLS mode.
    pub fn with_ssl_mode(mut self, mode: PgSslMode) -> Self {
        self.settings.ssl_mode = mode;
        self
    }

    /// Sets the `application_name` of the sessions.
    pub fn with_application_name(mut self, name: impl Into<String>) -> Self {
        self.settings.application_name = name.into();
        self
    }

    /// Fetches the raw catalog rows of `target` (no normalisation, no filter), within
    /// `target.timeout`, honouring `cancel`. Useful to record rows for tests.
    pub async fn fetch_catalog(
        &self,
        target: &ConnectTarget,
        cancel: &CancellationToken,
    ) -> Result<CatalogRows, ConnectorError> {
        if cancel.is_cancelled() {
            return Err(ConnectorError::Cancelled);
        }
        let deadline = Instant::now() + target.timeout;
        tokio::select! {
            biased;
            _ = cancel.cancelled() => Err(ConnectorError::Cancelled),
            rows = catalog::fetch_catalog(target, &self.settings, deadline) => rows,
        }
    }
}

#[async_trait]
impl AccountConnector for PostgresConnector {
    fn db_type(&self) -> DbType {
        DbType::Postgresql
    }

    async fn read_accounts(
        &self,
        target: &ConnectTarget,
        cancel: &CancellationToken,
    ) -> Result<AccountRead, ConnectorError> {
        let rows = self.fetch_catalog(target, cancel).await?;
        let accounts = normalise(&rows, &target.filter);
        Ok(AccountRead {
            server_version: rows.server.version,
            accounts,
            warnings: rows.warnings,
        })
    }
}
