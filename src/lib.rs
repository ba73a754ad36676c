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
//! | [`domain`], [`account`], [`history`], [`service`], [`traits`], [`error`] | `sync-core` | always |
//! | `memory` (in-memory store) | `sync-core` | `memory` |
//! | `strategies` (proptest strategies) | `sync-core` | `proptest` |
//! | `store` | `sync-store-seaorm` | `store` (default) |
//! | `connectors` | `sync-connectors` | `mysql` / `postgres` (default) |
#![warn(missing_docs)]

pub use sync_core::{account, chrono, chrono_tz, domain, error, history, service, traits};

/// The in-memory store: every store trait, same semantics as the durable store.
#[cfg(feature = "memory")]
pub use sync_core::memory;

/// proptest strategies for sessions, records and account sets.
#[cfg(feature = "proptest")]
pub use sync_core::strategies;

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
