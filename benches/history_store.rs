//! History paging on the SeaORM store at 100k and 1M sessions (3 records each), on SQLite
//! and PostgreSQL, against the seed's approach (load every session, group in memory).
//!
//! Datasets are built once with bulk inserts and reused: SQLite files under
//! `target/bench-data/`, PostgreSQL databases `acs_store_bench_100k` / `acs_store_bench_1m`
//! (kept when already populated). Set `ACS_BENCH_SIZES=100000` to run one size, and
//! `ACS_BENCH_PG=postgres://…/postgres` to use another PostgreSQL server (an admin URL).
//!
//! ```text
//! cargo bench --bench history_store -- --warm-up-time 1 --measurement-time 3
//! ```

use chrono::{DateTime, Duration, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use sea_orm::{ColumnTrait, ConnectionTrait, Database, EntityTrait, QueryFilter, Statement};
use std::collections::BTreeMap;
use std::time::Instant;
use sync_core::domain::{
    InstanceRecord, ItemCounts, RecordStatus, SessionId, SessionStatus, SyncCategory, SyncSession, SyncType,
};
use sync_core::history::{HistoryPage, HistoryQuery, PageRequest, SessionWithItems, history_page};
use sync_core::traits::HistoryStore;
use sync_store_seaorm::entities::sync_session;
use sync_store_seaorm::{OpenOptions, SeaStore};
use uuid::Uuid;

const RECORDS_PER_SESSION: i64 = 3;
const CHUNK: i64 = 20_000;

fn base() -> DateTime<Utc> {
    DateTime::from_timestamp(1_735_689_600, 0).expect("2025-01-01")
}

/// Session `i` (1-based) of the synthetic history: one every 30 s; 50 % manual_batch,
/// 20 % manual_single, 20 % manual_task, 10 % scheduled_task; mostly completed, some failed,
/// the newest few running.
fn session(i: i64, n: i64) -> SyncSession {
    let created = base() + Duration::seconds(i * 30);
    let sync_type = match i % 10 {
        0..=4 => SyncType::ManualBatch,
        5 | 6 => SyncType::ManualSingle,
        7 | 8 => SyncType::ManualTask,
        _ => SyncType::ScheduledTask,
    };
    let status = if i > n - 5 {
        SessionStatus::Running
    } else if i % 13 == 0 {
        SessionStatus::Failed
    } else {
        SessionStatus::Completed
    };
    let total = RECORDS_PER_SESSION as u32;
    let failed = u32::from(status == SessionStatus::Failed);
    SyncSession {
        id: i,
        session_id: SessionId(Uuid::from_u128(
            0xacc0_0000_0000_0000_0000_0000_0000_0000 | i as u128,
        )),
        sync_type,
        sync_category: SyncCategory::Account,
        status,
        started_at: Some(created + Duration::seconds(1)),
        completed_at: status.is_terminal().then(|| created + Duration::seconds(20)),
        total_instances: total,
        successful_instances: if status.is_terminal() { total - failed } else { 0 },
        failed_instances: failed,
        cancelled_instances: 0,
        created_by: Some(format!("user{}", i % 7)),
        created_at: created,
        updated_at: created + Duration::seconds(20),
    }
}

fn records(s: &SyncSession) -> Vec<InstanceRecord> {
    (0..RECORDS_PER_SESSION)
        .map(|k| {
            let mut r = InstanceRecord::new_pending(
                s.session_id,
                k + 1,
                format!("db-{:02}", k + 1),
                SyncCategory::Account,
                s.created_at,
            );
            r.id = (s.id - 1) * RECORDS_PER_SESSION + k + 1;
            r.status = match s.status {
                SessionStatus::Running => RecordStatus::Running,
                SessionStatus::Failed if k == 0 => RecordStatus::Failed,
                _ => RecordStatus::Completed,
            };
            if r.status == RecordStatus::Running && k > 0 {
                r.status = RecordStatus::Pending;
            }
            if r.status == RecordStatus::Completed {
                r.items = ItemCounts {
                    synced: 40 + k as u64,
                    created: (s.id % 3) as u64,
                    updated: (s.id % 2) as u64,
                    deleted: 0,
                };
            }
            r
        })
        .collect()
}

async fn session_count(store: &SeaStore) -> i64 {
    let db = store.connection();
    match db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM sync_sessions",
        ))
        .await
    {
        Ok(Some(row)) => row.try_get::<i64>("", "n").unwrap_or(-1),
        _ => -1,
    }
}

/// Fills an empty store with `n` sessions (running records: only the newest session runs,
/// on distinct instances, so the one-running-record-per-instance rule holds).
async fn fill(store: &SeaStore, n: i64) {
    let started = Instant::now();
    let mut i = 1;
    while i <= n {
        let end = (i + CHUNK - 1).min(n);
        let sessions: Vec<SyncSession> = (i..=end).map(|j| session(j, n)).collect();
        let mut recs: Vec<InstanceRecord> = sessions.iter().flat_map(records).collect();
        // Only one running record per instance across the dataset.
        for r in &mut recs {
            if r.status == RecordStatus::Running && r.session_id != session(n - 4, n).session_id {
                r.status = RecordStatus::Pending;
            }
        }
        store.import_history(&sessions, &recs).await.expect("import");
        i = end + 1;
    }
    eprintln!("built {n} sessions in {:.1?}", started.elapsed());
}

async fn sqlite_store(n: i64) -> SeaStore {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/target/bench-data");
    std::fs::create_dir_all(dir).expect("bench data dir");
    let path = format!("{dir}/history_{n}.db");
    let url = format!("sqlite://{path}?mode=rwc");
    let store = SeaStore::open(&url, OpenOptions::default())
        .await
        .expect("open sqlite");
    if session_count(&store).await != n {
        store.close().await.ok();
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{ext}"));
        }
        let store = SeaStore::open(&url, OpenOptions::default())
            .await
            .expect("open sqlite");
        fill(&store, n).await;
        return store;
    }
    store
}

async fn pg_store(n: i64) -> Option<SeaStore> {
    let admin_url = std::env::var("ACS_BENCH_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let server = admin_url[..admin_url.rfind('/')?].to_owned();
    let name = format!(
        "acs_store_bench_{}",
        if n >= 1_000_000 {
            format!("{}m", n / 1_000_000)
        } else {
            format!("{}k", n / 1000)
        }
    );
    let url = format!("{server}/{name}");
    if let Ok(store) = SeaStore::open(&url, OpenOptions::default()).await {
        if session_count(&store).await == n {
            return Some(store);
        }
        store.close().await.ok();
    }
    let admin = match Database::connect(admin_url.as_str()).await {
        Ok(a) => a,
        Err(e) => {
            eprintln!("skipping PostgreSQL: {e}");
            return None;
        }
    };
    for sql in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        admin
            .execute_raw(Statement::from_string(admin.get_database_backend(), sql))
            .await
            .expect("create bench database");
    }
    admin.close().await.ok();
    let store = SeaStore::open(&url, OpenOptions::default())
        .await
        .expect("open pg");
    fill(&store, n).await;
    let db = store.connection();
    db.execute_raw(Statement::from_string(db.get_database_backend(), "ANALYZE"))
        .await
        .ok();
    Some(store)
}

fn query(page: i64) -> HistoryQuery {
    HistoryQuery {
        category: SyncCategory::Account,
        sync_type: None,
        status: None,
        since: None,
        until: None,
        page: PageRequest::new(page, 20).expect("page"),
    }
}

/// The seed's approach: load every session of the category and its record sums, then
/// filter, group and paginate in memory (here with one sum query instead of one per
/// session, which only favours it).
async fn load_all_page(store: &SeaStore, q: &HistoryQuery) -> HistoryPage {
    let db = store.connection();
    let rows = sync_session::Entity::find()
        .filter(sync_session::Column::SyncCategory.eq(q.category.as_str()))
        .all(db)
        .await
        .expect("load sessions");
    let sums_sql = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            "SELECT session_id, CAST(SUM(items_synced) AS BIGINT) AS s, CAST(SUM(items_created) AS BIGINT) AS c, \
             CAST(SUM(items_updated) AS BIGINT) AS u, CAST(SUM(items_deleted) AS BIGINT) AS d \
             FROM instance_records GROUP BY session_id"
        }
        _ => {
            "SELECT session_id, SUM(items_synced) AS s, SUM(items_created) AS c, SUM(items_updated) AS u, \
             SUM(items_deleted) AS d FROM instance_records GROUP BY session_id"
        }
    };
    let sums: BTreeMap<String, ItemCounts> = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sums_sql))
        .await
        .expect("sums")
        .into_iter()
        .map(|r| {
            let g = |c: &str| r.try_get::<i64>("", c).unwrap_or(0) as u64;
            (
                r.try_get::<String>("", "session_id").unwrap_or_default(),
                ItemCounts {
                    synced: g("s"),
                    created: g("c"),
                    updated: g("u"),
                    deleted: g("d"),
                },
            )
        })
        .collect();
    let all: Vec<SessionWithItems> = rows
        .into_iter()
        .map(|m| {
            let items = sums.get(&m.session_id).copied().unwrap_or_default();
            SessionWithItems {
                session: SyncSession {
                    id: m.id,
                    session_id: m.session_id.parse().expect("uuid"),
                    sync_type: m.sync_type.parse().expect("type"),
                    sync_category: m.sync_category.parse().expect("category"),
                    status: m.status.parse().expect("status"),
                    started_at: m.started_at,
                    completed_at: m.completed_at,
                    total_instances: m.total_instances as u32,
                    successful_instances: m.successful_instances as u32,
                    failed_instances: m.failed_instances as u32,
                    cancelled_instances: m.cancelled_instances as u32,
                    created_by: m.created_by,
                    created_at: m.created_at,
                    updated_at: m.updated_at,
                },
                items,
            }
        })
        .collect();
    history_page(&all, q)
}

fn sizes() -> Vec<i64> {
    std::env::var("ACS_BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100_000, 1_000_000])
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let mut group = c.benchmark_group("history_store");
    group.sample_size(10);
    for n in sizes() {
        let sqlite = rt.block_on(sqlite_store(n));
        let pg = rt.block_on(pg_store(n));
        let stores: Vec<(&str, &SeaStore)> = std::iter::once(("sqlite", &sqlite))
            .chain(pg.as_ref().map(|p| ("postgres", p)))
            .collect();
        for (backend, store) in stores {
            // The store's answer is the rules' answer on this data.
            let check = rt.block_on(store.history(&query(500))).expect("history");
            assert_eq!(
                check,
                rt.block_on(load_all_page(store, &query(500))),
                "{backend} {n}"
            );
            for page in [1, 500] {
                group.bench_with_input(
                    BenchmarkId::new(format!("{backend}/page{page}"), n),
                    &page,
                    |b, &page| {
                        b.to_async(&rt)
                            .iter(|| async { store.history(&query(page)).await.expect("history") });
                    },
                );
            }
            // A status filter takes the general path: the matching sessions grouped in SQL
            // (here failed sessions, 1 in 13): informational, O(matching sessions).
            let failed = HistoryQuery {
                status: Some(SessionStatus::Failed),
                ..query(1)
            };
            group.bench_with_input(
                BenchmarkId::new(format!("{backend}/status_failed_page1"), n),
                &n,
                |b, _| {
                    b.to_async(&rt)
                        .iter(|| async { store.history(&failed).await.expect("history") });
                },
            );
            let first = query(1);
            group.bench_with_input(
                BenchmarkId::new(format!("{backend}/load_all_page1"), n),
                &n,
                |b, _| {
                    b.to_async(&rt).iter(|| load_all_page(store, &first));
                },
            );
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
