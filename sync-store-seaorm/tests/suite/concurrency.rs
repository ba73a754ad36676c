//! Concurrency: records of one session finishing at once from several tasks, racing starts
//! of one instance, and task sessions created at once in one minute.

use crate::common::TestDb;
use crate::fixtures::{completed, failed, items, new_session, t};
use crate::on_all_backends;
use sync_core::domain::{RecordStatus, SessionStatus, SyncCategory, SyncType};
use sync_core::history::{HistoryQuery, PageRequest};
use sync_core::traits::{HistoryStore, SessionStore, StoreError};

const RECORDS: i64 = 48;
const TASKS: i64 = 8;

async fn concurrent_finishes_lose_nothing(db: &TestDb) {
    let s = &db.store;
    let instances: Vec<(i64, String)> = (1..=RECORDS).map(|i| (i, format!("db-{i:02}"))).collect();
    let refs: Vec<(i64, &str)> = instances.iter().map(|(i, n)| (*i, n.as_str())).collect();
    let (session, records) = s
        .create_session(new_session(SyncType::ManualBatch, &refs), t(0, 0))
        .await
        .unwrap();
    let ids: Vec<i64> = records.iter().map(|r| r.id).collect();
    let mut tasks = Vec::new();
    for k in 0..TASKS {
        let store = s.clone();
        let mine: Vec<(usize, i64)> = ids
            .iter()
            .copied()
            .enumerate()
            .filter(|(i, _)| *i as i64 % TASKS == k)
            .collect();
        tasks.push(tokio::spawn(async move {
            for (i, id) in mine {
                store.start_record(id, t(1, 0)).await.unwrap();
                let outcome = if i % 6 == 0 {
                    failed("unreachable")
                } else {
                    completed(items(i as u64, 1, 0, 0))
                };
                store.finish_record(id, outcome, t(2, 0)).await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let end = s.get_session(session.session_id).await.unwrap();
    let failed_n = (0..RECORDS).filter(|i| i % 6 == 0).count() as u32;
    assert_eq!(
        (
            end.successful_instances,
            end.failed_instances,
            end.cancelled_instances
        ),
        (RECORDS as u32 - failed_n, failed_n, 0)
    );
    assert_eq!(
        (end.status, end.completed_at, end.started_at),
        (SessionStatus::Failed, Some(t(2, 0)), Some(t(1, 0)))
    );
    let recs = s.list_records(session.session_id).await.unwrap();
    assert!(recs.iter().all(|r| r.status.is_terminal()));
    let synced: u64 = recs.iter().map(|r| r.items.synced).sum();
    assert_eq!(synced, (0..RECORDS as u64).filter(|i| i % 6 != 0).sum::<u64>());
    let page = s
        .history(&HistoryQuery {
            category: SyncCategory::Account,
            sync_type: None,
            status: None,
            since: None,
            until: None,
            page: PageRequest::default(),
        })
        .await
        .unwrap();
    assert_eq!(page.items[0].items.synced, synced);
}

async fn racing_starts_of_one_instance_admit_one(db: &TestDb) {
    let s = &db.store;
    let mut recs = Vec::new();
    for i in 0..8 {
        let (_, r) = s
            .create_session(new_session(SyncType::ManualSingle, &[(42, "shared")]), t(i, 0))
            .await
            .unwrap();
        recs.push(r[0].clone());
    }
    let handles: Vec<_> = recs
        .iter()
        .map(|r| {
            let (store, id) = (s.clone(), r.id);
            tokio::spawn(async move { store.start_record(id, t(100, 0)).await })
        })
        .collect();
    let mut winners = Vec::new();
    let mut busy = Vec::new();
    for h in handles {
        match h.await.unwrap() {
            Ok(r) => winners.push(r),
            Err(StoreError::InstanceBusy {
                instance_id,
                session_id,
                ..
            }) => busy.push((instance_id, session_id)),
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert_eq!(winners.len(), 1, "busy: {busy:?}");
    assert_eq!(busy.len(), 7);
    let winner = winners[0].session_id.to_string();
    assert!(busy.iter().all(|(i, sid)| *i == 42 && *sid == winner));
    for r in &recs {
        let status = s.list_records(r.session_id).await.unwrap()[0].status;
        let expect = if r.id == winners[0].id {
            RecordStatus::Running
        } else {
            RecordStatus::Pending
        };
        assert_eq!(status, expect);
    }
}

async fn task_sessions_created_at_once_share_one_group(db: &TestDb) {
    let s = &db.store;
    let handles: Vec<_> = (0..12)
        .map(|i| {
            let store = s.clone();
            let ty = if i % 2 == 0 {
                SyncType::ManualTask
            } else {
                SyncType::ScheduledTask
            };
            tokio::spawn(async move {
                store
                    .create_session(new_session(ty, &[(i, "x")]), t(0, i as u32 * 1000))
                    .await
                    .unwrap()
            })
        })
        .collect();
    for h in handles {
        h.await.unwrap();
    }
    let q = HistoryQuery {
        category: SyncCategory::Account,
        sync_type: None,
        status: None,
        since: None,
        until: None,
        page: PageRequest::default(),
    };
    let page = s.history(&q).await.unwrap();
    assert_eq!((page.total, page.items.len()), (1, 1));
    assert_eq!(page.items[0].session_ids.len(), 12);
    assert_eq!(page.items[0].total_instances, 12);
    assert_eq!(page.items[0].created_at, t(0, 11_000));
    for ty in [SyncType::ManualTask, SyncType::ScheduledTask] {
        let p = s
            .history(&HistoryQuery {
                sync_type: Some(ty),
                ..q.clone()
            })
            .await
            .unwrap();
        assert_eq!((p.total, p.items[0].session_ids.len()), (1, 6));
    }
}

on_all_backends!(
    concurrent_finishes_lose_nothing,
    racing_starts_of_one_instance_admit_one,
    task_sessions_created_at_once_share_one_group
);
