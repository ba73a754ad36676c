//! Live tests of the MySQL/MariaDB connector against the local MariaDB (127.0.0.1:3306).
//!
//! Every object is named with `acsmy_` plus a per-test sub-prefix; fixtures drop what they
//! create first (so they can run twice) and clean up at the end. Assertions only look at
//! the test's own accounts. Unreachable server: fail under `CI=true`, skip otherwise.
//!
//! DDL cannot bind parameters, so the fixtures quote names themselves (`lit`, `ident`:
//! doubled quotes, escaped backslashes). The connector never does this: it only reads.
#![cfg(feature = "mysql")]

use secrecy::SecretString;
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use sync_connectors::mysql::{MARIADB_TABLES, MysqlConnector, attrs, auth_fingerprint};
use sync_core::account::{
    AccountFilter, AccountKey, AccountKind, AccountPattern, AccountSet, AccountSnapshot, AttrValue,
    AttributeChange, InventoryAccount, Membership, PrivilegeFact, PrivilegeScope, apply_diff, attr,
    diff_accounts,
};
use sync_core::domain::ChangeKind;
use sync_core::traits::{AccountConnector, AccountRead, ConnectTarget, ConnectorError};
use tokio_util::sync::CancellationToken;

const HOST: &str = "127.0.0.1";
const PORT: u16 = 3306;

// ---------------------------------------------------------------- fixture plumbing

/// An admin connection for fixtures: root over the local socket when there is one
/// (`root@localhost` holds `PROXY ON ''@''` WITH GRANT, needed to grant PROXY), else TCP.
async fn admin() -> Option<MySqlConnection> {
    let socket = std::env::var("ACSMY_MYSQL_SOCKET").unwrap_or_else(|_| "/run/mysqld/mysqld.sock".into());
    let options = if std::path::Path::new(&socket).exists() {
        MySqlConnectOptions::new().socket(&socket).username("root")
    } else {
        MySqlConnectOptions::new().host(HOST).port(PORT).username("root")
    };
    match options.connect().await {
        Ok(c) => Some(c),
        Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("MariaDB at {HOST}:{PORT} is unreachable under CI=true: {e}")
        }
        Err(e) => {
            eprintln!("skipping: MariaDB at {HOST}:{PORT} unreachable ({e})");
            None
        }
    }
}

macro_rules! live {
    () => {
        match admin().await {
            Some(c) => c,
            None => return,
        }
    };
}

/// A string literal for DDL (fixtures only).
fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
}

/// A quoted identifier for DDL (fixtures only).
fn ident(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

/// `'user'@'host'` for DDL (fixtures only).
fn acct(user: &str, host: &str) -> String {
    format!("{}@{}", lit(user), lit(host))
}

async fn exec(conn: &mut MySqlConnection, sql: impl Into<String>) {
    let sql = sql.into();
    if let Err(e) = sqlx::raw_sql(AssertSqlSafe(sql.clone()))
        .execute(&mut *conn)
        .await
    {
        panic!("fixture statement failed: {sql}: {e}");
    }
}

/// Runs a statement whose failure is expected when there is nothing to undo.
async fn exec_lenient(conn: &mut MySqlConnection, sql: impl Into<String>) {
    let sql = sql.into();
    let _ = sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut *conn).await;
}

/// Drops every account or role whose user starts with `prefix` (bound as a LIKE pattern
/// with escaped wildcards) and every database listed.
async fn drop_prefixed(conn: &mut MySqlConnection, prefix: &str, dbs: &[&str]) {
    let pattern = format!(
        "{}%",
        prefix
            .replace('\\', "\\\\")
            .replace('_', "\\_")
            .replace('%', "\\%")
    );
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT User, Host, IFNULL(JSON_VALUE(Priv, '$.is_role'), 'false') FROM mysql.global_priv \
         WHERE User LIKE ? OR Host LIKE ?",
    )
    .bind(&pattern)
    .bind(&pattern)
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    for (user, host, is_role) in rows {
        if is_role == "1" || is_role == "true" {
            exec(conn, format!("DROP ROLE IF EXISTS {}", lit(&user))).await;
        } else {
            exec(conn, format!("DROP USER IF EXISTS {}", acct(&user, &host))).await;
        }
    }
    for db in dbs {
        exec(conn, format!("DROP DATABASE IF EXISTS {}", ident(db))).await;
    }
}

fn target(user: &str, password: Option<&str>) -> ConnectTarget {
    ConnectTarget {
        instance_name: "local-mariadb".into(),
        host: HOST.into(),
        port: PORT,
        database: None,
        inspect_databases: vec![],
        user: user.into(),
        password: password.map(|p| SecretString::from(p.to_owned())),
        timeout: Duration::from_secs(30),
        filter: AccountFilter::default(),
    }
}

async fn read(target: &ConnectTarget) -> AccountRead {
    MysqlConnector::new()
        .read_accounts(target, &CancellationToken::new())
        .await
        .unwrap_or_else(|e| panic!("read failed: {e}"))
}

/// The accounts whose user or host starts with `prefix`.
fn only(set: &AccountSet, prefix: &str) -> AccountSet {
    set.iter()
        .filter(|(k, _)| k.name().starts_with(prefix) || k.host().is_some_and(|h| h.starts_with(prefix)))
        .map(|(k, s)| (k.clone(), s.clone()))
        .collect()
}

async fn native_hash(conn: &mut MySqlConnection, password: &str) -> String {
    sqlx::query_scalar("SELECT PASSWORD(?)")
        .bind(password)
        .fetch_one(&mut *conn)
        .await
        .unwrap()
}

/// `password_last_changed` of an account as the server stores it (names bound).
async fn last_changed(conn: &mut MySqlConnection, user: &str, host: &str) -> AttrValue {
    let v: Option<String> = sqlx::query_scalar(
        "SELECT JSON_VALUE(Priv, '$.password_last_changed') FROM mysql.global_priv WHERE User = ? AND Host = ?",
    )
    .bind(user)
    .bind(host)
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    match v.and_then(|s| s.parse::<i64>().ok()) {
        Some(n) if n > 0 => AttrValue::Time(chrono::DateTime::from_timestamp(n, 0).unwrap()),
        _ => AttrValue::Null,
    }
}

// ---------------------------------------------------------------- expected snapshots

fn key(user: &str, host: &str) -> AccountKey {
    AccountKey::mysql(user, host)
}

fn text(s: &str) -> AttrValue {
    AttrValue::Text(s.into())
}

/// The attributes of a MariaDB login account with default limits.
struct Login<'a> {
    methods: Vec<(&'a str, Vec<u8>)>,
    locked: bool,
    expired: bool,
    lifetime: AttrValue,
    last_changed: AttrValue,
    superuser: bool,
}

impl<'a> Login<'a> {
    fn native(hash: &str, last_changed: AttrValue) -> Self {
        Login {
            methods: vec![("mysql_native_password", hash.as_bytes().to_vec())],
            locked: false,
            expired: false,
            lifetime: AttrValue::Null,
            last_changed,
            superuser: false,
        }
    }

    fn snapshot(self) -> AccountSnapshot {
        let plugins = self.methods.iter().map(|(p, _)| (*p).to_owned()).collect();
        let fp = auth_fingerprint(self.methods.iter().map(|(p, a)| (*p, a.as_slice())));
        AccountSnapshot::new(AccountKind::User)
            .with_attr(attr::AUTH_METHODS, AttrValue::List(plugins))
            .with_attr(attr::CAN_LOGIN, AttrValue::Bool(true))
            .with_attr(attr::CONNECTION_LIMIT, AttrValue::Int(0))
            .with_attr(attr::CREDENTIAL_FINGERPRINT, AttrValue::Text(fp))
            .with_attr(attr::LOCKED, AttrValue::Bool(self.locked))
            .with_attr(attr::PASSWORD_EXPIRED, AttrValue::Bool(self.expired))
            .with_attr(attr::PASSWORD_LIFETIME, self.lifetime)
            .with_attr(attr::SUPERUSER, AttrValue::Bool(self.superuser))
            .with_attr(attrs::PASSWORD_LAST_CHANGED, self.last_changed)
    }
}

fn role_snapshot() -> AccountSnapshot {
    AccountSnapshot::new(AccountKind::Role)
        .with_attr(attr::CAN_LOGIN, AttrValue::Bool(false))
        .with_attr(attr::SUPERUSER, AttrValue::Bool(false))
}

fn fact(scope: PrivilegeScope, object: &[&str], privilege: &str) -> PrivilegeFact {
    PrivilegeFact::new(scope, object.iter().map(|s| (*s).to_owned()).collect(), privilege)
}

fn global(privilege: &str) -> PrivilegeFact {
    fact(PrivilegeScope::Global, &[], privilege)
}

fn member(role: &str, admin: bool, default: bool) -> Membership {
    let mut m = Membership::new(key(role, ""));
    m.admin = admin;
    m.default_role = Some(default);
    m
}

fn with_privs(mut s: AccountSnapshot, facts: impl IntoIterator<Item = PrivilegeFact>) -> AccountSnapshot {
    s.privileges.extend(facts);
    s
}

fn with_members(mut s: AccountSnapshot, m: impl IntoIterator<Item = Membership>) -> AccountSnapshot {
    s.memberships.extend(m);
    s
}

/// Compares account by account first (readable failures), then as a whole.
fn assert_same_accounts(actual: &AccountSet, expected: &AccountSet) {
    let a: BTreeSet<&AccountKey> = actual.iter().map(|(k, _)| k).collect();
    let e: BTreeSet<&AccountKey> = expected.iter().map(|(k, _)| k).collect();
    assert_eq!(a, e, "account keys differ");
    for (k, snap) in expected.iter() {
        assert_eq!(actual.get(k), Some(snap), "snapshot of {k} differs");
    }
    assert_eq!(actual, expected);
}

// ---------------------------------------------------------------- ACCOUNT_CASES 1-11

#[tokio::test]
async fn snapshot_of_account_cases_is_exact() {
    let mut c = live!();
    const P: &str = "acsmy_cases_";
    let n = |s: &str| format!("{P}{s}");
    let db = n("db");
    let qdb = n("q'd`b");
    drop_prefixed(&mut c, P, &[&db, &qdb]).await;
    exec_lenient(&mut c, format!("REVOKE SELECT ON {}.* FROM PUBLIC", ident(&db))).await;

    // Objects.
    exec(&mut c, format!("CREATE DATABASE {}", ident(&db))).await;
    exec(&mut c, format!("CREATE TABLE {}.t1 (a INT, b INT)", ident(&db))).await;
    exec(&mut c, format!("CREATE PROCEDURE {}.p1() SELECT 1", ident(&db))).await;
    exec(
        &mut c,
        format!("CREATE FUNCTION {}.p1() RETURNS INT RETURN 1", ident(&db)),
    )
    .await;
    exec(&mut c, format!("CREATE DATABASE {}", ident(&qdb))).await;
    exec(
        &mut c,
        format!(
            "CREATE TABLE {}.{} ({} INT)",
            ident(&qdb),
            ident("t`q'1"),
            ident("c 'x`")
        ),
    )
    .await;

    // 1. Role grants have no ON clause.
    exec(&mut c, format!("CREATE ROLE {}", lit(&n("app_admin")))).await;
    exec(
        &mut c,
        format!("CREATE USER {}", acct(&n("app_user"), "localhost")),
    )
    .await;
    exec(
        &mut c,
        format!(
            "GRANT {} TO {}",
            lit(&n("app_admin")),
            acct(&n("app_user"), "localhost")
        ),
    )
    .await;
    exec(&mut c, format!("CREATE ROLE {}", lit(&n("app_ops")))).await;
    exec(
        &mut c,
        format!("GRANT {} TO {}", lit(&n("app_admin")), lit(&n("app_ops"))),
    )
    .await;
    // 2. Default roles.
    exec(&mut c, format!("CREATE USER {}", acct(&n("app_user"), "%"))).await;
    exec(&mut c, format!("CREATE ROLE {}", lit(&n("app_dev")))).await;
    exec(
        &mut c,
        format!("GRANT {} TO {}", lit(&n("app_dev")), acct(&n("app_user"), "%")),
    )
    .await;
    exec(
        &mut c,
        format!(
            "SET DEFAULT ROLE {} FOR {}",
            lit(&n("app_dev")),
            acct(&n("app_user"), "%")
        ),
    )
    .await;
    // 3. The creator of a role gets an admin membership.
    exec(
        &mut c,
        format!("CREATE USER {} IDENTIFIED BY 'adm-Pw-1'", acct(&n("admin"), "%")),
    )
    .await;
    exec(
        &mut c,
        format!("GRANT CREATE USER ON *.* TO {}", acct(&n("admin"), "%")),
    )
    .await;
    {
        let mut as_admin = MySqlConnectOptions::new()
            .host(HOST)
            .port(PORT)
            .username(&n("admin"))
            .password("adm-Pw-1")
            .connect()
            .await
            .unwrap();
        exec(&mut as_admin, format!("CREATE ROLE {}", lit(&n("report_role")))).await;
        as_admin.close().await.unwrap();
    }
    // 4. A locked user is not a role.
    exec(
        &mut c,
        format!("CREATE USER {} ACCOUNT LOCK", acct(&n("locked"), "%")),
    )
    .await;
    // 5. Host is part of identity; users are case-sensitive.
    for host in ["10.0.%", "127.0.0.1"] {
        exec(&mut c, format!("CREATE USER {}", acct(&n("app_user"), host))).await;
    }
    exec(&mut c, format!("CREATE USER {}", acct(&n("App_User"), "%"))).await;
    // 6. Routine and proxy privileges.
    exec(&mut c, format!("CREATE USER {}", acct(&n("routine"), "%"))).await;
    exec(
        &mut c,
        format!(
            "GRANT EXECUTE ON PROCEDURE {}.p1 TO {}",
            ident(&db),
            acct(&n("routine"), "%")
        ),
    )
    .await;
    exec(
        &mut c,
        format!(
            "GRANT EXECUTE ON FUNCTION {}.p1 TO {}",
            ident(&db),
            acct(&n("routine"), "%")
        ),
    )
    .await;
    exec(&mut c, format!("CREATE USER {}", acct(&n("mapped"), "%"))).await;
    exec(&mut c, format!("CREATE USER {}", acct(&n("sso_proxy"), "%"))).await;
    exec(
        &mut c,
        format!(
            "GRANT PROXY ON {} TO {}",
            acct(&n("mapped"), "%"),
            acct(&n("sso_proxy"), "%")
        ),
    )
    .await;
    // 7. Several auth methods.
    exec(
        &mut c,
        format!(
            "CREATE USER {} IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('multi-Pw')",
            acct(&n("multi"), "%")
        ),
    )
    .await;
    // 8. Newer privileges exist only in the bitmask.
    exec(&mut c, format!("CREATE USER {}", acct(&n("repl"), "%"))).await;
    exec(
        &mut c,
        format!(
            "GRANT SLAVE MONITOR, BINLOG ADMIN ON *.* TO {} WITH GRANT OPTION",
            acct(&n("repl"), "%")
        ),
    )
    .await;
    exec(&mut c, format!("CREATE USER {}", acct(&n("super"), "%"))).await;
    exec(
        &mut c,
        format!("GRANT SUPER ON *.* TO {}", acct(&n("super"), "%")),
    )
    .await;
    // 9. PUBLIC pseudo-grantee, and a real account named PUBLIC (on a host of ours).
    exec(&mut c, format!("GRANT SELECT ON {}.* TO PUBLIC", ident(&db))).await;
    exec(&mut c, format!("CREATE USER {}", acct("PUBLIC", &n("host")))).await;
    // 10. Lock and expiry.
    exec(
        &mut c,
        format!(
            "CREATE USER {} IDENTIFIED BY 'exp-Pw' PASSWORD EXPIRE",
            acct(&n("expired"), "%")
        ),
    )
    .await;
    exec(&mut c, format!("CREATE USER {}", acct(&n("life_default"), "%"))).await;
    exec(
        &mut c,
        format!(
            "CREATE USER {} PASSWORD EXPIRE DEFAULT",
            acct(&n("life_default2"), "%")
        ),
    )
    .await;
    exec(
        &mut c,
        format!(
            "CREATE USER {} PASSWORD EXPIRE NEVER",
            acct(&n("life_never"), "%")
        ),
    )
    .await;
    exec(
        &mut c,
        format!(
            "CREATE USER {} PASSWORD EXPIRE INTERVAL 30 DAY",
            acct(&n("life_30"), "%")
        ),
    )
    .await;
    // Limits and TLS requirements (present only when set).
    exec(
        &mut c,
        format!(
            "CREATE USER {} REQUIRE SSL WITH MAX_QUERIES_PER_HOUR 10 MAX_USER_CONNECTIONS 3 MAX_STATEMENT_TIME 2.5",
            acct(&n("limits"), "%")
        ),
    )
    .await;
    // Database, table and column privileges; patterns; a lone grant option.
    exec(&mut c, format!("CREATE USER {}", acct(&n("dbuser"), "%"))).await;
    let dbuser = acct(&n("dbuser"), "%");
    exec(
        &mut c,
        format!(
            "GRANT SELECT, INSERT ON {}.* TO {dbuser}",
            ident(&format!("{}lit", P.replace('_', "\\_")))
        ),
    )
    .await;
    exec(
        &mut c,
        format!(
            "GRANT SELECT ON {}.* TO {dbuser} WITH GRANT OPTION",
            ident(&format!("{}pat%", P.replace('_', "\\_")))
        ),
    )
    .await;
    exec(&mut c, format!("GRANT ALL ON {}.* TO {dbuser}", ident(&db))).await;
    exec(
        &mut c,
        format!(
            "GRANT USAGE ON {}.* TO {dbuser} WITH GRANT OPTION",
            ident(&format!("{}go", P.replace('_', "\\_")))
        ),
    )
    .await;
    exec(&mut c, format!("CREATE USER {}", acct(&n("tab"), "%"))).await;
    let tab = acct(&n("tab"), "%");
    exec(
        &mut c,
        format!(
            "GRANT SELECT (a), UPDATE (a, b) ON {}.t1 TO {tab} WITH GRANT OPTION",
            ident(&db)
        ),
    )
    .await;
    exec(
        &mut c,
        format!("GRANT SHOW VIEW, DELETE HISTORY ON {}.t1 TO {tab}", ident(&db)),
    )
    .await;
    // Names that need quoting.
    let oneil = (n("o'neil"), "h'st".to_owned());
    let backtick = (n("back`tick"), "%".to_owned());
    let at = (n("at@sign"), "10.1.1.1".to_owned());
    let space = (n("sp ace"), "%".to_owned());
    let dot = (n("dot.ted"), "%".to_owned());
    let uni = (n("ünïcödé_名前"), "%".to_owned());
    let like_host = (n("h@localhost"), "%".to_owned());
    let plain_h = (n("h"), "localhost".to_owned());
    let backslash = (n("back\\slash"), "%".to_owned());
    for (u, h) in [
        &oneil, &backtick, &at, &space, &dot, &uni, &like_host, &plain_h, &backslash,
    ] {
        exec(&mut c, format!("CREATE USER {}", acct(u, h))).await;
    }
    let qrole = n("r'o`le");
    exec(&mut c, format!("CREATE ROLE {}", lit(&qrole))).await;
    exec(
        &mut c,
        format!("GRANT {} TO {}", lit(&qrole), acct(&oneil.0, &oneil.1)),
    )
    .await;
    exec(
        &mut c,
        format!(
            "SET DEFAULT ROLE {} FOR {}",
            lit(&qrole),
            acct(&oneil.0, &oneil.1)
        ),
    )
    .await;
    exec(
        &mut c,
        format!(
            "GRANT SELECT ({}) ON {}.{} TO {}",
            ident("c 'x`"),
            ident(&qdb),
            ident("t`q'1"),
            acct(&backtick.0, &backtick.1)
        ),
    )
    .await;
    exec(
        &mut c,
        format!("GRANT INSERT ON {}.* TO {}", ident(&qdb), acct(&at.0, &at.1)),
    )
    .await;

    // ---- read
    let read_all = read(&target("root", None)).await;
    assert!(
        read_all.server_version.contains("MariaDB"),
        "{}",
        read_all.server_version
    );
    let actual = only(&read_all.accounts, P);

    // ---- expected
    let empty_native = |lc: AttrValue| Login::native("", lc);
    let mut expected = AccountSet::new();
    let user =
        async |c: &mut MySqlConnection, u: &str, h: &str, build: &dyn Fn(AttrValue) -> AccountSnapshot| {
            let lc = last_changed(c, u, h).await;
            (key(u, h), build(lc))
        };
    let plain = |lc: AttrValue| empty_native(lc).snapshot();

    // 1 + 2 + 5
    let (k, s) = user(&mut c, &n("app_user"), "localhost", &plain).await;
    expected.insert(k, with_members(s, [member(&n("app_admin"), false, false)]));
    let (k, s) = user(&mut c, &n("app_user"), "%", &plain).await;
    expected.insert(k, with_members(s, [member(&n("app_dev"), false, true)]));
    for h in ["10.0.%", "127.0.0.1"] {
        let (k, s) = user(&mut c, &n("app_user"), h, &plain).await;
        expected.insert(k, s);
    }
    let (k, s) = user(&mut c, &n("App_User"), "%", &plain).await;
    expected.insert(k, s);
    expected.insert(key(&n("app_admin"), ""), role_snapshot());
    expected.insert(
        key(&n("app_ops"), ""),
        with_members(role_snapshot(), [member(&n("app_admin"), false, false)]),
    );
    expected.insert(key(&n("app_dev"), ""), role_snapshot());
    // 3
    let adm_hash = native_hash(&mut c, "adm-Pw-1").await;
    let (k, s) = user(&mut c, &n("admin"), "%", &|lc| {
        Login::native(&adm_hash, lc).snapshot()
    })
    .await;
    expected.insert(
        k,
        with_members(
            with_privs(s, [global("CREATE USER")]),
            [member(&n("report_role"), true, false)],
        ),
    );
    expected.insert(key(&n("report_role"), ""), role_snapshot());
    // 4
    let (k, s) = user(&mut c, &n("locked"), "%", &|lc| {
        let mut l = empty_native(lc);
        l.locked = true;
        l.snapshot()
    })
    .await;
    expected.insert(k, s);
    // 6
    let (k, s) = user(&mut c, &n("routine"), "%", &plain).await;
    expected.insert(
        k,
        with_privs(
            s,
            [
                fact(PrivilegeScope::Routine, &[&db, "PROCEDURE", "p1"], "EXECUTE"),
                fact(PrivilegeScope::Routine, &[&db, "FUNCTION", "p1"], "EXECUTE"),
            ],
        ),
    );
    let (k, s) = user(&mut c, &n("mapped"), "%", &plain).await;
    expected.insert(k, s);
    let (k, s) = user(&mut c, &n("sso_proxy"), "%", &plain).await;
    expected.insert(
        k,
        with_privs(s, [fact(PrivilegeScope::Proxy, &[&n("mapped"), "%"], "PROXY")]),
    );
    // 7
    let multi_hash = native_hash(&mut c, "multi-Pw").await;
    let (k, s) = user(&mut c, &n("multi"), "%", &|lc| {
        let mut l = Login::native(&multi_hash, lc);
        l.methods.insert(0, ("unix_socket", Vec::new()));
        l.snapshot()
    })
    .await;
    expected.insert(k, s);
    // 8
    let (k, s) = user(&mut c, &n("repl"), "%", &plain).await;
    expected.insert(
        k,
        with_privs(
            s,
            [
                global("SLAVE MONITOR").grantable(true),
                global("BINLOG ADMIN").grantable(true),
            ],
        ),
    );
    let (k, s) = user(&mut c, &n("super"), "%", &|lc| {
        let mut l = empty_native(lc);
        l.superuser = true;
        l.snapshot()
    })
    .await;
    expected.insert(k, with_privs(s, [global("SUPER")]));
    // 9: the real 'PUBLIC'@host account is a user.
    let (k, s) = user(&mut c, "PUBLIC", &n("host"), &plain).await;
    expected.insert(k, s);
    // 10
    let exp_hash = native_hash(&mut c, "exp-Pw").await;
    let (k, s) = user(&mut c, &n("expired"), "%", &|lc| {
        let mut l = Login::native(&exp_hash, lc);
        l.expired = true;
        l.snapshot()
    })
    .await;
    assert_eq!(s.attributes[attrs::PASSWORD_LAST_CHANGED], AttrValue::Null);
    expected.insert(k, s);
    for (u, lifetime) in [
        ("life_default", AttrValue::Null),
        ("life_default2", AttrValue::Null),
        ("life_never", AttrValue::Int(0)),
        ("life_30", AttrValue::Int(30)),
    ] {
        let (k, s) = user(&mut c, &n(u), "%", &|lc| {
            let mut l = empty_native(lc);
            l.lifetime = lifetime.clone();
            l.snapshot()
        })
        .await;
        expected.insert(k, s);
    }
    let (k, s) = user(&mut c, &n("limits"), "%", &plain).await;
    expected.insert(
        k,
        s.with_attr(attr::CONNECTION_LIMIT, AttrValue::Int(3))
            .with_attr(attrs::MAX_QUESTIONS, AttrValue::Int(10))
            .with_attr(attrs::MAX_STATEMENT_TIME, text("2.500000"))
            .with_attr(attrs::SSL_TYPE, text("ANY")),
    );
    // db / table / column
    let lit_db = format!("{}lit", P.replace('_', "\\_"));
    let pat_db = format!("{}pat%", P.replace('_', "\\_"));
    let go_db = format!("{}go", P.replace('_', "\\_"));
    let all_db = [
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
        "CREATE",
        "DROP",
        "REFERENCES",
        "INDEX",
        "ALTER",
        "CREATE TEMPORARY TABLES",
        "LOCK TABLES",
        "CREATE VIEW",
        "SHOW VIEW",
        "CREATE ROUTINE",
        "ALTER ROUTINE",
        "EXECUTE",
        "EVENT",
        "TRIGGER",
        "DELETE HISTORY",
    ];
    let (k, s) = user(&mut c, &n("dbuser"), "%", &plain).await;
    let mut facts = vec![
        fact(PrivilegeScope::Database, &[&lit_db], "SELECT"),
        fact(PrivilegeScope::Database, &[&lit_db], "INSERT"),
        fact(PrivilegeScope::Database, &[&pat_db], "SELECT")
            .grantable(true)
            .pattern(true),
        fact(PrivilegeScope::Database, &[&go_db], "GRANT OPTION").grantable(true),
    ];
    facts.extend(
        all_db
            .iter()
            .map(|p| fact(PrivilegeScope::Database, &[&db], p).pattern(true)),
    );
    expected.insert(k, with_privs(s, facts));
    let (k, s) = user(&mut c, &n("tab"), "%", &plain).await;
    expected.insert(
        k,
        with_privs(
            s,
            [
                fact(PrivilegeScope::Table, &[&db, "t1"], "SHOW VIEW").grantable(true),
                fact(PrivilegeScope::Table, &[&db, "t1"], "DELETE HISTORY").grantable(true),
                fact(PrivilegeScope::Column, &[&db, "t1", "a"], "SELECT").grantable(true),
                fact(PrivilegeScope::Column, &[&db, "t1", "a"], "UPDATE").grantable(true),
                fact(PrivilegeScope::Column, &[&db, "t1", "b"], "UPDATE").grantable(true),
            ],
        ),
    );
    // quoted names
    let (k, s) = user(&mut c, &oneil.0, &oneil.1, &plain).await;
    expected.insert(k, with_members(s, [member(&qrole, false, true)]));
    expected.insert(key(&qrole, ""), role_snapshot());
    let (k, s) = user(&mut c, &backtick.0, &backtick.1, &plain).await;
    expected.insert(
        k,
        with_privs(
            s,
            [fact(PrivilegeScope::Column, &[&qdb, "t`q'1", "c 'x`"], "SELECT")],
        ),
    );
    let (k, s) = user(&mut c, &at.0, &at.1, &plain).await;
    expected.insert(
        k,
        with_privs(
            s,
            [fact(PrivilegeScope::Database, &[&qdb], "INSERT").pattern(true)],
        ),
    );
    for (u, h) in [&space, &dot, &uni, &like_host, &plain_h, &backslash] {
        let (k, s) = user(&mut c, u, h, &plain).await;
        expected.insert(k, s);
    }

    assert_same_accounts(&actual, &expected);
    // Identity: the user named like a host and the user on that host are two accounts.
    assert!(
        actual.get(&key(&n("h@localhost"), "%")).is_some()
            && actual.get(&key(&n("h"), "localhost")).is_some()
    );

    // 9: PUBLIC is a pseudo-grantee holding the grant on our database.
    let public = read_all
        .accounts
        .get(&key("PUBLIC", ""))
        .expect("PUBLIC pseudo-grantee");
    assert_eq!(public.kind, AccountKind::Public);
    let ours: BTreeSet<&PrivilegeFact> = public
        .privileges
        .iter()
        .filter(|f| f.object[0].starts_with(P))
        .collect();
    let public_fact = fact(PrivilegeScope::Database, &[&db], "SELECT").pattern(true);
    assert_eq!(ours, BTreeSet::from([&public_fact]));
    assert_eq!(public.attributes[attr::CAN_LOGIN], AttrValue::Bool(false));
    // 11: internal accounts are flagged system.
    let sys = read_all
        .accounts
        .get(&key("mariadb.sys", "localhost"))
        .expect("mariadb.sys");
    assert!(sys.system);
    assert_eq!(sys.kind, AccountKind::User);
    assert!(
        read_all
            .accounts
            .iter()
            .filter(|(_, s)| s.system)
            .all(|(k, _)| k.host() == Some("localhost"))
    );
    // 6: root's built-in PROXY ON ''@'' is ordinary data of root.
    let root = read_all
        .accounts
        .get(&key("root", "localhost"))
        .expect("root@localhost");
    assert!(
        root.privileges
            .contains(&fact(PrivilegeScope::Proxy, &["", ""], "PROXY").grantable(true))
    );

    // A second read without DDL gives the same snapshots.
    let again = only(&read(&target("root", None)).await.accounts, P);
    assert_same_accounts(&again, &expected);

    // Cleanup.
    drop_prefixed(&mut c, P, &[&db, &qdb]).await;
    exec_lenient(&mut c, format!("REVOKE SELECT ON {}.* FROM PUBLIC", ident(&db))).await;
}

// ---------------------------------------------------------------- diff exactness

fn inventory_from(set: &AccountSet) -> Vec<InventoryAccount> {
    let mut inv = Vec::new();
    apply_diff(&mut inv, &diff_accounts(&[], set), chrono::Utc::now());
    inv
}

fn stored(inv: &[InventoryAccount], k: &AccountKey) -> AccountSnapshot {
    inv.iter().find(|r| &r.key == k).unwrap().snapshot.clone()
}

fn attr_change(before: &AccountSnapshot, after: &AccountSnapshot, name: &str) -> AttributeChange {
    AttributeChange {
        name: name.into(),
        before: before.attributes.get(name).cloned(),
        after: after.attributes.get(name).cloned(),
    }
}

#[tokio::test]
async fn diff_reports_exactly_the_ddl() {
    let mut c = live!();
    const P: &str = "acsmy_diff_";
    let n = |s: &str| format!("{P}{s}");
    let db = n("db");
    drop_prefixed(&mut c, P, &[&db]).await;
    let u = |s: &str| acct(&n(s), "%");
    exec(&mut c, format!("CREATE DATABASE {}", ident(&db))).await;
    for name in ["u_grant", "u_drop", "u_lock", "u_role"] {
        exec(&mut c, format!("CREATE USER {}", u(name))).await;
    }
    exec(
        &mut c,
        format!("CREATE USER {} IDENTIFIED BY 'old-Pw-1'", u("u_pw")),
    )
    .await;
    exec(
        &mut c,
        format!("GRANT SELECT ON {}.* TO {}", ident(&db), u("u_grant")),
    )
    .await;
    exec(
        &mut c,
        format!("GRANT SELECT ON {}.* TO {}", ident(&db), u("u_drop")),
    )
    .await;
    for r in ["r1", "r2"] {
        exec(&mut c, format!("CREATE ROLE {}", lit(&n(r)))).await;
        exec(&mut c, format!("GRANT {} TO {}", lit(&n(r)), u("u_role"))).await;
    }
    exec(
        &mut c,
        format!("SET DEFAULT ROLE {} FOR {}", lit(&n("r1")), u("u_role")),
    )
    .await;
    let t = target("root", None);

    // Sync 1: everything is added.
    let a = only(&read(&t).await.accounts, P);
    let d1 = diff_accounts(&[], &a);
    assert_eq!((d1.summary.added, d1.changes.len()), (7, 7));
    let mut inv = inventory_from(&a);

    // DDL: grant, revoke, drop, lock, change default role, change password.
    tokio::time::sleep(Duration::from_millis(1100)).await; // a new password_last_changed second
    exec(
        &mut c,
        format!("GRANT INSERT ON {}.* TO {}", ident(&db), u("u_grant")),
    )
    .await;
    exec(
        &mut c,
        format!("REVOKE SELECT ON {}.* FROM {}", ident(&db), u("u_grant")),
    )
    .await;
    exec(&mut c, format!("DROP USER {}", u("u_drop"))).await;
    exec(&mut c, format!("ALTER USER {} ACCOUNT LOCK", u("u_lock"))).await;
    exec(
        &mut c,
        format!("SET DEFAULT ROLE {} FOR {}", lit(&n("r2")), u("u_role")),
    )
    .await;
    exec(
        &mut c,
        format!("ALTER USER {} IDENTIFIED BY 'new-Pw-2'", u("u_pw")),
    )
    .await;

    // Sync 2: exactly those changes.
    let b = only(&read(&t).await.accounts, P);
    let d2 = diff_accounts(&inv, &b);
    let by_key: BTreeMap<&AccountKey, _> = d2.changes.iter().map(|ch| (&ch.key, ch)).collect();
    assert_eq!(
        by_key
            .iter()
            .map(|(k, ch)| ((*k).clone(), ch.kind))
            .collect::<Vec<_>>(),
        vec![
            (key(&n("u_drop"), "%"), ChangeKind::Removed),
            (key(&n("u_grant"), "%"), ChangeKind::Modified),
            (key(&n("u_lock"), "%"), ChangeKind::Modified),
            (key(&n("u_pw"), "%"), ChangeKind::Modified),
            (key(&n("u_role"), "%"), ChangeKind::Modified),
        ]
    );
    assert_eq!(
        (
            d2.summary.modified,
            d2.summary.removed,
            d2.summary.unchanged,
            d2.summary.added
        ),
        (4, 1, 2, 0)
    );
    let dbfact = |p: &str| fact(PrivilegeScope::Database, &[&db], p).pattern(true);

    let g = &by_key[&key(&n("u_grant"), "%")].detail;
    assert_eq!(g.privileges_granted, vec![dbfact("INSERT")]);
    assert_eq!(g.privileges_revoked, vec![dbfact("SELECT")]);
    assert!(g.memberships_granted.is_empty() && g.memberships_revoked.is_empty() && g.attributes.is_empty());

    let l = &by_key[&key(&n("u_lock"), "%")].detail;
    assert_eq!(
        l.attributes,
        vec![AttributeChange {
            name: attr::LOCKED.into(),
            before: Some(AttrValue::Bool(false)),
            after: Some(AttrValue::Bool(true))
        }]
    );
    assert!(
        l.privileges_granted.is_empty()
            && l.privileges_revoked.is_empty()
            && l.memberships_granted.is_empty()
    );

    let r = &by_key[&key(&n("u_role"), "%")].detail;
    let as_set = |v: &[Membership]| v.iter().cloned().collect::<BTreeSet<_>>();
    assert_eq!(
        as_set(&r.memberships_granted),
        BTreeSet::from([member(&n("r1"), false, false), member(&n("r2"), false, true)])
    );
    assert_eq!(
        as_set(&r.memberships_revoked),
        BTreeSet::from([member(&n("r1"), false, true), member(&n("r2"), false, false)])
    );
    assert!(r.attributes.is_empty() && r.privileges_granted.is_empty() && r.privileges_revoked.is_empty());

    let pw_key = key(&n("u_pw"), "%");
    let p = &by_key[&pw_key].detail;
    let (old_hash, new_hash) = (
        native_hash(&mut c, "old-Pw-1").await,
        native_hash(&mut c, "new-Pw-2").await,
    );
    let fp = |h: &str| AttrValue::Text(auth_fingerprint([("mysql_native_password", h.as_bytes())]));
    assert_eq!(
        p.attributes,
        vec![
            AttributeChange {
                name: attr::CREDENTIAL_FINGERPRINT.into(),
                before: Some(fp(&old_hash)),
                after: Some(fp(&new_hash))
            },
            attr_change(
                &stored(&inv, &pw_key),
                b.get(&pw_key).unwrap(),
                attrs::PASSWORD_LAST_CHANGED
            ),
        ]
    );
    assert_ne!(p.attributes[1].before, p.attributes[1].after);
    assert!(p.privileges_granted.is_empty() && p.memberships_granted.is_empty());
    // No password or hash anywhere in what would be stored.
    let persisted = serde_json::to_string(&(&d2, &b)).unwrap();
    for secret in [
        "old-Pw-1",
        "new-Pw-2",
        old_hash.as_str(),
        new_hash.as_str(),
        &new_hash[1..],
    ] {
        assert!(
            !persisted.contains(secret),
            "a credential leaked into the snapshot/diff"
        );
    }
    apply_diff(&mut inv, &d2, chrono::Utc::now());

    // Re-create the dropped account: reactivated, compared with its last snapshot.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    exec(&mut c, format!("CREATE USER {}", u("u_drop"))).await;
    let c3 = only(&read(&t).await.accounts, P);
    let d3 = diff_accounts(&inv, &c3);
    assert_eq!(d3.changes.len(), 1);
    let drop_key = key(&n("u_drop"), "%");
    let re = &d3.changes[0];
    assert_eq!((&re.key, re.kind), (&drop_key, ChangeKind::Reactivated));
    assert_eq!(re.detail.privileges_revoked, vec![dbfact("SELECT")]);
    assert!(re.detail.privileges_granted.is_empty() && re.detail.memberships_granted.is_empty());
    assert_eq!(
        re.detail.attributes,
        vec![attr_change(
            &stored(&inv, &drop_key),
            c3.get(&drop_key).unwrap(),
            attrs::PASSWORD_LAST_CHANGED
        )]
    );
    assert_eq!((d3.summary.reactivated, d3.summary.unchanged), (1, 6));
    assert_eq!(d3.item_counts().created, 1);
    apply_diff(&mut inv, &d3, chrono::Utc::now());

    // A rerun without DDL: zero changes.
    let d4 = diff_accounts(&inv, &only(&read(&t).await.accounts, P));
    assert!(d4.is_empty(), "{:?}", d4.changes);
    assert_eq!(d4.summary.unchanged, 7);

    drop_prefixed(&mut c, P, &[&db]).await;
}

// ---------------------------------------------------------------- global bitmask decoding

/// The global facts of every account of ours equal what the server itself reports in
/// `information_schema.USER_PRIVILEGES` (computed from its in-memory ACL), including rows
/// written by older versions (crafted `version_id`s) that the server upgrades on load.
#[tokio::test]
async fn global_privileges_match_the_servers_own_view() {
    let mut c = live!();
    const P: &str = "acsmy_bits_";
    let n = |s: &str| format!("{P}{s}");
    drop_prefixed(&mut c, P, &[]).await;
    // Rows as older servers wrote them (SUPER=1<<15, REPL SLAVE=1<<19, REPL CLIENT=1<<20,
    // REPLICATION SLAVE ADMIN=1<<34), inserted with bound parameters.
    let crafted = [
        ("v109_super", r#"{"access":32768,"version_id":100900}"#),
        ("v0_super_repl", r#"{"access":557056}"#),
        (
            "v1053_slave_admin",
            r#"{"access":17179869184,"version_id":100503}"#,
        ),
        ("all_ones", r#"{"access":18446744073709551615}"#),
        ("unknown_bit", r#"{"access":1099511627775,"version_id":101100}"#),
        ("v104_client", r#"{"access":1048576,"version_id":100400}"#),
        ("bad_version", r#"{"access":1,"version_id":100300}"#),
    ];
    for (u, json) in crafted {
        sqlx::query("INSERT INTO mysql.global_priv (Host, User, Priv) VALUES ('%', ?, ?)")
            .bind(n(u))
            .bind(json)
            .execute(&mut c)
            .await
            .unwrap();
    }
    exec(&mut c, "FLUSH PRIVILEGES").await;
    for (u, grant) in [
        ("all", "ALL PRIVILEGES ON *.* TO {} WITH GRANT OPTION"),
        ("usage_go", "USAGE ON *.* TO {} WITH GRANT OPTION"),
        (
            "new_privs",
            "SLAVE MONITOR, BINLOG ADMIN, READ_ONLY ADMIN, SET USER ON *.* TO {}",
        ),
        ("plain", "SELECT, PROCESS ON *.* TO {}"),
    ] {
        exec(&mut c, format!("CREATE USER {}", acct(&n(u), "%"))).await;
        exec(
            &mut c,
            format!("GRANT {}", grant.replace("{}", &acct(&n(u), "%"))),
        )
        .await;
    }

    let read_all = read(&target("root", None)).await;
    let ours = only(&read_all.accounts, P);
    assert_eq!(ours.len(), 11);
    let server: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT GRANTEE, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE LIKE ?",
    )
    .bind(format!("'{}%", P.replace('_', "\\_")))
    .fetch_all(&mut c)
    .await
    .unwrap();
    let mut by_grantee: BTreeMap<String, BTreeSet<(String, bool)>> = BTreeMap::new();
    for (grantee, privilege, grantable) in server {
        by_grantee
            .entry(grantee)
            .or_default()
            .insert((privilege, grantable == "YES"));
    }
    for (k, snap) in ours.iter() {
        let mut mine: BTreeSet<(String, bool)> = snap
            .privileges
            .iter()
            .filter(|f| f.scope == PrivilegeScope::Global)
            .map(|f| match f.privilege.as_str() {
                "GRANT OPTION" => ("USAGE".to_owned(), true),
                p => (p.to_owned(), f.grantable),
            })
            .collect();
        if mine.is_empty() {
            mine.insert(("USAGE".to_owned(), false));
        }
        // Test-only display of our plain names, to match the server's GRANTEE column.
        let grantee = format!("'{}'@'{}'", k.name(), k.host().unwrap());
        assert_eq!(Some(&mine), by_grantee.get(&grantee), "global privileges of {k}");
    }
    let names = |u: &str| -> Vec<String> {
        let s = ours.get(&key(&n(u), "%")).unwrap();
        s.privileges.iter().map(|f| f.privilege.clone()).collect()
    };
    assert_eq!(names("v109_super"), ["READ_ONLY ADMIN", "SUPER"]);
    assert_eq!(
        names("v1053_slave_admin"),
        ["REPLICATION SLAVE ADMIN", "SLAVE MONITOR"]
    );
    assert!(names("unknown_bit").is_empty() && names("bad_version").is_empty());
    assert_eq!(names("usage_go"), ["GRANT OPTION"]);
    assert_eq!(names("all").len(), 38);
    // The server ignores two of the crafted rows; the read says so.
    assert_eq!(
        read_all
            .warnings
            .iter()
            .filter(|w| w.contains(P) && w.contains("ignored by the server"))
            .count(),
        2,
        "{:?}",
        read_all.warnings
    );

    drop_prefixed(&mut c, P, &[]).await;
}

// ---------------------------------------------------------------- errors

fn assert_no_secret(e: &ConnectorError, secret: &str) {
    let shown = format!("{e} | {e:?}");
    assert!(!shown.contains(secret), "password leaked: {shown}");
}

#[tokio::test]
async fn wrong_password_is_auth_failed_without_the_password() {
    let _c = live!();
    const SECRET: &str = "Wr0ng-S3cret-acsmy";
    let t = target("root", Some(SECRET));
    assert!(!format!("{t:?}").contains(SECRET));
    let err = MysqlConnector::new()
        .read_accounts(&t, &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ConnectorError::AuthFailed {
            user: "root".into(),
            host: HOST.into(),
            port: PORT
        }
    );
    assert_no_secret(&err, SECRET);
}

#[tokio::test]
async fn closed_port_is_unreachable_without_the_password() {
    const SECRET: &str = "Cl0sed-P0rt-S3cret";
    let mut t = target("root", Some(SECRET));
    t.port = 1;
    let err = MysqlConnector::new()
        .read_accounts(&t, &CancellationToken::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Unreachable { host, port: 1, .. } if host == HOST),
        "{err:?}"
    );
    assert_no_secret(&err, SECRET);
}

#[tokio::test]
async fn missing_grant_names_the_statement_that_fixes_it() {
    let mut c = live!();
    const P: &str = "acsmy_err_";
    drop_prefixed(&mut c, P, &[]).await;
    exec(
        &mut c,
        format!(
            "CREATE USER {} IDENTIFIED BY 'np-Pw-9'",
            acct("acsmy_err_nopriv", "%")
        ),
    )
    .await;
    let err = MysqlConnector::new()
        .read_accounts(
            &target("acsmy_err_nopriv", Some("np-Pw-9")),
            &CancellationToken::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ConnectorError::MissingPrivilege {
            what: "mysql.global_priv".into(),
            grant: "GRANT SELECT ON mysql.* TO 'acsmy_err_nopriv'@'%'".into()
        }
    );
    assert_no_secret(&err, "np-Pw-9");
    drop_prefixed(&mut c, P, &[]).await;
}

/// A TCP server that accepts connections and never answers (no handshake).
async fn silent_server() -> (u16, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
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
async fn budget_and_cancellation_stop_a_hanging_read() {
    let (port, server) = silent_server().await;
    let mut t = target("root", Some("Hang-S3cret"));
    t.port = port;
    t.host = "127.0.0.1".into();

    t.timeout = Duration::from_millis(300);
    let started = std::time::Instant::now();
    let err = MysqlConnector::new()
        .read_accounts(&t, &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ConnectorError::Timeout {
            after: Duration::from_millis(300),
            during: "connecting".into()
        }
    );
    assert!(started.elapsed() < Duration::from_secs(3));

    t.timeout = Duration::from_secs(60);
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        trigger.cancel();
    });
    let started = std::time::Instant::now();
    let err = MysqlConnector::new()
        .read_accounts(&t, &cancel)
        .await
        .unwrap_err();
    assert_eq!(err, ConnectorError::Cancelled);
    assert!(started.elapsed() < Duration::from_secs(3));

    // Already cancelled: nothing is attempted.
    assert_eq!(
        MysqlConnector::new()
            .read_accounts(&t, &cancel)
            .await
            .unwrap_err(),
        ConnectorError::Cancelled
    );
    server.abort();
}

// ---------------------------------------------------------------- least privilege, filter, close

#[tokio::test]
async fn least_privilege_user_reads_the_same_and_leaves_no_connection() {
    let mut c = live!();
    const P: &str = "acsmy_lp_";
    let n = |s: &str| format!("{P}{s}");
    let db = n("db");
    drop_prefixed(&mut c, P, &[&db]).await;
    // The strict minimum: SELECT on each table read (names are the crate's constants).
    exec(
        &mut c,
        format!("CREATE USER {} IDENTIFIED BY 'lp-Pw-1'", acct(&n("sync"), "%")),
    )
    .await;
    for table in MARIADB_TABLES {
        exec(
            &mut c,
            format!("GRANT SELECT ON {table} TO {}", acct(&n("sync"), "%")),
        )
        .await;
    }
    // The documented short form.
    exec(
        &mut c,
        format!(
            "CREATE USER {} IDENTIFIED BY 'lp-Pw-2'",
            acct(&n("sync_all"), "%")
        ),
    )
    .await;
    exec(
        &mut c,
        format!("GRANT SELECT ON mysql.* TO {}", acct(&n("sync_all"), "%")),
    )
    .await;
    // Some accounts to read.
    exec(&mut c, format!("CREATE DATABASE {}", ident(&db))).await;
    exec(&mut c, format!("CREATE TABLE {}.t (a INT)", ident(&db))).await;
    exec(&mut c, format!("CREATE ROLE {}", lit(&n("role")))).await;
    for host in ["%", "10.0.0.%"] {
        let a = acct(&n("x"), host);
        exec(&mut c, format!("CREATE USER {a}")).await;
        exec(&mut c, format!("GRANT SELECT (a) ON {}.t TO {a}", ident(&db))).await;
        exec(&mut c, format!("GRANT {} TO {a}", lit(&n("role")))).await;
    }

    let as_root = only(&read(&target("root", None)).await.accounts, P);
    let strict = read(&target(&n("sync"), Some("lp-Pw-1"))).await;
    let short = read(&target(&n("sync_all"), Some("lp-Pw-2"))).await;
    assert_eq!(as_root.len(), 5);
    assert_same_accounts(&only(&strict.accounts, P), &as_root);
    assert_same_accounts(&only(&short.accounts, P), &as_root);
    assert!(
        strict
            .accounts
            .get(&key("mariadb.sys", "localhost"))
            .is_some_and(|s| s.system)
    );

    // Each read closed its connection.
    for user in [n("sync"), n("sync_all")] {
        let mut open = 1;
        for _ in 0..40 {
            open = sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = ?",
            )
            .bind(&user)
            .fetch_one(&mut c)
            .await
            .unwrap();
            if open == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(open, 0, "{user} still has a connection after the read");
    }

    // target.filter: a glob on name and host, and system accounts left out.
    let mut t = target(&n("sync"), Some("lp-Pw-1"));
    t.filter = AccountFilter {
        exclude: vec![AccountPattern {
            name: format!("{P}?"),
            host: Some("10.*".into()),
        }],
        exclude_system: true,
    };
    let filtered = read(&t).await;
    let keys: Vec<AccountKey> = only(&filtered.accounts, P)
        .iter()
        .map(|(k, _)| k.clone())
        .collect();
    assert_eq!(
        keys,
        vec![
            key(&n("role"), ""),
            key(&n("sync"), "%"),
            key(&n("sync_all"), "%"),
            key(&n("x"), "%")
        ]
    );
    assert!(filtered.accounts.iter().all(|(_, s)| !s.system));

    drop_prefixed(&mut c, P, &[&db]).await;
}
