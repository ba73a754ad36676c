//! Property test: random histories stored in the store give, page by page and filter by
//! filter, exactly what the core rules give on the same data — on SQLite (many cases) and
//! PostgreSQL (a smaller sample), through the bulk import and through the session API.

#[path = "common/mod.rs"]
mod common;

use common::{Kind, drop_db, fresh_url};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
use sync_core::domain::{
    InstanceRecord, ItemCounts, RecordStatus, SessionId, SyncCategory, SyncSession, SyncType,
};
use sync_core::history::{
    HistoryQuery, PageRequest, SessionWithItems, batch_details, failed_details, history_page,
};
use sync_core::strategies::{epoch, history_sessions, records_for, session_status, sync_type};
use sync_core::traits::{HistoryStore, NewSession, SessionStore};
use sync_store_seaorm::{OpenOptions, SeaStore};

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| tokio::runtime::Runtime::new().expect("tokio runtime"))
}

fn query() -> impl Strategy<Value = HistoryQuery> {
    (
        proptest::option::of(sync_type()),
        proptest::option::of(session_status()),
        proptest::option::of(0i64..600),
        proptest::option::of(0i64..600),
        1i64..8,
        prop::bool::weighted(0.05),
    )
        .prop_map(
            |(sync_type, status, since, until, per_page, other)| HistoryQuery {
                category: if other {
                    SyncCategory::Config
                } else {
                    SyncCategory::Account
                },
                sync_type,
                status,
                since: since.map(|s| epoch() + chrono::Duration::seconds(s)),
                until: until.map(|s| epoch() + chrono::Duration::seconds(s)),
                page: PageRequest::new(1, per_page).unwrap(),
            },
        )
}

/// A history: sessions with their records (at most one running record per instance, as the
/// store enforces) and the summed account counts the rules take.
fn history(
    len: std::ops::Range<usize>,
) -> impl Strategy<Value = (Vec<SessionWithItems>, Vec<InstanceRecord>)> {
    history_sessions(len).prop_flat_map(|sessions| {
        let plain: Vec<SyncSession> = sessions.iter().map(|s| s.session.clone()).collect();
        records_for(plain).prop_map(move |mut records| {
            let mut running = BTreeSet::new();
            for r in &mut records {
                if r.status == RecordStatus::Running && !running.insert(r.instance_id) {
                    r.status = RecordStatus::Failed;
                    r.error_message = Some("lease expired".into());
                }
            }
            let mut sums: BTreeMap<SessionId, ItemCounts> = BTreeMap::new();
            for r in &records {
                *sums.entry(r.session_id).or_default() += r.items;
            }
            let with_items = sessions
                .iter()
                .map(|s| SessionWithItems {
                    session: s.session.clone(),
                    items: sums.get(&s.session.session_id).copied().unwrap_or_default(),
                })
                .collect();
            (with_items, records)
        })
    })
}

/// Every page of `q` (and one past the end) from the store equals the rules.
async fn check_pages(
    store: &SeaStore,
    all: &[SessionWithItems],
    q: &HistoryQuery,
) -> Result<(), TestCaseError> {
    let first = history_page(all, q);
    for page in 1..=first.pages + 1 {
        let q = HistoryQuery {
            page: PageRequest::new(i64::from(page), i64::from(q.page.per_page())).unwrap(),
            ..q.clone()
        };
        let got = store
            .history(&q)
            .await
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(got, history_page(all, &q), "query {:?}", q);
    }
    Ok(())
}

async fn check_case(
    store: &SeaStore,
    all: &[SessionWithItems],
    records: &[InstanceRecord],
    queries: &[HistoryQuery],
    pick: &[usize],
) -> Result<(), TestCaseError> {
    let sessions: Vec<SyncSession> = all.iter().map(|s| s.session.clone()).collect();
    store
        .import_history(&sessions, records)
        .await
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    for q in queries {
        check_pages(store, all, q).await?;
    }
    // The unfiltered and per-type views (the summary path) too.
    for ty in std::iter::once(None).chain(SyncType::ALL.iter().copied().map(Some)) {
        let q = HistoryQuery {
            category: SyncCategory::Account,
            sync_type: ty,
            status: None,
            since: None,
            until: None,
            page: PageRequest::new(1, 3).unwrap(),
        };
        check_pages(store, all, &q).await?;
    }
    if !sessions.is_empty() {
        let ids: Vec<SessionId> = pick
            .iter()
            .map(|i| sessions[i % sessions.len()].session_id)
            .collect();
        prop_assert_eq!(
            store
                .batch_details(&ids)
                .await
                .map_err(|e| TestCaseError::fail(e.to_string()))?,
            batch_details(&sessions, records, &ids).unwrap()
        );
        prop_assert_eq!(
            store
                .failed_details(&ids)
                .await
                .map_err(|e| TestCaseError::fail(e.to_string()))?,
            failed_details(&sessions, records, &ids).unwrap()
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn sqlite_history_equals_the_rules(
        (all, records) in history(0..40),
        queries in proptest::collection::vec(query(), 1..4),
        pick in proptest::collection::vec(0usize..40, 1..4),
    ) {
        runtime().block_on(async {
            let store = SeaStore::open("sqlite::memory:", OpenOptions::default()).await.unwrap();
            let r = check_case(&store, &all, &records, &queries, &pick).await;
            store.close().await.unwrap();
            r
        })?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn postgres_history_equals_the_rules(
        (all, records) in history(0..40),
        queries in proptest::collection::vec(query(), 1..4),
        pick in proptest::collection::vec(0usize..40, 1..4),
    ) {
        runtime().block_on(async {
            let Some((url, name)) = fresh_url(Kind::Postgres, "props_pg").await else {
                return Ok(());
            };
            let store = SeaStore::open(&url, OpenOptions::default()).await.unwrap();
            let r = check_case(&store, &all, &records, &queries, &pick).await;
            store.close().await.unwrap();
            drop_db(Kind::Postgres, &name, &url).await;
            r
        })?;
    }
}

/// Sessions created through the API (the incremental summary path): random types, times
/// and cancellations.
fn api_sessions() -> impl Strategy<Value = Vec<(SyncType, i64, bool)>> {
    proptest::collection::vec((sync_type(), 0i64..400, prop::bool::weighted(0.3)), 0..30)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn sessions_created_through_the_api_page_like_the_rules(
        specs in api_sessions(),
        queries in proptest::collection::vec(query(), 1..3),
    ) {
        runtime().block_on(async {
            let store = SeaStore::open("sqlite::memory:", OpenOptions::default()).await.unwrap();
            let mut all = Vec::new();
            for (i, (ty, offset, cancel)) in specs.iter().enumerate() {
                let new = NewSession {
                    sync_type: *ty,
                    sync_category: SyncCategory::Account,
                    created_by: None,
                    instances: vec![(i as i64 + 1, format!("db-{i}"))],
                };
                let at = epoch() + chrono::Duration::seconds(*offset);
                let (mut s, _) = store.create_session(new, at).await.unwrap();
                if *cancel {
                    s = store.cancel_session(s.session_id, at).await.unwrap();
                }
                all.push(SessionWithItems { session: s, items: ItemCounts::default() });
            }
            for q in &queries {
                check_pages(&store, &all, q).await?;
            }
            for ty in std::iter::once(None).chain(SyncType::ALL.iter().copied().map(Some)) {
                let q = HistoryQuery {
                    category: SyncCategory::Account,
                    sync_type: ty,
                    status: None,
                    since: None,
                    until: None,
                    page: PageRequest::new(1, 4).unwrap(),
                };
                check_pages(&store, &all, &q).await?;
            }
            store.close().await.unwrap();
            Ok::<(), TestCaseError>(())
        })?;
    }
}
