//! The worker loop of one run: the session's pending records, a bounded number in flight.

use super::events::{SyncEvent, SyncSummary};
use super::handle::SyncHandle;
use super::sync_instance::sync_record;
use super::{Caller, ServiceError, SyncService};
use crate::domain::{InstanceRecord, RecordStatus, SessionId, SyncSession};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::sync::{Semaphore, broadcast};
use tokio::task::{JoinError, JoinSet};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

/// The controls of one run.
pub(crate) struct RunControl {
    id: u64,
    /// Cancelling the session: connectors in flight are told to stop. Cancelling it also
    /// fires `stop`.
    pub(crate) cancel: CancellationToken,
    /// No new record starts (pause, cancel, or the session stopped accepting starts).
    pub(crate) stop: CancellationToken,
    /// Records this run is working on (never stale while the run lives).
    in_flight: Mutex<HashSet<i64>>,
}

impl RunControl {
    pub(crate) fn enter(&self, record_id: i64) {
        lock(&self.in_flight).insert(record_id);
    }

    pub(crate) fn leave(&self, record_id: i64) {
        lock(&self.in_flight).remove(&record_id);
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The runs this service is driving, per session.
#[derive(Default)]
pub(crate) struct RunRegistry {
    next_id: AtomicU64,
    runs: Mutex<HashMap<SessionId, Vec<Arc<RunControl>>>>,
}

impl RunRegistry {
    fn register(&self, session_id: SessionId) -> Arc<RunControl> {
        let cancel = CancellationToken::new();
        let control = Arc::new(RunControl {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            stop: cancel.child_token(),
            cancel,
            in_flight: Mutex::new(HashSet::new()),
        });
        lock(&self.runs)
            .entry(session_id)
            .or_default()
            .push(control.clone());
        control
    }

    fn deregister(&self, session_id: SessionId, id: u64) {
        let mut runs = lock(&self.runs);
        if let Some(list) = runs.get_mut(&session_id) {
            list.retain(|c| c.id != id);
            if list.is_empty() {
                runs.remove(&session_id);
            }
        }
    }

    fn controls(&self, session_id: SessionId) -> Vec<Arc<RunControl>> {
        lock(&self.runs).get(&session_id).cloned().unwrap_or_default()
    }

    /// Tells every run of the session to start nothing new.
    pub(crate) fn stop(&self, session_id: SessionId) {
        for c in self.controls(session_id) {
            c.stop.cancel();
        }
    }

    /// Tells every run of the session to stop, connectors in flight included.
    pub(crate) fn cancel(&self, session_id: SessionId) {
        for c in self.controls(session_id) {
            c.cancel.cancel();
        }
    }

    pub(crate) fn has_active(&self, session_id: SessionId) -> bool {
        self.controls(session_id).iter().any(|c| !c.stop.is_cancelled())
    }

    /// Whether a live run of this service is working on the record.
    pub(crate) fn is_in_flight(&self, record_id: i64) -> bool {
        lock(&self.runs)
            .values()
            .flatten()
            .any(|c| lock(&c.in_flight).contains(&record_id))
    }
}

/// Removes the run from the registry however the run ends (finished, failed, aborted).
struct RunGuard {
    service: SyncService,
    session_id: SessionId,
    control: Arc<RunControl>,
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        self.service
            .inner
            .runs
            .deregister(self.session_id, self.control.id);
    }
}

/// What the tasks of one run share.
pub(crate) struct RunShared {
    pub(crate) service: SyncService,
    pub(crate) session: SyncSession,
    pub(crate) user_id: String,
    pub(crate) control: Arc<RunControl>,
    events: broadcast::Sender<SyncEvent>,
}

impl RunShared {
    pub(crate) fn emit(&self, event: SyncEvent) {
        // No receiver (the handle and its streams are gone) is fine: the store has it all.
        let _ = self.events.send(event);
    }
}

/// Registers a run over the pending records of `session`, spawns it, and returns its handle.
pub(crate) fn spawn_run(service: &SyncService, session: SyncSession, caller: &Caller) -> SyncHandle {
    let session_id = session.session_id;
    let control = service.inner.runs.register(session_id);
    let (events, receiver) = broadcast::channel(service.inner.config.event_buffer);
    let span = tracing::info_span!(
        "sync_run",
        session_id = %session_id,
        sync_type = %session.sync_type,
        user_id = %caller.user_id,
    );
    let guard = RunGuard {
        service: service.clone(),
        session_id,
        control: control.clone(),
    };
    let shared = Arc::new(RunShared {
        service: service.clone(),
        session,
        user_id: caller.user_id.clone(),
        control,
        events,
    });
    let join = tokio::spawn(run_session(shared, guard).instrument(span));
    SyncHandle::new(service.clone(), caller.clone(), session_id, receiver, join)
}

async fn run_session(run: Arc<RunShared>, guard: RunGuard) -> Result<SyncSummary, ServiceError> {
    let store = run.service.inner.store.clone();
    let session_id = run.session.session_id;
    let pending: Vec<InstanceRecord> = store
        .list_records(session_id)
        .await?
        .into_iter()
        .filter(|r| r.status == RecordStatus::Pending)
        .collect();
    tracing::info!(
        pending = pending.len(),
        total = run.session.total_instances,
        "run started"
    );
    run.emit(SyncEvent::SessionStarted {
        session_id,
        sync_type: run.session.sync_type,
        total_instances: run.session.total_instances,
        pending: pending.len() as u32,
    });

    let slots = Arc::new(Semaphore::new(run.service.inner.config.concurrency));
    let mut tasks = JoinSet::new();
    let mut task_records = HashMap::new();
    for record in pending {
        let permit = tokio::select! {
            biased;
            () = run.control.stop.cancelled() => break,
            permit = slots.clone().acquire_owned() => permit.expect("the run's semaphore is never closed"),
        };
        let span = tracing::info_span!(
            "sync_instance",
            session_id = %session_id,
            record_id = record.id,
            instance_id = record.instance_id,
            instance_name = %record.instance_name,
            user_id = %run.user_id,
        );
        let task_run = run.clone();
        let task_record = record.clone();
        let task = tasks.spawn(
            async move {
                let _slot = permit;
                sync_record(&task_run, task_record).await;
            }
            .instrument(span),
        );
        task_records.insert(task.id(), record);
        while let Some(done) = tasks.try_join_next_with_id() {
            reap(&run, &mut task_records, done).await;
        }
    }
    while let Some(done) = tasks.join_next_with_id().await {
        reap(&run, &mut task_records, done).await;
    }
    drop(guard);

    let session = store.get_session(session_id).await?;
    let records = store.list_records(session_id).await?;
    let summary = SyncSummary::new(session, &records);
    tracing::info!(
        status = %summary.session.status,
        successful = summary.session.successful_instances,
        failed = summary.session.failed_instances,
        cancelled = summary.session.cancelled_instances,
        pending = summary.pending,
        "run finished"
    );
    run.emit(SyncEvent::Finished(summary.clone()));
    Ok(summary)
}

/// A finished instance task. A task that panicked leaves its record running: fail it now
/// rather than wait for the stale-record recovery.
async fn reap(
    run: &RunShared,
    task_records: &mut HashMap<tokio::task::Id, InstanceRecord>,
    done: Result<(tokio::task::Id, ()), JoinError>,
) {
    match done {
        Ok((id, ())) => {
            task_records.remove(&id);
        }
        Err(e) => {
            let record = task_records.remove(&e.id());
            tracing::error!(error = %e, record_id = record.as_ref().map(|r| r.id), "instance task ended abnormally");
            if let Some(record) = record
                && e.is_panic()
            {
                run.control.leave(record.id);
                let current = run.service.inner.store.list_records(record.session_id).await;
                let still_running = current
                    .map(|rs| {
                        rs.iter()
                            .any(|r| r.id == record.id && r.status == RecordStatus::Running)
                    })
                    .unwrap_or(false);
                if still_running {
                    super::sync_instance::fail_record(
                        run,
                        &record,
                        "internal error: the sync of this instance panicked; see the service log".into(),
                    )
                    .await;
                }
            }
        }
    }
}
