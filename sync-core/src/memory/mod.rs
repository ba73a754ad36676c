//! [`MemoryStore`]: every store trait over in-process state (feature `memory`).
//!
//! It is the executable reference of the store semantics documented in
//! [`crate::traits::store`]: one [`Mutex`] guards the whole state, so each operation is atomic
//! (a record finishing and its session's counters change together; a diff is written whole).
//! Tests and examples use it; it is also a real option for a process that keeps its state
//! elsewhere or needs none after it exits.
//!
//! ```
//! use sync_core::memory::MemoryStore;
//! use sync_core::traits::{InstanceListFilter, InstanceStore};
//! # tokio_test_block(async {
//! let store = MemoryStore::new();
//! assert!(store.list_instances(InstanceListFilter::default()).await.unwrap().is_empty());
//! # });
//! # fn tokio_test_block(f: impl std::future::Future<Output = ()>) {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! ```

mod history;
mod instances;
mod inventory;
mod sessions;
#[cfg(test)]
mod tests;

use crate::account::{ChangeLogEntry, InventoryAccount};
use crate::domain::{Instance, InstanceId, InstanceRecord, SessionId, SyncSession};
use crate::traits::StoreError;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The in-memory store. Cheap to create; share it as `Arc<MemoryStore>` (or
/// `Arc<dyn Store>`).
#[derive(Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

/// Everything the store holds. Operations clone what they change, validate, then commit, so a
/// refused operation leaves the state untouched.
#[derive(Default)]
struct State {
    instances: BTreeMap<InstanceId, Instance>,
    next_instance_id: i64,
    sessions: HashMap<SessionId, SyncSession>,
    next_session_id: i64,
    records: BTreeMap<i64, InstanceRecord>,
    /// Record ids of each session, ascending.
    session_records: HashMap<SessionId, Vec<i64>>,
    /// The running record of each busy instance.
    running: HashMap<InstanceId, i64>,
    next_record_id: i64,
    inventory: HashMap<InstanceId, Vec<InventoryAccount>>,
    changes: Vec<ChangeLogEntry>,
    next_change_id: i64,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every session, oldest first (creation time, then id). A convenience for tests and
    /// small tools; front ends use the history.
    pub fn sessions(&self) -> Vec<SyncSession> {
        let state = self.lock();
        let mut all: Vec<SyncSession> = state.sessions.values().cloned().collect();
        all.sort_by_key(|s| (s.created_at, s.id));
        all
    }

    /// Every record, by id. A convenience for tests and small tools.
    pub fn records(&self) -> Vec<InstanceRecord> {
        self.lock().records.values().cloned().collect()
    }

    /// The state. A panic while the lock was held cannot leave half an operation behind
    /// (operations commit at their end), so a poisoned lock is recovered.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("MemoryStore")
            .field("instances", &state.instances.len())
            .field("sessions", &state.sessions.len())
            .field("records", &state.records.len())
            .field("changes", &state.changes.len())
            .finish()
    }
}

impl State {
    fn session(&self, id: SessionId) -> Result<&SyncSession, StoreError> {
        self.sessions.get(&id).ok_or_else(|| not_found("session", id))
    }

    fn record(&self, id: i64) -> Result<&InstanceRecord, StoreError> {
        self.records.get(&id).ok_or_else(|| not_found("record", id))
    }

    fn instance(&self, id: InstanceId) -> Result<&Instance, StoreError> {
        self.instances.get(&id).ok_or_else(|| not_found("instance", id))
    }

    fn records_of(&self, id: SessionId) -> impl Iterator<Item = &InstanceRecord> {
        self.session_records
            .get(&id)
            .into_iter()
            .flatten()
            .filter_map(|rid| self.records.get(rid))
    }
}

fn not_found(entity: &'static str, id: impl fmt::Display) -> StoreError {
    StoreError::NotFound {
        entity,
        id: id.to_string(),
    }
}
