//! [`SessionStore`] for [`MemoryStore`]: sessions and their records, the work queue.

use super::{MemoryStore, not_found};
use crate::domain::{InstanceRecord, RecordStatus, SessionId, SessionStatus, SyncSession};
use crate::error::TransitionError;
use crate::traits::{NewSession, RecordOutcome, SessionStore, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[async_trait]
impl SessionStore for MemoryStore {
    async fn create_session(
        &self,
        new: NewSession,
        now: DateTime<Utc>,
    ) -> Result<(SyncSession, Vec<InstanceRecord>), StoreError> {
        let total = u32::try_from(new.instances.len()).map_err(|_| StoreError::Backend {
            backend: "memory",
            message: format!("too many instances for one session: {}", new.instances.len()),
        })?;
        let mut state = self.lock();
        let mut session =
            SyncSession::new_pending(new.sync_type, new.sync_category, total, new.created_by, now);
        state.next_session_id += 1;
        session.id = state.next_session_id;
        let mut records = Vec::with_capacity(new.instances.len());
        for (instance_id, name) in new.instances {
            let mut record =
                InstanceRecord::new_pending(session.session_id, instance_id, name, new.sync_category, now);
            state.next_record_id += 1;
            record.id = state.next_record_id;
            records.push(record);
        }
        state
            .session_records
            .insert(session.session_id, records.iter().map(|r| r.id).collect());
        for r in &records {
            state.records.insert(r.id, r.clone());
        }
        state.sessions.insert(session.session_id, session.clone());
        Ok((session, records))
    }

    async fn get_session(&self, id: SessionId) -> Result<SyncSession, StoreError> {
        self.lock().session(id).cloned()
    }

    async fn list_records(&self, id: SessionId) -> Result<Vec<InstanceRecord>, StoreError> {
        let state = self.lock();
        state.session(id)?;
        Ok(state.records_of(id).cloned().collect())
    }

    async fn start_record(&self, record_id: i64, now: DateTime<Utc>) -> Result<InstanceRecord, StoreError> {
        let mut state = self.lock();
        let mut record = state.record(record_id)?.clone();
        let mut session = state.session(record.session_id)?.clone();
        if record.status != RecordStatus::Pending {
            // The state machine's own message says what is allowed.
            record.start(now)?;
        }
        if !matches!(session.status, SessionStatus::Pending | SessionStatus::Running) {
            return Err(StoreError::Transition(TransitionError {
                entity: "record",
                from: record.status.to_string(),
                to: RecordStatus::Running.to_string(),
                reason: format!(
                    "its session {} is {}; records start only while their session is pending or running",
                    session.session_id, session.status
                ),
            }));
        }
        if let Some(other) = state.running.get(&record.instance_id) {
            let other = state.record(*other)?;
            return Err(StoreError::InstanceBusy {
                instance_id: record.instance_id,
                name: record.instance_name.clone(),
                session_id: other.session_id.to_string(),
            });
        }
        record.start(now)?;
        session.start(now)?;
        session.updated_at = now;
        state.running.insert(record.instance_id, record.id);
        state.records.insert(record.id, record.clone());
        state.sessions.insert(session.session_id, session);
        Ok(record)
    }

    async fn finish_record(
        &self,
        record_id: i64,
        outcome: RecordOutcome,
        now: DateTime<Utc>,
    ) -> Result<SyncSession, StoreError> {
        let mut state = self.lock();
        let mut record = state.record(record_id)?.clone();
        let mut session = state.session(record.session_id)?.clone();
        let was_running = record.status == RecordStatus::Running;
        match outcome {
            RecordOutcome::Completed { items, details } => record.complete(items, details, now)?,
            RecordOutcome::Failed { message } => record.fail(message, now)?,
            RecordOutcome::Cancelled => record.cancel(now)?,
        }
        session.record_finished(record.status, now)?;
        if was_running && state.running.get(&record.instance_id) == Some(&record.id) {
            state.running.remove(&record.instance_id);
        }
        state.records.insert(record.id, record);
        state.sessions.insert(session.session_id, session.clone());
        Ok(session)
    }

    async fn pause_session(&self, id: SessionId, now: DateTime<Utc>) -> Result<SyncSession, StoreError> {
        let mut state = self.lock();
        let mut session = state.session(id)?.clone();
        session.pause(now)?;
        state.sessions.insert(id, session.clone());
        Ok(session)
    }

    async fn resume_session(&self, id: SessionId, now: DateTime<Utc>) -> Result<SyncSession, StoreError> {
        let mut state = self.lock();
        let mut session = state.session(id)?.clone();
        session.resume(now)?;
        state.sessions.insert(id, session.clone());
        Ok(session)
    }

    async fn cancel_session(&self, id: SessionId, now: DateTime<Utc>) -> Result<SyncSession, StoreError> {
        let mut state = self.lock();
        let mut session = state.session(id)?.clone();
        session.cancel(now)?;
        let pending: Vec<InstanceRecord> = state
            .records_of(id)
            .filter(|r| r.status == RecordStatus::Pending)
            .cloned()
            .collect();
        let mut cancelled = Vec::with_capacity(pending.len());
        for mut record in pending {
            record.cancel(now)?;
            session.record_finished(RecordStatus::Cancelled, now)?;
            cancelled.push(record);
        }
        for record in cancelled {
            state.records.insert(record.id, record);
        }
        state.sessions.insert(id, session.clone());
        Ok(session)
    }

    async fn stale_records(&self, started_before: DateTime<Utc>) -> Result<Vec<InstanceRecord>, StoreError> {
        let state = self.lock();
        let mut stale: Vec<InstanceRecord> = state
            .running
            .values()
            .map(|id| state.records.get(id).ok_or_else(|| not_found("record", id)))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter(|r| r.status == RecordStatus::Running && r.started_at.is_some_and(|t| t < started_before))
            .cloned()
            .collect();
        stale.sort_by_key(|r| r.id);
        Ok(stale)
    }

    async fn open_sessions(&self) -> Result<Vec<SyncSession>, StoreError> {
        let state = self.lock();
        let mut open: Vec<SyncSession> = state
            .sessions
            .values()
            .filter(|s| !s.status.is_terminal())
            .cloned()
            .collect();
        open.sort_by_key(|s| (s.created_at, s.id));
        Ok(open)
    }
}
