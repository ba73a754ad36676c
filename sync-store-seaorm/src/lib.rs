//! # sync-store-seaorm
//!
//! The durable store of account-sync on SeaORM 2: SQLite (the embedded default), PostgreSQL
//! and MySQL/MariaDB. [`SeaStore`] implements every store trait of
//! [`sync_core::traits`] with the semantics documented there:
//!
//! - finishing a record updates its session's counters with SQL increments and closes the
//!   session with a conditional `UPDATE`, in one transaction;
//! - "one running record per instance" is a unique index, so `start_record` is race-free;
//! - the account diff of one instance and its change log are written in one transaction;
//! - the history is paged in SQL: a summary of the groups (maintained in the transactions
//!   that create sessions) answers the unfiltered and sync-type views in O(page); status and
//!   time-range filters group the matching sessions in SQL. Group statistics are computed by
//!   the pure rules of [`sync_core::history`] over the page's member sessions only;
//! - retention deletes old history in batches, records before sessions.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use sync_store_seaorm::{OpenOptions, SeaStore};
//! let store = SeaStore::open("sqlite://account-sync.db?mode=rwc", OpenOptions::default()).await?;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

mod convert;
pub mod entities;
mod error;
mod history;
mod import;
mod instances;
mod inventory;
pub mod migration;
mod open;
mod retention;
mod sessions;
mod sql;
mod summary;

pub use error::OpenError;
pub use import::ImportStats;
pub use open::OpenOptions;
pub use retention::RetentionReport;
pub use sql::Backend;

use error::Redactor;
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use sync_core::traits::StoreError;

/// The SeaORM store. Cheap to clone (the pool is shared).
#[derive(Clone)]
pub struct SeaStore {
    db: DatabaseConnection,
    backend: Backend,
    location: String,
    redactor: Redactor,
    fault: Arc<FaultHook>,
}

impl fmt::Debug for SeaStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SeaStore")
            .field("backend", &self.backend.name())
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

/// A test hook: makes the next account-diff write fail after its inventory rows were
/// written (and before the change log), to prove the write is all-or-nothing.
#[derive(Debug, Default)]
struct FaultHook {
    fail_next_diff: AtomicUsize,
}

impl SeaStore {
    /// The error for a backend failure, with any password removed.
    pub(crate) fn err(&self, e: DbErr) -> StoreError {
        error::db_err(self.backend, &self.redactor, &e)
    }

    /// A write transaction: on SQLite `BEGIN IMMEDIATE` (the write lock is taken at once, so
    /// a read-then-write cannot be overtaken by another writer; others wait up to the busy
    /// timeout); on PostgreSQL (READ COMMITTED) and MySQL (READ COMMITTED) a transaction whose
    /// reads lock the rows they change.
    pub(crate) async fn begin_write(&self) -> Result<DatabaseTransaction, StoreError> {
        let opts = match self.backend {
            Backend::Sqlite => TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            },
            // InnoDB's REPEATABLE READ takes gap locks on the unique indexes the writes
            // touch; READ COMMITTED avoids those deadlocks (every write here re-reads the rows
            // it locks, so nothing relies on a snapshot).
            Backend::MySql => TransactionOptions {
                isolation_level: Some(sea_orm::IsolationLevel::ReadCommitted),
                ..Default::default()
            },
            Backend::Postgres => TransactionOptions::default(),
        };
        self.db.begin_with_options(opts).await.map_err(|e| self.err(e))
    }

    /// Runs a one-transaction operation again (up to 5 times, with a short back-off) when it
    /// failed on a deadlock or serialization failure: the transaction was rolled back, so
    /// running it again is safe.
    pub(crate) async fn retrying<T, F, Fut>(&self, mut op: F) -> Result<T, StoreError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, StoreError>>,
    {
        let mut attempt = 0u32;
        loop {
            match op().await {
                Err(e) if attempt < 5 && error::is_transient(&e) => {
                    attempt += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(2u64 << attempt)).await;
                }
                other => return other,
            }
        }
    }

    /// Test hook: the next `apply_account_diff` fails after writing the inventory rows and
    /// before writing the change log (its transaction rolls back). Not for production use.
    #[doc(hidden)]
    pub fn inject_diff_failure(&self) {
        self.fault.fail_next_diff.store(1, Ordering::SeqCst);
    }

    pub(crate) fn take_diff_fault(&self) -> bool {
        self.fault
            .fail_next_diff
            .compare_exchange(1, 0, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    }
}
