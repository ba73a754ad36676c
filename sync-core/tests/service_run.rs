//! SyncService runs over the MemoryStore and a connector double: bounded concurrency,
//! failures and timeouts, single syncs, retries, events, observers, secrets.

mod support;

use futures::StreamExt;
use std::time::Duration;
use support::*;
use sync_core::account::ChangeQuery;
use sync_core::domain::{
    DbType, InstanceRecord, ItemCounts, RecordStatus, SecretSource, SessionStatus, SyncType,
};
use sync_core::memory::MemoryStore;
use sync_core::service::{ServiceConfig, ServiceError, SyncEvent};
use sync_core::traits::{ConnectorError, InstanceStore, SessionStore};

fn counts(n: u64) -> ItemCounts {
    ItemCounts {
        synced: n,
        created: n,
        updated: 0,
        deleted: 0,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reads_in_flight_never_exceed_the_bound() {
    for (n, concurrency) in [(40, 5), (12, 1), (3, 8)] {
        let fake = FakeConnector::new(Duration::from_millis(10), Behaviour::Accounts(3));
        let env = Env::new(n, config(concurrency), fake).await;
        let summary = env
            .service
            .sync_all(&alice(), SyncType::ManualBatch)
            .await
            .unwrap()
            .await
            .unwrap();
        assert_eq!(
            env.fake.max_in_flight(),
            concurrency.min(n),
            "n={n} concurrency={concurrency}"
        );
        assert_eq!(summary.session.status, SessionStatus::Completed);
        assert_eq!(
            (
                summary.session.total_instances,
                summary.session.successful_instances,
                summary.session.failed_instances
            ),
            (n as u32, n as u32, 0)
        );
        assert_eq!(
            summary.items,
            ItemCounts {
                synced: 3 * n as u64,
                created: 3 * n as u64,
                updated: 0,
                deleted: 0
            }
        );
        assert_eq!(env.fake.total_calls(), n);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_failure_and_one_timeout_among_n() {
    let fake = FakeConnector::new(Duration::from_millis(5), Behaviour::Accounts(1));
    for i in 0..8 {
        fake.set(&name(i), Behaviour::Accounts(i + 1));
    }
    fake.set(
        "db-002",
        Behaviour::Fail(ConnectorError::Unreachable {
            host: "10.1.2.3".into(),
            port: 3306,
            reason: "connection refused".into(),
        }),
    );
    fake.set("db-005", Behaviour::SleepIgnoringCancel(Duration::from_secs(60)));
    let cfg = ServiceConfig {
        instance_timeout: Duration::from_millis(300),
        ..config(3)
    };
    let env = Env::new(8, cfg, fake).await;
    let summary = env
        .service
        .sync_all(&alice(), SyncType::ManualBatch)
        .await
        .unwrap()
        .await
        .unwrap();

    let s = &summary.session;
    assert_eq!(s.status, SessionStatus::Failed);
    assert_eq!(
        (
            s.total_instances,
            s.successful_instances,
            s.failed_instances,
            s.cancelled_instances
        ),
        (8, 6, 2, 0)
    );
    assert_eq!((summary.pending, summary.running), (0, 0));
    let failures: Vec<(&str, &str)> = summary
        .failures
        .iter()
        .map(|f| (f.instance_name.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(
        failures,
        [
            (
                "db-002",
                "reading the accounts failed: cannot reach 10.1.2.3:3306: connection refused"
            ),
            (
                "db-005",
                "timed out after 300ms reading the accounts (the per-instance timeout)"
            ),
        ]
    );
    let records: Vec<InstanceRecord> = env.store.list_records(s.session_id).await.unwrap();
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r.instance_name, name(i));
        if i == 2 || i == 5 {
            assert_eq!(
                (r.status, r.items, r.sync_details.is_none()),
                (RecordStatus::Failed, ItemCounts::default(), true)
            );
            assert!(
                env.store
                    .get_instance(r.instance_id)
                    .await
                    .unwrap()
                    .last_synced_at
                    .is_none()
            );
        } else {
            assert_eq!(r.status, RecordStatus::Completed, "{}", r.instance_name);
            assert_eq!(r.items, counts(i as u64 + 1));
            assert_eq!(r.error_message, None);
            let d = r.sync_details.as_ref().unwrap();
            assert_eq!(
                (d.version, d.breakdown.added, d.breakdown.unchanged),
                (1, i as u64 + 1, 0)
            );
            assert_eq!(d.server_version.as_deref(), Some("10.11.9-MariaDB"));
            let inst = env.store.get_instance(r.instance_id).await.unwrap();
            assert_eq!(
                (inst.sync_count, inst.server_version.as_deref()),
                (0, Some("10.11.9-MariaDB"))
            );
            assert!(inst.last_synced_at.is_some());
        }
    }
    assert_eq!(summary.items, counts(1 + 2 + 4 + 5 + 7 + 8));
    // Observers: both failures, one session end.
    assert_eq!(env.recorder.failures.lock().unwrap().len(), 2);
    let ended = env.recorder.ended.lock().unwrap();
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].session, summary.session);
}

#[tokio::test]
async fn an_error_never_becomes_an_empty_account_list() {
    let fake = FakeConnector::new(Duration::ZERO, Behaviour::Accounts(3));
    let env = Env::new(1, config(2), fake).await;
    let first = env
        .service
        .sync_instance(&alice(), env.ids[0])
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(first.items, counts(3));
    env.fake.set(
        "db-000",
        Behaviour::Fail(ConnectorError::MissingPrivilege {
            what: "mysql.global_priv".into(),
            grant: "GRANT SELECT ON mysql.* TO 'sync'@'%'".into(),
        }),
    );
    let second = env
        .service
        .sync_instance(&alice(), env.ids[0])
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(
        (second.session.status, second.session.failed_instances),
        (SessionStatus::Failed, 1)
    );
    assert_eq!(
        second.failures[0].message,
        "reading the accounts failed: missing privilege to read mysql.global_priv; grant it with: GRANT SELECT ON \
         mysql.* TO 'sync'@'%'"
    );
    let inventory = env.service.accounts(&alice(), env.ids[0]).await.unwrap();
    assert_eq!(inventory.iter().filter(|a| a.present).count(), 3);
    let q = ChangeQuery {
        instance_id: env.ids[0],
        since: None,
        limit: None,
    };
    assert_eq!(env.service.changes(&alice(), &q).await.unwrap().len(), 3);
    assert_eq!(env.store.get_instance(env.ids[0]).await.unwrap().sync_count, 1);
}

#[tokio::test]
async fn single_syncs_count_and_retry_instance_makes_a_new_session() {
    let fake = FakeConnector::new(Duration::ZERO, Behaviour::Accounts(2));
    let env = Env::new(2, config(2), fake).await;
    let a = env
        .service
        .sync_instance(&alice(), env.ids[1])
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(a.session.sync_type, SyncType::ManualSingle);
    assert_eq!(a.session.created_by.as_deref(), Some("alice"));
    assert_eq!(
        (a.session.total_instances, a.session.successful_instances),
        (1, 1)
    );
    assert_eq!(a.items, counts(2));
    let b = env
        .service
        .sync_instance(&alice(), env.ids[1])
        .await
        .unwrap()
        .await
        .unwrap();
    // Unchanged the second time.
    assert_eq!(
        b.items,
        ItemCounts {
            synced: 2,
            created: 0,
            updated: 0,
            deleted: 0
        }
    );
    assert_eq!(env.store.get_instance(env.ids[1]).await.unwrap().sync_count, 2);

    env.fake.set(
        "db-001",
        Behaviour::Fail(ConnectorError::Unsupported("MySQL 5.0".into())),
    );
    let failed = env
        .service
        .sync_instance(&alice(), env.ids[1])
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(
        failed.failures[0].message,
        "reading the accounts failed: unsupported server: MySQL 5.0"
    );
    assert_eq!(env.store.get_instance(env.ids[1]).await.unwrap().sync_count, 2);
    env.fake.set("db-001", Behaviour::Accounts(4));
    let retried = env
        .service
        .retry_instance(&alice(), env.ids[1])
        .await
        .unwrap()
        .await
        .unwrap();
    assert_ne!(retried.session.session_id, failed.session.session_id);
    assert_eq!(
        retried.items,
        ItemCounts {
            synced: 4,
            created: 2,
            updated: 0,
            deleted: 0
        }
    );
    assert_eq!(env.store.get_instance(env.ids[1]).await.unwrap().sync_count, 3);
    // The failed session is untouched.
    assert_eq!(
        env.store.get_session(failed.session.session_id).await.unwrap(),
        failed.session
    );
    // A batch does not count as a single sync.
    env.service
        .sync_all(&alice(), SyncType::ManualBatch)
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(env.store.get_instance(env.ids[1]).await.unwrap().sync_count, 3);
    assert_eq!(env.store.get_instance(env.ids[0]).await.unwrap().sync_count, 0);
}

#[tokio::test]
async fn retry_failed_reruns_only_the_failed_instances_with_the_same_type() {
    let fake = FakeConnector::new(Duration::ZERO, Behaviour::Accounts(1));
    let down = ConnectorError::AuthFailed {
        user: "sync".into(),
        host: "10.1.2.3".into(),
        port: 3306,
    };
    fake.set("db-001", Behaviour::Fail(down.clone()));
    fake.set("db-003", Behaviour::Fail(down));
    let env = Env::new(4, config(2), fake).await;
    let first = env
        .service
        .sync_all(&alice(), SyncType::ScheduledTask)
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(
        (first.session.successful_instances, first.session.failed_instances),
        (2, 2)
    );
    assert_eq!(
        first.failures[0].message,
        "reading the accounts failed: authentication failed for user \"sync\" on 10.1.2.3:3306"
    );
    let before = env.store.list_records(first.session.session_id).await.unwrap();
    env.fake.set("db-001", Behaviour::Accounts(5));
    env.fake.set("db-003", Behaviour::Accounts(6));
    let retry = env
        .service
        .retry_failed(&alice(), first.session.session_id)
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(retry.session.sync_type, SyncType::ScheduledTask);
    assert_eq!(
        (
            retry.session.status,
            retry.session.total_instances,
            retry.session.successful_instances
        ),
        (SessionStatus::Completed, 2, 2)
    );
    let names: Vec<String> = env
        .store
        .list_records(retry.session.session_id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.instance_name)
        .collect();
    assert_eq!(names, ["db-001", "db-003"]);
    assert_eq!(retry.items, counts(11));
    assert_eq!(
        env.store.list_records(first.session.session_id).await.unwrap(),
        before
    );
    assert_eq!(
        env.store.get_session(first.session.session_id).await.unwrap(),
        first.session
    );
    assert_eq!(
        env.service
            .retry_failed(&alice(), retry.session.session_id)
            .await
            .unwrap_err(),
        ServiceError::NothingToRetry(retry.session.session_id)
    );
}

#[tokio::test]
async fn events_arrive_in_order() {
    let fake = FakeConnector::new(Duration::from_millis(1), Behaviour::Accounts(2));
    fake.set("db-001", Behaviour::Fail(ConnectorError::Cancelled));
    let env = Env::new(3, config(1), fake).await;
    let mut handle = env
        .service
        .sync_all(&alice(), SyncType::ManualTask)
        .await
        .unwrap();
    let sid = handle.session_id();
    let events: Vec<SyncEvent> = handle.events().collect().await;
    let summary = handle.await.unwrap();
    let shape: Vec<String> = events
        .iter()
        .map(|e| match e {
            SyncEvent::SessionStarted {
                session_id,
                sync_type,
                total_instances,
                pending,
            } => {
                assert_eq!(*session_id, sid);
                format!("started {sync_type} {total_instances} {pending}")
            }
            SyncEvent::InstanceStarted { instance_name, .. } => format!("start {instance_name}"),
            SyncEvent::InstanceCompleted {
                instance_name, items, ..
            } => format!("done {instance_name} {}", items.synced),
            SyncEvent::InstanceFailed(f) => format!("fail {}: {}", f.instance_name, f.message),
            SyncEvent::Finished(s) => format!(
                "finished {} {}/{}",
                s.session.status, s.session.successful_instances, s.session.failed_instances
            ),
            other => panic!("unexpected event {other:?}"),
        })
        .collect();
    assert_eq!(
        shape,
        [
            "started manual_task 3 3",
            "start db-000",
            "done db-000 2",
            "start db-001",
            "fail db-001: cancelled: the session was cancelled while this instance was being synced; its inventory is unchanged",
            "start db-002",
            "done db-002 2",
            "finished failed 2/1",
        ]
    );
    assert_eq!(events.last(), Some(&SyncEvent::Finished(summary)));
}

#[tokio::test]
async fn observers_hear_new_superusers_once() {
    let fake = FakeConnector::new(Duration::ZERO, Behaviour::Accounts(1));
    fake.set("db-000", Behaviour::WithSuperuser(2));
    let env = Env::new(2, config(2), fake).await;
    env.service
        .sync_all(&alice(), SyncType::ManualBatch)
        .await
        .unwrap()
        .await
        .unwrap();
    env.service
        .sync_all(&alice(), SyncType::ManualBatch)
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(
        *env.recorder.superusers.lock().unwrap(),
        [("db-000".to_string(), "'root'@'localhost'".to_string())]
    );
    // Two instances with changes in the first run, none in the second.
    assert_eq!(
        env.recorder
            .change_calls
            .load(std::sync::atomic::Ordering::SeqCst),
        2
    );
    let ended = env.recorder.ended.lock().unwrap();
    assert_eq!(
        ended.iter().map(|s| s.session.status).collect::<Vec<_>>(),
        [SessionStatus::Completed; 2]
    );
}

#[tokio::test]
async fn secrets_stay_out_of_messages_events_and_debug() {
    let fake = FakeConnector::new(Duration::ZERO, Behaviour::Accounts(1));
    let env = Env::new(2, config(2), fake).await;
    let mut missing = instance("db-missing");
    missing.credential.secret = SecretSource::Env {
        var: "MISSING".into(),
    };
    env.store.add_instance(missing).await.unwrap();
    let mut handle = env
        .service
        .sync_all(&alice(), SyncType::ManualBatch)
        .await
        .unwrap();
    let events: Vec<SyncEvent> = handle.events().collect().await;
    let summary = handle.await.unwrap();
    assert_eq!(
        (
            summary.session.successful_instances,
            summary.session.failed_instances
        ),
        (2, 1)
    );
    assert_eq!(
        summary.failures[0].message,
        "cannot obtain the password of sync user \"sync\": environment variable MISSING is not set"
    );
    // The connector did receive the password...
    assert_eq!(
        *env.fake.passwords.lock().unwrap(),
        [Some(PASSWORD.to_string()), Some(PASSWORD.to_string())]
    );
    // ...and it appears nowhere else.
    let everything = format!(
        "{events:?} {summary:?} {:?} {:?}",
        env.store.records(),
        env.store.sessions()
    );
    assert!(!everything.contains(PASSWORD));
    assert!(!format!("{:?}", env.service).contains(PASSWORD));
}

#[tokio::test]
async fn what_sync_all_picks_and_refuses() {
    let fake = FakeConnector::new(Duration::ZERO, Behaviour::Accounts(1));
    let env = Env::new(3, config(2), fake).await;
    env.store.set_instance_active(env.ids[0], false).await.unwrap();
    env.store
        .delete_instance(env.ids[1], chrono::Utc::now())
        .await
        .unwrap();
    let summary = env
        .service
        .sync_all(&alice(), SyncType::ManualBatch)
        .await
        .unwrap()
        .await
        .unwrap();
    let names: Vec<String> = env
        .store
        .list_records(summary.session.session_id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.instance_name)
        .collect();
    assert_eq!(names, ["db-002"]);
    // Inactive instances can be synced one by one, deleted ones cannot.
    let single = env
        .service
        .sync_instance(&alice(), env.ids[0])
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(single.session.status, SessionStatus::Completed);
    assert_eq!(
        env.service
            .sync_instance(&alice(), env.ids[1])
            .await
            .unwrap_err()
            .to_string(),
        format!(
            "instance db-001 (id {}) is deleted and cannot be synced",
            env.ids[1]
        )
    );
    assert_eq!(
        env.service.sync_instance(&alice(), 999).await.unwrap_err(),
        ServiceError::NotFound {
            entity: "instance",
            id: "999".into()
        }
    );
    assert!(matches!(
        env.service
            .sync_all(&alice(), SyncType::ManualSingle)
            .await
            .unwrap_err(),
        ServiceError::InvalidRequest(_)
    ));
    assert_eq!(env.store.sessions().len(), 2);

    env.store.set_instance_active(env.ids[2], false).await.unwrap();
    assert_eq!(
        env.service
            .sync_all(&alice(), SyncType::ManualBatch)
            .await
            .unwrap_err(),
        ServiceError::NoActiveInstance
    );
    assert_eq!(env.store.sessions().len(), 2, "no empty session");
}

#[tokio::test]
async fn an_instance_without_a_connector_fails_clearly() {
    let fake = FakeConnector::new(Duration::ZERO, Behaviour::Accounts(1));
    let env = Env::new(1, config(2), fake).await;
    let mut pg = instance("pg-main");
    pg.db_type = DbType::Postgresql;
    let pg = env.store.add_instance(pg).await.unwrap();
    let summary = env
        .service
        .sync_instance(&alice(), pg.id)
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(
        summary.failures[0].message,
        "no connector is registered for db type postgresql"
    );
}

#[tokio::test]
async fn invalid_configurations_are_refused() {
    let store = std::sync::Arc::new(MemoryStore::new());
    let build = |cfg: ServiceConfig| {
        sync_core::service::SyncService::builder(store.clone(), std::sync::Arc::new(FakeCredentials))
            .config(cfg)
            .build()
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        build(ServiceConfig {
            concurrency: 0,
            ..ServiceConfig::default()
        }),
        "invalid service configuration: concurrency must be at least 1, got 0"
    );
    assert_eq!(
        build(ServiceConfig {
            stale_lease: Duration::from_secs(60),
            ..ServiceConfig::default()
        }),
        "invalid service configuration: stale_lease (60s) must be longer than instance_timeout (60s), or live \
         records would be recovered as stale"
    );
}

#[tokio::test]
async fn a_panicking_connector_fails_its_record_and_the_run_goes_on() {
    let fake = FakeConnector::new(Duration::ZERO, Behaviour::Accounts(1));
    fake.set("db-001", Behaviour::Panic);
    let env = Env::new(3, config(1), fake).await;
    let summary = env
        .service
        .sync_all(&alice(), SyncType::ManualBatch)
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(
        (
            summary.session.status,
            summary.session.successful_instances,
            summary.session.failed_instances
        ),
        (SessionStatus::Failed, 2, 1)
    );
    assert_eq!(
        summary.failures[0].message,
        "internal error: the sync of this instance panicked; see the service log"
    );
    assert_eq!((summary.pending, summary.running), (0, 0));
}

#[tokio::test]
async fn the_configured_account_filter_applies() {
    use sync_core::account::{AccountFilter, AccountPattern};
    let fake = FakeConnector::new(Duration::ZERO, Behaviour::Accounts(12));
    let mut cfg = config(2);
    cfg.filters.insert(
        DbType::Mysql,
        AccountFilter {
            exclude: vec![AccountPattern::name("u1?")],
            exclude_system: false,
        },
    );
    let env = Env::new(1, cfg, fake).await;
    let summary = env
        .service
        .sync_all(&alice(), SyncType::ManualBatch)
        .await
        .unwrap()
        .await
        .unwrap();
    // u10 and u11 are left out; u1 is not matched by `u1?`.
    assert_eq!(summary.items, counts(10));
    let names: Vec<String> = env
        .service
        .accounts(&alice(), env.ids[0])
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.key.name().to_owned())
        .collect();
    assert_eq!(
        names,
        ["u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"]
    );
}
