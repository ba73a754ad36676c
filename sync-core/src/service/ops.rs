//! The operations that change something: sync, retry, cancel, pause, resume, recover.

use super::caller::Permission;
use super::events::InstanceFailure;
use super::handle::SyncHandle;
use super::run::spawn_run;
use super::{Caller, ServiceError, SyncService};
use crate::domain::{
    InstanceId, RecordStatus, SessionId, SessionStatus, SyncCategory, SyncSession, SyncType,
};
use crate::traits::{InstanceListFilter, NewSession, RecordOutcome, StoreError};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::time::Duration;
use tracing::Instrument;

/// What [`SyncService::recover_stale`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryReport {
    /// The records failed as stale, by record id.
    pub failed: Vec<InstanceFailure>,
    /// The sessions of those records after the update (closed once every record is terminal),
    /// by session integer id.
    pub sessions: Vec<SyncSession>,
}

impl SyncService {
    /// *Sync all*: one session of `sync_type` with a pending record per active, not-deleted
    /// instance, run with the configured concurrency. People use
    /// [`SyncType::ManualBatch`]; tasks pass [`SyncType::ManualTask`] or
    /// [`SyncType::ScheduledTask`]. Needs *update*.
    ///
    /// Errors: [`ServiceError::NoActiveInstance`] (no session is created),
    /// [`ServiceError::InvalidRequest`] for `manual_single`.
    pub async fn sync_all(&self, caller: &Caller, sync_type: SyncType) -> Result<SyncHandle, ServiceError> {
        caller.require(Permission::Update, "sync all instances")?;
        if sync_type == SyncType::ManualSingle {
            return Err(ServiceError::InvalidRequest(
                "sync all runs as manual_batch, manual_task or scheduled_task; use sync_instance for one instance"
                    .into(),
            ));
        }
        let span = tracing::info_span!("sync_all", user_id = %caller.user_id, %sync_type);
        async {
            let instances: Vec<(InstanceId, String)> = self
                .inner
                .store
                .list_instances(InstanceListFilter::default())
                .await?
                .into_iter()
                .filter(|i| i.is_syncable())
                .map(|i| (i.id, i.name))
                .collect();
            if instances.is_empty() {
                return Err(ServiceError::NoActiveInstance);
            }
            self.start_session(caller, sync_type, instances).await
        }
        .instrument(span)
        .await
    }

    /// *Sync one instance*: a `manual_single` session of one record; on success the
    /// instance's `sync_count` goes up by one. Works for inactive instances, not for deleted
    /// ones. Needs *update*.
    pub async fn sync_instance(
        &self,
        caller: &Caller,
        instance_id: InstanceId,
    ) -> Result<SyncHandle, ServiceError> {
        caller.require(Permission::Update, "sync an instance")?;
        self.single(caller, instance_id).await
    }

    /// *Retry one instance*: syncs it again in a new `manual_single` session; earlier
    /// records stay as they were. Needs *update*.
    pub async fn retry_instance(
        &self,
        caller: &Caller,
        instance_id: InstanceId,
    ) -> Result<SyncHandle, ServiceError> {
        caller.require(Permission::Update, "retry an instance")?;
        self.single(caller, instance_id).await
    }

    async fn single(&self, caller: &Caller, instance_id: InstanceId) -> Result<SyncHandle, ServiceError> {
        let instance = self.inner.store.get_instance(instance_id).await?;
        if instance.deleted_at.is_some() {
            return Err(ServiceError::InstanceDeleted {
                id: instance.id,
                name: instance.name,
            });
        }
        let span = tracing::info_span!("sync_instance_request", user_id = %caller.user_id,
            instance_id, instance_name = %instance.name);
        self.start_session(caller, SyncType::ManualSingle, vec![(instance.id, instance.name)])
            .instrument(span)
            .await
    }

    /// *Retry the failed instances of a session*: a new session of the same type over the
    /// instances whose record failed (deleted instances left out). The old records stay as
    /// they were. Needs *update*.
    pub async fn retry_failed(
        &self,
        caller: &Caller,
        session_id: SessionId,
    ) -> Result<SyncHandle, ServiceError> {
        caller.require(Permission::Update, "retry failed instances")?;
        let session = self.inner.store.get_session(session_id).await?;
        let failed: BTreeSet<InstanceId> = self
            .inner
            .store
            .list_records(session_id)
            .await?
            .into_iter()
            .filter(|r| r.status == RecordStatus::Failed)
            .map(|r| r.instance_id)
            .collect();
        let mut instances = Vec::with_capacity(failed.len());
        for id in failed {
            let instance = self.inner.store.get_instance(id).await?;
            if instance.deleted_at.is_none() {
                instances.push((instance.id, instance.name));
            }
        }
        if instances.is_empty() {
            return Err(ServiceError::NothingToRetry(session_id));
        }
        instances.sort_by(|a, b| a.1.cmp(&b.1));
        let span =
            tracing::info_span!("retry_failed", user_id = %caller.user_id, retried_session = %session_id);
        self.start_session(caller, session.sync_type, instances)
            .instrument(span)
            .await
    }

    async fn start_session(
        &self,
        caller: &Caller,
        sync_type: SyncType,
        instances: Vec<(InstanceId, String)>,
    ) -> Result<SyncHandle, ServiceError> {
        let new = NewSession {
            sync_type,
            sync_category: SyncCategory::Account,
            created_by: Some(caller.user_id.clone()),
            instances,
        };
        let (session, records) = self.inner.store.create_session(new, Utc::now()).await?;
        tracing::info!(session_id = %session.session_id, records = records.len(), "session created");
        Ok(spawn_run(self, session, caller))
    }

    /// *Cancel*: the session becomes `cancelled` (and stays so), its pending records become
    /// `cancelled`, connectors in flight are told to stop and their records end `failed`
    /// with a "cancelled" reason. Needs *update*.
    pub async fn cancel(&self, caller: &Caller, session_id: SessionId) -> Result<SyncSession, ServiceError> {
        caller.require(Permission::Update, "cancel a session")?;
        let session = self.inner.store.cancel_session(session_id, Utc::now()).await?;
        self.inner.runs.cancel(session_id);
        tracing::info!(%session_id, user_id = %caller.user_id, "session cancelled");
        self.notify_if_ended(&session).await;
        Ok(session)
    }

    /// *Pause*: no new instance starts; records in flight finish; the session is `paused`
    /// until resumed. Needs *update*.
    pub async fn pause(&self, caller: &Caller, session_id: SessionId) -> Result<SyncSession, ServiceError> {
        caller.require(Permission::Update, "pause a session")?;
        let session = self.inner.store.pause_session(session_id, Utc::now()).await?;
        self.inner.runs.stop(session_id);
        tracing::info!(%session_id, user_id = %caller.user_id, "session paused");
        Ok(session)
    }

    /// *Resume*: runs the records of the session that are still `pending`, in a new run. Works
    /// for a paused session and for a session whose process died (still `running`; run
    /// [`recover_stale`](Self::recover_stale) first to fail its orphaned running records).
    /// Needs *update*.
    ///
    /// Errors: [`ServiceError::AlreadyRunning`] when a run of this service still drives the
    /// session; [`ServiceError::Transition`] for a terminal session.
    pub async fn resume(&self, caller: &Caller, session_id: SessionId) -> Result<SyncHandle, ServiceError> {
        caller.require(Permission::Update, "resume a session")?;
        if self.has_active_run(session_id) {
            return Err(ServiceError::AlreadyRunning(session_id));
        }
        let mut session = self.inner.store.get_session(session_id).await?;
        if session.status != SessionStatus::Running {
            session = self.inner.store.resume_session(session_id, Utc::now()).await?;
        }
        tracing::info!(%session_id, user_id = %caller.user_id, "session resumed");
        Ok(spawn_run(self, session, caller))
    }

    /// *Recover stale records* with the configured [`stale_lease`](super::ServiceConfig::stale_lease).
    pub async fn recover_stale(&self, caller: &Caller) -> Result<RecoveryReport, ServiceError> {
        self.recover_stale_older_than(caller, self.inner.config.stale_lease)
            .await
    }

    /// *Recover stale records*: every record `running` for longer than `lease` whose worker is
    /// gone (not one this service is working on) is failed with a clear message, and its
    /// session's counters and status follow (a session whose records are all terminal
    /// closes). Needs *update*.
    pub async fn recover_stale_older_than(
        &self,
        caller: &Caller,
        lease: Duration,
    ) -> Result<RecoveryReport, ServiceError> {
        caller.require(Permission::Update, "recover stale records")?;
        let now = Utc::now();
        let too_long = || ServiceError::InvalidRequest(format!("lease {lease:?} is too long"));
        let cutoff = chrono::Duration::from_std(lease)
            .ok()
            .and_then(|d| now.checked_sub_signed(d))
            .ok_or_else(too_long)?;
        let stale = self.inner.store.stale_records(cutoff).await?;
        let mut report = RecoveryReport::default();
        for record in stale {
            if self.inner.runs.is_in_flight(record.id) {
                continue;
            }
            let message = format!(
                "recovered as stale: the record was still running more than {lease:?} after it started, so the \
                 worker syncing it stopped (crash or restart); recovered by {:?}",
                caller.user_id
            );
            let outcome = RecordOutcome::Failed {
                message: message.clone(),
            };
            match self.inner.store.finish_record(record.id, outcome, now).await {
                Ok(session) => {
                    tracing::warn!(session_id = %record.session_id, record_id = record.id,
                        instance_id = record.instance_id, instance_name = %record.instance_name,
                        user_id = %caller.user_id, "stale record failed");
                    let failure = InstanceFailure::of(&record, message);
                    self.notify_failed(&failure);
                    self.notify_if_ended(&session).await;
                    report.failed.push(failure);
                    report.sessions.retain(|s| s.session_id != session.session_id);
                    report.sessions.push(session);
                }
                // It finished between the query and now: not stale after all.
                Err(StoreError::Transition(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        report.sessions.sort_by_key(|s| s.id);
        Ok(report)
    }
}
