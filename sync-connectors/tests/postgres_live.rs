//! Live tests of the PostgreSQL connector against the local server (127.0.0.1:5432, trust).
//!
//! Each test owns a sub-prefix (`acspg_snap_`, `acspg_diff_`, `acspg_low_`, `acspg_err_`)
//! and its own databases, asserts only on its own objects, drops leftovers first (so it can
//! run twice) and cleans up at the end. DDL cannot bind parameters: identifiers are quoted
//! here, in the fixtures only, by doubling the quote character.
//!
//! Without a server: `CI=true` fails, otherwise the tests print "skipping" and pass.
#![cfg(feature = "postgres")]

use chrono::{TimeZone, Utc};
use secrecy::SecretString;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{Connection, Executor};
use std::collections::BTreeMap;
use std::time::Duration;
use sync_connectors::postgres::normalise::{NO_PASSWORD, REVOKED_PREFIX};
use sync_connectors::postgres::{PostgresConnector, public_key};
use sync_core::account::{
    AccountFilter, AccountKey, AccountKind, AccountSet, AccountSnapshot, AttrValue, AttributeChange,
    ChangeDetail, Membership, PrivilegeFact, PrivilegeScope, apply_diff, attr, credential_fingerprint,
    diff_accounts,
};
use sync_core::domain::{ChangeKind, DbType};
use sync_core::traits::{AccountConnector, ConnectTarget, ConnectorError};
use tokio_util::sync::CancellationToken;

const HOST: &str = "127.0.0.1";
const PORT: u16 = 5432;
/// A SCRAM verifier given as the password is stored as is: its fingerprint is known.
const SCRAM: &str = "SCRAM-SHA-256$4096:j/LsOAR3ycj5PDodomIirw==$cCTwM+W4vdYQvms+hn4YDy+fBMBLXlJJ9KF9vOgLk1c=:0VDzm7zdAicVUtQiH2zZro0gCxvbVxAkmc8WEyIyXGI=";
const MD5: &str = "md516dd4acf84a9a50808fea3adba1ba01d";

// ---------------------------------------------------------------- fixture helpers

/// Quotes an identifier for DDL (fixtures only).
fn q(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// Quotes a string literal for DDL (fixtures only).
fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

async fn admin_on(database: &str) -> Result<PgConnection, sqlx::Error> {
    let opts = PgConnectOptions::new_without_pgpass()
        .host(HOST)
        .port(PORT)
        .username("postgres")
        .database(database);
    PgConnection::connect_with(&opts).await
}

/// An admin connection, or `None` (skip) when the server is unreachable outside CI.
async fn admin() -> Option<PgConnection> {
    match admin_on("postgres").await {
        Ok(c) => Some(c),
        Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("CI=true and PostgreSQL at {HOST}:{PORT} is unreachable: {e}")
        }
        Err(e) => {
            eprintln!("skipping: PostgreSQL at {HOST}:{PORT} unreachable ({e})");
            None
        }
    }
}

async fn exec(conn: &mut PgConnection, sql: &str) {
    conn.execute(sqlx::AssertSqlSafe(sql.to_owned()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn exec_all(conn: &mut PgConnection, sqls: &[String]) {
    for s in sqls {
        exec(conn, s).await;
    }
}

/// Drops every database and role whose name starts with `prefix` (databases first, then
/// what the roles own or were granted, then the roles).
async fn cleanup(conn: &mut PgConnection, prefix: &str) {
    let dbs: Vec<String> =
        sqlx::query_scalar("SELECT datname::text FROM pg_database WHERE starts_with(datname, $1)")
            .bind(prefix)
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    for db in dbs {
        exec(conn, &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", q(&db))).await;
    }
    let roles: Vec<String> =
        sqlx::query_scalar("SELECT rolname::text FROM pg_roles WHERE starts_with(rolname, $1)")
            .bind(prefix)
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    if !roles.is_empty() {
        let list = roles.iter().map(|r| q(r)).collect::<Vec<_>>().join(", ");
        exec(conn, &format!("DROP OWNED BY {list}")).await;
        exec(conn, &format!("DROP ROLE {list}")).await;
    }
}

fn target(user: &str, database: &str, inspect: &[&str]) -> ConnectTarget {
    ConnectTarget {
        instance_name: "local-pg".into(),
        host: HOST.into(),
        port: PORT,
        database: Some(database.into()),
        inspect_databases: inspect.iter().map(|s| (*s).to_owned()).collect(),
        user: user.into(),
        password: None,
        timeout: Duration::from_secs(30),
        filter: AccountFilter::default_for(DbType::Postgresql),
    }
}

/// The accounts of this test: names starting with `prefix`, plus PUBLIC with only its facts
/// on the test's databases.
fn own(set: &AccountSet, prefix: &str, dbs: &[&str]) -> AccountSet {
    let mut out = AccountSet::new();
    for (k, s) in set.iter() {
        if k.name().starts_with(prefix) {
            out.insert(k.clone(), s.clone());
        } else if *k == public_key() {
            let mut s = s.clone();
            s.privileges.retain(|p| dbs.contains(&p.object[0].as_str()));
            out.insert(k.clone(), s);
        }
    }
    out
}

async fn read(t: &ConnectTarget) -> sync_core::traits::AccountRead {
    PostgresConnector::new()
        .read_accounts(t, &CancellationToken::new())
        .await
        .unwrap_or_else(|e| panic!("read as {}: {e}", t.user))
}

// ---------------------------------------------------------------- expected-value helpers

/// Role attributes as read by a superuser on PostgreSQL 15.
#[derive(Clone)]
struct Attrs {
    login: bool,
    superuser: bool,
    inherit: bool,
    createrole: bool,
    createdb: bool,
    replication: bool,
    bypassrls: bool,
    connlimit: i64,
    valid_until: AttrValue,
    config: AttrValue,
    fingerprint: AttrValue,
}

impl Attrs {
    fn login() -> Self {
        Attrs {
            login: true,
            superuser: false,
            inherit: true,
            createrole: false,
            createdb: false,
            replication: false,
            bypassrls: false,
            connlimit: -1,
            valid_until: AttrValue::Null,
            config: AttrValue::Null,
            fingerprint: AttrValue::Text(NO_PASSWORD.into()),
        }
    }

    fn nologin() -> Self {
        Attrs {
            login: false,
            ..Attrs::login()
        }
    }

    fn map(&self) -> BTreeMap<String, AttrValue> {
        [
            (attr::CAN_LOGIN, AttrValue::Bool(self.login)),
            (attr::SUPERUSER, AttrValue::Bool(self.superuser)),
            ("pg.inherit", AttrValue::Bool(self.inherit)),
            ("pg.createrole", AttrValue::Bool(self.createrole)),
            ("pg.createdb", AttrValue::Bool(self.createdb)),
            ("pg.replication", AttrValue::Bool(self.replication)),
            ("pg.bypassrls", AttrValue::Bool(self.bypassrls)),
            (attr::CONNECTION_LIMIT, AttrValue::Int(self.connlimit)),
            (attr::VALID_UNTIL, self.valid_until.clone()),
            ("pg.config", self.config.clone()),
            (attr::CREDENTIAL_FINGERPRINT, self.fingerprint.clone()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }
}

fn snap(kind: AccountKind, attrs: &Attrs) -> AccountSnapshot {
    let mut s = AccountSnapshot::new(kind);
    s.attributes = attrs.map();
    s
}

/// A PostgreSQL 15 membership: inherit from the member's `rolinherit`, no set, no grantor.
fn member_of(role: &str, admin: bool, inherit: bool) -> Membership {
    Membership {
        role: AccountKey::postgres(role),
        admin,
        default_role: None,
        inherit: Some(inherit),
        set: None,
        grantor: None,
    }
}

fn fact(scope: PrivilegeScope, object: &[&str], privilege: &str, grantable: bool) -> PrivilegeFact {
    PrivilegeFact::new(scope, object.iter().map(|s| (*s).to_owned()).collect(), privilege)
        .grantable(grantable)
}

fn db_facts(db: &str, privs: &[&str]) -> Vec<PrivilegeFact> {
    privs
        .iter()
        .map(|p| fact(PrivilegeScope::Database, &[db], p, false))
        .collect()
}

// ---------------------------------------------------------------- snapshot

const SNAP: &str = "acspg_snap_";

fn n(suffix: &str) -> String {
    format!("{SNAP}{suffix}")
}

/// The ACCOUNT_CASES 14-20 fixture, with names that need quoting.
async fn snapshot_fixture(conn: &mut PgConnection) {
    let (db, db2) = (n("db"), n("db2"));
    let long = format!("{SNAP}{}", "ü".repeat(26));
    assert_eq!(long.len(), 63);
    let mut ddl = vec![
        format!("CREATE ROLE {} NOLOGIN", q(&n("owner"))),
        format!(
            "CREATE ROLE {} LOGIN PASSWORD {} CONNECTION LIMIT 7",
            q(&n("app")),
            lit(SCRAM)
        ),
        format!("CREATE ROLE {} LOGIN PASSWORD {}", q(&n("md5user")), lit(MD5)),
        format!("CREATE ROLE {} NOLOGIN", q(&n("nologin"))),
        format!("CREATE ROLE {} LOGIN", q(&n("mon"))),
        format!("GRANT pg_monitor, pg_read_all_data TO {}", q(&n("mon"))),
        format!("CREATE ROLE {} LOGIN", q(&n("vu_null"))),
        format!("CREATE ROLE {} LOGIN VALID UNTIL 'infinity'", q(&n("vu_inf"))),
        format!("CREATE ROLE {} LOGIN VALID UNTIL '-infinity'", q(&n("vu_neginf"))),
        format!(
            "CREATE ROLE {} LOGIN VALID UNTIL '2031-02-03 04:05:06.789+02'",
            q(&n("vu_ts"))
        ),
        format!(
            "CREATE ROLE {} NOLOGIN CREATEDB CREATEROLE REPLICATION BYPASSRLS NOINHERIT CONNECTION LIMIT 0",
            q(&n("powers"))
        ),
        format!("ALTER ROLE {} SET search_path = a, b", q(&n("powers"))),
        format!("ALTER ROLE {} SET work_mem = '8MB'", q(&n("powers"))),
        format!("GRANT {} TO {}", q(&n("nologin")), q(&n("powers"))),
        format!("CREATE ROLE {} SUPERUSER NOLOGIN", q(&n("super"))),
        // Case 20: a chain and a diamond.
        format!("CREATE ROLE {} NOLOGIN", q(&n("c_top"))),
        format!("CREATE ROLE {} LOGIN", q(&n("c_mid"))),
        format!("CREATE ROLE {} LOGIN", q(&n("c_low"))),
        format!("GRANT {} TO {}", q(&n("c_top")), q(&n("c_mid"))),
        format!("GRANT {} TO {}", q(&n("c_mid")), q(&n("c_low"))),
        format!("CREATE ROLE {} NOLOGIN", q(&n("d_top"))),
        format!("CREATE ROLE {} NOLOGIN", q(&n("d_left"))),
        format!("CREATE ROLE {} NOLOGIN", q(&n("d_right"))),
        format!("CREATE ROLE {} LOGIN", q(&n("d_bottom"))),
        format!(
            "GRANT {} TO {} WITH ADMIN OPTION",
            q(&n("d_top")),
            q(&n("d_left"))
        ),
        format!("GRANT {} TO {}", q(&n("d_top")), q(&n("d_right"))),
        format!(
            "GRANT {}, {} TO {}",
            q(&n("d_left")),
            q(&n("d_right")),
            q(&n("d_bottom"))
        ),
        format!("CREATE ROLE {} NOLOGIN", q(&n("reader"))),
        // Names that need quoting.
        format!("CREATE ROLE {} LOGIN", q(&n("it's \"quoted\""))),
        format!("CREATE ROLE {} LOGIN", q(&n("with space"))),
        format!("CREATE ROLE {} LOGIN", q(&n("dot.ted"))),
        format!("CREATE ROLE {} LOGIN", q(&n("MixedCase"))),
        format!("CREATE ROLE {} LOGIN", q(&n("mixedcase"))),
        format!("CREATE ROLE {} LOGIN", q(&n("ünïcødé ロール"))),
        format!("CREATE ROLE {} LOGIN", q(&long)),
        format!("GRANT {} TO {}", q(&n("it's \"quoted\"")), q(&n("with space"))),
        format!("GRANT {} TO {} WITH ADMIN OPTION", q(&n("MixedCase")), q(&long)),
        // Case 16: NULL ACL (db) and an explicit one (db2).
        format!("CREATE DATABASE {} OWNER {}", q(&db), q(&n("owner"))),
        format!("CREATE DATABASE {} OWNER {}", q(&db2), q(&n("owner"))),
        format!("REVOKE TEMPORARY ON DATABASE {} FROM PUBLIC", q(&db2)),
        format!(
            "GRANT CONNECT ON DATABASE {} TO {} WITH GRANT OPTION",
            q(&db2),
            q(&n("app"))
        ),
        format!("GRANT CONNECT ON DATABASE {} TO {}", q(&db2), q(&n("dot.ted"))),
    ];
    exec_all(conn, &ddl).await;

    // Cases 17-18 inside the test database.
    let mut c = admin_on(&db).await.unwrap();
    let (sch, odd) = (n("sch"), n("odd \"schema\".x"));
    ddl = vec![
        format!("CREATE SCHEMA {} AUTHORIZATION {}", q(&sch), q(&n("owner"))),
        format!("CREATE SCHEMA {} AUTHORIZATION {}", q(&odd), q(&n("owner"))),
        format!("GRANT USAGE ON SCHEMA {} TO {}", q(&sch), q(&n("app"))),
        format!(
            "GRANT CREATE ON SCHEMA {} TO {} WITH GRANT OPTION",
            q(&sch),
            q(&n("mon"))
        ),
        format!("GRANT USAGE ON SCHEMA {} TO {}", q(&odd), q(&n("ünïcødé ロール"))),
        format!(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} GRANT SELECT ON TABLES TO {}",
            q(&n("owner")),
            q(&n("reader"))
        ),
        format!(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT ALL ON SEQUENCES TO {}",
            q(&n("owner")),
            q(&sch),
            q(&n("reader"))
        ),
        format!(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC",
            q(&n("owner"))
        ),
        format!(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} GRANT USAGE ON SCHEMAS TO {}",
            q(&n("owner")),
            q(&n("app"))
        ),
        format!(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} GRANT USAGE ON TYPES TO {} WITH GRANT OPTION",
            q(&n("MixedCase")),
            q(&n("with space"))
        ),
    ];
    exec_all(&mut c, &ddl).await;
    c.close().await.unwrap();
}

fn snapshot_expected() -> AccountSet {
    use AccountKind::*;
    use PrivilegeScope::*;
    let (db, db2) = (n("db"), n("db2"));
    let (db, db2) = (db.as_str(), db2.as_str());
    let (sch, odd) = (n("sch"), n("odd \"schema\".x"));
    let owner = n("owner");
    let long = format!("{SNAP}{}", "ü".repeat(26));
    let l = Attrs::login;
    let nl = Attrs::nologin;

    let mut set = AccountSet::new();
    let mut put = |name: &str, s: AccountSnapshot| set.insert(AccountKey::postgres(name), s);

    let mut s = snap(Role, &nl());
    s.privileges
        .extend(db_facts(db, &["CONNECT", "CREATE", "TEMPORARY"]));
    s.privileges
        .extend(db_facts(db2, &["CONNECT", "CREATE", "TEMPORARY"]));
    for schema in [&sch, &odd] {
        s.privileges.insert(fact(Schema, &[db, schema], "CREATE", false));
        s.privileges.insert(fact(Schema, &[db, schema], "USAGE", false));
    }
    put(&owner, s);

    let fp = |h: &str| AttrValue::Text(credential_fingerprint(h.as_bytes()));
    let mut s = snap(
        User,
        &Attrs {
            connlimit: 7,
            fingerprint: fp(SCRAM),
            ..l()
        },
    );
    s.privileges.insert(fact(Database, &[db2], "CONNECT", true));
    s.privileges.insert(fact(Schema, &[db, &sch], "USAGE", false));
    s.privileges
        .insert(fact(Default, &[db, &owner, "", "SCHEMAS"], "USAGE", false));
    put(&n("app"), s);

    put(
        &n("md5user"),
        snap(
            User,
            &Attrs {
                fingerprint: fp(MD5),
                ..l()
            },
        ),
    );
    put(&n("nologin"), snap(Role, &nl()));

    let mut s = snap(User, &l());
    s.memberships.insert(member_of("pg_monitor", false, true));
    s.memberships.insert(member_of("pg_read_all_data", false, true));
    s.privileges.insert(fact(Schema, &[db, &sch], "CREATE", true));
    put(&n("mon"), s);

    put(&n("vu_null"), snap(User, &l()));
    let inf = |v: &str| AttrValue::Text(v.into());
    put(
        &n("vu_inf"),
        snap(
            User,
            &Attrs {
                valid_until: inf("infinity"),
                ..l()
            },
        ),
    );
    put(
        &n("vu_neginf"),
        snap(
            User,
            &Attrs {
                valid_until: inf("-infinity"),
                ..l()
            },
        ),
    );
    let ts = Utc.with_ymd_and_hms(2031, 2, 3, 2, 5, 6).unwrap() + chrono::Duration::milliseconds(789);
    put(
        &n("vu_ts"),
        snap(
            User,
            &Attrs {
                valid_until: AttrValue::Time(ts),
                ..l()
            },
        ),
    );

    let mut s = snap(
        Role,
        &Attrs {
            inherit: false,
            createrole: true,
            createdb: true,
            replication: true,
            bypassrls: true,
            connlimit: 0,
            config: AttrValue::List(vec!["search_path=a, b".into(), "work_mem=8MB".into()]),
            ..nl()
        },
    );
    s.memberships.insert(member_of(&n("nologin"), false, false));
    put(&n("powers"), s);
    put(
        &n("super"),
        snap(
            Role,
            &Attrs {
                superuser: true,
                ..nl()
            },
        ),
    );

    put(&n("c_top"), snap(Role, &nl()));
    let mut s = snap(Both, &l());
    s.memberships.insert(member_of(&n("c_top"), false, true));
    put(&n("c_mid"), s);
    let mut s = snap(User, &l());
    s.memberships.insert(member_of(&n("c_mid"), false, true));
    put(&n("c_low"), s);
    put(&n("d_top"), snap(Role, &nl()));
    let mut s = snap(Role, &nl());
    s.memberships.insert(member_of(&n("d_top"), true, true));
    put(&n("d_left"), s);
    let mut s = snap(Role, &nl());
    s.memberships.insert(member_of(&n("d_top"), false, true));
    put(&n("d_right"), s);
    let mut s = snap(User, &l());
    s.memberships.insert(member_of(&n("d_left"), false, true));
    s.memberships.insert(member_of(&n("d_right"), false, true));
    put(&n("d_bottom"), s);

    let mut s = snap(Role, &nl());
    s.privileges
        .insert(fact(Default, &[db, &owner, "", "TABLES"], "SELECT", false));
    for p in ["SELECT", "UPDATE", "USAGE"] {
        s.privileges
            .insert(fact(Default, &[db, &owner, &sch, "SEQUENCES"], p, false));
    }
    put(&n("reader"), s);

    put(&n("it's \"quoted\""), snap(Both, &l()));
    let mut s = snap(User, &l());
    s.memberships
        .insert(member_of(&n("it's \"quoted\""), false, true));
    s.privileges
        .insert(fact(Default, &[db, &n("MixedCase"), "", "TYPES"], "USAGE", true));
    put(&n("with space"), s);
    let mut s = snap(User, &l());
    s.privileges.insert(fact(Database, &[db2], "CONNECT", false));
    put(&n("dot.ted"), s);
    put(&n("MixedCase"), snap(Both, &l()));
    put(&n("mixedcase"), snap(User, &l()));
    let mut s = snap(User, &l());
    s.privileges.insert(fact(Schema, &[db, &odd], "USAGE", false));
    put(&n("ünïcødé ロール"), s);
    let mut s = snap(User, &l());
    s.memberships.insert(member_of(&n("MixedCase"), true, true));
    put(&long, s);

    let mut s = AccountSnapshot::new(Public);
    s.privileges.extend(db_facts(db, &["CONNECT", "TEMPORARY"]));
    s.privileges.extend(db_facts(db2, &["CONNECT"]));
    for schema in ["information_schema", "pg_catalog", "public"] {
        s.privileges.insert(fact(Schema, &[db, schema], "USAGE", false));
    }
    let revoked = format!("{REVOKED_PREFIX}EXECUTE");
    s.privileges
        .insert(fact(Default, &[db, &owner, "", "FUNCTIONS"], &revoked, false));
    put("", s);
    set
}

#[tokio::test]
async fn snapshot_has_exactly_the_expected_facts() {
    let Some(mut conn) = admin().await else { return };
    cleanup(&mut conn, SNAP).await;
    snapshot_fixture(&mut conn).await;

    let (db, db2) = (n("db"), n("db2"));
    let t = target("postgres", &db, &[]);
    let got = read(&t).await;
    assert!(
        got.server_version.starts_with("PostgreSQL "),
        "{}",
        got.server_version
    );
    assert!(got.warnings.is_empty(), "{:?}", got.warnings);

    // Case 14: `postgres` is a real account; predefined roles are not accounts.
    let pg = got
        .accounts
        .get(&AccountKey::postgres("postgres"))
        .expect("postgres is an account");
    assert_eq!(pg.attributes[attr::SUPERUSER], AttrValue::Bool(true));
    assert!(got.accounts.iter().all(|(k, _)| !k.name().starts_with("pg_")));
    // Never a hash in the output.
    let json = serde_json::to_string(&got.accounts).unwrap();
    assert!(
        !json.contains("SCRAM-SHA-256$") && !json.contains(MD5),
        "a hash leaked"
    );

    let mine = own(&got.accounts, SNAP, &[&db, &db2]);
    let expected = snapshot_expected();
    for (k, e) in expected.iter() {
        assert_eq!(mine.get(k), Some(e), "account {k}");
    }
    assert_eq!(mine, expected);

    // The same read twice gives the same snapshot.
    let again = own(&read(&t).await.accounts, SNAP, &[&db, &db2]);
    assert_eq!(again, expected);

    cleanup(&mut conn, SNAP).await;
    conn.close().await.unwrap();
}

// ---------------------------------------------------------------- diff exactness

const DIFF: &str = "acspg_diff_";

fn d(suffix: &str) -> String {
    format!("{DIFF}{suffix}")
}

#[tokio::test]
async fn diff_reports_exactly_the_ddl_and_nothing_on_rerun() {
    let Some(mut conn) = admin().await else { return };
    cleanup(&mut conn, DIFF).await;
    let db = d("db");
    let odd = d("Odd \"name\"");
    exec_all(
        &mut conn,
        &[
            format!("CREATE ROLE {} NOLOGIN", q(&d("owner"))),
            format!("CREATE DATABASE {} OWNER {}", q(&db), q(&d("owner"))),
            format!("CREATE ROLE {} LOGIN", q(&d("keep"))),
            format!("CREATE ROLE {} LOGIN", q(&d("member"))),
            format!("CREATE ROLE {} NOLOGIN", q(&d("grp"))),
            format!("GRANT {} TO {}", q(&d("grp")), q(&d("member"))),
            format!("CREATE ROLE {} LOGIN", q(&d("gone"))),
            format!("GRANT {} TO {}", q(&d("grp")), q(&d("gone"))),
            format!("CREATE ROLE {} NOLOGIN CONNECTION LIMIT 2", q(&d("phoenix"))),
            format!("GRANT {} TO {}", q(&d("grp")), q(&d("phoenix"))),
            format!(
                "CREATE ROLE {} LOGIN VALID UNTIL '2030-01-01 00:00:00+00'",
                q(&d("until"))
            ),
            format!("CREATE ROLE {} LOGIN", q(&d("login"))),
            format!("CREATE ROLE {} NOLOGIN", q(&d("reader"))),
            format!("CREATE ROLE {} LOGIN", q(&odd)),
        ],
    )
    .await;
    let mut c = admin_on(&db).await.unwrap();
    exec(
        &mut c,
        &format!("CREATE SCHEMA {} AUTHORIZATION {}", q(&d("s")), q(&d("owner"))),
    )
    .await;

    let t = target("postgres", &db, &[]);
    let at = Utc::now();
    let first = own(&read(&t).await.accounts, DIFF, &[&db]);
    let mut inventory = Vec::new();
    let d0 = diff_accounts(&inventory, &first);
    assert_eq!(d0.summary.added as usize, first.len());
    apply_diff(&mut inventory, &d0, at);

    // The DDL.
    exec_all(
        &mut conn,
        &[
            format!("CREATE ROLE {} LOGIN", q(&d("new"))),
            format!("DROP ROLE {}", q(&d("gone"))),
            format!("DROP ROLE {}", q(&d("phoenix"))),
            format!("CREATE ROLE {} NOLOGIN CONNECTION LIMIT 5", q(&d("phoenix"))),
            format!("GRANT {} TO {}", q(&d("grp")), q(&d("keep"))),
            format!("REVOKE {} FROM {}", q(&d("grp")), q(&d("member"))),
            format!("GRANT {} TO {} WITH ADMIN OPTION", q(&d("grp")), q(&odd)),
            format!("REVOKE ALL ON DATABASE {} FROM PUBLIC", q(&db)),
            format!("ALTER ROLE {} VALID UNTIL 'infinity'", q(&d("until"))),
            format!("ALTER ROLE {} NOLOGIN", q(&d("login"))),
        ],
    )
    .await;
    exec_all(
        &mut c,
        &[
            format!(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT SELECT ON TABLES TO {}",
                q(&d("owner")),
                q(&d("s")),
                q(&d("keep"))
            ),
            format!(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} GRANT USAGE ON SEQUENCES TO {}",
                q(&d("owner")),
                q(&d("reader"))
            ),
            format!(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} REVOKE USAGE ON TYPES FROM PUBLIC",
                q(&d("owner"))
            ),
        ],
    )
    .await;
    c.close().await.unwrap();

    let second = own(&read(&t).await.accounts, DIFF, &[&db]);
    let diff = diff_accounts(&inventory, &second);
    let got: Vec<(AccountKey, ChangeKind, ChangeDetail)> = diff
        .changes
        .iter()
        .map(|c| (c.key.clone(), c.kind, c.detail.clone()))
        .collect();

    let owner = d("owner");
    let grp = |admin| member_of(&d("grp"), admin, true);
    let def =
        |schema: &str, ty: &str, p: &str| fact(PrivilegeScope::Default, &[&db, &owner, schema, ty], p, false);
    let change = |name: &str, kind| (AccountKey::postgres(name), kind, ChangeDetail::default());
    let attr_change = |name: &str, before: AttrValue, after: AttrValue| AttributeChange {
        name: name.into(),
        before: Some(before),
        after: Some(after),
    };
    let expected = vec![
        (
            public_key(),
            ChangeKind::Modified,
            ChangeDetail {
                privileges_granted: vec![def("", "TYPES", &format!("{REVOKED_PREFIX}USAGE"))],
                privileges_revoked: db_facts(&db, &["CONNECT", "TEMPORARY"]),
                ..Default::default()
            },
        ),
        (
            AccountKey::postgres(&odd),
            ChangeKind::Modified,
            ChangeDetail {
                memberships_granted: vec![grp(true)],
                ..Default::default()
            },
        ),
        change(&d("gone"), ChangeKind::Removed),
        (
            AccountKey::postgres(d("keep")),
            ChangeKind::Modified,
            ChangeDetail {
                privileges_granted: vec![def(&d("s"), "TABLES", "SELECT")],
                memberships_granted: vec![grp(false)],
                ..Default::default()
            },
        ),
        (
            AccountKey::postgres(d("login")),
            ChangeKind::Modified,
            ChangeDetail {
                attributes: vec![
                    attr_change(
                        "kind",
                        AttrValue::Text("user".into()),
                        AttrValue::Text("role".into()),
                    ),
                    attr_change(attr::CAN_LOGIN, AttrValue::Bool(true), AttrValue::Bool(false)),
                ],
                ..Default::default()
            },
        ),
        (
            AccountKey::postgres(d("member")),
            ChangeKind::Modified,
            ChangeDetail {
                memberships_revoked: vec![grp(false)],
                ..Default::default()
            },
        ),
        change(&d("new"), ChangeKind::Added),
        (
            AccountKey::postgres(d("phoenix")),
            ChangeKind::Modified,
            ChangeDetail {
                memberships_revoked: vec![grp(false)],
                attributes: vec![attr_change(
                    attr::CONNECTION_LIMIT,
                    AttrValue::Int(2),
                    AttrValue::Int(5),
                )],
                ..Default::default()
            },
        ),
        (
            AccountKey::postgres(d("reader")),
            ChangeKind::Modified,
            ChangeDetail {
                privileges_granted: vec![def("", "SEQUENCES", "USAGE")],
                ..Default::default()
            },
        ),
        (
            AccountKey::postgres(d("until")),
            ChangeKind::Modified,
            ChangeDetail {
                attributes: vec![attr_change(
                    attr::VALID_UNTIL,
                    AttrValue::Time(Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap()),
                    AttrValue::Text("infinity".into()),
                )],
                ..Default::default()
            },
        ),
    ];
    assert_eq!(got, expected);
    assert_eq!(
        (
            diff.summary.added,
            diff.summary.removed,
            diff.summary.modified,
            diff.summary.reactivated
        ),
        (1, 1, 8, 0)
    );
    apply_diff(&mut inventory, &diff, Utc::now());

    // A rerun without DDL: nothing.
    let third = own(&read(&t).await.accounts, DIFF, &[&db]);
    let rerun = diff_accounts(&inventory, &third);
    assert!(rerun.is_empty(), "{:#?}", rerun.changes);
    assert_eq!(rerun.summary.unchanged as usize, third.len());

    cleanup(&mut conn, DIFF).await;
    conn.close().await.unwrap();
}

// ---------------------------------------------------------------- least privilege

const LOW: &str = "acspg_low_";

#[tokio::test]
async fn a_plain_login_role_reads_everything_but_passwords() {
    let Some(mut conn) = admin().await else { return };
    cleanup(&mut conn, LOW).await;
    let l = |s: &str| format!("{LOW}{s}");
    let (db, closed) = (l("db"), l("closed"));
    exec_all(
        &mut conn,
        &[
            format!("CREATE ROLE {} LOGIN", q(&l("sync"))),
            format!("CREATE ROLE {} LOGIN PASSWORD {}", q(&l("alice")), lit(MD5)),
            format!("CREATE ROLE {} NOLOGIN", q(&l("bob"))),
            format!("GRANT {} TO {}", q(&l("bob")), q(&l("alice"))),
            format!("GRANT pg_monitor TO {}", q(&l("alice"))),
            format!("CREATE DATABASE {} OWNER {}", q(&db), q(&l("bob"))),
            format!("CREATE DATABASE {}", q(&closed)),
            format!("REVOKE CONNECT ON DATABASE {} FROM PUBLIC", q(&closed)),
        ],
    )
    .await;
    let mut c = admin_on(&db).await.unwrap();
    exec_all(
        &mut c,
        &[
            format!("CREATE SCHEMA {} AUTHORIZATION {}", q(&l("s")), q(&l("bob"))),
            format!("GRANT USAGE ON SCHEMA {} TO {}", q(&l("s")), q(&l("alice"))),
            format!(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} GRANT SELECT ON TABLES TO {}",
                q(&l("bob")),
                q(&l("alice"))
            ),
        ],
    )
    .await;
    c.close().await.unwrap();

    let as_super = read(&target("postgres", &db, &[&db])).await;
    let as_sync = read(&target(&l("sync"), &db, &[&db, &closed])).await;
    // The database the sync role may not connect to is a warning, not a failure.
    assert_eq!(as_sync.warnings.len(), 1, "{:?}", as_sync.warnings);
    assert!(as_sync.warnings[0].contains(&closed), "{:?}", as_sync.warnings);
    assert!(as_super.warnings.is_empty(), "{:?}", as_super.warnings);

    let mut sup = own(&as_super.accounts, LOW, &[&db, &closed]);
    let mut low = own(&as_sync.accounts, LOW, &[&db, &closed]);
    let alice = AccountKey::postgres(l("alice"));
    assert_eq!(
        sup.get(&alice).unwrap().attributes[attr::CREDENTIAL_FINGERPRINT],
        AttrValue::Text(credential_fingerprint(MD5.as_bytes()))
    );
    // Password facts are "unknown" without pg_authid; everything else is the same.
    for (k, s) in low.0.iter_mut() {
        if *k != public_key() {
            assert_eq!(
                s.attributes.remove(attr::CREDENTIAL_FINGERPRINT),
                Some(AttrValue::Null),
                "{k}"
            );
        }
    }
    for (_, s) in sup.0.iter_mut() {
        s.attributes.remove(attr::CREDENTIAL_FINGERPRINT);
    }
    assert_eq!(low, sup);
    assert_eq!(low.len(), 4, "sync, alice, bob, PUBLIC");
    let alice_snap = low.get(&alice).unwrap();
    assert!(
        alice_snap
            .memberships
            .contains(&member_of("pg_monitor", false, true))
    );
    assert!(alice_snap.privileges.contains(&fact(
        PrivilegeScope::Default,
        &[&db, &l("bob"), "", "TABLES"],
        "SELECT",
        false
    )));

    cleanup(&mut conn, LOW).await;
    conn.close().await.unwrap();
}

// ---------------------------------------------------------------- errors

const ERR: &str = "acspg_err_";
const PASSWORD: &str = "Sup3r-Secret-Pw!";

fn with_password(mut t: ConnectTarget) -> ConnectTarget {
    t.password = Some(SecretString::from(PASSWORD));
    t
}

fn assert_no_password(e: &ConnectorError) {
    let shown = format!("{e} / {e:?}");
    assert!(!shown.contains(PASSWORD), "{shown}");
}

#[tokio::test]
async fn closed_port_is_unreachable_without_the_password() {
    let mut t = with_password(target("postgres", "postgres", &[]));
    t.port = 1;
    assert!(!format!("{t:?}").contains(PASSWORD));
    let e = PostgresConnector::new()
        .read_accounts(&t, &CancellationToken::new())
        .await
        .unwrap_err();
    assert_no_password(&e);
    match e {
        ConnectorError::Unreachable { host, port, reason } => {
            assert_eq!((host.as_str(), port), (HOST, 1));
            assert!(reason.to_lowercase().contains("refused"), "{reason}");
        }
        other => panic!("expected Unreachable, got {other:?}"),
    }
}

#[tokio::test]
async fn refused_logins_are_auth_failures_without_the_password() {
    let Some(mut conn) = admin().await else { return };
    cleanup(&mut conn, ERR).await;
    // This server uses trust authentication on 127.0.0.1 (pg_hba.conf), so a wrong password
    // is accepted for an existing LOGIN role; the server refuses (SQLSTATE 28000) an unknown
    // role and a NOLOGIN role. 28P01 (wrong password) is mapped in error.rs's unit tests.
    exec(
        &mut conn,
        &format!("CREATE ROLE {} NOLOGIN", q(&format!("{ERR}nologin"))),
    )
    .await;
    for user in [format!("{ERR}nobody"), format!("{ERR}nologin")] {
        let t = with_password(target(&user, "postgres", &[]));
        let e = PostgresConnector::new()
            .read_accounts(&t, &CancellationToken::new())
            .await
            .unwrap_err();
        assert_no_password(&e);
        assert_eq!(
            e,
            ConnectorError::AuthFailed {
                user: user.clone(),
                host: HOST.into(),
                port: PORT
            }
        );
    }
    cleanup(&mut conn, ERR).await;
    conn.close().await.unwrap();
}

/// A TCP server that accepts connections and never answers.
async fn silent_server() -> (u16, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind((HOST, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            held.push(sock);
        }
    });
    (port, task)
}

#[tokio::test]
async fn a_hanging_server_gives_timeout_and_cancel_stops_the_read() {
    let (port, task) = silent_server().await;
    let mut t = with_password(target("postgres", "postgres", &[]));
    t.port = port;
    t.timeout = Duration::from_millis(300);
    let started = std::time::Instant::now();
    let e = PostgresConnector::new()
        .read_accounts(&t, &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(
        e,
        ConnectorError::Timeout {
            after: Duration::from_millis(300),
            during: "connecting to database \"postgres\"".into()
        }
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    t.timeout = Duration::from_secs(60);
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        trigger.cancel();
    });
    let started = std::time::Instant::now();
    let e = PostgresConnector::new()
        .read_accounts(&t, &cancel)
        .await
        .unwrap_err();
    assert_eq!(e, ConnectorError::Cancelled);
    assert!(started.elapsed() < Duration::from_secs(5));
    // Already cancelled: nothing is attempted.
    assert_eq!(
        PostgresConnector::new()
            .read_accounts(&t, &cancel)
            .await
            .unwrap_err(),
        ConnectorError::Cancelled
    );
    task.abort();
}

#[tokio::test]
async fn connections_are_closed_after_each_read() {
    let Some(mut conn) = admin().await else { return };
    let app = format!("{ERR}closecheck");
    let t = target("postgres", "postgres", &["postgres", "test"]);
    PostgresConnector::new()
        .with_application_name(&app)
        .read_accounts(&t, &CancellationToken::new())
        .await
        .unwrap();
    // The Terminate message is sent before read_accounts returns; the backend exits shortly.
    let mut left = -1i64;
    for _ in 0..50 {
        left = sqlx::query_scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1")
            .bind(&app)
            .fetch_one(&mut conn)
            .await
            .unwrap();
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(left, 0, "sessions of the connector still open");
    conn.close().await.unwrap();
}
