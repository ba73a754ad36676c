//! The MySQL / MariaDB connector: reads every account of a server from the grant tables,
//! in bulk, into the core's normalised snapshot.
//!
//! # How it reads
//!
//! One connection, a fixed list of constant statements whatever the number of accounts
//! (MariaDB 10.4+: 8, MySQL 8: 11), no per-account query and no `SHOW GRANTS` parsing:
//!
//! | | MariaDB 10.4+ | MySQL 8 |
//! |---|---|---|
//! | accounts, global privileges | `mysql.global_priv` (`Priv` JSON) | `mysql.user` + `mysql.global_grants` |
//! | role grants, default roles | `mysql.roles_mapping`, `Priv.default_role` | `mysql.role_edges`, `mysql.default_roles`, `@@mandatory_roles` |
//! | database, table, column, routine, proxy | `mysql.db`, `tables_priv`, `columns_priv`, `procs_priv`, `proxies_priv` | same |
//!
//! Fetching ([`catalog`], into the plain rows of [`rows`]) is separate from normalising
//! ([`normalise()`], a pure function), so the MySQL 8 rules are tested over recorded rows.
//! See [`mod@normalise`] for the rules (kinds, grant option, patterns, memberships).
//!
//! MariaDB global privileges are decoded from the `access` bitmask exactly as the server
//! loads them ([`privileges::mariadb_effective_access`]): the `mysql.user` view has no
//! column for privileges added since 10.5 (`SLAVE MONITOR`, `BINLOG ADMIN`...).
//!
//! # Settings kept once, not per account
//!
//! MySQL's `mandatory_roles` variable gives every account a role. It is recorded on the
//! role accounts ([`attrs::MANDATORY_ROLE`]) and named in [`AccountRead::warnings`], never
//! as a membership of every account: changing the variable then modifies only the roles
//! that enter or leave it, not N accounts.
//!
//! # Secrets, errors, time
//!
//! Passwords and hashes are never stored or printed: the snapshot holds a keyed
//! fingerprint of the raw credential bytes (binary `caching_sha2_password` hashes
//! included). The connection options are built field by field from the
//! [`ConnectTarget`], never as a URL. Errors are typed ([`ConnectorError`]) and never
//! contain the password. Every step (connect, each query) gets what is left of
//! `target.timeout`; the [`CancellationToken`] is honoured at any point; the connection is
//! closed after each read.
//!
//! # Least privilege
//!
//! `GRANT SELECT ON mysql.* TO 'sync'@'%'` is enough on both families. The strict minimum
//! is SELECT on the tables read: on MariaDB `mysql.global_priv`, `mysql.roles_mapping`,
//! `mysql.db`, `mysql.tables_priv`, `mysql.columns_priv`, `mysql.procs_priv`,
//! `mysql.proxies_priv` ([`MARIADB_TABLES`]); on MySQL 8 `mysql.user`, `mysql.global_grants`,
//! `mysql.role_edges`, `mysql.default_roles` and the same five ([`MYSQL_TABLES`]). A missing
//! grant fails the read with [`ConnectorError::MissingPrivilege`] naming the statement.

pub mod attrs;
pub mod catalog;
mod connect;
mod draft;
pub mod error;
pub mod global_priv;
pub mod mandatory;
mod mariadb_account;
mod mysql_account;
pub mod normalise;
pub mod privileges;
pub mod rows;
pub mod server;

pub use catalog::{MARIADB_TABLES, MYSQL_TABLES};
pub use connect::{MysqlConnectorConfig, TlsMode};
pub use normalise::{Normalised, auth_fingerprint, normalise};
pub use rows::CatalogRows;
pub use server::{ServerFlavor, ServerInfo, Version};

use async_trait::async_trait;
use catalog::CatalogReader;
use sqlx::Connection;
use std::time::Duration;
use sync_core::domain::DbType;
use sync_core::traits::{AccountConnector, AccountRead, ConnectTarget, ConnectorError};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Reads MySQL and MariaDB accounts. Cheap to clone; holds no secret and no connection.
#[derive(Debug, Clone, Default)]
pub struct MysqlConnector {
    config: MysqlConnectorConfig,
}

impl MysqlConnector {
    /// A connector with default settings (TLS preferred).
    pub fn new() -> Self {
        Self::default()
    }

    /// A connector with the given settings.
    pub fn with_config(config: MysqlConnectorConfig) -> Self {
        MysqlConnector { config }
    }

    /// The settings.
    pub fn config(&self) -> &MysqlConnectorConfig {
        &self.config
    }

    /// Connects and reads the raw catalog rows (no normalisation, no filter).
    pub async fn read_rows(
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
            rows = self.fetch(target, deadline) => rows,
        }
    }

    async fn fetch(&self, target: &ConnectTarget, deadline: Instant) -> Result<CatalogRows, ConnectorError> {
        let mut conn = connect::connect(target, &self.config, deadline).await?;
        let result = async {
            let mut reader = CatalogReader::new(&mut conn, target, deadline);
            let server = reader.server().await?;
            reader.read(server).await
        }
        .await;
        // Close politely (COM_QUIT); a connection that does not answer is dropped anyway.
        let close_budget = error::remaining(deadline).max(Duration::from_millis(200));
        if tokio::time::timeout(close_budget, conn.close()).await.is_err() {
            tracing::debug!(instance = %target.instance_name, "closing the connection timed out; dropped");
        }
        result
    }
}

#[async_trait]
impl AccountConnector for MysqlConnector {
    fn db_type(&self) -> DbType {
        DbType::Mysql
    }

    async fn read_accounts(
        &self,
        target: &ConnectTarget,
        cancel: &CancellationToken,
    ) -> Result<AccountRead, ConnectorError> {
        let rows = self.read_rows(target, cancel).await?;
        let Normalised {
            mut accounts,
            warnings,
        } = normalise(&rows);
        target.filter.apply(&mut accounts);
        tracing::debug!(
            instance = %target.instance_name,
            server = %rows.server.version_string,
            accounts = accounts.len(),
            "read MySQL/MariaDB accounts"
        );
        Ok(AccountRead {
            server_version: rows.server.version_string.clone(),
            accounts,
            warnings,
        })
    }
}
