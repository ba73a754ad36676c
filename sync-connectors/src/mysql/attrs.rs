//! MySQL/MariaDB-specific attribute names (the common ones are in
//! [`sync_core::account::attr`]).

/// Int: `max_questions` per hour (0: unlimited).
pub const MAX_QUESTIONS: &str = "mysql.max_questions";
/// Int: `max_updates` per hour (0: unlimited).
pub const MAX_UPDATES: &str = "mysql.max_updates";
/// Int: `max_connections` per hour (0: unlimited).
pub const MAX_CONNECTIONS: &str = "mysql.max_connections";
/// Text: MariaDB `max_statement_time` in seconds, six decimals (`0.000000`: none).
pub const MAX_STATEMENT_TIME: &str = "mysql.max_statement_time";
/// Text: `REQUIRE` type: `""`, `ANY` (SSL), `X509`, `SPECIFIED`.
pub const SSL_TYPE: &str = "mysql.ssl_type";
/// Text: required cipher (`""`: any).
pub const SSL_CIPHER: &str = "mysql.ssl_cipher";
/// Text: required certificate issuer.
pub const X509_ISSUER: &str = "mysql.x509_issuer";
/// Text: required certificate subject.
pub const X509_SUBJECT: &str = "mysql.x509_subject";
/// Time / Null: when the password was last set, as stored (Null: never recorded, or
/// MariaDB's "expired" marker 0). Expiry is never computed from the clock at read time.
pub const PASSWORD_LAST_CHANGED: &str = "mysql.password_last_changed";
/// Null / Int: MySQL `Password_reuse_history` (Null: server default).
pub const PASSWORD_HISTORY: &str = "mysql.password_history";
/// Null / Int: MySQL `Password_reuse_time` in days (Null: server default).
pub const PASSWORD_REUSE_TIME: &str = "mysql.password_reuse_time";
/// Null / Bool: MySQL `Password_require_current` (Null: server default).
pub const PASSWORD_REQUIRE_CURRENT: &str = "mysql.password_require_current";
/// Int: MySQL `FAILED_LOGIN_ATTEMPTS` (0: off).
pub const FAILED_LOGIN_ATTEMPTS: &str = "mysql.failed_login_attempts";
/// Int: MySQL `PASSWORD_LOCK_TIME` in days (-1: until unlocked; 0: off).
pub const PASSWORD_LOCK_TIME: &str = "mysql.password_lock_time";
/// Text: MySQL `ATTRIBUTE`/`COMMENT` metadata JSON, compact with sorted keys.
pub const METADATA: &str = "mysql.metadata";
/// Bool (only present when true): the role is named in MySQL's `mandatory_roles`, so every
/// account implicitly holds it. Recorded on the role, not on every account, so changing
/// the variable modifies only the roles that enter or leave it.
pub const MANDATORY_ROLE: &str = "mysql.mandatory_role";
/// List (only present when not empty): default roles set for the account that it is not
/// (or no longer) granted (MariaDB keeps `default_role` after `REVOKE`; MySQL 8 may name
/// a mandatory role). Entries are shown as `'role'@'host'` for display only.
pub const UNGRANTED_DEFAULT_ROLES: &str = "mysql.ungranted_default_roles";
