//! Instance records and the record state machine (DOMAIN.md section 4).
//!
//! ```text
//! pending -> running -> completed | failed
//! pending -> cancelled
//! pending -> failed      (the record could not start, e.g. its instance is busy)
//! ```

use super::counts::ItemCounts;
use super::enums::{RecordStatus, SyncCategory};
use super::instance::InstanceId;
use super::session::SessionId;
use crate::account::DiffSummary;
use crate::error::TransitionError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The outcome of one instance within one session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceRecord {
    /// Store-assigned id (the tie-break when two records of one instance are equally new).
    pub id: i64,
    /// The session it belongs to.
    pub session_id: SessionId,
    /// The instance it syncs.
    pub instance_id: InstanceId,
    /// Snapshot of the instance name when the record was created.
    pub instance_name: String,
    /// What it synchronises.
    pub sync_category: SyncCategory,
    /// Current status.
    pub status: RecordStatus,
    /// When a worker started it.
    pub started_at: Option<DateTime<Utc>>,
    /// When it became terminal.
    pub completed_at: Option<DateTime<Utc>>,
    /// Account counts (zero until completed).
    pub items: ItemCounts,
    /// Why it failed (never contains a secret).
    pub error_message: Option<String>,
    /// Versioned details of a completed sync.
    pub sync_details: Option<SyncDetails>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// Current version of [`SyncDetails`].
pub const SYNC_DETAILS_VERSION: u32 = 1;

/// What a completed record keeps beyond its counts: the diff breakdown, timings, server
/// version and warnings. Stored as JSON; `version` lets readers handle older rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncDetails {
    /// Schema version of this JSON ([`SYNC_DETAILS_VERSION`]).
    pub version: u32,
    /// Added / reactivated / modified / removed / unchanged.
    pub breakdown: DiffSummary,
    /// Time spent reading the server, in milliseconds.
    pub read_ms: u64,
    /// Time spent diffing and writing, in milliseconds.
    pub write_ms: u64,
    /// Server version string.
    pub server_version: Option<String>,
    /// Non-fatal problems (e.g. a database that could not be inspected).
    pub warnings: Vec<String>,
}

impl RecordStatus {
    /// Whether the state machine allows `self -> to`.
    pub fn can_transition_to(self, to: RecordStatus) -> bool {
        use RecordStatus::*;
        matches!(
            (self, to),
            (Pending, Running) | (Running, Completed | Failed) | (Pending, Cancelled | Failed)
        )
    }

    /// The statuses reachable from `self` in one step.
    pub fn allowed_next(self) -> Vec<RecordStatus> {
        RecordStatus::ALL
            .iter()
            .copied()
            .filter(|to| self.can_transition_to(*to))
            .collect()
    }
}

fn record_error(from: RecordStatus, to: RecordStatus) -> TransitionError {
    let reason = if from.is_terminal() {
        format!("{from} is terminal and final")
    } else {
        format!(
            "allowed from {from}: {}",
            from.allowed_next()
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    TransitionError {
        entity: "record",
        from: from.to_string(),
        to: to.to_string(),
        reason,
    }
}

impl InstanceRecord {
    /// A new pending record, not yet stored (`id` is 0).
    pub fn new_pending(
        session_id: SessionId,
        instance_id: InstanceId,
        instance_name: impl Into<String>,
        sync_category: SyncCategory,
        now: DateTime<Utc>,
    ) -> Self {
        InstanceRecord {
            id: 0,
            session_id,
            instance_id,
            instance_name: instance_name.into(),
            sync_category,
            status: RecordStatus::Pending,
            started_at: None,
            completed_at: None,
            items: ItemCounts::default(),
            error_message: None,
            sync_details: None,
            created_at: now,
        }
    }

    fn transition(&mut self, to: RecordStatus, now: DateTime<Utc>) -> Result<(), TransitionError> {
        if !self.status.can_transition_to(to) {
            return Err(record_error(self.status, to));
        }
        match to {
            RecordStatus::Running => self.started_at = Some(now),
            t if t.is_terminal() => self.completed_at = Some(now),
            _ => {}
        }
        self.status = to;
        Ok(())
    }

    /// pending -> running.
    pub fn start(&mut self, now: DateTime<Utc>) -> Result<(), TransitionError> {
        self.transition(RecordStatus::Running, now)
    }

    /// running -> completed, with its counts and details.
    pub fn complete(
        &mut self,
        items: ItemCounts,
        details: SyncDetails,
        now: DateTime<Utc>,
    ) -> Result<(), TransitionError> {
        self.transition(RecordStatus::Completed, now)?;
        self.items = items;
        self.sync_details = Some(details);
        Ok(())
    }

    /// running|pending -> failed, with the reason.
    pub fn fail(&mut self, message: impl Into<String>, now: DateTime<Utc>) -> Result<(), TransitionError> {
        self.transition(RecordStatus::Failed, now)?;
        self.error_message = Some(message.into());
        Ok(())
    }

    /// pending -> cancelled.
    pub fn cancel(&mut self, now: DateTime<Utc>) -> Result<(), TransitionError> {
        self.transition(RecordStatus::Cancelled, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn rec() -> InstanceRecord {
        let now = Utc.with_ymd_and_hms(2026, 1, 2, 12, 0, 0).unwrap();
        InstanceRecord::new_pending(SessionId::new(), 7, "pg-main", SyncCategory::Account, now)
    }

    #[test]
    fn lifecycle_and_final_states() {
        let now = Utc::now();
        let mut r = rec();
        r.start(now).unwrap();
        r.fail("connection refused", now).unwrap();
        assert_eq!(r.status, RecordStatus::Failed);
        assert_eq!(r.error_message.as_deref(), Some("connection refused"));
        let err = r.start(now).unwrap_err();
        assert_eq!(
            err.to_string(),
            "illegal record transition from failed to running: failed is terminal and final"
        );
    }

    #[test]
    fn running_record_cannot_be_cancelled() {
        let mut r = rec();
        r.start(Utc::now()).unwrap();
        let err = r.cancel(Utc::now()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "illegal record transition from running to cancelled: allowed from running: completed, failed"
        );
    }
}
