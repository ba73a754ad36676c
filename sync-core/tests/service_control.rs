//! Cancel, pause/resume, concurrent runs, crash recovery.

mod support;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use support::*;
use sync_core::account::{AccountDiff, ChangeLogEntry, ChangeQuery, InventoryAccount};
use sync_core::domain::{
    Instance, InstanceId, InstanceRecord, ItemCounts, NewInstance, RecordStatus, SessionId, SessionStatus,
    SyncSession, SyncType,
};
use sync_core::history::{BatchDetails, HistoryPage, HistoryQuery, SessionDetails};
use sync_core::memory::MemoryStore;
use sync_core::service::{Caller, ServiceConfig, ServiceError, SyncService, SyncSummary};
use sync_core::traits::{
    HistoryStore, InstanceListFilter, InstanceStore, InventoryStore, NewSession, RecordOutcome, SessionStore,
    StoreError,
};

const CANCELLED: &str =
    "cancelled: the session was cancelled while this instance was being synced; its inventory is unchanged";

fn statuses(records: &[InstanceRecord]) -> Vec<(String, RecordStatus)> {
    records
        .iter()
        .map(|r| (r.instance_name.clone(), r.status))
        .collect()
}

fn counters(s: &SyncSession) -> (SessionStatus, u32, u32, u32, u32) {
    (
        s.status,
        s.total_instances,
        s.successful_instances,
        s.failed_instances,
        s.cancelled_instances,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cancel_mid_run_stops_everything_and_stays_cancelled() {
    let fake = FakeConnector::new(Duration::from_millis(2), Behaviour::Accounts(2));
    fake.set("db-002", Behaviour::HangUntilCancelled);
    // Ignores the token: the service must stop it anyway.
    fake.set("db-003", Behaviour::Forever);
    let env = Env::new(6, config(2), fake).await;
    let handle = env
        .service
        .sync_all(&alice(), SyncType::ManualBatch)
        .await
        .unwrap();
    wait_until("db-002 and db-003 are being read", || {
        env.fake.stats("db-002").calls == 1 && env.fake.stats("db-003").calls == 1
    })
    .await;
    let cancelled = handle.cancel().await.unwrap();
    assert_eq!(counters(&cancelled), (SessionStatus::Cancelled, 6, 2, 0, 2));
    let cancelled_at = cancelled.completed_at;
    let summary = handle.await.unwrap();
    assert_eq!(counters(&summary.session), (SessionStatus::Cancelled, 6, 2, 2, 2));
    assert_eq!(summary.session.completed_at, cancelled_at);
    assert_eq!((summary.pending, summary.running), (0, 0));
    let failures: Vec<(&str, &str)> = summary
        .failures
        .iter()
        .map(|f| (f.instance_name.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(failures, [("db-002", CANCELLED), ("db-003", CANCELLED)]);
    let records = env.store.list_records(summary.session.session_id).await.unwrap();
    assert_eq!(
        statuses(&records),
        [
            ("db-000".to_string(), RecordStatus::Completed),
            ("db-001".into(), RecordStatus::Completed),
            ("db-002".into(), RecordStatus::Failed),
            ("db-003".into(), RecordStatus::Failed),
            ("db-004".into(), RecordStatus::Cancelled),
            ("db-005".into(), RecordStatus::Cancelled),
        ]
    );
    assert_eq!(env.fake.stats("db-004").calls + env.fake.stats("db-005").calls, 0);
    assert_eq!(env.fake.in_flight(), 0);
    // Nothing written for the stopped instances.
    assert!(env.store.load_inventory(env.ids[2]).await.unwrap().is_empty());
    // Later operations never overwrite it.
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(
        env.store.get_session(summary.session.session_id).await.unwrap(),
        summary.session
    );
    assert!(matches!(
        env.service.resume(&alice(), summary.session.session_id).await,
        Err(ServiceError::Transition(_))
    ));
    assert!(matches!(
        env.service.pause(&alice(), summary.session.session_id).await,
        Err(ServiceError::Transition(_))
    ));
    assert!(matches!(
        env.service.cancel(&alice(), summary.session.session_id).await,
        Err(ServiceError::Transition(_))
    ));
    assert_eq!(
        env.store.get_session(summary.session.session_id).await.unwrap(),
        summary.session
    );
    let ended = env.recorder.ended.lock().unwrap();
    assert_eq!(ended.len(), 1);
    assert_eq!(
        counters(&ended[0].session),
        (SessionStatus::Cancelled, 6, 2, 2, 2)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pause_then_resume_finishes_with_correct_counts() {
    let fake = FakeConnector::new(Duration::from_millis(1), Behaviour::Accounts(1));
    for i in 0..5 {
        fake.set(&name(i), Behaviour::Accounts(i + 1));
    }
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    fake.set("db-001", Behaviour::Gate(gate.clone(), 2));
    let env = Env::new(5, config(1), fake).await;
    let handle = env
        .service
        .sync_all(&alice(), SyncType::ManualBatch)
        .await
        .unwrap();
    let sid = handle.session_id();
    wait_until("db-001 is being read", || env.fake.stats("db-001").calls == 1).await;
    assert!(matches!(handle.resume().await, Err(ServiceError::AlreadyRunning(id)) if id == sid));
    let paused = handle.pause().await.unwrap();
    assert_eq!(paused.status, SessionStatus::Paused);
    gate.add_permits(1);
    let first = handle.await.unwrap();
    assert_eq!(counters(&first.session), (SessionStatus::Paused, 5, 2, 0, 0));
    assert_eq!((first.pending, first.running), (3, 0));
    assert_eq!(
        first.items,
        ItemCounts {
            synced: 3,
            created: 3,
            updated: 0,
            deleted: 0
        }
    );
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(env.fake.stats("db-002").calls, 0, "nothing starts while paused");
    assert!(env.recorder.ended.lock().unwrap().is_empty());

    let resumed = env.service.resume(&alice(), sid).await.unwrap();
    let done = resumed.await.unwrap();
    assert_eq!(counters(&done.session), (SessionStatus::Completed, 5, 5, 0, 0));
    assert_eq!(
        done.items,
        ItemCounts {
            synced: 1 + 2 + 3 + 4 + 5,
            created: 15,
            updated: 0,
            deleted: 0
        }
    );
    assert_eq!((done.pending, done.running), (0, 0));
    for i in 0..5 {
        assert_eq!(env.fake.stats(&name(i)).calls, 1);
    }
    assert_eq!(env.recorder.ended.lock().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_runs_never_sync_one_instance_twice_and_lose_no_counter() {
    let fake = FakeConnector::new(Duration::from_millis(3), Behaviour::Accounts(2));
    // db-000 is held until the second run has found it busy, so the runs do collide.
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    fake.set("db-000", Behaviour::Gate(gate.clone(), 2));
    let env = Env::new(30, config(4), fake).await;
    let (alice, bob) = (alice(), Caller::operator("bob"));
    let (a, b) = tokio::join!(
        env.service.sync_all(&alice, SyncType::ManualBatch),
        env.service.sync_all(&bob, SyncType::ScheduledTask),
    );
    wait_until("db-000 is refused to one run", || {
        env.store
            .records()
            .iter()
            .any(|r| r.instance_name == "db-000" && r.status == RecordStatus::Failed)
    })
    .await;
    gate.add_permits(1);
    let (a, b) = tokio::join!(a.unwrap(), b.unwrap());
    let (a, b) = (a.unwrap(), b.unwrap());
    for (name, s) in env.fake.all_stats() {
        assert_eq!(s.max, 1, "{name} was read by two runs at once");
    }
    let mut completed_per_instance: BTreeMap<String, usize> = BTreeMap::new();
    let mut busy = 0;
    for summary in [&a, &b] {
        let records = env.store.list_records(summary.session.session_id).await.unwrap();
        let ok = records
            .iter()
            .filter(|r| r.status == RecordStatus::Completed)
            .count() as u32;
        let failed = records
            .iter()
            .filter(|r| r.status == RecordStatus::Failed)
            .count() as u32;
        assert_eq!(ok + failed, 30);
        assert_eq!(
            (
                summary.session.successful_instances,
                summary.session.failed_instances
            ),
            (ok, failed)
        );
        let expected = if failed == 0 {
            SessionStatus::Completed
        } else {
            SessionStatus::Failed
        };
        assert_eq!(summary.session.status, expected);
        for r in &records {
            match r.status {
                RecordStatus::Completed => {
                    *completed_per_instance.entry(r.instance_name.clone()).or_default() += 1
                }
                _ => {
                    let m = r.error_message.as_deref().unwrap();
                    assert!(m.contains("is already being synced by session"), "{m}");
                    busy += 1;
                }
            }
        }
    }
    let stats = env.fake.all_stats();
    assert_eq!(
        completed_per_instance.len(),
        30,
        "every instance synced at least once"
    );
    for (name, n) in &completed_per_instance {
        assert_eq!(stats[name].completed, *n, "{name}");
    }
    assert_eq!(
        a.session.successful_instances + b.session.successful_instances,
        env.fake.total_calls() as u32
    );
    assert_eq!(busy, 60 - env.fake.total_calls());
    assert!(busy >= 1, "db-000 was held until the other run found it busy");
    assert_eq!(a.session.created_by.as_deref(), Some("alice"));
    assert_eq!(b.session.created_by.as_deref(), Some("bob"));
}

/// A store that lets `allowed` records start and then blocks every further start forever:
/// the run is frozen between records, as a process can be when it dies.
struct FreezingStore {
    inner: Arc<MemoryStore>,
    allowed: usize,
    starts: AtomicUsize,
}

#[async_trait]
impl InstanceStore for FreezingStore {
    async fn add_instance(&self, new: NewInstance) -> Result<Instance, StoreError> {
        self.inner.add_instance(new).await
    }
    async fn get_instance(&self, id: InstanceId) -> Result<Instance, StoreError> {
        self.inner.get_instance(id).await
    }
    async fn find_instance(&self, name: &str) -> Result<Option<Instance>, StoreError> {
        self.inner.find_instance(name).await
    }
    async fn list_instances(&self, filter: InstanceListFilter) -> Result<Vec<Instance>, StoreError> {
        self.inner.list_instances(filter).await
    }
    async fn update_instance(&self, id: InstanceId, update: NewInstance) -> Result<Instance, StoreError> {
        self.inner.update_instance(id, update).await
    }
    async fn set_instance_active(&self, id: InstanceId, active: bool) -> Result<Instance, StoreError> {
        self.inner.set_instance_active(id, active).await
    }
    async fn delete_instance(&self, id: InstanceId, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.inner.delete_instance(id, at).await
    }
    async fn mark_instance_synced(
        &self,
        id: InstanceId,
        at: DateTime<Utc>,
        server_version: Option<String>,
        count_single: bool,
    ) -> Result<(), StoreError> {
        self.inner
            .mark_instance_synced(id, at, server_version, count_single)
            .await
    }
}

#[async_trait]
impl SessionStore for FreezingStore {
    async fn create_session(
        &self,
        new: NewSession,
        now: DateTime<Utc>,
    ) -> Result<(SyncSession, Vec<InstanceRecord>), StoreError> {
        self.inner.create_session(new, now).await
    }
    async fn get_session(&self, id: SessionId) -> Result<SyncSession, StoreError> {
        self.inner.get_session(id).await
    }
    async fn list_records(&self, id: SessionId) -> Result<Vec<InstanceRecord>, StoreError> {
        self.inner.list_records(id).await
    }
    async fn start_record(&self, record_id: i64, now: DateTime<Utc>) -> Result<InstanceRecord, StoreError> {
        if self.starts.fetch_add(1, Ordering::SeqCst) >= self.allowed {
            std::future::pending::<()>().await;
        }
        self.inner.start_record(record_id, now).await
    }
    async fn finish_record(
        &self,
        record_id: i64,
        outcome: RecordOutcome,
        now: DateTime<Utc>,
    ) -> Result<SyncSession, StoreError> {
        self.inner.finish_record(record_id, outcome, now).await
    }
    async fn pause_session(&self, id: SessionId, now: DateTime<Utc>) -> Result<SyncSession, StoreError> {
        self.inner.pause_session(id, now).await
    }
    async fn resume_session(&self, id: SessionId, now: DateTime<Utc>) -> Result<SyncSession, StoreError> {
        self.inner.resume_session(id, now).await
    }
    async fn cancel_session(&self, id: SessionId, now: DateTime<Utc>) -> Result<SyncSession, StoreError> {
        self.inner.cancel_session(id, now).await
    }
    async fn stale_records(&self, started_before: DateTime<Utc>) -> Result<Vec<InstanceRecord>, StoreError> {
        self.inner.stale_records(started_before).await
    }
    async fn open_sessions(&self) -> Result<Vec<SyncSession>, StoreError> {
        self.inner.open_sessions().await
    }
}

#[async_trait]
impl InventoryStore for FreezingStore {
    async fn load_inventory(&self, instance_id: InstanceId) -> Result<Vec<InventoryAccount>, StoreError> {
        self.inner.load_inventory(instance_id).await
    }
    async fn apply_account_diff(
        &self,
        instance_id: InstanceId,
        session_id: SessionId,
        diff: &AccountDiff,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.inner
            .apply_account_diff(instance_id, session_id, diff, at)
            .await
    }
    async fn list_changes(&self, query: &ChangeQuery) -> Result<Vec<ChangeLogEntry>, StoreError> {
        self.inner.list_changes(query).await
    }
}

#[async_trait]
impl HistoryStore for FreezingStore {
    async fn history(&self, query: &HistoryQuery) -> Result<HistoryPage, StoreError> {
        self.inner.history(query).await
    }
    async fn session_details(&self, id: SessionId) -> Result<SessionDetails, StoreError> {
        self.inner.session_details(id).await
    }
    async fn batch_details(&self, ids: &[SessionId]) -> Result<BatchDetails, StoreError> {
        self.inner.batch_details(ids).await
    }
    async fn failed_details(&self, ids: &[SessionId]) -> Result<BatchDetails, StoreError> {
        self.inner.failed_details(ids).await
    }
}

/// A fresh service over `store` with its own connector double: the restarted process.
fn restarted(store: Arc<dyn sync_core::traits::Store>, fake: Arc<FakeConnector>) -> SyncService {
    SyncService::builder(store, Arc::new(FakeCredentials))
        .connector(fake)
        .config(config(3))
        .build()
        .unwrap()
}

fn per_instance(records: &[InstanceRecord]) -> BTreeMap<String, (RecordStatus, ItemCounts)> {
    records
        .iter()
        .map(|r| (r.instance_name.clone(), (r.status, r.items)))
        .collect()
}

async fn clean_run(n: usize) -> (SyncSummary, Vec<InstanceRecord>) {
    let fake = FakeConnector::new(Duration::from_millis(1), Behaviour::Accounts(1));
    for i in 0..n {
        fake.set(&name(i), Behaviour::Accounts(i + 2));
    }
    let env = Env::new(n, config(3), fake).await;
    let summary = env
        .service
        .sync_all(&alice(), SyncType::ManualBatch)
        .await
        .unwrap()
        .await
        .unwrap();
    let records = env.store.list_records(summary.session.session_id).await.unwrap();
    (summary, records)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn crash_between_records_then_recover_and_resume_equals_a_clean_run() {
    let (clean, clean_records) = clean_run(10).await;

    let store = Arc::new(MemoryStore::new());
    for i in 0..10 {
        store.add_instance(instance(&name(i))).await.unwrap();
    }
    let fake = FakeConnector::new(Duration::from_millis(1), Behaviour::Accounts(1));
    for i in 0..10 {
        fake.set(&name(i), Behaviour::Accounts(i + 2));
    }
    let freezing = Arc::new(FreezingStore {
        inner: store.clone(),
        allowed: 4,
        starts: AtomicUsize::new(0),
    });
    let dying = restarted(freezing, fake.clone());
    let handle = dying.sync_all(&alice(), SyncType::ManualBatch).await.unwrap();
    let sid = handle.session_id();
    wait_until("4 records completed", || {
        store
            .records()
            .iter()
            .filter(|r| r.status == RecordStatus::Completed)
            .count()
            == 4
    })
    .await;
    handle.abort();
    assert_eq!(handle.await.unwrap_err(), ServiceError::Aborted(sid));
    let at_crash = store.get_session(sid).await.unwrap();
    assert_eq!(counters(&at_crash), (SessionStatus::Running, 10, 4, 0, 0));

    let service = restarted(store.clone(), fake);
    let report = service
        .recover_stale_older_than(&alice(), Duration::ZERO)
        .await
        .unwrap();
    assert!(report.failed.is_empty() && report.sessions.is_empty());
    assert_eq!(service.open_sessions(&alice()).await.unwrap()[0].session_id, sid);
    let done = service.resume(&alice(), sid).await.unwrap().await.unwrap();

    assert_eq!(counters(&done.session), counters(&clean.session));
    assert_eq!(done.items, clean.items);
    assert_eq!(done.items.synced, (2..12).sum::<u64>());
    let records = store.list_records(sid).await.unwrap();
    assert_eq!(per_instance(&records), per_instance(&clean_records));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn crash_with_reads_in_flight_then_recover_resume_and_retry_equals_a_clean_run() {
    let (clean, clean_records) = clean_run(8).await;

    let fake = FakeConnector::new(Duration::from_millis(1), Behaviour::Accounts(1));
    for i in 0..8 {
        fake.set(&name(i), Behaviour::Accounts(i + 2));
    }
    fake.set("db-002", Behaviour::Forever);
    fake.set("db-003", Behaviour::Forever);
    let env = Env::new(8, config(2), fake).await;
    let handle = env
        .service
        .sync_all(&alice(), SyncType::ManualBatch)
        .await
        .unwrap();
    let sid = handle.session_id();
    wait_until("db-002 and db-003 hang", || {
        env.fake.in_flight() == 2 && env.fake.stats("db-003").calls == 1
    })
    .await;
    handle.abort();
    assert_eq!(handle.await.unwrap_err(), ServiceError::Aborted(sid));
    let records = env.store.list_records(sid).await.unwrap();
    let running: Vec<&str> = records
        .iter()
        .filter(|r| r.status == RecordStatus::Running)
        .map(|r| r.instance_name.as_str())
        .collect();
    assert_eq!(running, ["db-002", "db-003"]);
    assert_eq!(
        records
            .iter()
            .filter(|r| r.status == RecordStatus::Pending)
            .count(),
        4
    );

    // The restarted process: recover with a lease that has expired, then resume.
    let fake = FakeConnector::new(Duration::from_millis(1), Behaviour::Accounts(1));
    for i in 0..8 {
        fake.set(&name(i), Behaviour::Accounts(i + 2));
    }
    let service = restarted(env.store.clone(), fake.clone());
    assert!(
        service.recover_stale(&alice()).await.unwrap().failed.is_empty(),
        "not stale within the lease"
    );
    let report = service
        .recover_stale_older_than(&alice(), Duration::ZERO)
        .await
        .unwrap();
    let failed: Vec<(&str, &str)> = report
        .failed
        .iter()
        .map(|f| (f.instance_name.as_str(), f.message.as_str()))
        .collect();
    let message = "recovered as stale: the record was still running more than 0ns after it started, so the worker \
                   syncing it stopped (crash or restart); recovered by \"alice\"";
    assert_eq!(failed, [("db-002", message), ("db-003", message)]);
    assert_eq!(report.sessions.len(), 1);
    assert_eq!(
        counters(&report.sessions[0]),
        (SessionStatus::Running, 8, 2, 2, 0)
    );

    let resumed = service.resume(&alice(), sid).await.unwrap().await.unwrap();
    assert_eq!(counters(&resumed.session), (SessionStatus::Failed, 8, 6, 2, 0));
    assert_eq!(fake.stats("db-002").calls + fake.stats("db-003").calls, 0);
    let retry = service.retry_failed(&alice(), sid).await.unwrap().await.unwrap();
    assert_eq!(counters(&retry.session), (SessionStatus::Completed, 2, 2, 0, 0));

    // Together the two sessions did exactly what one clean run does.
    let mut latest = per_instance(&env.store.list_records(sid).await.unwrap());
    latest.extend(per_instance(
        &env.store.list_records(retry.session.session_id).await.unwrap(),
    ));
    assert_eq!(latest, per_instance(&clean_records));
    let mut items = resumed.items;
    items += retry.items;
    assert_eq!(items, clean.items);
    let batch = service
        .batch_details(&alice(), &[sid, retry.session.session_id])
        .await
        .unwrap();
    assert_eq!((batch.completed, batch.failed, batch.items), (8, 0, clean.items));
}

#[tokio::test]
async fn absurd_leases_and_timeouts_are_errors_not_panics() {
    let fake = FakeConnector::new(Duration::from_millis(1), Behaviour::Accounts(1));
    let env = Env::new(1, config(1), fake.clone()).await;
    let err = env
        .service
        .recover_stale_older_than(&alice(), Duration::from_secs(99_999_999_999_999 * 60))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ServiceError::InvalidRequest(m) if m.contains("is too long")),
        "{err:?}"
    );

    let huge = Duration::from_secs(99_999_999_999_999);
    for cfg in [
        ServiceConfig {
            instance_timeout: huge,
            stale_lease: huge * 2,
            ..config(1)
        },
        ServiceConfig {
            stale_lease: huge,
            ..config(1)
        },
    ] {
        let err = SyncService::builder(env.store.clone(), Arc::new(FakeCredentials))
            .connector(fake.clone())
            .config(cfg)
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("must be at most"), "{err}");
    }
}
