//! Read + normalise 10,000 PostgreSQL roles: the connector's bulk queries vs. one set of
//! queries per role, on the same roles of the local server (127.0.0.1:5432, trust).
//!
//! Fixture (created in bulk by one DO block, dropped afterwards): 100 NOLOGIN groups
//! `acspg_bench_g*` and 9,900 LOGIN roles `acspg_bench_u*`, each a member of one group; a
//! database `acspg_bench_db` with CONNECT granted to every login role and TEMPORARY WITH
//! GRANT OPTION to every group.
//!
//! Run: `cargo bench --no-default-features --features postgres --bench postgres_read`.
//! Targets: bulk >= 10x faster than per-role, bulk < 3 s for 10k roles.

use criterion::{Criterion, criterion_group, criterion_main};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{Connection, Executor, Row};
use std::time::Duration;
use sync_connectors::postgres::PostgresConnector;
use sync_core::account::{
    AccountFilter, AccountKey, AccountKind, AccountSet, AccountSnapshot, AttrValue, Membership,
    PrivilegeFact, PrivilegeScope, attr,
};
use sync_core::domain::DbType;
use sync_core::traits::{AccountConnector, ConnectTarget};
use tokio_util::sync::CancellationToken;

const PREFIX: &str = "acspg_bench_";
const GROUPS: i32 = 100;
const LOGINS: i32 = 9_900;

fn options() -> PgConnectOptions {
    PgConnectOptions::new_without_pgpass()
        .host("127.0.0.1")
        .port(5432)
        .username("postgres")
        .database("postgres")
}

fn target() -> ConnectTarget {
    ConnectTarget {
        instance_name: "bench".into(),
        host: "127.0.0.1".into(),
        port: 5432,
        database: Some("postgres".into()),
        inspect_databases: vec![],
        user: "postgres".into(),
        password: None,
        timeout: Duration::from_secs(120),
        filter: AccountFilter::default_for(DbType::Postgresql),
    }
}

async fn teardown(conn: &mut PgConnection) {
    conn.execute("DROP DATABASE IF EXISTS acspg_bench_db WITH (FORCE)")
        .await
        .unwrap();
    conn.execute(
        "DO $$ DECLARE r text; BEGIN \
           FOR r IN SELECT rolname FROM pg_roles WHERE starts_with(rolname, 'acspg_bench_') \
             ORDER BY rolname DESC LOOP \
             EXECUTE format('DROP ROLE %I', r); \
           END LOOP; END $$",
    )
    .await
    .unwrap();
}

async fn setup(conn: &mut PgConnection) {
    teardown(conn).await;
    conn.execute("CREATE DATABASE acspg_bench_db").await.unwrap();
    let sql = format!(
        "DO $$ DECLARE i int; grantees text; BEGIN \
           FOR i IN 0..{g} LOOP \
             EXECUTE format('CREATE ROLE %I NOLOGIN', '{PREFIX}g' || i); \
           END LOOP; \
           FOR i IN 0..{u} LOOP \
             EXECUTE format('CREATE ROLE %I LOGIN CONNECTION LIMIT %s IN ROLE %I', \
                            '{PREFIX}u' || i, i % 7, '{PREFIX}g' || (i % {GROUPS})); \
           END LOOP; \
           SELECT string_agg(format('%I', rolname), ', ') INTO grantees \
             FROM pg_roles WHERE starts_with(rolname, '{PREFIX}u'); \
           EXECUTE format('GRANT CONNECT ON DATABASE acspg_bench_db TO %s', grantees); \
           SELECT string_agg(format('%I', rolname), ', ') INTO grantees \
             FROM pg_roles WHERE starts_with(rolname, '{PREFIX}g'); \
           EXECUTE format('GRANT TEMPORARY ON DATABASE acspg_bench_db TO %s WITH GRANT OPTION', grantees); \
         END $$",
        g = GROUPS - 1,
        u = LOGINS - 1,
    );
    conn.execute(sqlx::AssertSqlSafe(sql)).await.unwrap();
}

/// The connector: a fixed number of bulk queries, then the pure normalisation.
async fn bulk_read() -> AccountSet {
    PostgresConnector::new()
        .read_accounts(&target(), &CancellationToken::new())
        .await
        .unwrap()
        .accounts
}

/// The N+1 shape: list the roles, then per role one query for its attributes, one for its
/// memberships and one for its database privileges (`has_database_privilege`, the cheapest
/// per-role form; an exact per-role `aclexplode` costs ~10 ms per role on this fixture).
async fn per_role_read() -> AccountSet {
    let mut conn = PgConnection::connect_with(&options()).await.unwrap();
    let filter = AccountFilter::default_for(DbType::Postgresql);
    let names: Vec<String> = sqlx::query_scalar("SELECT rolname::text FROM pg_roles ORDER BY 1")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    let mut set = AccountSet::new();
    for name in names {
        let key = AccountKey::postgres(name.clone());
        if filter.excludes(&key) {
            continue;
        }
        let r = sqlx::query(
            "SELECT rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication, \
                    rolbypassrls, rolconnlimit, rolvaliduntil::text AS valid_until \
             FROM pg_roles WHERE rolname = $1",
        )
        .bind(&name)
        .fetch_one(&mut conn)
        .await
        .unwrap();
        let login: bool = r.get("rolcanlogin");
        let mut snap = AccountSnapshot::new(if login {
            AccountKind::User
        } else {
            AccountKind::Role
        });
        snap.attributes
            .insert(attr::CAN_LOGIN.into(), AttrValue::Bool(login));
        snap.attributes
            .insert(attr::SUPERUSER.into(), AttrValue::Bool(r.get("rolsuper")));
        snap.attributes.insert(
            attr::CONNECTION_LIMIT.into(),
            AttrValue::Int(i64::from(r.get::<i32, _>("rolconnlimit"))),
        );
        let vu: Option<String> = r.get("valid_until");
        snap.attributes.insert(
            attr::VALID_UNTIL.into(),
            vu.map(AttrValue::Text).unwrap_or(AttrValue::Null),
        );
        let inherit: bool = r.get("rolinherit");
        let members = sqlx::query(
            "SELECT r.rolname::text AS role, am.admin_option FROM pg_auth_members am \
             JOIN pg_roles r ON r.oid = am.roleid JOIN pg_roles m ON m.oid = am.member \
             WHERE m.rolname = $1",
        )
        .bind(&name)
        .fetch_all(&mut conn)
        .await
        .unwrap();
        for m in members {
            let mut ms = Membership::new(AccountKey::postgres(m.get::<String, _>("role")));
            ms.admin = m.get("admin_option");
            ms.inherit = Some(inherit);
            snap.memberships.insert(ms);
        }
        let privs = sqlx::query(
            "SELECT datname::text AS db, has_database_privilege($1, oid, 'CONNECT') AS c, \
                    has_database_privilege($1, oid, 'CREATE') AS cr, \
                    has_database_privilege($1, oid, 'TEMPORARY') AS t FROM pg_database",
        )
        .bind(&name)
        .fetch_all(&mut conn)
        .await
        .unwrap();
        for p in privs {
            let db: String = p.get("db");
            for (col, privilege) in [("c", "CONNECT"), ("cr", "CREATE"), ("t", "TEMPORARY")] {
                if p.get::<bool, _>(col) {
                    snap.privileges.insert(PrivilegeFact::new(
                        PrivilegeScope::Database,
                        vec![db.clone()],
                        privilege,
                    ));
                }
            }
        }
        set.insert(key, snap);
    }
    conn.close().await.unwrap();
    set
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Ok(mut conn) = rt.block_on(PgConnection::connect_with(&options())) else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("CI=true and PostgreSQL at 127.0.0.1:5432 is unreachable");
        }
        eprintln!("skipping: PostgreSQL at 127.0.0.1:5432 unreachable");
        return;
    };
    let started = std::time::Instant::now();
    rt.block_on(setup(&mut conn));
    eprintln!(
        "fixture: {} roles created in {:?}",
        GROUPS + LOGINS,
        started.elapsed()
    );

    // Both approaches see the bench roles; the bulk read has every fact the fixture made.
    let bulk = rt.block_on(bulk_read());
    let mine: Vec<_> = bulk
        .iter()
        .filter(|(k, _)| k.name().starts_with(PREFIX))
        .collect();
    assert_eq!(mine.len(), (GROUPS + LOGINS) as usize);
    let edges: usize = mine.iter().map(|(_, s)| s.memberships.len()).sum();
    let db_facts = mine
        .iter()
        .flat_map(|(_, s)| &s.privileges)
        .filter(|p| p.object == ["acspg_bench_db"])
        .count();
    assert_eq!((edges, db_facts), (LOGINS as usize, (LOGINS + GROUPS) as usize));
    let per_role = rt.block_on(per_role_read());
    assert_eq!(
        per_role
            .iter()
            .filter(|(k, _)| k.name().starts_with(PREFIX))
            .count(),
        (GROUPS + LOGINS) as usize
    );

    let mut g = c.benchmark_group("postgres_read_10k_roles");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    g.bench_function("connector_bulk", |b| b.to_async(&rt).iter(bulk_read));
    g.bench_function("per_role_queries", |b| b.to_async(&rt).iter(per_role_read));
    g.finish();

    rt.block_on(teardown(&mut conn));
    rt.block_on(conn.close()).unwrap();
}

criterion_group!(benches, bench);
criterion_main!(benches);
