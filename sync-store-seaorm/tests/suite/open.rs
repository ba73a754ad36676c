//! Opening stores: typed errors without the password, idempotent migrations, opt-out, and
//! several processes (here: pools) opening one fresh database at once.

use crate::common::{Kind, drop_db, fresh_url};
use sea_orm::{ConnectionTrait, Statement};
use std::time::Duration;
use sync_core::history::HistoryQuery;
use sync_core::traits::{HistoryStore, StoreError};
use sync_store_seaorm::{OpenError, OpenOptions, SeaStore};

fn quick() -> OpenOptions {
    OpenOptions {
        connect_timeout: Duration::from_secs(3),
        ..OpenOptions::default()
    }
}

#[tokio::test]
async fn unreachable_server_names_backend_and_host_never_the_password() {
    for (url, backend, location) in [
        (
            "postgres://acs_user:S3cr3t%21Pw@127.0.0.1:1/acs_store_none",
            "postgres",
            "127.0.0.1:1/acs_store_none",
        ),
        (
            "mysql://acs_user:S3cr3t%21Pw@127.0.0.1:1/acs_store_none",
            "mysql",
            "127.0.0.1:1/acs_store_none",
        ),
        (
            "mariadb://acs_user:S3cr3t%21Pw@127.0.0.1:1/x",
            "mysql",
            "127.0.0.1:1/x",
        ),
    ] {
        let err = SeaStore::open(url, quick()).await.unwrap_err();
        let OpenError::Connect {
            backend: b,
            location: l,
            ..
        } = &err
        else {
            panic!("expected a connect error, got {err:?}");
        };
        assert_eq!((*b, l.as_str()), (backend, location));
        for text in [
            err.to_string(),
            format!("{err:?}"),
            StoreError::from(err.clone()).to_string(),
        ] {
            assert!(!text.contains("S3cr3t"), "password leaked: {text}");
            assert!(text.contains(backend) && text.contains("127.0.0.1:1"), "{text}");
        }
        // The network's reason, not the pool's "timed out".
        assert!(err.to_string().contains("refused"), "{err}");
    }
}

#[tokio::test]
async fn bad_urls_are_typed_errors_without_the_password() {
    let err = SeaStore::open("postgres://u:S3cr3t@db.example:notaport/app", quick())
        .await
        .unwrap_err();
    assert!(matches!(err, OpenError::InvalidUrl { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("S3cr3t"));
    assert_eq!(
        SeaStore::open("oracle://u:S3cr3t@h/db", quick())
            .await
            .unwrap_err(),
        OpenError::UnsupportedScheme {
            scheme: "oracle".into()
        }
    );
    let err = SeaStore::open("sqlite:///nonexistent-dir-acs/x.db?mode=rw", quick())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, OpenError::Connect { backend: "sqlite", location, .. } if location == "/nonexistent-dir-acs/x.db"),
        "{err:?}"
    );
}

async fn migration_rows(store: &SeaStore) -> i64 {
    let db = store.connection();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM acs_migrations",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn for_each_kind(test: &str, f: impl AsyncFn(Kind, String)) {
    for kind in [Kind::Sqlite, Kind::Postgres, Kind::MySql] {
        if let Some((url, name)) = fresh_url(kind, test).await {
            f(kind, url.clone()).await;
            drop_db(kind, &name, &url).await;
        }
    }
}

#[tokio::test]
async fn migrations_are_idempotent_and_can_be_deferred() {
    for_each_kind("migrate_optout", async |kind, url| {
        let no_migrate = OpenOptions {
            run_migrations: false,
            ..quick()
        };
        let store = SeaStore::open(&url, no_migrate).await.unwrap();
        let err = store
            .history(&HistoryQuery::default_for_test())
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Backend { .. }), "{kind:?}: {err}");
        store.migrate().await.unwrap();
        store.migrate().await.unwrap();
        assert_eq!(migration_rows(&store).await, 6);
        let page = store.history(&HistoryQuery::default_for_test()).await.unwrap();
        assert_eq!(page.total, 0);
        store.close().await.unwrap();
        let again = SeaStore::open(&url, quick()).await.unwrap();
        assert_eq!(migration_rows(&again).await, 6);
        again.close().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn concurrent_opens_migrate_once() {
    for_each_kind("concurrent_open", async |kind, url| {
        let opens = (0..4).map(|_| {
            let url = url.clone();
            tokio::spawn(async move { SeaStore::open(&url, quick()).await })
        });
        let stores: Vec<SeaStore> = futures_join(opens).await;
        for s in &stores {
            assert_eq!(migration_rows(s).await, 6, "{kind:?}");
        }
        for s in stores {
            s.close().await.unwrap();
        }
    })
    .await;
}

async fn futures_join(
    handles: impl Iterator<Item = tokio::task::JoinHandle<Result<SeaStore, OpenError>>>,
) -> Vec<SeaStore> {
    let mut out = Vec::new();
    for h in handles.collect::<Vec<_>>() {
        out.push(h.await.unwrap().unwrap());
    }
    out
}

trait DefaultForTest {
    fn default_for_test() -> Self;
}

impl DefaultForTest for HistoryQuery {
    fn default_for_test() -> Self {
        sync_core::history::HistoryRequest::default()
            .resolve(chrono::Utc::now(), chrono_tz::UTC)
            .unwrap()
    }
}
