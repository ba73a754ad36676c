//! The store semantics of [`MemoryStore`], with exact values.

use super::MemoryStore;
use crate::account::{AccountKey, AccountKind, AccountSet, AccountSnapshot, ChangeQuery, diff_accounts};
use crate::domain::{
    ChangeKind, CredentialRef, DbType, InstanceId, ItemCounts, NewInstance, RecordStatus, SecretSource,
    SessionStatus, SyncCategory, SyncDetails, SyncType,
};
use crate::history::{self, HistoryRequest, SessionWithItems};
use crate::traits::{
    HistoryStore, InstanceListFilter, InstanceStore, InventoryStore, NewSession, RecordOutcome, SessionStore,
    StoreError,
};
use crate::{QueryError, account::DiffSummary};
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::sync::Arc;

fn t(sec: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap() + Duration::seconds(sec)
}

fn new_instance(name: &str) -> NewInstance {
    NewInstance {
        name: name.into(),
        db_type: DbType::Mysql,
        host: "127.0.0.1".into(),
        port: 3306,
        database: None,
        inspect_databases: vec![],
        is_active: true,
        credential: CredentialRef {
            user: "sync".into(),
            secret: SecretSource::Env { var: "X".into() },
        },
    }
}

async fn store_with(names: &[&str]) -> (MemoryStore, Vec<InstanceId>) {
    let store = MemoryStore::new();
    let mut ids = vec![];
    for n in names {
        ids.push(store.add_instance(new_instance(n)).await.unwrap().id);
    }
    (store, ids)
}

fn new_session(instances: &[(InstanceId, &str)]) -> NewSession {
    NewSession {
        sync_type: SyncType::ManualBatch,
        sync_category: SyncCategory::Account,
        created_by: Some("alice".into()),
        instances: instances.iter().map(|(i, n)| (*i, n.to_string())).collect(),
    }
}

fn completed(synced: u64) -> RecordOutcome {
    RecordOutcome::Completed {
        items: ItemCounts {
            synced,
            created: synced,
            updated: 0,
            deleted: 0,
        },
        details: SyncDetails {
            version: 1,
            breakdown: DiffSummary {
                added: synced,
                ..DiffSummary::default()
            },
            read_ms: 1,
            write_ms: 1,
            server_version: None,
            warnings: vec![],
        },
    }
}

#[tokio::test]
async fn instances_conflict_filters_and_counts() {
    let (store, ids) = store_with(&["b", "a", "c"]).await;
    let err = store.add_instance(new_instance("a")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "conflict: an instance named \"a\" already exists"
    );
    store.set_instance_active(ids[2], false).await.unwrap();
    store.delete_instance(ids[0], t(0)).await.unwrap();
    let names = |v: Vec<crate::domain::Instance>| v.into_iter().map(|i| i.name).collect::<Vec<_>>();
    assert_eq!(
        names(store.list_instances(InstanceListFilter::default()).await.unwrap()),
        ["a"]
    );
    let everything = InstanceListFilter {
        include_inactive: true,
        include_deleted: true,
    };
    assert_eq!(
        names(store.list_instances(everything).await.unwrap()),
        ["a", "b", "c"]
    );
    // The name of a deleted instance can be reused.
    store.add_instance(new_instance("b")).await.unwrap();
    assert!(
        store
            .find_instance("b")
            .await
            .unwrap()
            .unwrap()
            .deleted_at
            .is_none()
    );

    store
        .mark_instance_synced(ids[1], t(5), Some("10.11".into()), true)
        .await
        .unwrap();
    store
        .mark_instance_synced(ids[1], t(6), Some("10.12".into()), false)
        .await
        .unwrap();
    let a = store.get_instance(ids[1]).await.unwrap();
    assert_eq!(
        (a.sync_count, a.last_synced_at, a.server_version.as_deref()),
        (1, Some(t(6)), Some("10.12"))
    );
    assert_eq!(
        store.get_instance(99).await.unwrap_err(),
        StoreError::NotFound {
            entity: "instance",
            id: "99".into()
        }
    );
}

/// An update changes the settings in place: same id, inventory, change log and counters.
#[tokio::test]
async fn update_instance_in_place() {
    let (store, ids) = store_with(&["a", "b", "gone"]).await;
    let (s, _) = store
        .create_session(new_session(&[(ids[0], "a")]), t(0))
        .await
        .unwrap();
    let fresh: AccountSet = ["x", "y"]
        .iter()
        .map(|n| {
            (
                AccountKey::mysql(*n, "%"),
                AccountSnapshot::new(AccountKind::User),
            )
        })
        .collect();
    let diff = diff_accounts(&[], &fresh);
    store
        .apply_account_diff(ids[0], s.session_id, &diff, t(1))
        .await
        .unwrap();
    store
        .mark_instance_synced(ids[0], t(2), Some("10.11".into()), true)
        .await
        .unwrap();
    store.delete_instance(ids[2], t(3)).await.unwrap();
    let before = store.get_instance(ids[0]).await.unwrap();
    let inventory = store.load_inventory(ids[0]).await.unwrap();
    let changes = ChangeQuery {
        instance_id: ids[0],
        since: None,
        limit: None,
    };
    let log = store.list_changes(&changes).await.unwrap();
    assert_eq!(log.len(), 2);

    let mut update = before.settings();
    update.host = "10.0.0.9".into();
    update.port = 3307;
    update.database = Some("mysql".into());
    update.is_active = false;
    update.credential = CredentialRef {
        user: "reader".into(),
        secret: SecretSource::File {
            path: "/run/secrets/reader".into(),
        },
    };
    let updated = store.update_instance(ids[0], update.clone()).await.unwrap();
    assert_eq!(
        (
            updated.id,
            updated.name.as_str(),
            updated.host.as_str(),
            updated.port,
            updated.database.as_deref(),
            updated.is_active,
            updated.credential.to_string()
        ),
        (
            ids[0],
            "a",
            "10.0.0.9",
            3307,
            Some("mysql"),
            false,
            "reader (password from file /run/secrets/reader)".to_owned()
        )
    );
    assert_eq!(
        (
            updated.sync_count,
            updated.last_synced_at,
            updated.server_version.as_deref(),
            updated.created_at,
            updated.deleted_at
        ),
        (1, Some(t(2)), Some("10.11"), before.created_at, None)
    );
    assert!(updated.updated_at >= before.updated_at);
    assert_eq!(updated.settings(), update);
    assert_eq!(store.get_instance(ids[0]).await.unwrap(), updated);
    assert_eq!(store.load_inventory(ids[0]).await.unwrap(), inventory);
    assert_eq!(store.list_changes(&changes).await.unwrap(), log);

    // Renames: not onto another live instance, but onto a deleted one's name.
    let mut taken = updated.settings();
    taken.name = "b".into();
    assert_eq!(
        store.update_instance(ids[0], taken).await.unwrap_err(),
        StoreError::Conflict("an instance named \"b\" already exists".into())
    );
    let mut reuse = updated.settings();
    reuse.name = "gone".into();
    let renamed = store.update_instance(ids[0], reuse).await.unwrap();
    assert_eq!((renamed.id, renamed.name.as_str()), (ids[0], "gone"));
    assert_eq!(store.find_instance("a").await.unwrap(), None);
    assert_eq!(store.find_instance("gone").await.unwrap().unwrap().id, ids[0]);

    // A db_type change is refused and writes nothing.
    let mut family = renamed.settings();
    family.db_type = DbType::Postgresql;
    family.host = "elsewhere".into();
    let err = store.update_instance(ids[0], family).await.unwrap_err();
    assert_eq!(
        err,
        StoreError::DbTypeChange {
            id: ids[0],
            name: "gone".into(),
            from: DbType::Mysql,
            to: DbType::Postgresql
        }
    );
    assert_eq!(
        err.to_string(),
        format!(
            "instance gone (id {}) is a mysql instance and cannot become postgresql: its inventory \
             belongs to one server family; remove it and add a new instance",
            ids[0]
        )
    );
    assert_eq!(store.get_instance(ids[0]).await.unwrap(), renamed);

    // Unknown and deleted ids are not found.
    for id in [99, ids[2]] {
        assert_eq!(
            store.update_instance(id, new_instance("z")).await.unwrap_err(),
            StoreError::NotFound {
                entity: "instance",
                id: id.to_string()
            }
        );
    }
}

#[tokio::test]
async fn start_record_rules() {
    let (store, ids) = store_with(&["a", "b"]).await;
    let (s1, r1) = store
        .create_session(new_session(&[(ids[0], "a"), (ids[1], "b")]), t(0))
        .await
        .unwrap();
    assert_eq!(
        (s1.total_instances, s1.status, r1.len()),
        (2, SessionStatus::Pending, 2)
    );
    let (_s2, r2) = store
        .create_session(new_session(&[(ids[0], "a")]), t(1))
        .await
        .unwrap();

    let started = store.start_record(r1[0].id, t(2)).await.unwrap();
    assert_eq!(
        (started.status, started.started_at),
        (RecordStatus::Running, Some(t(2)))
    );
    let s1_now = store.get_session(s1.session_id).await.unwrap();
    assert_eq!(
        (s1_now.status, s1_now.started_at),
        (SessionStatus::Running, Some(t(2)))
    );

    // Same instance, another session: busy.
    let busy = store.start_record(r2[0].id, t(3)).await.unwrap_err();
    assert_eq!(
        busy.to_string(),
        format!(
            "instance a (id {}) is already being synced by session {}",
            ids[0], s1.session_id
        )
    );
    // Not pending any more.
    let again = store.start_record(r1[0].id, t(3)).await.unwrap_err();
    assert_eq!(
        again.to_string(),
        "illegal record transition from running to running: allowed from running: completed, failed"
    );
    // Paused session: no new start.
    store.pause_session(s1.session_id, t(4)).await.unwrap();
    let paused = store.start_record(r1[1].id, t(5)).await.unwrap_err();
    assert_eq!(
        paused.to_string(),
        format!(
            "illegal record transition from pending to running: its session {} is paused; records start only \
             while their session is pending or running",
            s1.session_id
        )
    );
    // After the running record ends, the other session may start the instance.
    store.finish_record(r1[0].id, completed(3), t(6)).await.unwrap();
    assert_eq!(
        store.start_record(r2[0].id, t(7)).await.unwrap().status,
        RecordStatus::Running
    );
    // The refused operations changed nothing.
    assert_eq!(
        store.list_records(s1.session_id).await.unwrap()[1].status,
        RecordStatus::Pending
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_finishes_lose_no_update() {
    let names: Vec<String> = (0..200).map(|i| format!("db{i:03}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let (store, ids) = store_with(&refs).await;
    let store = Arc::new(store);
    let list: Vec<(InstanceId, &str)> = ids.iter().copied().zip(refs.iter().copied()).collect();
    let (session, records) = store.create_session(new_session(&list), t(0)).await.unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, r) in records.into_iter().enumerate() {
        let store = store.clone();
        tasks.spawn(async move {
            store.start_record(r.id, t(1)).await.unwrap();
            let outcome = if i % 10 == 0 {
                RecordOutcome::Failed {
                    message: "boom".into(),
                }
            } else {
                completed(i as u64)
            };
            store.finish_record(r.id, outcome, t(2)).await.unwrap();
        });
    }
    while let Some(r) = tasks.join_next().await {
        r.unwrap();
    }
    let s = store.get_session(session.session_id).await.unwrap();
    assert_eq!(
        (s.successful_instances, s.failed_instances, s.cancelled_instances),
        (180, 20, 0)
    );
    assert_eq!((s.status, s.completed_at), (SessionStatus::Failed, Some(t(2))));
    let details = store.session_details(session.session_id).await.unwrap();
    let expected: u64 = (0..200u64).filter(|i| i % 10 != 0).sum();
    assert_eq!(details.items.synced, expected);
    assert_eq!(details.progress, 1.0);
}

#[tokio::test]
async fn cancel_counts_pending_and_stays_cancelled() {
    let (store, ids) = store_with(&["a", "b", "c"]).await;
    let (s, r) = store
        .create_session(new_session(&[(ids[0], "a"), (ids[1], "b"), (ids[2], "c")]), t(0))
        .await
        .unwrap();
    store.start_record(r[0].id, t(1)).await.unwrap();
    let cancelled = store.cancel_session(s.session_id, t(2)).await.unwrap();
    assert_eq!(
        (
            cancelled.status,
            cancelled.cancelled_instances,
            cancelled.completed_at
        ),
        (SessionStatus::Cancelled, 2, Some(t(2)))
    );
    let statuses: Vec<RecordStatus> = store
        .list_records(s.session_id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(
        statuses,
        [
            RecordStatus::Running,
            RecordStatus::Cancelled,
            RecordStatus::Cancelled
        ]
    );
    // The running record ends later: counted, the status stays.
    let after = store
        .finish_record(
            r[0].id,
            RecordOutcome::Failed {
                message: "cancelled".into(),
            },
            t(3),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            after.status,
            after.failed_instances,
            after.finished_instances(),
            after.completed_at
        ),
        (SessionStatus::Cancelled, 1, 3, Some(t(2)))
    );
    assert!(store.cancel_session(s.session_id, t(4)).await.is_err());
    assert!(store.resume_session(s.session_id, t(4)).await.is_err());
    assert!(store.open_sessions().await.unwrap().is_empty());
}

#[tokio::test]
async fn stale_records_and_open_sessions() {
    let (store, ids) = store_with(&["a", "b"]).await;
    let (s, r) = store
        .create_session(new_session(&[(ids[0], "a"), (ids[1], "b")]), t(0))
        .await
        .unwrap();
    store.start_record(r[0].id, t(10)).await.unwrap();
    store.start_record(r[1].id, t(20)).await.unwrap();
    let ids_of = |v: Vec<crate::domain::InstanceRecord>| v.into_iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(
        ids_of(store.stale_records(t(10)).await.unwrap()),
        Vec::<i64>::new()
    );
    assert_eq!(ids_of(store.stale_records(t(11)).await.unwrap()), [r[0].id]);
    assert_eq!(
        ids_of(store.stale_records(t(21)).await.unwrap()),
        [r[0].id, r[1].id]
    );
    assert_eq!(store.open_sessions().await.unwrap()[0].session_id, s.session_id);
    store.finish_record(r[0].id, completed(1), t(30)).await.unwrap();
    let closed = store.finish_record(r[1].id, completed(2), t(31)).await.unwrap();
    assert_eq!(closed.status, SessionStatus::Completed);
    assert!(store.stale_records(t(100)).await.unwrap().is_empty());
    assert!(store.open_sessions().await.unwrap().is_empty());
}

#[tokio::test]
async fn inventory_diff_and_change_log() {
    let (store, ids) = store_with(&["a"]).await;
    let (s, _) = store
        .create_session(new_session(&[(ids[0], "a")]), t(0))
        .await
        .unwrap();
    let set = |names: &[&str]| -> AccountSet {
        names
            .iter()
            .map(|n| {
                (
                    AccountKey::mysql(*n, "%"),
                    AccountSnapshot::new(AccountKind::User),
                )
            })
            .collect()
    };
    let d1 = diff_accounts(&store.load_inventory(ids[0]).await.unwrap(), &set(&["x", "y"]));
    store
        .apply_account_diff(ids[0], s.session_id, &d1, t(1))
        .await
        .unwrap();
    let d2 = diff_accounts(&store.load_inventory(ids[0]).await.unwrap(), &set(&["y"]));
    store
        .apply_account_diff(ids[0], s.session_id, &d2, t(2))
        .await
        .unwrap();
    let d3 = diff_accounts(&store.load_inventory(ids[0]).await.unwrap(), &set(&["x", "y"]));
    assert_eq!(d3.summary.reactivated, 1);
    store
        .apply_account_diff(ids[0], s.session_id, &d3, t(3))
        .await
        .unwrap();

    let inv = store.load_inventory(ids[0]).await.unwrap();
    let rows: Vec<(&str, bool, DateTime<Utc>, DateTime<Utc>)> = inv
        .iter()
        .map(|r| (r.key.name(), r.present, r.first_seen, r.last_seen))
        .collect();
    assert_eq!(rows, [("x", true, t(1), t(3)), ("y", true, t(1), t(3))]);

    let q = |since, limit| ChangeQuery {
        instance_id: ids[0],
        since,
        limit,
    };
    let log = store.list_changes(&q(None, None)).await.unwrap();
    let kinds: Vec<(i64, &str, ChangeKind)> = log.iter().map(|c| (c.id, c.key.name(), c.kind)).collect();
    assert_eq!(
        kinds,
        [
            (4, "x", ChangeKind::Reactivated),
            (3, "x", ChangeKind::Removed),
            (2, "y", ChangeKind::Added),
            (1, "x", ChangeKind::Added)
        ]
    );
    assert_eq!(
        store.list_changes(&q(Some(t(2)), Some(1))).await.unwrap()[0].id,
        4
    );
    assert_eq!(store.list_changes(&q(Some(t(2)), None)).await.unwrap().len(), 2);
    // An unknown instance writes nothing.
    assert!(
        store
            .apply_account_diff(77, s.session_id, &d1, t(4))
            .await
            .is_err()
    );
    assert_eq!(store.list_changes(&q(None, None)).await.unwrap().len(), 4);
}

#[tokio::test]
async fn history_answers_equal_the_pure_rules() {
    let (store, ids) = store_with(&["a", "b"]).await;
    let (s1, r1) = store
        .create_session(new_session(&[(ids[0], "a"), (ids[1], "b")]), t(0))
        .await
        .unwrap();
    store.start_record(r1[0].id, t(1)).await.unwrap();
    store.finish_record(r1[0].id, completed(4), t(2)).await.unwrap();
    store.start_record(r1[1].id, t(1)).await.unwrap();
    store
        .finish_record(
            r1[1].id,
            RecordOutcome::Failed {
                message: "down".into(),
            },
            t(2),
        )
        .await
        .unwrap();
    let mut task = new_session(&[(ids[1], "b")]);
    task.sync_type = SyncType::ScheduledTask;
    let (s2, r2) = store.create_session(task, t(60)).await.unwrap();
    store.start_record(r2[0].id, t(61)).await.unwrap();
    store.finish_record(r2[0].id, completed(7), t(62)).await.unwrap();

    let query = HistoryRequest::default()
        .resolve(t(100), chrono_tz::Tz::UTC)
        .unwrap();
    let page = store.history(&query).await.unwrap();
    let rows: Vec<SessionWithItems> = store
        .sessions()
        .into_iter()
        .map(|s| {
            let items = store
                .records()
                .iter()
                .filter(|r| r.session_id == s.session_id)
                .map(|r| r.items)
                .sum();
            SessionWithItems { session: s, items }
        })
        .collect();
    assert_eq!(page, history::history_page(&rows, &query));
    assert_eq!(page.total, 2);
    assert_eq!(page.items[0].items.synced, 7);
    assert_eq!(page.items[1].items.synced, 4);

    let batch = store
        .batch_details(&[s1.session_id, s2.session_id])
        .await
        .unwrap();
    assert_eq!(
        batch,
        history::batch_details(
            &store.sessions(),
            &store.records(),
            &[s1.session_id, s2.session_id]
        )
        .unwrap()
    );
    assert_eq!((batch.completed, batch.failed, batch.items.synced), (2, 0, 11));
    let failed = store.failed_details(&[s1.session_id]).await.unwrap();
    assert_eq!(failed.records.len(), 1);
    assert_eq!(failed.records[0].error_message.as_deref(), Some("down"));
    let unknown = crate::domain::SessionId::new();
    assert_eq!(
        store.batch_details(&[unknown]).await.unwrap_err(),
        StoreError::Query(QueryError::NotFound(vec![unknown.to_string()]))
    );
    assert_eq!(
        store.batch_details(&[]).await.unwrap_err(),
        StoreError::Query(QueryError::EmptyIds)
    );
    let details = store.session_details(s1.session_id).await.unwrap();
    assert_eq!(
        (details.records.len(), details.items.synced, details.progress),
        (2, 4, 1.0)
    );
    assert!(matches!(
        store.session_details(unknown).await.unwrap_err(),
        StoreError::NotFound {
            entity: "session",
            ..
        }
    ));
}
