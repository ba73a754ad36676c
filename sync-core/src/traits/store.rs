//! The store traits the service needs. A store implements all of them; [`Store`] names the
//! combination so the service can hold one `Arc<dyn Store>`.
//!
//! Semantics every implementation follows (the in-memory store is the executable reference):
//! - `finish_record` changes the record and its session's counters and status in one
//!   transaction, with increments done by the store (no read-modify-write by the caller), so
//!   concurrent finishes lose nothing; a terminal session keeps its status.
//! - `apply_account_diff` writes the inventory changes and their change-log rows of one
//!   instance in one transaction: all or nothing.
//! - History answers equal the pure rules of [`crate::history`].

use crate::account::{AccountDiff, ChangeLogEntry, ChangeQuery, InventoryAccount};
use crate::domain::{
    DbType, Instance, InstanceId, InstanceRecord, ItemCounts, NewInstance, SessionId, SyncCategory,
    SyncDetails, SyncSession, SyncType,
};
use crate::error::{QueryError, TransitionError};
use crate::history::{BatchDetails, HistoryPage, HistoryQuery, SessionDetails};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a store operation failed. Never contains a password.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// No such row.
    #[error("{entity} {id} not found")]
    NotFound {
        /// `instance`, `session` or `record`.
        entity: &'static str,
        /// The id asked for.
        id: String,
    },
    /// A unique constraint (e.g. the instance name) would be violated.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Another record of the same instance is running.
    #[error("instance {name} (id {instance_id}) is already being synced by session {session_id}")]
    InstanceBusy {
        /// The instance.
        instance_id: InstanceId,
        /// Its name.
        name: String,
        /// The session whose record is running.
        session_id: String,
    },
    /// An update would change an instance's server family: its inventory and change log
    /// belong to one family, so the instance must be removed and a new one added instead.
    #[error(
        "instance {name} (id {id}) is a {from} instance and cannot become {to}: its inventory belongs \
         to one server family; remove it and add a new instance"
    )]
    DbTypeChange {
        /// The instance.
        id: InstanceId,
        /// Its registered name.
        name: String,
        /// The registered server family.
        from: DbType,
        /// The family asked for.
        to: DbType,
    },
    /// The state machine refused a status change.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// Invalid query input.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// The backend failed (connection, SQL, decoding).
    #[error("{backend} store error: {message}")]
    Backend {
        /// `sqlite`, `postgres`, `mysql`, `memory`.
        backend: &'static str,
        /// What failed (no secret).
        message: String,
    },
}

/// Which instances to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceListFilter {
    /// Include inactive instances.
    pub include_inactive: bool,
    /// Include soft-deleted instances.
    pub include_deleted: bool,
}

/// Registered instances.
#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
#[async_trait]
pub trait InstanceStore: Send + Sync {
    /// Registers an instance; `Conflict` when the name is taken by a not-deleted instance.
    async fn add_instance(&self, new: NewInstance) -> Result<Instance, StoreError>;
    /// The instance with this id (deleted ones too).
    async fn get_instance(&self, id: InstanceId) -> Result<Instance, StoreError>;
    /// The not-deleted instance with this name.
    async fn find_instance(&self, name: &str) -> Result<Option<Instance>, StoreError>;
    /// Instances ordered by name.
    async fn list_instances(&self, filter: InstanceListFilter) -> Result<Vec<Instance>, StoreError>;
    /// Replaces the settings of a not-deleted instance in place with `update` (name, host,
    /// port, database, inspect databases, active flag, credential reference): its id,
    /// inventory, change log, history, `sync_count`, `last_synced_at` and `server_version`
    /// stay; `updated_at` becomes now. `NotFound` for an unknown or deleted id, `Conflict`
    /// when the name is taken by another not-deleted instance, `DbTypeChange` (nothing
    /// written) when `update.db_type` differs from the registered one.
    async fn update_instance(&self, id: InstanceId, update: NewInstance) -> Result<Instance, StoreError>;
    /// Activates or deactivates an instance.
    async fn set_instance_active(&self, id: InstanceId, active: bool) -> Result<Instance, StoreError>;
    /// Soft-deletes an instance (it is never synced again; its history stays).
    async fn delete_instance(&self, id: InstanceId, at: DateTime<Utc>) -> Result<(), StoreError>;
    /// After a successful sync: sets `last_synced_at` and `server_version`, and increments
    /// `sync_count` (in the store, atomically) when `count_single` is true.
    async fn mark_instance_synced(
        &self,
        id: InstanceId,
        at: DateTime<Utc>,
        server_version: Option<String>,
        count_single: bool,
    ) -> Result<(), StoreError>;
}

/// A session to create, with the instances it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSession {
    /// How it is started.
    pub sync_type: SyncType,
    /// What it synchronises.
    pub sync_category: SyncCategory,
    /// The user who starts it.
    pub created_by: Option<String>,
    /// `(id, name)` of each instance; one pending record each.
    pub instances: Vec<(InstanceId, String)>,
}

/// How a record ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordOutcome {
    /// running -> completed.
    Completed {
        /// Account counts.
        items: ItemCounts,
        /// Details.
        details: SyncDetails,
    },
    /// running|pending -> failed.
    Failed {
        /// The reason (no secret).
        message: String,
    },
    /// pending -> cancelled.
    Cancelled,
}

/// Sessions and their records (the records are the session's work queue).
#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Creates a pending session and one pending record per instance, atomically;
    /// `total_instances` is the number of records.
    async fn create_session(
        &self,
        new: NewSession,
        now: DateTime<Utc>,
    ) -> Result<(SyncSession, Vec<InstanceRecord>), StoreError>;
    /// The session with this id.
    async fn get_session(&self, id: SessionId) -> Result<SyncSession, StoreError>;
    /// The records of a session, by record id.
    async fn list_records(&self, id: SessionId) -> Result<Vec<InstanceRecord>, StoreError>;
    /// pending -> running for the record, and its session pending -> running, atomically.
    /// Refused with `Transition` unless the record is pending and the session is pending or
    /// running; with `InstanceBusy` when another record of the same instance is running.
    async fn start_record(&self, record_id: i64, now: DateTime<Utc>) -> Result<InstanceRecord, StoreError>;
    /// Ends a record and updates its session's counters (and status once every record is
    /// terminal) in one transaction. Returns the session after the update.
    async fn finish_record(
        &self,
        record_id: i64,
        outcome: RecordOutcome,
        now: DateTime<Utc>,
    ) -> Result<SyncSession, StoreError>;
    /// running -> paused.
    async fn pause_session(&self, id: SessionId, now: DateTime<Utc>) -> Result<SyncSession, StoreError>;
    /// paused -> running (a pending session also becomes running).
    async fn resume_session(&self, id: SessionId, now: DateTime<Utc>) -> Result<SyncSession, StoreError>;
    /// -> cancelled; its pending records become cancelled (counted) in the same transaction.
    async fn cancel_session(&self, id: SessionId, now: DateTime<Utc>) -> Result<SyncSession, StoreError>;
    /// Records still `running` that started before `started_before` (their lease expired).
    async fn stale_records(&self, started_before: DateTime<Utc>) -> Result<Vec<InstanceRecord>, StoreError>;
    /// Sessions that are not terminal (pending, running or paused), oldest first.
    async fn open_sessions(&self) -> Result<Vec<SyncSession>, StoreError>;
}

/// The account inventory and change log of each instance.
#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
#[async_trait]
pub trait InventoryStore: Send + Sync {
    /// Every stored row of the instance, present or removed.
    async fn load_inventory(&self, instance_id: InstanceId) -> Result<Vec<InventoryAccount>, StoreError>;
    /// Writes `diff` (computed against `load_inventory`) and its change-log rows in one
    /// transaction, following [`crate::account::apply_diff`]; rows present afterwards get
    /// `last_seen = at`.
    async fn apply_account_diff(
        &self,
        instance_id: InstanceId,
        session_id: SessionId,
        diff: &AccountDiff,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Change-log rows, newest first.
    async fn list_changes(&self, query: &ChangeQuery) -> Result<Vec<ChangeLogEntry>, StoreError>;
}

/// The history view and its details.
#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
#[async_trait]
pub trait HistoryStore: Send + Sync {
    /// One page of history groups (equal to [`crate::history::history_page`]).
    async fn history(&self, query: &HistoryQuery) -> Result<HistoryPage, StoreError>;
    /// One session with its records; `NotFound` for an unknown id.
    async fn session_details(&self, id: SessionId) -> Result<SessionDetails, StoreError>;
    /// One record per instance over these sessions; errors on an empty list or unknown ids.
    async fn batch_details(&self, ids: &[SessionId]) -> Result<BatchDetails, StoreError>;
    /// As `batch_details`, only the failed records.
    async fn failed_details(&self, ids: &[SessionId]) -> Result<BatchDetails, StoreError>;
}

/// Everything the service needs from a store.
pub trait Store: InstanceStore + SessionStore + InventoryStore + HistoryStore {}

impl<T: InstanceStore + SessionStore + InventoryStore + HistoryStore + ?Sized> Store for T {}
