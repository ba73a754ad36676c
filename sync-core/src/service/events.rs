//! Progress events of a run and the summary it ends with.

use crate::account::DiffSummary;
use crate::domain::{
    InstanceId, InstanceRecord, ItemCounts, RecordStatus, SessionId, SessionStatus, SyncSession, SyncType,
};
use serde::{Deserialize, Serialize};

/// What a run reports while it works, in order: `SessionStarted`, then per instance
/// `InstanceStarted` followed by `InstanceCompleted` or `InstanceFailed` (an instance that
/// could not start, e.g. because another run is syncing it, reports only `InstanceFailed`),
/// and last `Finished`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SyncEvent {
    /// The run began.
    SessionStarted {
        /// The session.
        session_id: SessionId,
        /// How it was started.
        sync_type: SyncType,
        /// Records of the session.
        total_instances: u32,
        /// Records this run will work through (the pending ones).
        pending: u32,
    },
    /// An instance is being read.
    InstanceStarted {
        /// The session.
        session_id: SessionId,
        /// The record.
        record_id: i64,
        /// The instance.
        instance_id: InstanceId,
        /// Its name.
        instance_name: String,
    },
    /// An instance was read and its inventory written.
    InstanceCompleted {
        /// The session.
        session_id: SessionId,
        /// The record.
        record_id: i64,
        /// The instance.
        instance_id: InstanceId,
        /// Its name.
        instance_name: String,
        /// The record's counts.
        items: ItemCounts,
        /// Added / reactivated / modified / removed / unchanged.
        breakdown: DiffSummary,
        /// The connector's non-fatal problems (e.g. a configured database that could not be
        /// inspected), also kept in the record's details.
        warnings: Vec<String>,
    },
    /// An instance failed; its inventory is unchanged.
    InstanceFailed(InstanceFailure),
    /// The run ended (always the last event). The session is terminal, or paused, or (when
    /// records are still held by a worker that died) running until recovered.
    Finished(SyncSummary),
}

/// A failed instance record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceFailure {
    /// The session.
    pub session_id: SessionId,
    /// The record.
    pub record_id: i64,
    /// The instance.
    pub instance_id: InstanceId,
    /// Its name.
    pub instance_name: String,
    /// Why (never a secret).
    pub message: String,
}

impl InstanceFailure {
    pub(crate) fn of(record: &InstanceRecord, message: impl Into<String>) -> Self {
        InstanceFailure {
            session_id: record.session_id,
            record_id: record.id,
            instance_id: record.instance_id,
            instance_name: record.instance_name.clone(),
            message: message.into(),
        }
    }
}

/// The state of a session when a run ends: what awaiting a [`SyncHandle`](super::SyncHandle)
/// gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncSummary {
    /// The session as stored (status and counters).
    pub session: SyncSession,
    /// Sum of the records' account counts.
    pub items: ItemCounts,
    /// Every failed record of the session, by record id.
    pub failures: Vec<InstanceFailure>,
    /// Records still pending (a paused session; resume runs them).
    pub pending: u32,
    /// Records still running (held by another run, or by a worker that died).
    pub running: u32,
}

impl SyncSummary {
    /// Builds the summary of `session` from its records.
    pub fn new(session: SyncSession, records: &[InstanceRecord]) -> Self {
        let count = |s: RecordStatus| records.iter().filter(|r| r.status == s).count() as u32;
        SyncSummary {
            items: records.iter().map(|r| r.items).sum(),
            failures: records
                .iter()
                .filter(|r| r.status == RecordStatus::Failed)
                .map(|r| InstanceFailure::of(r, r.error_message.clone().unwrap_or_default()))
                .collect(),
            pending: count(RecordStatus::Pending),
            running: count(RecordStatus::Running),
            session,
        }
    }

    /// The session's status.
    pub fn status(&self) -> SessionStatus {
        self.session.status
    }

    /// The session's id.
    pub fn session_id(&self) -> SessionId {
        self.session.session_id
    }
}
