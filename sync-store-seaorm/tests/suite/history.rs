//! The history view and the details, with exact values, and equal to the core rules.

use crate::common::TestDb;
use crate::fixtures::{completed, failed, items, new_session, t};
use crate::on_all_backends;
use sync_core::domain::{ItemCounts, SessionId, SessionStatus, SyncCategory, SyncType};
use sync_core::error::QueryError;
use sync_core::history::{
    GroupKey, HistoryQuery, PageLink, PageRequest, SessionWithItems, history_page, minute_of,
};
use sync_core::traits::{HistoryStore, SessionStore, StoreError};
use sync_store_seaorm::SeaStore;

fn query() -> HistoryQuery {
    HistoryQuery {
        category: SyncCategory::Account,
        sync_type: None,
        status: None,
        since: None,
        until: None,
        page: PageRequest::default(),
    }
}

/// Every stored session of `ids` with its record sums, for the reference rules.
async fn reference(s: &SeaStore, ids: &[SessionId]) -> Vec<SessionWithItems> {
    let mut out = Vec::new();
    for id in ids {
        let session = s.get_session(*id).await.unwrap();
        let items: ItemCounts = s.list_records(*id).await.unwrap().iter().map(|r| r.items).sum();
        out.push(SessionWithItems { session, items });
    }
    out
}

struct Fixture {
    b1: SessionId,
    t1: SessionId,
    t2: SessionId,
    t3: SessionId,
    s1: SessionId,
}

async fn build(s: &SeaStore) -> Fixture {
    let three = [(1, "db-c"), (2, "db-a"), (3, "db-b")];
    let (b1, r) = s
        .create_session(new_session(SyncType::ManualBatch, &three), t(5, 0))
        .await
        .unwrap();
    for rec in &r {
        s.start_record(rec.id, t(6, 0)).await.unwrap();
    }
    s.finish_record(r[0].id, completed(items(10, 2, 1, 0)), t(7, 0))
        .await
        .unwrap();
    s.finish_record(r[1].id, completed(items(20, 0, 3, 1)), t(8, 0))
        .await
        .unwrap();
    s.finish_record(r[2].id, failed("timeout"), t(9, 0))
        .await
        .unwrap();

    let (t1, r) = s
        .create_session(new_session(SyncType::ManualTask, &[(1, "db-c")]), t(60, 0))
        .await
        .unwrap();
    s.start_record(r[0].id, t(61, 0)).await.unwrap();
    s.finish_record(r[0].id, completed(items(7, 1, 0, 0)), t(62, 0))
        .await
        .unwrap();

    let (t2, r) = s
        .create_session(
            new_session(SyncType::ScheduledTask, &[(2, "db-a"), (3, "db-b")]),
            t(119, 999_999),
        )
        .await
        .unwrap();
    s.start_record(r[0].id, t(120, 0)).await.unwrap();

    let (t3, _) = s
        .create_session(new_session(SyncType::ScheduledTask, &[(1, "db-c")]), t(120, 0))
        .await
        .unwrap();
    s.cancel_session(t3.session_id, t(121, 0)).await.unwrap();

    let (s1, _) = s
        .create_session(new_session(SyncType::ManualSingle, &[(2, "db-a")]), t(180, 0))
        .await
        .unwrap();
    Fixture {
        b1: b1.session_id,
        t1: t1.session_id,
        t2: t2.session_id,
        t3: t3.session_id,
        s1: s1.session_id,
    }
}

async fn history_groups_sums_and_pages(db: &TestDb) {
    let s = &db.store;
    let f = build(s).await;
    let all = reference(s, &[f.b1, f.t1, f.t2, f.t3, f.s1]).await;
    let id_of = |sid: SessionId| {
        all.iter()
            .find(|x| x.session.session_id == sid)
            .unwrap()
            .session
            .id
    };

    let page = s.history(&query()).await.unwrap();
    assert_eq!((page.total, page.pages, page.page, page.per_page), (4, 1, 1, 20));
    assert_eq!(page.strip, vec![PageLink::Page(1)]);
    let g = &page.items;
    assert_eq!(
        g.iter().map(|g| g.key).collect::<Vec<_>>(),
        vec![
            GroupKey::Single(f.s1),
            GroupKey::Minute(minute_of(t(120, 0))),
            GroupKey::Minute(minute_of(t(60, 0))),
            GroupKey::Batch(f.b1),
        ]
    );
    // manual_single, pending -> running
    assert_eq!(
        (
            g[0].status,
            g[0].total_instances,
            g[0].started_at,
            g[0].completed_at,
            g[0].created_at
        ),
        (SessionStatus::Running, 1, None, None, t(180, 0))
    );
    // 12:02:00 alone (12:01:59.999999 is the minute before), cancelled before starting
    assert_eq!(
        (
            g[1].status,
            g[1].cancelled_instances,
            g[1].started_at,
            g[1].completed_at,
            g[1].session_ids.clone()
        ),
        (SessionStatus::Cancelled, 1, None, Some(t(121, 0)), vec![f.t3])
    );
    // 12:01: a manual and a scheduled task share the minute; sums over both
    let m = &g[2];
    assert_eq!(m.sync_types, vec![SyncType::ManualTask, SyncType::ScheduledTask]);
    assert_eq!(m.session_ids, vec![f.t1, f.t2]);
    assert_eq!(
        (
            m.status,
            m.total_instances,
            m.successful_instances,
            m.failed_instances,
            m.cancelled_instances
        ),
        (SessionStatus::Running, 3, 1, 0, 0)
    );
    assert_eq!(m.items, items(7, 1, 0, 0));
    assert_eq!(
        (m.started_at, m.completed_at, m.created_at),
        (Some(t(61, 0)), None, t(119, 999_999))
    );
    assert_eq!(m.last_id, id_of(f.t2));
    // the batch
    let b = &g[3];
    assert_eq!(
        (
            b.status,
            b.total_instances,
            b.successful_instances,
            b.failed_instances
        ),
        (SessionStatus::Failed, 3, 2, 1)
    );
    assert_eq!(b.items, items(30, 2, 4, 1));
    assert_eq!(
        (b.started_at, b.completed_at, b.created_at),
        (Some(t(6, 0)), Some(t(9, 0)), t(5, 0))
    );
    assert_eq!(page, history_page(&all, &query()));

    // Filters.
    let q = HistoryQuery {
        sync_type: Some(SyncType::ScheduledTask),
        ..query()
    };
    let p = s.history(&q).await.unwrap();
    assert_eq!(p.total, 2);
    assert_eq!(p.items[1].session_ids, vec![f.t2]);
    assert_eq!(
        (
            p.items[1].total_instances,
            p.items[1].items,
            p.items[1].started_at
        ),
        (2, items(0, 0, 0, 0), Some(t(120, 0)))
    );
    assert_eq!(p, history_page(&all, &q));
    let q = HistoryQuery {
        status: Some(SessionStatus::Completed),
        ..query()
    };
    let p = s.history(&q).await.unwrap();
    assert_eq!(p.total, 1);
    assert_eq!(
        (
            p.items[0].session_ids.clone(),
            p.items[0].status,
            p.items[0].completed_at
        ),
        (vec![f.t1], SessionStatus::Completed, Some(t(62, 0)))
    );
    assert_eq!(p, history_page(&all, &q));
    let q = HistoryQuery {
        since: Some(t(60, 0)),
        until: Some(t(120, 0)),
        ..query()
    };
    let p = s.history(&q).await.unwrap();
    assert_eq!(p.total, 1);
    assert_eq!(p.items[0].session_ids, vec![f.t1, f.t2]);
    assert_eq!(p, history_page(&all, &q));
    for (ty, st) in [
        (Some(SyncType::ManualBatch), None),
        (None, Some(SessionStatus::Running)),
        (None, Some(SessionStatus::Paused)),
    ] {
        let q = HistoryQuery {
            sync_type: ty,
            status: st,
            ..query()
        };
        assert_eq!(s.history(&q).await.unwrap(), history_page(&all, &q), "{q:?}");
    }
    let q = HistoryQuery {
        category: SyncCategory::Capacity,
        ..query()
    };
    let p = s.history(&q).await.unwrap();
    assert_eq!((p.total, p.pages, p.items.len()), (0, 0, 0));

    // Pages.
    let q = HistoryQuery {
        page: PageRequest::new(2, 3).unwrap(),
        ..query()
    };
    let p = s.history(&q).await.unwrap();
    assert_eq!(
        p.items.iter().map(|g| g.key).collect::<Vec<_>>(),
        vec![GroupKey::Batch(f.b1)]
    );
    assert_eq!(
        (p.total, p.pages, p.has_prev, p.has_next, p.prev_num, p.next_num),
        (4, 2, true, false, Some(1), None)
    );
    assert_eq!(p.strip, vec![PageLink::Page(1), PageLink::Page(2)]);
    let q = HistoryQuery {
        page: PageRequest::new(3, 3).unwrap(),
        ..query()
    };
    let p = s.history(&q).await.unwrap();
    assert_eq!((p.items.len(), p.total, p.pages, p.has_next), (0, 4, 2, false));
    assert_eq!(p, history_page(&all, &q));
    let q = HistoryQuery {
        page: PageRequest::new(2, 1).unwrap(),
        status: Some(SessionStatus::Cancelled),
        ..query()
    };
    assert_eq!(s.history(&q).await.unwrap(), history_page(&all, &q));
}

async fn details_one_record_per_instance(db: &TestDb) {
    let s = &db.store;
    let f = build(s).await;

    let d = s.batch_details(&[f.b1]).await.unwrap();
    assert_eq!(d.session_ids, vec![f.b1]);
    assert_eq!(
        d.records
            .iter()
            .map(|r| (r.instance_name.as_str(), r.status.as_str()))
            .collect::<Vec<_>>(),
        vec![("db-a", "completed"), ("db-b", "failed"), ("db-c", "completed")]
    );
    assert_eq!((d.completed, d.failed, d.items), (2, 1, items(30, 2, 4, 1)));

    // The newest record of each instance wins across sessions.
    let d = s.batch_details(&[f.t2, f.b1, f.t1, f.b1]).await.unwrap();
    let mut want = vec![f.b1, f.t1, f.t2];
    want.sort();
    assert_eq!(d.session_ids, want);
    assert_eq!(
        d.records
            .iter()
            .map(|r| (r.instance_name.as_str(), r.status.as_str(), r.session_id))
            .collect::<Vec<_>>(),
        vec![
            ("db-a", "running", f.t2),
            ("db-b", "pending", f.t2),
            ("db-c", "completed", f.t1)
        ]
    );
    assert_eq!((d.completed, d.failed, d.items), (1, 0, items(7, 1, 0, 0)));

    let d = s.failed_details(&[f.b1]).await.unwrap();
    assert_eq!(
        d.records
            .iter()
            .map(|r| (r.instance_name.as_str(), r.error_message.as_deref()))
            .collect::<Vec<_>>(),
        vec![("db-b", Some("timeout"))]
    );
    assert_eq!((d.completed, d.failed, d.items), (0, 1, items(0, 0, 0, 0)));
    assert!(s.failed_details(&[f.b1, f.t2]).await.unwrap().records.is_empty());

    let unknown = SessionId::new();
    assert_eq!(
        s.batch_details(&[f.b1, unknown]).await.unwrap_err(),
        StoreError::Query(QueryError::NotFound(vec![unknown.to_string()]))
    );
    assert_eq!(
        s.failed_details(&[]).await.unwrap_err(),
        StoreError::Query(QueryError::EmptyIds)
    );
    assert_eq!(
        s.batch_details(&[]).await.unwrap_err(),
        StoreError::Query(QueryError::EmptyIds)
    );

    let sd = s.session_details(f.b1).await.unwrap();
    assert_eq!(
        sd.records
            .iter()
            .map(|r| r.instance_name.as_str())
            .collect::<Vec<_>>(),
        vec!["db-a", "db-b", "db-c"]
    );
    assert_eq!(
        (sd.items, sd.progress, sd.session.status),
        (items(30, 2, 4, 1), 1.0, SessionStatus::Failed)
    );
    let sd = s.session_details(f.t2).await.unwrap();
    assert_eq!(sd.progress, 0.0);
    assert_eq!(
        s.session_details(unknown).await.unwrap_err(),
        StoreError::NotFound {
            entity: "session",
            id: unknown.to_string()
        }
    );
    let _ = (f.t3, f.s1);
}

async fn history_ties_break_by_larger_id(db: &TestDb) {
    let s = &db.store;
    let (a, _) = s
        .create_session(new_session(SyncType::ManualBatch, &[(1, "x")]), t(0, 0))
        .await
        .unwrap();
    let (b, _) = s
        .create_session(new_session(SyncType::ManualBatch, &[(1, "x")]), t(0, 0))
        .await
        .unwrap();
    let (c, _) = s
        .create_session(new_session(SyncType::ManualSingle, &[(1, "x")]), t(0, 0))
        .await
        .unwrap();
    // A task group whose newest member is older than its member with the largest id.
    let (d, _) = s
        .create_session(new_session(SyncType::ManualTask, &[(1, "x")]), t(0, 1))
        .await
        .unwrap();
    let (e, _) = s
        .create_session(new_session(SyncType::ScheduledTask, &[(1, "x")]), t(0, 0))
        .await
        .unwrap();
    let p = s.history(&query()).await.unwrap();
    assert_eq!(
        p.items.iter().map(|g| g.key).collect::<Vec<_>>(),
        vec![
            GroupKey::Minute(minute_of(t(0, 0))),
            GroupKey::Single(c.session_id),
            GroupKey::Batch(b.session_id),
            GroupKey::Batch(a.session_id),
        ]
    );
    assert_eq!(p.items[0].session_ids, vec![e.session_id, d.session_id]);
    assert_eq!(p.items[0].last_id, e.id);
    let all = reference(
        s,
        &[
            a.session_id,
            b.session_id,
            c.session_id,
            d.session_id,
            e.session_id,
        ],
    )
    .await;
    assert_eq!(p, history_page(&all, &query()));
}

on_all_backends!(
    history_groups_sums_and_pages,
    details_one_record_per_instance,
    history_ties_break_by_larger_id
);
