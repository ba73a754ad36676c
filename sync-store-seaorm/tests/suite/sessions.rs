//! Session lifecycle: start, finish, pause/resume, cancel, stale records, open sessions,
//! InstanceBusy.

use crate::common::TestDb;
use crate::fixtures::{completed, failed, items, new_instance, new_session, t};
use crate::on_all_backends;
use sync_core::domain::{RecordStatus, SessionStatus, SyncType};
use sync_core::traits::{InstanceStore, RecordOutcome, SessionStore, StoreError};

async fn session_lifecycle_with_pause(db: &TestDb) {
    let s = &db.store;
    let (session, records) = s
        .create_session(
            new_session(SyncType::ManualBatch, &[(1, "a-db"), (2, "b-db"), (3, "c-db")]),
            t(0, 500),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            session.status,
            session.total_instances,
            session.created_at,
            session.created_by.as_deref()
        ),
        (SessionStatus::Pending, 3, t(0, 500), Some("alice"))
    );
    assert_eq!(s.get_session(session.session_id).await.unwrap(), session);
    assert_eq!(records.len(), 3);
    assert!(records.windows(2).all(|w| w[0].id < w[1].id));
    assert!(
        records
            .iter()
            .all(|r| r.status == RecordStatus::Pending && r.session_id == session.session_id)
    );
    let (r1, r2, r3) = (records[0].id, records[1].id, records[2].id);

    let started = s.start_record(r1, t(1, 0)).await.unwrap();
    assert_eq!(
        (started.status, started.started_at),
        (RecordStatus::Running, Some(t(1, 0)))
    );
    let running = s.get_session(session.session_id).await.unwrap();
    assert_eq!(
        (running.status, running.started_at),
        (SessionStatus::Running, Some(t(1, 0)))
    );

    let after1 = s
        .finish_record(r1, completed(items(10, 2, 1, 0)), t(2, 0))
        .await
        .unwrap();
    assert_eq!(
        (
            after1.status,
            after1.successful_instances,
            after1.failed_instances,
            after1.updated_at
        ),
        (SessionStatus::Running, 1, 0, t(2, 0))
    );

    let paused = s.pause_session(session.session_id, t(3, 0)).await.unwrap();
    assert_eq!(paused.status, SessionStatus::Paused);
    let err = s.start_record(r2, t(4, 0)).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "illegal record transition from pending to running: its session {} is paused; records start only \
             while their session is pending or running",
            session.session_id
        )
    );
    let err = s.pause_session(session.session_id, t(4, 0)).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "illegal session transition from paused to paused: allowed from paused: running, completed, failed, cancelled"
    );
    let resumed = s.resume_session(session.session_id, t(5, 0)).await.unwrap();
    assert_eq!(
        (resumed.status, resumed.started_at),
        (SessionStatus::Running, Some(t(1, 0)))
    );

    s.start_record(r2, t(6, 0)).await.unwrap();
    s.finish_record(r2, failed("connection refused"), t(7, 0))
        .await
        .unwrap();
    s.start_record(r3, t(8, 0)).await.unwrap();
    let done = s
        .finish_record(r3, completed(items(5, 0, 0, 1)), t(9, 250))
        .await
        .unwrap();
    assert_eq!(
        (
            done.status,
            done.successful_instances,
            done.failed_instances,
            done.cancelled_instances,
            done.completed_at
        ),
        (SessionStatus::Failed, 2, 1, 0, Some(t(9, 250)))
    );
    assert_eq!(s.get_session(session.session_id).await.unwrap(), done);

    let recs = s.list_records(session.session_id).await.unwrap();
    assert_eq!(
        recs.iter().map(|r| r.status).collect::<Vec<_>>(),
        vec![
            RecordStatus::Completed,
            RecordStatus::Failed,
            RecordStatus::Completed
        ]
    );
    assert_eq!(recs[0].items, items(10, 2, 1, 0));
    assert_eq!(recs[1].error_message.as_deref(), Some("connection refused"));
    assert_eq!(recs[1].items, items(0, 0, 0, 0));
    let RecordOutcome::Completed { details, .. } = completed(items(5, 0, 0, 1)) else {
        unreachable!()
    };
    assert_eq!(recs[2].sync_details.as_ref(), Some(&details));
    assert_eq!(recs[2].completed_at, Some(t(9, 250)));

    // Terminal records and sessions are final.
    let err = s
        .finish_record(r3, completed(items(1, 1, 1, 1)), t(10, 0))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "illegal record transition from completed to completed: completed is terminal and final"
    );
    let err = s.cancel_session(session.session_id, t(10, 0)).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "illegal session transition from failed to cancelled: failed is terminal and final"
    );
    assert_eq!(s.get_session(session.session_id).await.unwrap(), done);
    assert!(matches!(
        s.start_record(424_242, t(0, 0)).await.unwrap_err(),
        StoreError::NotFound { entity: "record", .. }
    ));
}

async fn cancel_counts_pending_records_and_stays_cancelled(db: &TestDb) {
    let s = &db.store;
    let (session, records) = s
        .create_session(
            new_session(SyncType::ManualTask, &[(1, "a"), (2, "b"), (3, "c")]),
            t(0, 0),
        )
        .await
        .unwrap();
    s.start_record(records[0].id, t(1, 0)).await.unwrap();
    let cancelled = s.cancel_session(session.session_id, t(2, 0)).await.unwrap();
    assert_eq!(
        (
            cancelled.status,
            cancelled.cancelled_instances,
            cancelled.completed_at,
            cancelled.updated_at
        ),
        (SessionStatus::Cancelled, 2, Some(t(2, 0)), t(2, 0))
    );
    let recs = s.list_records(session.session_id).await.unwrap();
    assert_eq!(
        recs.iter()
            .map(|r| (r.status, r.completed_at))
            .collect::<Vec<_>>(),
        vec![
            (RecordStatus::Running, None),
            (RecordStatus::Cancelled, Some(t(2, 0))),
            (RecordStatus::Cancelled, Some(t(2, 0)))
        ]
    );
    // The running record still ends and is counted; the session stays cancelled.
    let end = s
        .finish_record(records[0].id, completed(items(3, 0, 0, 0)), t(3, 0))
        .await
        .unwrap();
    assert_eq!(
        (
            end.status,
            end.successful_instances,
            end.cancelled_instances,
            end.completed_at
        ),
        (SessionStatus::Cancelled, 1, 2, Some(t(2, 0)))
    );
    assert!(s.open_sessions().await.unwrap().is_empty());

    // All records cancelled before any started: closes as cancelled.
    let (only, recs) = s
        .create_session(new_session(SyncType::ManualSingle, &[(4, "d")]), t(5, 0))
        .await
        .unwrap();
    let closed = s
        .finish_record(recs[0].id, RecordOutcome::Cancelled, t(6, 0))
        .await
        .unwrap();
    assert_eq!(
        (
            closed.status,
            closed.started_at,
            closed.completed_at,
            closed.cancelled_instances
        ),
        (SessionStatus::Cancelled, Some(t(6, 0)), Some(t(6, 0)), 1)
    );
    let _ = only;
}

async fn pending_record_can_fail_and_close_its_session(db: &TestDb) {
    let s = &db.store;
    let (session, recs) = s
        .create_session(new_session(SyncType::ManualSingle, &[(9, "x")]), t(0, 0))
        .await
        .unwrap();
    let closed = s
        .finish_record(recs[0].id, failed("instance is deleted"), t(1, 0))
        .await
        .unwrap();
    assert_eq!(
        (
            closed.status,
            closed.failed_instances,
            closed.started_at,
            closed.completed_at
        ),
        (SessionStatus::Failed, 1, Some(t(1, 0)), Some(t(1, 0)))
    );
    // A pending record cannot complete without starting.
    let (_, recs) = s
        .create_session(new_session(SyncType::ManualSingle, &[(9, "x")]), t(2, 0))
        .await
        .unwrap();
    let err = s
        .finish_record(recs[0].id, completed(items(1, 0, 0, 0)), t(3, 0))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "illegal record transition from pending to completed: allowed from pending: running, failed, cancelled"
    );
    let _ = session;
}

async fn stale_records_and_open_sessions(db: &TestDb) {
    let s = &db.store;
    let (a, ra) = s
        .create_session(new_session(SyncType::ManualBatch, &[(1, "a"), (2, "b")]), t(0, 0))
        .await
        .unwrap();
    let (b, _) = s
        .create_session(new_session(SyncType::ScheduledTask, &[(3, "c")]), t(20, 0))
        .await
        .unwrap();
    let (c, _) = s
        .create_session(new_session(SyncType::ManualTask, &[(4, "d")]), t(10, 0))
        .await
        .unwrap();
    s.start_record(ra[0].id, t(1, 0)).await.unwrap();
    s.start_record(ra[1].id, t(5, 0)).await.unwrap();
    let stale = s.stale_records(t(5, 0)).await.unwrap();
    assert_eq!(stale.iter().map(|r| r.id).collect::<Vec<_>>(), vec![ra[0].id]);
    assert_eq!(s.stale_records(t(5, 1)).await.unwrap().len(), 2);
    assert!(s.stale_records(t(1, 0)).await.unwrap().is_empty());
    let open: Vec<_> = s
        .open_sessions()
        .await
        .unwrap()
        .into_iter()
        .map(|x| x.session_id)
        .collect();
    assert_eq!(open, vec![a.session_id, c.session_id, b.session_id]);
    s.pause_session(a.session_id, t(6, 0)).await.unwrap();
    // A paused session whose in-flight records end closes.
    s.finish_record(ra[0].id, failed("lease expired: worker died"), t(30, 0))
        .await
        .unwrap();
    let closed = s
        .finish_record(ra[1].id, completed(items(1, 1, 0, 0)), t(31, 0))
        .await
        .unwrap();
    assert_eq!(closed.status, SessionStatus::Failed);
    let open: Vec<_> = s
        .open_sessions()
        .await
        .unwrap()
        .into_iter()
        .map(|x| x.session_id)
        .collect();
    assert_eq!(open, vec![c.session_id, b.session_id]);
}

async fn instance_busy_is_refused(db: &TestDb) {
    let s = &db.store;
    let inst = s.add_instance(new_instance("mysql-eu")).await.unwrap();
    let (first, r1) = s
        .create_session(
            new_session(SyncType::ManualBatch, &[(inst.id, "mysql-eu")]),
            t(0, 0),
        )
        .await
        .unwrap();
    let (second, r2) = s
        .create_session(
            new_session(SyncType::ManualSingle, &[(inst.id, "mysql-eu (old name)")]),
            t(1, 0),
        )
        .await
        .unwrap();
    s.start_record(r1[0].id, t(2, 0)).await.unwrap();
    let err = s.start_record(r2[0].id, t(3, 0)).await.unwrap_err();
    assert_eq!(
        err,
        StoreError::InstanceBusy {
            instance_id: inst.id,
            name: "mysql-eu (old name)".into(),
            session_id: first.session_id.to_string(),
        }
    );
    // Nothing changed for the refused record and its session.
    assert_eq!(
        s.list_records(second.session_id).await.unwrap()[0].status,
        RecordStatus::Pending
    );
    assert_eq!(
        s.get_session(second.session_id).await.unwrap().status,
        SessionStatus::Pending
    );
    s.finish_record(r1[0].id, completed(items(1, 0, 0, 0)), t(4, 0))
        .await
        .unwrap();
    let ok = s.start_record(r2[0].id, t(5, 0)).await.unwrap();
    assert_eq!(ok.status, RecordStatus::Running);
}

on_all_backends!(
    session_lifecycle_with_pause,
    cancel_counts_pending_records_and_stays_cancelled,
    pending_record_can_fail_and_close_its_session,
    stale_records_and_open_sessions,
    instance_busy_is_refused,
);
