//! Plain rows of the grant tables, as fetched (no interpretation yet).
//!
//! [`super::catalog`] fills them with a fixed number of bulk queries; [`super::normalise()`]
//! turns them into an [`sync_core::account::AccountSet`] without I/O, so tests can build
//! rows of servers this machine does not run (MySQL 8).
//!
//! Credential material (password hashes, plugin data) only ever lives in
//! [`secrecy`] wrappers: `Debug` shows `[REDACTED]` and the memory is zeroed on drop.

use super::server::ServerInfo;
use chrono::{DateTime, Utc};
use secrecy::{SecretSlice, SecretString};

/// Everything read from one server.
#[derive(Debug)]
pub struct CatalogRows {
    /// The server the rows come from.
    pub server: ServerInfo,
    /// The accounts, in the server family's own layout.
    pub accounts: AccountRows,
    /// `mysql.db`.
    pub db_privileges: Vec<DbPrivRow>,
    /// `mysql.tables_priv`.
    pub table_privileges: Vec<TablePrivRow>,
    /// `mysql.columns_priv`.
    pub column_privileges: Vec<ColumnPrivRow>,
    /// `mysql.procs_priv`.
    pub routine_privileges: Vec<RoutinePrivRow>,
    /// `mysql.proxies_priv`.
    pub proxy_privileges: Vec<ProxyPrivRow>,
    /// Role grants: MariaDB `mysql.roles_mapping`, MySQL 8 `mysql.role_edges`.
    pub role_edges: Vec<RoleEdgeRow>,
    /// MySQL 8 `mysql.default_roles` (MariaDB keeps the default role in `global_priv`).
    pub default_roles: Vec<DefaultRoleRow>,
    /// MySQL 8 `mysql.global_grants` (dynamic privileges).
    pub global_grants: Vec<GlobalGrantRow>,
    /// MySQL 8 `@@global.mandatory_roles`, verbatim (`None` when the server has none).
    pub mandatory_roles: Option<String>,
}

impl CatalogRows {
    /// Empty rows for `server` (tests fill the parts they need).
    pub fn empty(server: ServerInfo) -> Self {
        let accounts = match server.flavor {
            super::server::ServerFlavor::MariaDb => AccountRows::MariaDb(Vec::new()),
            super::server::ServerFlavor::MySql => AccountRows::MySql(Vec::new()),
        };
        CatalogRows {
            server,
            accounts,
            db_privileges: Vec::new(),
            table_privileges: Vec::new(),
            column_privileges: Vec::new(),
            routine_privileges: Vec::new(),
            proxy_privileges: Vec::new(),
            role_edges: Vec::new(),
            default_roles: Vec::new(),
            global_grants: Vec::new(),
            mandatory_roles: None,
        }
    }
}

/// The account rows of one server family.
#[derive(Debug)]
pub enum AccountRows {
    /// MariaDB 10.4+ `mysql.global_priv`.
    MariaDb(Vec<GlobalPrivRow>),
    /// MySQL `mysql.user`.
    MySql(Vec<MysqlUserRow>),
}

impl AccountRows {
    /// Number of account rows.
    pub fn len(&self) -> usize {
        match self {
            AccountRows::MariaDb(v) => v.len(),
            AccountRows::MySql(v) => v.len(),
        }
    }

    /// No account row.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One row of MariaDB's `mysql.global_priv`: `User`, `Host` and the `Priv` JSON document
/// (which holds the password hash, hence the secret wrapper).
#[derive(Debug)]
pub struct GlobalPrivRow {
    /// `User`, exact.
    pub user: String,
    /// `Host`, as stored.
    pub host: String,
    /// `Priv`, the JSON text verbatim.
    pub priv_json: SecretString,
}

impl GlobalPrivRow {
    /// A row from its parts.
    pub fn new(user: impl Into<String>, host: impl Into<String>, priv_json: impl Into<String>) -> Self {
        GlobalPrivRow {
            user: user.into(),
            host: host.into(),
            priv_json: SecretString::from(priv_json.into()),
        }
    }
}

/// One row of MySQL's `mysql.user` (columns that a version lacks are `None` / default).
#[derive(Debug)]
pub struct MysqlUserRow {
    /// `User`, exact.
    pub user: String,
    /// `Host`, as stored.
    pub host: String,
    /// Names of the `*_priv` columns that are `'Y'` (e.g. `Select_priv`, `Grant_priv`).
    pub privilege_columns: Vec<String>,
    /// `plugin`.
    pub plugin: String,
    /// `authentication_string`, raw bytes (binary for `caching_sha2_password`).
    pub authentication_string: SecretSlice<u8>,
    /// `account_locked = 'Y'`.
    pub account_locked: bool,
    /// `password_expired = 'Y'`.
    pub password_expired: bool,
    /// `password_last_changed` (UTC).
    pub password_last_changed: Option<DateTime<Utc>>,
    /// `password_lifetime` (`None`: NULL, follow the server default).
    pub password_lifetime: Option<i64>,
    /// `Password_reuse_history` (`None`: NULL).
    pub password_reuse_history: Option<i64>,
    /// `Password_reuse_time` (`None`: NULL).
    pub password_reuse_time: Option<i64>,
    /// `Password_require_current` (`None`: NULL).
    pub password_require_current: Option<bool>,
    /// `max_questions`.
    pub max_questions: i64,
    /// `max_updates`.
    pub max_updates: i64,
    /// `max_connections`.
    pub max_connections: i64,
    /// `max_user_connections`.
    pub max_user_connections: i64,
    /// `ssl_type` (`''`, `ANY`, `X509`, `SPECIFIED`).
    pub ssl_type: String,
    /// `ssl_cipher`.
    pub ssl_cipher: String,
    /// `x509_issuer`.
    pub x509_issuer: String,
    /// `x509_subject`.
    pub x509_subject: String,
    /// `User_attributes` JSON (8.0.21+; may hold multi-factor credential data).
    pub user_attributes: Option<SecretString>,
}

impl MysqlUserRow {
    /// A row with MySQL's defaults for everything but the identity.
    pub fn new(user: impl Into<String>, host: impl Into<String>) -> Self {
        MysqlUserRow {
            user: user.into(),
            host: host.into(),
            privilege_columns: Vec::new(),
            plugin: "caching_sha2_password".into(),
            authentication_string: SecretSlice::from(Vec::new()),
            account_locked: false,
            password_expired: false,
            password_last_changed: None,
            password_lifetime: None,
            password_reuse_history: None,
            password_reuse_time: None,
            password_require_current: None,
            max_questions: 0,
            max_updates: 0,
            max_connections: 0,
            max_user_connections: 0,
            ssl_type: String::new(),
            ssl_cipher: String::new(),
            x509_issuer: String::new(),
            x509_subject: String::new(),
            user_attributes: None,
        }
    }
}

/// One row of `mysql.db`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbPrivRow {
    /// `Host`.
    pub host: String,
    /// `User`.
    pub user: String,
    /// `Db`, exactly as stored (may be a pattern with `%`/`_`, escapes kept).
    pub db: String,
    /// Names of the `*_priv` columns that are `'Y'`.
    pub privilege_columns: Vec<String>,
}

/// One row of `mysql.tables_priv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TablePrivRow {
    /// `Host`.
    pub host: String,
    /// `User`.
    pub user: String,
    /// `Db`.
    pub db: String,
    /// `Table_name`.
    pub table: String,
    /// `Table_priv`, the SET value as text (`Select,Insert,Grant`).
    pub table_priv: String,
}

/// One row of `mysql.columns_priv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnPrivRow {
    /// `Host`.
    pub host: String,
    /// `User`.
    pub user: String,
    /// `Db`.
    pub db: String,
    /// `Table_name`.
    pub table: String,
    /// `Column_name`.
    pub column: String,
    /// `Column_priv`, the SET value as text.
    pub column_priv: String,
}

/// One row of `mysql.procs_priv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutinePrivRow {
    /// `Host`.
    pub host: String,
    /// `User`.
    pub user: String,
    /// `Db`.
    pub db: String,
    /// `Routine_type`: `PROCEDURE`, `FUNCTION`, `PACKAGE`, `PACKAGE BODY`.
    pub routine_type: String,
    /// `Routine_name`, as stored.
    pub routine: String,
    /// `Proc_priv`, the SET value as text (`Execute,Alter Routine,Grant`).
    pub proc_priv: String,
}

/// One row of `mysql.proxies_priv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyPrivRow {
    /// `Host` of the grantee.
    pub host: String,
    /// `User` of the grantee.
    pub user: String,
    /// `Proxied_host`.
    pub proxied_host: String,
    /// `Proxied_user`.
    pub proxied_user: String,
    /// `With_grant`.
    pub with_grant: bool,
}

/// One role grant: `role` is granted to `member`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleEdgeRow {
    /// The role's user part (MariaDB `Role`, MySQL `FROM_USER`).
    pub role_user: String,
    /// The role's host part (MariaDB: always `''`; MySQL `FROM_HOST`).
    pub role_host: String,
    /// The grantee's user (MariaDB `User`, MySQL `TO_USER`).
    pub member_user: String,
    /// The grantee's host (MariaDB `Host`, `''` for a role grantee; MySQL `TO_HOST`).
    pub member_host: String,
    /// `Admin_option` / `WITH_ADMIN_OPTION` is `'Y'`.
    pub admin: bool,
}

/// One row of MySQL 8 `mysql.default_roles`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultRoleRow {
    /// `USER`.
    pub user: String,
    /// `HOST`.
    pub host: String,
    /// `DEFAULT_ROLE_USER`.
    pub role_user: String,
    /// `DEFAULT_ROLE_HOST`.
    pub role_host: String,
}

/// One row of MySQL 8 `mysql.global_grants`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobalGrantRow {
    /// `USER`.
    pub user: String,
    /// `HOST`.
    pub host: String,
    /// `PRIV` (e.g. `BACKUP_ADMIN`).
    pub privilege: String,
    /// `WITH_GRANT_OPTION = 'Y'`.
    pub grantable: bool,
}
