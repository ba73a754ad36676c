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
//!
//! # PostgreSQL (feature `postgres`)
//!
//! [`postgres::PostgresConnector`] implements
//! [`AccountConnector`](sync_core::traits::AccountConnector) on sqlx 0.9.
//!
//! ## What one read does
//!
//! A fixed number of queries whatever the number of roles. On the connection database, in
//! one `REPEATABLE READ READ ONLY` transaction: server version and the column lists of
//! `pg_roles` / `pg_auth_members` (from `pg_attribute`), every role from `pg_roles` with the
//! allow-listed `rol*` columns this server has, `pg_authid` passwords (only when readable; kept
//! as fingerprints only), `pg_auth_members`, the CONNECT / CREATE / TEMPORARY ACL of every
//! database (`aclexplode(COALESCE(datacl, acldefault('d', datdba)))`). For every inspected
//! database (`ConnectTarget::inspect_databases`, default: the connection database): schema
//! privileges and `pg_default_acl`, one connection each. Connections are closed after the
//! read; each session has `statement_timeout` = the target's timeout and is read-only.
//! Rows are fetched into plain structs ([`postgres::rows`]) and normalised by a pure
//! function ([`postgres::normalise()`]), which is tested over recorded PostgreSQL 16+ rows.
//!
//! ## Least privilege for the sync user
//!
//! A plain `LOGIN` role without any grant is enough for everything but password facts:
//! `pg_roles`, `pg_auth_members`, `pg_database`, `pg_namespace`, `pg_default_acl`,
//! `pg_attribute` and the functions `aclexplode` / `acldefault` are readable by PUBLIC.
//!
//! ```sql
//! CREATE ROLE account_sync LOGIN PASSWORD '...';   -- plus a pg_hba.conf entry
//! -- only for inspected databases whose CONNECT was revoked from PUBLIC:
//! GRANT CONNECT ON DATABASE app TO account_sync;
//! ```
//!
//! - A database the sync user cannot connect to (or that does not exist) is reported in
//!   `AccountRead::warnings`; the read still succeeds (without that database's schema and
//!   default privileges).
//! - Password fingerprints need `pg_authid`, which only superusers can read (never on managed
//!   services such as RDS or Cloud SQL). Without it `credential_fingerprint` is `Null`
//!   ("unknown") for every role, and the read still succeeds. Do not make the sync user a
//!   superuser just for this.
//!
//! Verified live by `tests/postgres_live.rs`
//! (`a_plain_login_role_reads_everything_but_passwords`): a fresh `LOGIN` role reads the same
//! snapshot as `postgres`, except that `credential_fingerprint` is `Null`.
//!
//! ## Representation
//!
//! - Key: the exact role name. `postgres` is an account; predefined `pg_*` roles are
//!   excluded by [`AccountFilter::default_for`](sync_core::account::AccountFilter::default_for)
//!   (applied from `target.filter`), but memberships in them stay facts of their members.
//! - **PUBLIC** is the pseudo-account `AccountKey::postgres("")`
//!   ([`postgres::public_key()`]) of kind `Public`, always present. No role can be named `""`
//!   (PostgreSQL rejects zero-length identifiers), so a real role named `PUBLIC` stays a
//!   different account.
//! - Kind: `LOGIN` -> `user`, `NOLOGIN` -> `role`, a `LOGIN` role granted to another role ->
//!   `both`.
//! - Attributes: `can_login`, `superuser`, `connection_limit`, `valid_until` (`Null`,
//!   `Text("infinity")`, `Text("-infinity")` or a UTC `Time`), `credential_fingerprint`
//!   (`Text(<16 hex>)`: a password is set; `Text("none")`: no password; `Null`: unknown),
//!   and `pg.inherit`, `pg.createrole`, `pg.createdb`, `pg.replication`, `pg.bypassrls`,
//!   `pg.config` (`rolconfig` as a list, `Null` when unset). A column the server does not
//!   have (older versions, forks) gives no attribute. Never a password or a hash.
//! - Memberships: one per `pg_auth_members` row, with admin option; on PostgreSQL 16+ also
//!   the grant's inherit and set options and the grantor (so one pair with several grantors
//!   gives several memberships); before 16, `inherit` is the member's `rolinherit` and `set`
//!   and `grantor` are `None`.
//! - Privileges (one fact per scope, object and privilege; grantable if any grant is):
//!   `database` `[db]`; `schema` `[db, schema]` (temporary and toast schemas left out);
//!   `default` `[db, owner, schema or "", TABLES|SEQUENCES|FUNCTIONS|TYPES|SCHEMAS|LARGE
//!   OBJECTS]`. A NULL ACL is expanded with `acldefault`. A global default slot replaces the
//!   built-in default, so it contributes only its differences from it: extra grants as
//!   facts, and each built-in entry it removes as a fact `REVOKED <privilege>` (e.g. PUBLIC
//!   `REVOKED EXECUTE` after `ALTER DEFAULT PRIVILEGES ... REVOKE EXECUTE ON FUNCTIONS FROM
//!   PUBLIC`); the owner's implicit rights are never facts.
//!
//! ## Errors
//!
//! [`ConnectorError`](sync_core::traits::ConnectorError): `Unreachable` (network, TLS,
//! SQLSTATE class 08, 53300, 57P0x), `AuthFailed` (28P01, 28000), `Timeout` (the target's
//! budget, or 57014 from `statement_timeout`), `MissingPrivilege` (42501), `Cancelled`,
//! `Unsupported`, `Query`. No message contains the password (it is also scrubbed from server
//! and driver text), and nothing here holds a `PgConnectOptions` (whose `Debug` would show it).
#![warn(missing_docs)]

#[cfg(feature = "mysql")]
pub mod mysql;
#[cfg(feature = "postgres")]
pub mod postgres;
