//! MySQL/MariaDB-specific attribute names (the common ones are in
//! [`sync_core::account::attr`]).
//!
//! Presence rule: the common attributes and [`PASSWORD_LAST_CHANGED`] are on every login
//! account; the server-specific limits and requirements below are present only when they
//! differ from the server default (absent = unlimited / not required / server default), the
//! same way a key missing from MariaDB's `Priv` JSON means its default. Setting one shows in
//! a diff as the attribute appearing (before `None`); nothing changes without DDL.

/// Int, when set: `MAX_QUERIES_PER_HOUR` (absent: unlimited).
pub const MAX_QUESTIONS: &str = "mysql.max_questions";
/// Int, when set: `MAX_UPDATES_PER_HOUR` (absent: unlimited).
pub const MAX_UPDATES: &str = "mysql.max_updates";
/// Int, when set: `MAX_CONNECTIONS_PER_HOUR` (absent: unlimited).
pub const MAX_CONNECTIONS: &str = "mysql.max_connections";
/// Text, when set: MariaDB `MAX_STATEMENT_TIME` in seconds, six decimals (absent: none).
pub const MAX_STATEMENT_TIME: &str = "mysql.max_statement_time";
/// Text, when set: `REQUIRE` type `ANY` (SSL), `X509` or `SPECIFIED` (absent: none).
pub const SSL_TYPE: &str = "mysql.ssl_type";
/// Text, when set: `REQUIRE CIPHER`.
pub const SSL_CIPHER: &str = "mysql.ssl_cipher";
/// Text, when set: `REQUIRE ISSUER`.
pub const X509_ISSUER: &str = "mysql.x509_issuer";
/// Text, when set: `REQUIRE SUBJECT`.
pub const X509_SUBJECT: &str = "mysql.x509_subject";
/// Time / Null: when the password was last set, as stored (Null: never recorded, or
/// MariaDB's "expired" marker 0). Expiry is never computed from the clock at read time.
pub const PASSWORD_LAST_CHANGED: &str = "mysql.password_last_changed";
/// Int, when set: MySQL `PASSWORD HISTORY` (absent: NULL, the server default).
pub const PASSWORD_HISTORY: &str = "mysql.password_history";
/// Int, when set: MySQL `PASSWORD REUSE INTERVAL` in days (absent: the server default).
pub const PASSWORD_REUSE_TIME: &str = "mysql.password_reuse_time";
/// Bool, when set: MySQL `PASSWORD REQUIRE CURRENT` (absent: the server default).
pub const PASSWORD_REQUIRE_CURRENT: &str = "mysql.password_require_current";
/// Int, when set: MySQL `FAILED_LOGIN_ATTEMPTS` (absent: off).
pub const FAILED_LOGIN_ATTEMPTS: &str = "mysql.failed_login_attempts";
/// Int, when set: MySQL `PASSWORD_LOCK_TIME` in days (-1: until unlocked; absent: off).
pub const PASSWORD_LOCK_TIME: &str = "mysql.password_lock_time";
/// Text, when set: MySQL `ATTRIBUTE`/`COMMENT` metadata JSON, compact with sorted keys.
pub const METADATA: &str = "mysql.metadata";
/// Bool (only present when true): the role is named in MySQL's `mandatory_roles`, so every
/// account implicitly holds it. Recorded on the role, not on every account, so changing
/// the variable modifies only the roles that enter or leave it.
pub const MANDATORY_ROLE: &str = "mysql.mandatory_role";
/// List (only present when not empty): default roles set for the account that it is not
/// (or no longer) granted (MariaDB keeps `default_role` after `REVOKE`; MySQL 8 may name
/// a mandatory role). Entries are shown as `'role'@'host'` for display only.
pub const UNGRANTED_DEFAULT_ROLES: &str = "mysql.ungranted_default_roles";
