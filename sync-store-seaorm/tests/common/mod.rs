//! Test databases on the three backends: a temp SQLite file, and a fresh database per test on
//! the local PostgreSQL and MariaDB servers (prefix `acs_store_`), dropped at the end.
//! With `CI=true` an unreachable server fails the test; otherwise the test is skipped with a
//! message.
#![allow(dead_code)]

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use sync_store_seaorm::{OpenOptions, SeaStore};

/// A backend under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
    MySql,
}

impl Kind {
    fn suffix(self) -> &'static str {
        match self {
            Kind::Sqlite => "lite",
            Kind::Postgres => "pg",
            Kind::MySql => "my",
        }
    }
}

/// The admin URL of a server (overridable for other machines).
fn admin_url(kind: Kind) -> String {
    match kind {
        Kind::Postgres => std::env::var("ACS_TEST_PG_ADMIN")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into()),
        Kind::MySql => std::env::var("ACS_TEST_MYSQL_ADMIN")
            .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into()),
        Kind::Sqlite => String::new(),
    }
}

fn server_base(kind: Kind) -> String {
    let admin = admin_url(kind);
    admin[..admin.rfind('/').expect("admin URL has a database")].to_owned()
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

async fn admin(kind: Kind) -> Option<DatabaseConnection> {
    let mut opts = sea_orm::ConnectOptions::new(admin_url(kind));
    opts.max_connections(1)
        .connect_timeout(std::time::Duration::from_secs(5))
        .sqlx_logging(false);
    match Database::connect(opts).await {
        Ok(c) => Some(c),
        Err(e) => {
            let server = if kind == Kind::Postgres {
                "PostgreSQL"
            } else {
                "MariaDB/MySQL"
            };
            if ci() {
                panic!("CI=true and the {server} test server is unreachable: {e}");
            }
            eprintln!("skipping: {server} unreachable ({e})");
            None
        }
    }
}

async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A fresh database for one test.
pub struct TestDb {
    pub kind: Kind,
    pub store: SeaStore,
    pub url: String,
    name: String,
}

/// The database name of test `test` on `kind`.
pub fn db_name(kind: Kind, test: &str) -> String {
    let mut t: String = test
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    t.truncate(40);
    format!("acs_store_{t}_{}", kind.suffix())
}

/// Creates (dropping any leftover first) the database of `test` and returns its URL, or
/// `None` when the server is unreachable outside CI.
pub async fn fresh_url(kind: Kind, test: &str) -> Option<(String, String)> {
    let name = db_name(kind, test);
    match kind {
        Kind::Sqlite => {
            let path = std::env::temp_dir().join(format!("{name}_{}.db", std::process::id()));
            remove_sqlite(&path.display().to_string());
            Some((format!("sqlite://{}?mode=rwc", path.display()), name))
        }
        Kind::Postgres => {
            let db = admin(kind).await?;
            exec(&db, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
            exec(&db, &format!("CREATE DATABASE {name}")).await;
            db.close().await.ok();
            Some((format!("{}/{name}", server_base(kind)), name))
        }
        Kind::MySql => {
            let db = admin(kind).await?;
            exec(&db, &format!("DROP DATABASE IF EXISTS {name}")).await;
            exec(&db, &format!("CREATE DATABASE {name} CHARACTER SET utf8mb4")).await;
            db.close().await.ok();
            Some((format!("{}/{name}", server_base(kind)), name))
        }
    }
}

fn remove_sqlite(path: &str) {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{ext}"));
    }
}

/// Opens a store on a fresh database for `test`.
pub async fn open(kind: Kind, test: &str) -> Option<TestDb> {
    let (url, name) = fresh_url(kind, test).await?;
    let store = SeaStore::open(&url, OpenOptions::default())
        .await
        .unwrap_or_else(|e| panic!("open {url}: {e}"));
    Some(TestDb {
        kind,
        store,
        url,
        name,
    })
}

impl TestDb {
    /// Closes the store and drops the database.
    pub async fn cleanup(self) {
        self.store.close().await.ok();
        drop_db(self.kind, &self.name, &self.url).await;
    }
}

/// Drops a test database (or removes the SQLite file).
pub async fn drop_db(kind: Kind, name: &str, url: &str) {
    match kind {
        Kind::Sqlite => {
            let path = url
                .trim_start_matches("sqlite://")
                .split('?')
                .next()
                .unwrap_or_default();
            remove_sqlite(path);
        }
        Kind::Postgres => {
            if let Some(db) = admin(kind).await {
                exec(&db, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
            }
        }
        Kind::MySql => {
            if let Some(db) = admin(kind).await {
                exec(&db, &format!("DROP DATABASE IF EXISTS {name}")).await;
            }
        }
    }
}

/// The backend of a connection (for raw checks in tests).
pub fn backend_of(kind: Kind) -> DbBackend {
    match kind {
        Kind::Sqlite => DbBackend::Sqlite,
        Kind::Postgres => DbBackend::Postgres,
        Kind::MySql => DbBackend::MySql,
    }
}

/// Declares `#[tokio::test]`s running each listed `async fn name(db: &TestDb)` on SQLite,
/// PostgreSQL and MariaDB, each in its own database.
#[macro_export]
macro_rules! on_all_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if let Some(db) = $crate::common::open($crate::common::Kind::Sqlite, stringify!($name)).await {
                        super::$name(&db).await;
                        db.cleanup().await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if let Some(db) = $crate::common::open($crate::common::Kind::Postgres, stringify!($name)).await {
                        super::$name(&db).await;
                        db.cleanup().await;
                    }
                }
            )*
        }
        mod mysql {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if let Some(db) = $crate::common::open($crate::common::Kind::MySql, stringify!($name)).await {
                        super::$name(&db).await;
                        db.cleanup().await;
                    }
                }
            )*
        }
    };
}
