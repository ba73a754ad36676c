//! Opening a store from a URL, and running the migrations under a lock.

use crate::error::{OpenError, Redactor};
use crate::migration::Migrator;
use crate::sql::Backend;
use crate::{FaultHook, SeaStore};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use std::sync::Arc;
use std::time::Duration;

/// How to open a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenOptions {
    /// Run the pending migrations when opening (default true). With false, call
    /// [`SeaStore::migrate`] yourself (e.g. from a deploy step).
    pub run_migrations: bool,
    /// Connection pool size (default 8; always 1 for an in-memory SQLite database).
    pub max_connections: u32,
    /// How long to wait for a connection (default 10 s).
    pub connect_timeout: Duration,
    /// SQLite: how long a writer waits for the write lock before failing (default 10 s).
    pub busy_timeout: Duration,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            run_migrations: true,
            max_connections: 8,
            connect_timeout: Duration::from_secs(10),
            busy_timeout: Duration::from_secs(10),
        }
    }
}

/// What the URL says, before connecting.
struct Target {
    backend: Backend,
    /// `host:port/database` or the SQLite path (no secret).
    location: String,
    in_memory: bool,
    redactor: Redactor,
    /// Host and port of a server backend (`None` for SQLite).
    server: Option<(String, u16)>,
}

fn parse_target(url: &str) -> Result<Target, OpenError> {
    let scheme = url
        .split_once(':')
        .map(|(s, _)| s.to_ascii_lowercase())
        .ok_or_else(|| OpenError::InvalidUrl {
            reason: "no scheme (expected sqlite://, postgres:// or mysql://)".into(),
        })?;
    if scheme == "sqlite" {
        let rest = url["sqlite:".len()..].trim_start_matches("//");
        let path = rest.split('?').next().unwrap_or_default();
        let in_memory = path == ":memory:" || rest.contains("mode=memory");
        if path.is_empty() {
            return Err(OpenError::InvalidUrl {
                reason: "a sqlite URL needs a path (sqlite://path?mode=rwc or sqlite::memory:)".into(),
            });
        }
        return Ok(Target {
            backend: Backend::Sqlite,
            location: path.to_owned(),
            in_memory,
            redactor: Redactor::default(),
            server: None,
        });
    }
    let backend = match scheme.as_str() {
        "postgres" | "postgresql" => Backend::Postgres,
        "mysql" | "mariadb" => Backend::MySql,
        _ => return Err(OpenError::UnsupportedScheme { scheme }),
    };
    let parsed = url::Url::parse(url).map_err(|e| OpenError::InvalidUrl {
        reason: format!("{} URL: {e}", backend.name()),
    })?;
    let redactor = Redactor::new(parsed.password());
    let host = parsed
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| OpenError::InvalidUrl {
            reason: format!("{} URL without a host", backend.name()),
        })?;
    let port = parsed.port().unwrap_or(match backend {
        Backend::Postgres => 5432,
        _ => 3306,
    });
    let db = parsed.path().trim_start_matches('/');
    Ok(Target {
        backend,
        location: format!("{host}:{port}/{db}"),
        in_memory: false,
        redactor,
        server: Some((host.to_owned(), port)),
    })
}

/// `mariadb://` is accepted as an alias of `mysql://`, `postgresql://` of `postgres://`.
fn driver_url(url: &str) -> String {
    match url.split_once("://") {
        Some((s, rest)) if s.eq_ignore_ascii_case("mariadb") => format!("mysql://{rest}"),
        Some((s, rest)) if s.eq_ignore_ascii_case("postgresql") => format!("postgres://{rest}"),
        _ => url.to_owned(),
    }
}

/// The advisory lock key PostgreSQL migrations take ("acs_migr").
const PG_MIGRATION_LOCK: i64 = 0x6163_735f_6d69_6772;
/// The named lock MySQL/MariaDB migrations take.
const MYSQL_MIGRATION_LOCK: &str = "account_sync.migrations";

impl SeaStore {
    /// Opens the store at `url`: `sqlite://path?mode=rwc` (or `sqlite::memory:`),
    /// `postgres://user[:password]@host[:port]/db`, `mysql://…` (MariaDB too), and runs the
    /// migrations unless `options.run_migrations` is false.
    ///
    /// SQLite files are opened in WAL mode with a busy timeout, so concurrent writers wait
    /// for each other instead of failing. Errors name the backend and host, never the
    /// password.
    pub async fn open(url: &str, options: OpenOptions) -> Result<SeaStore, OpenError> {
        let target = parse_target(url)?;
        let mut co = ConnectOptions::new(driver_url(url));
        co.max_connections(if target.in_memory {
            1
        } else {
            options.max_connections.max(1)
        })
        .min_connections(if target.in_memory { 1 } else { 0 })
        .connect_timeout(options.connect_timeout)
        .acquire_timeout(options.connect_timeout)
        .sqlx_logging(false);
        if target.backend == Backend::Sqlite {
            let busy = options.busy_timeout;
            let wal = !target.in_memory;
            co.map_sqlx_sqlite_opts(move |o| {
                let o = o.busy_timeout(busy).foreign_keys(true);
                if wal {
                    o.journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Normal)
                } else {
                    o
                }
            });
        }
        if target.backend == Backend::Postgres {
            // Plan every statement for its parameters and the tables' current size: a cached
            // generic plan made while a table was small (a new database, a bulk load in one
            // transaction) would keep scanning the whole table as it grows.
            co.map_sqlx_postgres_opts(|o| o.options([("plan_cache_mode", "force_custom_plan")]));
        }
        let db = match Database::connect(co).await {
            Ok(db) => db,
            Err(e) => {
                let mut message = connect_message(&target.redactor, &e);
                // The pool retries a refused connection until its timeout and then reports
                // only "pool timed out": say what the network said instead.
                if let Some(reason) = probe_refusal(target.server.as_ref(), &message).await {
                    message = reason;
                }
                return Err(OpenError::Connect {
                    backend: target.backend.name(),
                    location: target.location.clone(),
                    message,
                });
            }
        };
        let store = SeaStore {
            db,
            backend: target.backend,
            location: target.location,
            redactor: target.redactor,
            fault: Arc::new(FaultHook::default()),
        };
        if options.run_migrations {
            store.migrate().await?;
        }
        Ok(store)
    }

    /// Applies the pending migrations under a lock (`pg_advisory_xact_lock` on PostgreSQL,
    /// `GET_LOCK` on MySQL/MariaDB, an immediate write transaction on SQLite), so that
    /// processes opening one database at once apply each migration exactly once.
    pub async fn migrate(&self) -> Result<(), OpenError> {
        self.migrate_locked().await.map_err(|e| OpenError::Migration {
            backend: self.backend.name(),
            location: self.location.clone(),
            message: self.redactor.scrub(&e.to_string()),
        })
    }

    async fn migrate_locked(&self) -> Result<(), DbErr> {
        match self.backend {
            Backend::Sqlite => {
                let txn = self
                    .db
                    .begin_with_options(TransactionOptions {
                        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                        ..Default::default()
                    })
                    .await?;
                Migrator::up(&txn, None).await?;
                txn.commit().await
            }
            Backend::Postgres => {
                let txn = self.db.begin().await?;
                txn.execute_raw(
                    self.backend
                        .stmt("SELECT pg_advisory_xact_lock(?)", vec![PG_MIGRATION_LOCK.into()]),
                )
                .await?;
                Migrator::up(&txn, None).await?;
                txn.commit().await
            }
            Backend::MySql => {
                // A transaction pins one connection: GET_LOCK belongs to the connection.
                let txn = self.db.begin().await?;
                let got = txn
                    .query_one_raw(self.backend.stmt(
                        "SELECT GET_LOCK(?, 600) AS got",
                        vec![MYSQL_MIGRATION_LOCK.into()],
                    ))
                    .await?
                    .map(|r| r.try_get::<Option<i64>>("", "got"))
                    .transpose()?
                    .flatten();
                if got != Some(1) {
                    return Err(DbErr::Migration(
                        "timed out waiting for the migration lock held by another process".into(),
                    ));
                }
                let result = Migrator::up(&txn, None).await;
                let released = txn
                    .execute_raw(
                        self.backend
                            .stmt("SELECT RELEASE_LOCK(?)", vec![MYSQL_MIGRATION_LOCK.into()]),
                    )
                    .await;
                result?;
                released?;
                txn.commit().await
            }
        }
    }

    /// Closes the connection pool.
    pub async fn close(self) -> Result<(), sync_core::traits::StoreError> {
        let (backend, redactor) = (self.backend, self.redactor.clone());
        self.db
            .close()
            .await
            .map_err(|e| crate::error::db_err(backend, &redactor, &e))
    }

    /// The backend family.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// `host:port/database` or the SQLite path (no secret).
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The SeaORM connection, for callers that add their own tables to the same database.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }
}

/// The driver's reason without the URL: sea-orm repeats an unparsable URL verbatim.
/// After a pool timeout: the network error of one TCP connection attempt to `server`, if it
/// fails (refused, unresolvable, unreachable).
async fn probe_refusal(server: Option<&(String, u16)>, message: &str) -> Option<String> {
    let (host, port) = server?;
    if !message.to_ascii_lowercase().contains("timed out") {
        return None;
    }
    let attempt = tokio::net::TcpStream::connect((host.as_str(), *port));
    match tokio::time::timeout(std::time::Duration::from_secs(2), attempt).await {
        Ok(Err(e)) => Some(format!("{e} (nothing accepts connections there)")),
        _ => None,
    }
}

fn connect_message(redactor: &Redactor, e: &DbErr) -> String {
    let text = e.to_string();
    if text.contains("cannot be parsed") {
        return "the URL cannot be parsed".into();
    }
    redactor.scrub(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_name_backend_and_host_without_secret() {
        let t = parse_target("postgres://u:s3cret@db.example:6543/app").unwrap();
        assert_eq!(
            (t.backend, t.location.as_str()),
            (Backend::Postgres, "db.example:6543/app")
        );
        assert_eq!(t.redactor.scrub("x s3cret y"), "x *** y");
        let t = parse_target("mariadb://root@10.0.0.1/acs").unwrap();
        assert_eq!(
            (t.backend, t.location.as_str()),
            (Backend::MySql, "10.0.0.1:3306/acs")
        );
        let t = parse_target("sqlite://target/x.db?mode=rwc").unwrap();
        assert_eq!(
            (t.backend, t.location.as_str(), t.in_memory),
            (Backend::Sqlite, "target/x.db", false)
        );
        assert!(parse_target("sqlite::memory:").unwrap().in_memory);
        assert_eq!(
            parse_target("oracle://x").err(),
            Some(OpenError::UnsupportedScheme {
                scheme: "oracle".into()
            })
        );
        assert!(matches!(
            parse_target("nonsense"),
            Err(OpenError::InvalidUrl { .. })
        ));
        let err = parse_target("postgres://u:pw@/db").err().unwrap();
        assert!(!err.to_string().contains("pw"), "{err}");
    }
}
