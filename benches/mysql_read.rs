//! Reading 10,000 MariaDB accounts with privileges: the bulk connector
//! (`MysqlConnector::read_accounts`: connect, fixed catalog queries, normalise, close)
//! against the per-account approach of the original (`SELECT ... FROM mysql.user`, then
//! `SHOW GRANTS FOR` each account; the grant text is only collected, not even parsed).
//!
//! Needs the local MariaDB (127.0.0.1:3306, root without password). It creates
//! `acsmy_bench_*` accounts first and drops them at the end. Unreachable server: panics
//! under `CI=true`, otherwise prints a message and measures nothing.
//!
//! Targets: bulk >= 10x faster than per-account, and under 3 s for 10k accounts.
//! Run: `cargo bench --bench mysql_read`.

use criterion::{Criterion, criterion_group, criterion_main};
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection};
use std::time::Duration;
use sync_connectors::mysql::{MysqlConnector, normalise};
use sync_core::account::AccountFilter;
use sync_core::traits::{AccountConnector, ConnectTarget};
use tokio_util::sync::CancellationToken;

const ACCOUNTS: usize = 10_000;
const BATCH: usize = 500;
const PREFIX: &str = "acsmy_bench_";
const DB: &str = "acsmy_bench_db";
const ROLE: &str = "acsmy_bench_role";
const HOST: &str = "127.0.0.1";
const PORT: u16 = 3306;

fn options() -> MySqlConnectOptions {
    MySqlConnectOptions::new().host(HOST).port(PORT).username("root")
}

/// A string literal for the fixture DDL and the per-account `SHOW GRANTS` (which cannot
/// take bind parameters): quotes doubled, backslashes escaped.
fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
}

async fn exec(conn: &mut MySqlConnection, sql: String) {
    if let Err(e) = sqlx::raw_sql(AssertSqlSafe(sql.clone()))
        .execute(&mut *conn)
        .await
    {
        panic!("bench fixture failed: {}...: {e}", &sql[..sql.len().min(120)]);
    }
}

fn name(i: usize) -> String {
    format!("{PREFIX}{i:05}")
}

fn accounts(range: std::ops::Range<usize>) -> String {
    range
        .map(|i| format!("{}@'%'", lit(&name(i))))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn teardown(conn: &mut MySqlConnection) {
    let pattern = format!("{}%", PREFIX.replace('_', "\\_"));
    let users: Vec<(String, String)> =
        sqlx::query_as("SELECT User, Host FROM mysql.global_priv WHERE User LIKE ?")
            .bind(&pattern)
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    for chunk in users.chunks(BATCH) {
        let list: Vec<String> = chunk
            .iter()
            .map(|(u, h)| format!("{}@{}", lit(u), lit(h)))
            .collect();
        // Roles have an empty host; DROP USER does not drop them.
        exec(conn, format!("DROP USER IF EXISTS {}", list.join(", "))).await;
    }
    exec(conn, format!("DROP ROLE IF EXISTS {}", lit(ROLE))).await;
    exec(conn, format!("DROP DATABASE IF EXISTS `{DB}`")).await;
}

/// 10,000 accounts with a password, a global, a database privilege each; every 10th a
/// table and a column privilege; every 5th the bench role (default role set).
async fn setup(conn: &mut MySqlConnection) {
    teardown(conn).await;
    exec(conn, format!("CREATE DATABASE `{DB}`")).await;
    exec(conn, format!("CREATE TABLE `{DB}`.t (a INT, b INT)")).await;
    exec(conn, format!("CREATE ROLE {}", lit(ROLE))).await;
    exec(conn, format!("GRANT SELECT ON `{DB}`.* TO {}", lit(ROLE))).await;
    for start in (0..ACCOUNTS).step_by(BATCH) {
        let range = start..(start + BATCH).min(ACCOUNTS);
        let with_pw: Vec<String> = range
            .clone()
            .map(|i| format!("{}@'%' IDENTIFIED BY {}", lit(&name(i)), lit(&format!("pw-{i}"))))
            .collect();
        exec(conn, format!("CREATE USER {}", with_pw.join(", "))).await;
        let all = accounts(range.clone());
        exec(conn, format!("GRANT SELECT, INSERT ON `{DB}`.* TO {all}")).await;
        exec(conn, format!("GRANT PROCESS ON *.* TO {all}")).await;
        let tenth: Vec<usize> = range.clone().filter(|i| i % 10 == 0).collect();
        let tenth = tenth
            .iter()
            .map(|i| format!("{}@'%'", lit(&name(*i))))
            .collect::<Vec<_>>()
            .join(", ");
        exec(conn, format!("GRANT UPDATE, SELECT (a) ON `{DB}`.t TO {tenth}")).await;
        let fifth: Vec<usize> = range.filter(|i| i % 5 == 0).collect();
        let fifth_list = fifth
            .iter()
            .map(|i| format!("{}@'%'", lit(&name(*i))))
            .collect::<Vec<_>>()
            .join(", ");
        exec(conn, format!("GRANT {} TO {fifth_list}", lit(ROLE))).await;
        for i in fifth.iter().filter(|i| *i % 50 == 0) {
            exec(
                conn,
                format!("SET DEFAULT ROLE {} FOR {}@'%'", lit(ROLE), lit(&name(*i))),
            )
            .await;
        }
    }
}

/// The original's way: list the accounts, then one `SHOW GRANTS FOR` per account.
async fn per_account() -> usize {
    let mut conn = options().connect().await.unwrap();
    let users: Vec<(String, String, String)> = sqlx::query_as("SELECT User, Host, is_role FROM mysql.user")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    let mut lines = 0;
    for (user, host, is_role) in &users {
        let sql = match (is_role.as_str(), user.as_str()) {
            ("Y", "PUBLIC") => "SHOW GRANTS FOR PUBLIC".to_owned(),
            ("Y", _) => format!("SHOW GRANTS FOR {}", lit(user)),
            _ => format!("SHOW GRANTS FOR {}@{}", lit(user), lit(host)),
        };
        // Accounts that other sessions drop meanwhile answer with an error: skip them.
        if let Ok(rows) = sqlx::raw_sql(AssertSqlSafe(sql)).fetch_all(&mut conn).await {
            lines += rows.len();
        }
    }
    conn.close().await.unwrap();
    // Two lines per bench account at least (global + IDENTIFIED BY, database).
    assert!(
        lines >= ACCOUNTS * 2,
        "per-account read saw only {lines} grant lines"
    );
    lines
}

fn target() -> ConnectTarget {
    ConnectTarget {
        instance_name: "bench".into(),
        host: HOST.into(),
        port: PORT,
        database: None,
        inspect_databases: vec![],
        user: "root".into(),
        password: None,
        timeout: Duration::from_secs(120),
        filter: AccountFilter::default(),
    }
}

async fn bulk(connector: &MysqlConnector, target: &ConnectTarget) -> usize {
    let read = connector
        .read_accounts(target, &CancellationToken::new())
        .await
        .expect("bulk read");
    assert!(read.accounts.len() >= ACCOUNTS);
    read.accounts.len()
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let admin = rt.block_on(async { options().connect().await });
    let mut admin = match admin {
        Ok(conn) => conn,
        Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("MariaDB at {HOST}:{PORT} unreachable under CI=true: {e}")
        }
        Err(e) => {
            eprintln!("skipping mysql_read bench: MariaDB at {HOST}:{PORT} unreachable ({e})");
            return;
        }
    };
    let started = std::time::Instant::now();
    rt.block_on(setup(&mut admin));
    eprintln!("created {ACCOUNTS} accounts in {:.1?}", started.elapsed());

    let connector = MysqlConnector::new();
    let t = target();
    // Drop the 10k accounts even when a measurement panics.
    let measured = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut group = c.benchmark_group("mysql_read_10k");
        group.sample_size(10);
        group.warm_up_time(Duration::from_secs(1));
        group.measurement_time(Duration::from_secs(15));
        group.bench_function("bulk_connector_read_normalise", |b| {
            b.to_async(&rt).iter(|| bulk(&connector, &t))
        });
        // The two halves of the bulk read: fetching the rows, normalising them.
        group.bench_function("bulk_fetch_rows_only", |b| {
            b.to_async(&rt).iter(|| async {
                let rows = connector
                    .read_rows(&t, &CancellationToken::new())
                    .await
                    .expect("rows");
                rows.accounts.len()
            })
        });
        let rows = rt
            .block_on(connector.read_rows(&t, &CancellationToken::new()))
            .expect("rows");
        group.bench_function("bulk_normalise_only", |b| {
            b.iter(|| normalise(&rows).accounts.len())
        });
        group.measurement_time(Duration::from_secs(40));
        group.bench_function("per_account_show_grants", |b| b.to_async(&rt).iter(per_account));
        group.finish();
    }));
    rt.block_on(teardown(&mut admin));
    rt.block_on(admin.close()).unwrap();
    if let Err(panic) = measured {
        std::panic::resume_unwind(panic);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
