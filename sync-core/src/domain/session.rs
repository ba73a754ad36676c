//! Sync sessions and the session state machine (DOMAIN.md section 4).
//!
//! ```text
//! pending -> running -> completed        (every record completed)
//!                    -> failed           (every record terminal, at least one failed)
//!            running <-> paused          (no new instance starts while paused)
//! pending|running|paused -> cancelled
//! ```
//! A paused session whose in-flight records all end closes as completed or failed.
//! Terminal statuses are final.

use super::enums::{RecordStatus, SessionStatus, SyncCategory, SyncType};
use crate::error::TransitionError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// The public identifier of a session (a UUID, stored as text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionId(pub Uuid);

impl SessionId {
    /// A new random (v4) id.
    pub fn new() -> Self {
        SessionId(Uuid::new_v4())
    }
}

impl Default for SessionId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl FromStr for SessionId {
    type Err = crate::error::QueryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s.trim())
            .map(SessionId)
            .map_err(|_| crate::error::QueryError::InvalidSessionId(s.to_owned()))
    }
}

/// One run of a sync over one or more instances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncSession {
    /// Store-assigned integer id (also the deterministic tie-break of the history order).
    pub id: i64,
    /// Public UUID.
    pub session_id: SessionId,
    /// How it was started.
    pub sync_type: SyncType,
    /// What it synchronises.
    pub sync_category: SyncCategory,
    /// Current status.
    pub status: SessionStatus,
    /// When the first record started.
    pub started_at: Option<DateTime<Utc>>,
    /// When it reached a terminal status.
    pub completed_at: Option<DateTime<Utc>>,
    /// Number of records created for it.
    pub total_instances: u32,
    /// Records completed.
    pub successful_instances: u32,
    /// Records failed.
    pub failed_instances: u32,
    /// Records cancelled.
    pub cancelled_instances: u32,
    /// The user who started it, when a person did.
    pub created_by: Option<String>,
    /// Creation time (the history groups and orders by it).
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl SessionStatus {
    /// Whether the state machine allows `self -> to`.
    pub fn can_transition_to(self, to: SessionStatus) -> bool {
        use SessionStatus::*;
        matches!(
            (self, to),
            (Pending, Running)
                | (Running, Paused)
                | (Paused, Running)
                | (Running | Paused, Completed | Failed)
                | (Pending | Running | Paused, Cancelled)
        )
    }

    /// The statuses reachable from `self` in one step.
    pub fn allowed_next(self) -> Vec<SessionStatus> {
        SessionStatus::ALL
            .iter()
            .copied()
            .filter(|to| self.can_transition_to(*to))
            .collect()
    }
}

fn session_error(from: SessionStatus, to: SessionStatus) -> TransitionError {
    let next = from.allowed_next();
    let reason = if from.is_terminal() {
        format!("{from} is terminal and final")
    } else {
        format!(
            "allowed from {from}: {}",
            next.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        )
    };
    TransitionError {
        entity: "session",
        from: from.to_string(),
        to: to.to_string(),
        reason,
    }
}

impl SyncSession {
    /// A new pending session of `total_instances` records, not yet stored (`id` is 0).
    pub fn new_pending(
        sync_type: SyncType,
        sync_category: SyncCategory,
        total_instances: u32,
        created_by: Option<String>,
        now: DateTime<Utc>,
    ) -> Self {
        SyncSession {
            id: 0,
            session_id: SessionId::new(),
            sync_type,
            sync_category,
            status: SessionStatus::Pending,
            started_at: None,
            completed_at: None,
            total_instances,
            successful_instances: 0,
            failed_instances: 0,
            cancelled_instances: 0,
            created_by,
            created_at: now,
            updated_at: now,
        }
    }

    /// Records that reached a terminal status.
    pub fn finished_instances(&self) -> u32 {
        self.successful_instances + self.failed_instances + self.cancelled_instances
    }

    /// (successful + failed + cancelled) / total, in `0.0..=1.0`; 0 when total is 0.
    pub fn progress(&self) -> f64 {
        if self.total_instances == 0 {
            0.0
        } else {
            f64::from(self.finished_instances()) / f64::from(self.total_instances)
        }
    }

    /// Moves to `to` if the state machine allows it, stamping `started_at`/`completed_at`.
    pub fn transition(&mut self, to: SessionStatus, now: DateTime<Utc>) -> Result<(), TransitionError> {
        if !self.status.can_transition_to(to) {
            return Err(session_error(self.status, to));
        }
        if to == SessionStatus::Running && self.started_at.is_none() {
            self.started_at = Some(now);
        }
        if to.is_terminal() {
            self.completed_at = Some(now);
        }
        self.status = to;
        self.updated_at = now;
        Ok(())
    }

    /// pending -> running (a no-op when already running: several records start).
    pub fn start(&mut self, now: DateTime<Utc>) -> Result<(), TransitionError> {
        match self.status {
            SessionStatus::Running => Ok(()),
            _ => self.transition(SessionStatus::Running, now),
        }
    }

    /// running -> paused.
    pub fn pause(&mut self, now: DateTime<Utc>) -> Result<(), TransitionError> {
        if self.status != SessionStatus::Running {
            return Err(session_error(self.status, SessionStatus::Paused));
        }
        self.transition(SessionStatus::Paused, now)
    }

    /// paused -> running (pending -> running too: resuming a session that never started).
    pub fn resume(&mut self, now: DateTime<Utc>) -> Result<(), TransitionError> {
        self.transition(SessionStatus::Running, now)
    }

    /// pending|running|paused -> cancelled.
    pub fn cancel(&mut self, now: DateTime<Utc>) -> Result<(), TransitionError> {
        self.transition(SessionStatus::Cancelled, now)
    }

    /// Counts a record that reached the terminal status `outcome` and, when every record is
    /// terminal and the session is still open, closes it: `completed` if none failed, else
    /// `failed`. A terminal session keeps its status (a cancelled session stays cancelled) but
    /// its counters still add up. Returns the error for a non-terminal `outcome`.
    pub fn record_finished(
        &mut self,
        outcome: RecordStatus,
        now: DateTime<Utc>,
    ) -> Result<(), TransitionError> {
        match outcome {
            RecordStatus::Completed => self.successful_instances += 1,
            RecordStatus::Failed => self.failed_instances += 1,
            RecordStatus::Cancelled => self.cancelled_instances += 1,
            other => {
                return Err(TransitionError {
                    entity: "session",
                    from: self.status.to_string(),
                    to: self.status.to_string(),
                    reason: format!("a record outcome must be terminal, got {other}"),
                });
            }
        }
        self.updated_at = now;
        self.close_if_done(now);
        Ok(())
    }

    /// Closes an open session whose records are all terminal. Returns whether it closed.
    pub fn close_if_done(&mut self, now: DateTime<Utc>) -> bool {
        if self.status.is_terminal() || self.finished_instances() < self.total_instances {
            return false;
        }
        let to = self.closing_status();
        if self.status == SessionStatus::Pending {
            // Every record ended without one starting (e.g. all failed to start).
            self.started_at.get_or_insert(now);
            self.status = SessionStatus::Running;
        }
        self.transition(to, now).is_ok()
    }

    /// The status a session closes with once all its records are terminal.
    pub fn closing_status(&self) -> SessionStatus {
        if self.failed_instances > 0 {
            SessionStatus::Failed
        } else if self.total_instances > 0 && self.cancelled_instances == self.total_instances {
            SessionStatus::Cancelled
        } else {
            SessionStatus::Completed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 2, 12, 0, 0).unwrap()
    }

    fn session(total: u32) -> SyncSession {
        SyncSession::new_pending(SyncType::ManualBatch, SyncCategory::Account, total, None, now())
    }

    #[test]
    fn completes_when_every_record_completed() {
        let mut s = session(2);
        s.start(now()).unwrap();
        s.record_finished(RecordStatus::Completed, now()).unwrap();
        assert_eq!(s.status, SessionStatus::Running);
        assert_eq!(s.progress(), 0.5);
        s.record_finished(RecordStatus::Completed, now()).unwrap();
        assert_eq!(s.status, SessionStatus::Completed);
        assert_eq!(s.completed_at, Some(now()));
        assert_eq!(s.progress(), 1.0);
    }

    #[test]
    fn fails_when_one_record_failed() {
        let mut s = session(2);
        s.start(now()).unwrap();
        s.record_finished(RecordStatus::Failed, now()).unwrap();
        s.record_finished(RecordStatus::Completed, now()).unwrap();
        assert_eq!(s.status, SessionStatus::Failed);
        assert_eq!((s.successful_instances, s.failed_instances), (1, 1));
    }

    #[test]
    fn cancelled_is_never_overwritten() {
        let mut s = session(2);
        s.start(now()).unwrap();
        s.cancel(now()).unwrap();
        s.record_finished(RecordStatus::Completed, now()).unwrap();
        s.record_finished(RecordStatus::Completed, now()).unwrap();
        assert_eq!(s.status, SessionStatus::Cancelled);
        assert_eq!(s.successful_instances, 2);
        let err = s.transition(SessionStatus::Completed, now()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "illegal session transition from cancelled to completed: cancelled is terminal and final"
        );
    }

    #[test]
    fn illegal_transitions_say_what_is_allowed() {
        let mut s = session(1);
        let err = s.pause(now()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "illegal session transition from pending to paused: allowed from pending: running, cancelled"
        );
        s.start(now()).unwrap();
        s.pause(now()).unwrap();
        assert_eq!(s.status, SessionStatus::Paused);
        assert!(s.pause(now()).is_err());
        s.resume(now()).unwrap();
        assert_eq!(s.status, SessionStatus::Running);
    }

    #[test]
    fn progress_of_empty_session_is_zero() {
        assert_eq!(session(0).progress(), 0.0);
    }

    #[test]
    fn non_terminal_outcome_is_refused() {
        let mut s = session(1);
        assert!(s.record_finished(RecordStatus::Running, now()).is_err());
        assert_eq!(s.finished_instances(), 0);
    }
}
