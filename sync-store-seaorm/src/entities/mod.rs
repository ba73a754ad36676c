//! SeaORM entities of the store's tables.
//!
//! Timestamps are UTC with microsecond precision (`timestamptz` on PostgreSQL, `DATETIME(6)`
//! on MySQL/MariaDB, RFC 3339 text on SQLite). Enumerations are stored as their lower-case
//! strings, JSON documents in native JSON columns.

pub mod account;
pub mod account_change;
pub mod history_group;
pub mod history_group_count;
pub mod instance;
pub mod instance_record;
pub mod sync_session;
