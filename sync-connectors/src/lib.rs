//! Connectors that read MySQL/MariaDB and PostgreSQL accounts into the core's normalised
//! snapshot ([`sync_core::account::AccountSet`]), each implementing
//! [`sync_core::traits::AccountConnector`].
//!
//! # MySQL / MariaDB (feature `mysql`)
//!
//! [`mysql::MysqlConnector`] reads MariaDB 10.4+ and MySQL 5.7/8 servers from the grant
//! tables in bulk: a fixed number of queries whatever the number of accounts.
//!
//! Least privilege for the sync account: `GRANT SELECT ON mysql.* TO 'sync'@'%'`, or
//! strictly SELECT on the tables read — MariaDB: `mysql.global_priv`, `mysql.roles_mapping`,
//! `mysql.db`, `mysql.tables_priv`, `mysql.columns_priv`, `mysql.procs_priv`,
//! `mysql.proxies_priv`; MySQL 8: `mysql.user`, `mysql.global_grants`, `mysql.role_edges`,
//! `mysql.default_roles` and the same five privilege tables. Nothing else is needed (no
//! `PROCESS`, no `SUPER`, no `SHOW GRANTS` rights). See [`mysql`] for the details.

#![warn(missing_docs)]

#[cfg(feature = "mysql")]
pub mod mysql;
