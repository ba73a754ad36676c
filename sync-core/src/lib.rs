//! # sync-core
//!
//! The domain of account-sync: sync sessions and instance records with their state machines,
//! the account model (identity, normalised snapshot, diff, filters), the history rules
//! (filtering, grouping, statistics, pagination, details) as pure functions, and the traits
//! that connectors and stores implement. No database driver lives here.
//!
//! - [`domain`]: enums, [`SyncSession`](domain::SyncSession), [`InstanceRecord`](domain::InstanceRecord),
//!   [`Instance`](domain::Instance), the state machines.
//! - [`account`]: [`AccountKey`](account::AccountKey), [`AccountSnapshot`](account::AccountSnapshot),
//!   [`diff_accounts`](account::diff_accounts), [`AccountFilter`](account::AccountFilter).
//! - [`history`]: the history view rules.
//! - [`traits`]: [`AccountConnector`](traits::AccountConnector), the store traits,
//!   [`CredentialProvider`](traits::CredentialProvider).
#![warn(missing_docs)]

pub mod account;
pub mod domain;
pub mod error;
pub mod history;
#[cfg(feature = "memory")]
pub mod memory;
pub mod service;
#[cfg(feature = "proptest")]
pub mod strategies;
pub mod traits;

pub use error::{ParseEnumError, QueryError, TransitionError};

/// Re-exported: the time types of every public timestamp.
pub use chrono;
/// Re-exported: the time zones taken by "today" in history requests.
pub use chrono_tz;
