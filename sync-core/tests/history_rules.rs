//! Exact-value tests of the history rules (DOMAIN.md section 6).

use chrono::{DateTime, Utc};
use sync_core::domain::{
    InstanceRecord, ItemCounts, RecordStatus, SessionId, SessionStatus, SyncCategory, SyncSession, SyncType,
};
use sync_core::error::QueryError;
use sync_core::history::{
    GroupKey, HistoryQuery, PageRequest, SessionWithItems, batch_details, failed_details, history_page,
};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn session(
    id: i64,
    t: SyncType,
    created: &str,
    status: SessionStatus,
    ok: u32,
    failed: u32,
) -> SessionWithItems {
    let mut s = SyncSession::new_pending(t, SyncCategory::Account, ok + failed, None, at(created));
    s.id = id;
    s.status = status;
    s.successful_instances = ok;
    s.failed_instances = failed;
    s.started_at = Some(at(created));
    if status.is_terminal() {
        s.completed_at = Some(at(created) + chrono::Duration::seconds(30));
    }
    let n = u64::from(ok);
    SessionWithItems {
        session: s,
        items: ItemCounts {
            synced: 10 * n,
            created: n,
            updated: 2 * n,
            deleted: 0,
        },
    }
}

fn all() -> HistoryQuery {
    HistoryQuery {
        category: SyncCategory::Account,
        sync_type: None,
        status: None,
        since: None,
        until: None,
        page: PageRequest::default(),
    }
}

#[test]
fn task_minute_boundaries() {
    use SessionStatus::Completed;
    let same = [
        session(
            1,
            SyncType::ScheduledTask,
            "2026-01-01T12:00:00Z",
            Completed,
            1,
            0,
        ),
        session(
            2,
            SyncType::ScheduledTask,
            "2026-01-01T12:00:59Z",
            Completed,
            1,
            0,
        ),
    ];
    assert_eq!(history_page(&same, &all()).items.len(), 1);
    let split = [
        session(
            1,
            SyncType::ScheduledTask,
            "2026-01-01T12:00:59Z",
            Completed,
            1,
            0,
        ),
        session(
            2,
            SyncType::ScheduledTask,
            "2026-01-01T12:01:00Z",
            Completed,
            1,
            0,
        ),
    ];
    let page = history_page(&split, &all());
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[0].key, GroupKey::Minute(at("2026-01-01T12:01:00Z")));
    assert_eq!(page.items[1].key, GroupKey::Minute(at("2026-01-01T12:00:00Z")));
}

#[test]
fn two_scheduled_sessions_in_one_minute_are_summed() {
    let sessions = [
        session(
            1,
            SyncType::ScheduledTask,
            "2026-01-01T12:00:05Z",
            SessionStatus::Completed,
            3,
            0,
        ),
        session(
            2,
            SyncType::ScheduledTask,
            "2026-01-01T12:00:40Z",
            SessionStatus::Failed,
            2,
            1,
        ),
    ];
    let page = history_page(&sessions, &all());
    assert_eq!(page.total, 1);
    let g = &page.items[0];
    assert_eq!(g.total_instances, 6);
    assert_eq!(g.successful_instances, 5);
    assert_eq!(g.failed_instances, 1);
    assert_eq!(
        g.items,
        ItemCounts {
            synced: 50,
            created: 5,
            updated: 10,
            deleted: 0
        }
    );
    assert_eq!(g.status, SessionStatus::Failed);
    assert_eq!(g.started_at, Some(at("2026-01-01T12:00:05Z")));
    assert_eq!(g.completed_at, Some(at("2026-01-01T12:01:10Z")));
    assert_eq!(g.created_at, at("2026-01-01T12:00:40Z"));
    assert_eq!(
        g.session_ids,
        vec![sessions[0].session.session_id, sessions[1].session.session_id]
    );
}

#[test]
fn manual_and_scheduled_tasks_share_a_minute_and_list_both_types() {
    let sessions = [
        session(
            1,
            SyncType::ManualTask,
            "2026-01-01T12:00:10Z",
            SessionStatus::Completed,
            1,
            0,
        ),
        session(
            2,
            SyncType::ScheduledTask,
            "2026-01-01T12:00:20Z",
            SessionStatus::Running,
            0,
            0,
        ),
    ];
    let page = history_page(&sessions, &all());
    assert_eq!(page.total, 1);
    assert_eq!(
        page.items[0].sync_types,
        vec![SyncType::ManualTask, SyncType::ScheduledTask]
    );
    assert_eq!(page.items[0].status, SessionStatus::Running);
    assert_eq!(
        page.items[0].completed_at, None,
        "a group with an open member has no completion time"
    );
}

#[test]
fn singles_and_batches_are_never_merged() {
    use SessionStatus::Completed;
    let sessions = [
        session(1, SyncType::ManualSingle, "2026-01-01T12:00:10Z", Completed, 1, 0),
        session(2, SyncType::ManualSingle, "2026-01-01T12:00:10Z", Completed, 1, 0),
        session(3, SyncType::ManualBatch, "2026-01-01T12:00:10Z", Completed, 4, 0),
        session(4, SyncType::ManualBatch, "2026-01-01T12:00:10Z", Completed, 4, 0),
    ];
    let page = history_page(&sessions, &all());
    assert_eq!(page.total, 4);
    // Same created_at: the larger integer id comes first.
    let ids: Vec<i64> = page.items.iter().map(|g| g.last_id).collect();
    assert_eq!(ids, vec![4, 3, 2, 1]);
    assert_eq!(
        page.items[3].key,
        GroupKey::Single(sessions[0].session.session_id)
    );
}

#[test]
fn derived_status_rules() {
    use SessionStatus::*;
    let mk = |id, st| session(id, SyncType::ManualTask, "2026-01-01T12:00:10Z", st, 1, 0);
    let status = |sts: &[SessionStatus]| {
        let ss: Vec<_> = sts
            .iter()
            .enumerate()
            .map(|(i, s)| mk(i as i64 + 1, *s))
            .collect();
        history_page(&ss, &all()).items[0].status
    };
    assert_eq!(status(&[Completed, Pending]), Running);
    assert_eq!(status(&[Failed, Paused]), Paused);
    assert_eq!(status(&[Completed, Failed, Cancelled]), Failed);
    assert_eq!(status(&[Cancelled, Cancelled]), Cancelled);
    assert_eq!(status(&[Completed, Cancelled]), Completed);
}

#[test]
fn filters_apply_to_sessions_before_grouping() {
    let sessions = [
        session(
            1,
            SyncType::ScheduledTask,
            "2026-01-01T12:00:05Z",
            SessionStatus::Completed,
            3,
            0,
        ),
        session(
            2,
            SyncType::ScheduledTask,
            "2026-01-01T12:00:40Z",
            SessionStatus::Failed,
            2,
            1,
        ),
        session(
            3,
            SyncType::ManualBatch,
            "2026-01-02T08:00:00Z",
            SessionStatus::Failed,
            0,
            2,
        ),
    ];
    let q = HistoryQuery {
        status: Some(SessionStatus::Failed),
        ..all()
    };
    let page = history_page(&sessions, &q);
    assert_eq!(page.total, 2);
    assert_eq!(
        page.items[1].total_instances, 3,
        "only the failed member of the minute group"
    );
    let q = HistoryQuery {
        since: Some(at("2026-01-01T12:00:40Z")),
        until: Some(at("2026-01-02T08:00:00Z")),
        ..all()
    };
    let page = history_page(&sessions, &q);
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].session_ids, vec![sessions[1].session.session_id]);
    let q = HistoryQuery {
        sync_type: Some(SyncType::ManualBatch),
        ..all()
    };
    assert_eq!(history_page(&sessions, &q).items[0].last_id, 3);
}

fn record(
    id: i64,
    session: &SyncSession,
    instance: i64,
    name: &str,
    status: RecordStatus,
    created: &str,
) -> InstanceRecord {
    let mut r = InstanceRecord::new_pending(
        session.session_id,
        instance,
        name,
        SyncCategory::Account,
        at(created),
    );
    r.id = id;
    r.status = status;
    if status == RecordStatus::Completed {
        r.items = ItemCounts {
            synced: 7,
            created: 1,
            updated: 0,
            deleted: 0,
        };
    }
    r
}

#[test]
fn batch_details_newest_record_per_instance_wins() {
    let a = session(
        1,
        SyncType::ManualTask,
        "2026-01-01T12:00:05Z",
        SessionStatus::Failed,
        1,
        1,
    )
    .session;
    let b = session(
        2,
        SyncType::ManualTask,
        "2026-01-01T12:00:30Z",
        SessionStatus::Completed,
        1,
        0,
    )
    .session;
    let records = [
        record(1, &a, 10, "pg-main", RecordStatus::Failed, "2026-01-01T12:00:05Z"),
        record(
            2,
            &a,
            11,
            "maria",
            RecordStatus::Completed,
            "2026-01-01T12:00:05Z",
        ),
        record(
            3,
            &b,
            10,
            "pg-main",
            RecordStatus::Completed,
            "2026-01-01T12:00:30Z",
        ),
        // Same instance and same time: the larger record id wins.
        record(5, &b, 11, "maria", RecordStatus::Failed, "2026-01-01T12:00:30Z"),
        record(
            4,
            &b,
            11,
            "maria",
            RecordStatus::Completed,
            "2026-01-01T12:00:30Z",
        ),
    ];
    let sessions = [a.clone(), b.clone()];
    let d = batch_details(&sessions, &records, &[a.session_id, b.session_id]).unwrap();
    let shown: Vec<(i64, &str)> = d
        .records
        .iter()
        .map(|r| (r.id, r.instance_name.as_str()))
        .collect();
    assert_eq!(shown, vec![(5, "maria"), (3, "pg-main")]);
    assert_eq!((d.completed, d.failed, d.items.synced), (1, 1, 7));
    let f = failed_details(&sessions, &records, &[a.session_id, b.session_id]).unwrap();
    assert_eq!(f.records.iter().map(|r| r.id).collect::<Vec<_>>(), vec![5]);
    assert_eq!((f.completed, f.failed), (0, 1));
    let only_a = failed_details(&sessions, &records, &[a.session_id]).unwrap();
    assert_eq!(only_a.records.iter().map(|r| r.id).collect::<Vec<_>>(), vec![1]);
}

#[test]
fn details_errors_are_typed_and_clear() {
    let a = session(
        1,
        SyncType::ManualBatch,
        "2026-01-01T12:00:05Z",
        SessionStatus::Completed,
        1,
        0,
    )
    .session;
    let err = batch_details(std::slice::from_ref(&a), &[], &[]).unwrap_err();
    assert_eq!(err, QueryError::EmptyIds);
    assert_eq!(
        err.to_string(),
        "no session ids given: a details request needs at least one session id"
    );
    let unknown = SessionId(uuid::Uuid::nil());
    let err = failed_details(std::slice::from_ref(&a), &[], &[a.session_id, unknown]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "session(s) not found: 00000000-0000-0000-0000-000000000000"
    );
    assert_eq!(
        "not-a-uuid".parse::<SessionId>().unwrap_err().to_string(),
        "invalid session id \"not-a-uuid\": expected a UUID"
    );
}

#[test]
fn page_past_the_end_and_page_zero() {
    let sessions: Vec<_> = (1..=45)
        .map(|i| {
            session(
                i,
                SyncType::ManualSingle,
                "2026-01-01T12:00:05Z",
                SessionStatus::Completed,
                1,
                0,
            )
        })
        .collect();
    let q = HistoryQuery {
        page: PageRequest::new(9, 20).unwrap(),
        ..all()
    };
    let page = history_page(&sessions, &q);
    assert!(page.items.is_empty());
    assert_eq!((page.total, page.pages, page.page), (45, 3, 9));
    assert!(PageRequest::new(0, 20).is_err());
}
