//! Retention: old terminal history deleted in batches, records first; the history summary
//! stays exact.

use crate::common::TestDb;
use crate::fixtures::{completed, items, new_session, t};
use crate::on_all_backends;
use sync_core::domain::{ItemCounts, SessionId, SyncCategory, SyncType};
use sync_core::history::{HistoryQuery, PageRequest, SessionWithItems, history_page};
use sync_core::traits::{HistoryStore, SessionStore, StoreError};
use sync_store_seaorm::RetentionReport;

async fn retention_deletes_old_terminal_history_in_batches(db: &TestDb) {
    let s = &db.store;
    let mut ids: Vec<SessionId> = Vec::new();
    // 5 old completed batch sessions of 2 records, 3 old task sessions in one minute (two
    // completed, one still running), and 2 recent ones.
    for i in 0..5 {
        let (sess, recs) = s
            .create_session(new_session(SyncType::ManualBatch, &[(1, "a"), (2, "b")]), t(i, 0))
            .await
            .unwrap();
        for r in &recs {
            s.start_record(r.id, t(i, 1)).await.unwrap();
            s.finish_record(r.id, completed(items(1, 0, 0, 0)), t(i, 2))
                .await
                .unwrap();
        }
        ids.push(sess.session_id);
    }
    let mut running = None;
    for i in 0..3 {
        let ty = if i == 0 {
            SyncType::ManualTask
        } else {
            SyncType::ScheduledTask
        };
        let (sess, recs) = s
            .create_session(new_session(ty, &[(10 + i, "t")]), t(60 + i, 0))
            .await
            .unwrap();
        s.start_record(recs[0].id, t(61 + i, 0)).await.unwrap();
        if i < 2 {
            s.finish_record(recs[0].id, completed(items(2, 0, 0, 0)), t(62 + i, 0))
                .await
                .unwrap();
        } else {
            running = Some(sess.session_id);
        }
        ids.push(sess.session_id);
    }
    for i in 0..2 {
        let (sess, _) = s
            .create_session(new_session(SyncType::ManualSingle, &[(1, "a")]), t(3600 + i, 0))
            .await
            .unwrap();
        ids.push(sess.session_id);
    }

    let report = s.delete_history_before(t(1800, 0), 2).await.unwrap();
    assert_eq!(
        report,
        RetentionReport {
            sessions: 7,
            records: 12,
            batches: 4
        }
    );
    let gone = s.get_session(ids[0]).await.unwrap_err();
    assert!(matches!(
        gone,
        StoreError::NotFound {
            entity: "session",
            ..
        }
    ));
    let kept_running = s.get_session(running.unwrap()).await.unwrap();
    assert_eq!(s.list_records(kept_running.session_id).await.unwrap().len(), 1);

    // What remains: the running task session (its minute group now has one member) and
    // the two recent ones; the summary-backed view equals the rules on the remaining data.
    let mut remaining = Vec::new();
    for id in &ids {
        if let Ok(session) = s.get_session(*id).await {
            let items: ItemCounts = s.list_records(*id).await.unwrap().iter().map(|r| r.items).sum();
            remaining.push(SessionWithItems { session, items });
        }
    }
    assert_eq!(remaining.len(), 3);
    for ty in [
        None,
        Some(SyncType::ManualTask),
        Some(SyncType::ScheduledTask),
        Some(SyncType::ManualBatch),
    ] {
        let q = HistoryQuery {
            category: SyncCategory::Account,
            sync_type: ty,
            status: None,
            since: None,
            until: None,
            page: PageRequest::new(1, 2).unwrap(),
        };
        assert_eq!(
            s.history(&q).await.unwrap(),
            history_page(&remaining, &q),
            "{ty:?}"
        );
    }
    let q = HistoryQuery {
        category: SyncCategory::Account,
        sync_type: None,
        status: None,
        since: None,
        until: None,
        page: PageRequest::default(),
    };
    assert_eq!(s.history(&q).await.unwrap().total, 3);
    // Nothing left to delete.
    assert_eq!(
        s.delete_history_older_than(0, t(1800, 0)).await.unwrap(),
        RetentionReport::default()
    );
}

on_all_backends!(retention_deletes_old_terminal_history_in_batches);
