//! # account-sync
//!
//! One place that knows every account (user or role) on every MySQL/MariaDB and PostgreSQL
//! server of a platform: it reads them through connectors, diffs them against a stored
//! inventory with a change log, records every run as a sync session with one record per
//! server, and serves an aggregated, filterable, paginated history of those runs.
//!
//! This facade re-exports the workspace crates:
//!
//! | module | crate | feature |
//! |---|---|---|
//! | [`domain`], [`account`], [`history`], [`traits`], [`error`] | `sync-core` | always |
//! | `store` | `sync-store-seaorm` | `store` (default) |
//! | `connectors` | `sync-connectors` | `mysql` / `postgres` (default) |
#![warn(missing_docs)]

pub use sync_core::{account, chrono, chrono_tz, domain, error, history, traits};

/// The durable SeaORM store (SQLite, PostgreSQL, MySQL/MariaDB).
#[cfg(feature = "store")]
pub use sync_store_seaorm as store;

/// Connectors that read real MySQL/MariaDB and PostgreSQL servers.
#[cfg(any(feature = "mysql", feature = "postgres"))]
pub use sync_connectors as connectors;

/// The README's examples, compiled and run as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
