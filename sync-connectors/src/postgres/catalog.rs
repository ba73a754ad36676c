//! The bulk catalog reads: a fixed number of queries whatever the number of roles.
//!
//! Main connection (one `REPEATABLE READ READ ONLY` transaction, so every query sees the same
//! catalog state): server info and column lists, `pg_roles`, `pg_authid` (only when
//! readable), `pg_auth_members`, the ACLs of every database, and the schema and default
//! privileges of the connected database when it is inspected. Each further inspected
//! database: one connection, two queries. Every connection is closed afterwards.

use super::acl::{fetch_database_acl, fetch_default_acl, fetch_schema_acl};
use super::connect::{DEFAULT_DATABASE, SessionSettings, close, connect, step};
use super::roles::{fetch_credentials, fetch_roles};
use super::rows::{CatalogRows, InspectedDatabase, MembershipRow, ServerInfo};
use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, Connection, Row};
use std::collections::BTreeSet;
use sync_core::traits::{ConnectTarget, ConnectorError};
use tokio::time::Instant;

/// Server version, connected database, whether `pg_authid` is readable, and the column names
/// of `pg_roles` and `pg_auth_members` (they differ between versions and forks).
pub const SERVER_SQL: &str = "\
SELECT 'PostgreSQL ' || pg_catalog.current_setting('server_version') AS version, \
       pg_catalog.current_setting('server_version_num')::int4 AS version_num, \
       pg_catalog.current_database()::text AS database, \
       pg_catalog.has_table_privilege('pg_catalog.pg_authid', 'SELECT') AS authid_readable, \
       ARRAY(SELECT attname::text FROM pg_catalog.pg_attribute \
             WHERE attrelid = 'pg_catalog.pg_roles'::regclass AND attnum > 0 AND NOT attisdropped) \
         AS role_columns, \
       ARRAY(SELECT attname::text FROM pg_catalog.pg_attribute \
             WHERE attrelid = 'pg_catalog.pg_auth_members'::regclass AND attnum > 0 AND NOT attisdropped) \
         AS member_columns";

/// The server version from which `pg_auth_members` has one row per grantor with
/// `inherit_option` / `set_option`, and the grantor is dependency-tracked.
pub const PG16: i32 = 160_000;

/// The membership query for a server with `member_columns` in `pg_auth_members` and version
/// `version_num`. Only our own constant fragments enter the SQL.
pub fn membership_sql(member_columns: &BTreeSet<String>, version_num: i32) -> String {
    let grantor = if version_num >= PG16 {
        "g.rolname::text AS grantor"
    } else {
        "NULL::text AS grantor"
    };
    let inherit = if member_columns.contains("inherit_option") {
        "am.inherit_option"
    } else {
        "NULL::bool AS inherit_option"
    };
    let set = if member_columns.contains("set_option") {
        "am.set_option"
    } else {
        "NULL::bool AS set_option"
    };
    format!(
        "SELECT r.rolname::text AS role, m.rolname::text AS member, {grantor}, am.admin_option, \
         {inherit}, {set} \
         FROM pg_catalog.pg_auth_members am \
         JOIN pg_catalog.pg_roles r ON r.oid = am.roleid \
         JOIN pg_catalog.pg_roles m ON m.oid = am.member \
         LEFT JOIN pg_catalog.pg_roles g ON g.oid = am.grantor"
    )
}

struct ServerRow {
    info: ServerInfo,
    authid_readable: bool,
    role_columns: BTreeSet<String>,
    member_columns: BTreeSet<String>,
}

async fn fetch_server(conn: &mut PgConnection) -> Result<ServerRow, sqlx::Error> {
    let row = sqlx::query(SERVER_SQL).fetch_one(conn).await?;
    Ok(ServerRow {
        info: ServerInfo {
            version: row.try_get("version")?,
            version_num: row.try_get("version_num")?,
            database: row.try_get("database")?,
        },
        authid_readable: row.try_get("authid_readable")?,
        role_columns: row
            .try_get::<Vec<String>, _>("role_columns")?
            .into_iter()
            .collect(),
        member_columns: row
            .try_get::<Vec<String>, _>("member_columns")?
            .into_iter()
            .collect(),
    })
}

async fn fetch_memberships(
    conn: &mut PgConnection,
    member_columns: &BTreeSet<String>,
    version_num: i32,
) -> Result<Vec<MembershipRow>, sqlx::Error> {
    let sql = membership_sql(member_columns, version_num);
    let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            Ok(MembershipRow {
                role: r.try_get("role")?,
                member: r.try_get("member")?,
                grantor: r.try_get("grantor")?,
                admin: r.try_get("admin_option")?,
                inherit: r.try_get("inherit_option")?,
                set: r.try_get("set_option")?,
            })
        })
        .collect()
}

/// The databases whose schema and default privileges are read: `target.inspect_databases`
/// (deduplicated, in order), or the connection database when the list is empty.
pub fn databases_to_inspect(target: &ConnectTarget) -> Vec<String> {
    let main = target.database.as_deref().unwrap_or(DEFAULT_DATABASE);
    if target.inspect_databases.is_empty() {
        return vec![main.to_owned()];
    }
    let mut seen = BTreeSet::new();
    target
        .inspect_databases
        .iter()
        .filter(|d| seen.insert(d.as_str()))
        .cloned()
        .collect()
}

/// Reads schema and default privileges on an open connection (inside its transaction).
async fn inspect_on(
    conn: &mut PgConnection,
    target: &ConnectTarget,
    deadline: Instant,
    name: &str,
) -> Result<InspectedDatabase, ConnectorError> {
    let schema_acl = step(
        target,
        deadline,
        &format!("reading schema privileges of {name:?}"),
        fetch_schema_acl(conn),
    )
    .await?;
    let default_acl = step(
        target,
        deadline,
        &format!("reading default privileges of {name:?}"),
        fetch_default_acl(conn),
    )
    .await?;
    Ok(InspectedDatabase {
        name: name.to_owned(),
        schema_acl,
        default_acl,
    })
}

/// Opens a connection to another database, reads it and closes the connection.
async fn inspect_other(
    target: &ConnectTarget,
    settings: &SessionSettings,
    deadline: Instant,
    name: &str,
) -> Result<InspectedDatabase, ConnectorError> {
    let mut conn = connect(target, name, settings, deadline).await?;
    let result = inspect_on(&mut conn, target, deadline, name).await;
    close(conn).await;
    result
}

const BEGIN: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";

/// Reads everything on the main connection (already open).
async fn read_main(
    conn: &mut PgConnection,
    target: &ConnectTarget,
    deadline: Instant,
    inspect_main: bool,
) -> Result<CatalogRows, ConnectorError> {
    let mut tx = step(
        target,
        deadline,
        "begin a read-only transaction",
        conn.begin_with(BEGIN),
    )
    .await?;
    let server = step(
        target,
        deadline,
        "reading server information",
        fetch_server(&mut tx),
    )
    .await?;
    if !server.role_columns.contains("rolname") || !server.member_columns.contains("admin_option") {
        return Err(ConnectorError::Unsupported(format!(
            "{}: pg_roles has no rolname or pg_auth_members has no admin_option",
            server.info.version
        )));
    }
    let mut roles = step(
        target,
        deadline,
        "reading pg_roles",
        fetch_roles(&mut tx, &server.role_columns),
    )
    .await?;
    if server.authid_readable {
        let creds = step(target, deadline, "reading pg_authid", fetch_credentials(&mut tx)).await?;
        for role in &mut roles {
            role.credential = creds.get(&role.name).cloned().unwrap_or_default();
        }
    }
    let memberships = step(
        target,
        deadline,
        "reading pg_auth_members",
        fetch_memberships(&mut tx, &server.member_columns, server.info.version_num),
    )
    .await?;
    let database_acl = step(
        target,
        deadline,
        "reading database privileges",
        fetch_database_acl(&mut tx),
    )
    .await?;
    let mut inspected = Vec::new();
    if inspect_main {
        let name = server.info.database.clone();
        inspected.push(inspect_on(&mut tx, target, deadline, &name).await?);
    }
    step(target, deadline, "commit the read-only transaction", tx.commit()).await?;
    Ok(CatalogRows {
        server: server.info,
        roles,
        memberships,
        database_acl,
        inspected,
        warnings: Vec::new(),
    })
}

/// Fetches every catalog row of `target` before `deadline`. A further inspected database
/// that cannot be read becomes a warning; a timeout stays an error.
pub(crate) async fn fetch_catalog(
    target: &ConnectTarget,
    settings: &SessionSettings,
    deadline: Instant,
) -> Result<CatalogRows, ConnectorError> {
    let main_db = target.database.as_deref().unwrap_or(DEFAULT_DATABASE);
    let to_inspect = databases_to_inspect(target);
    let inspect_main = to_inspect.iter().any(|d| d == main_db);

    let mut conn = connect(target, main_db, settings, deadline).await?;
    let result = read_main(&mut conn, target, deadline, inspect_main).await;
    close(conn).await;
    let mut rows = result?;

    for name in to_inspect.iter().filter(|d| d.as_str() != main_db) {
        match inspect_other(target, settings, deadline, name).await {
            Ok(db) => rows.inspected.push(db),
            Err(e @ ConnectorError::Timeout { .. }) => return Err(e),
            Err(e) => rows.warnings.push(format!(
                "database {name:?} not inspected (schema and default privileges): {e}"
            )),
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn membership_sql_follows_version_and_columns() {
        let pg15: BTreeSet<String> = ["roleid", "member", "grantor", "admin_option"]
            .into_iter()
            .map(String::from)
            .collect();
        let sql = membership_sql(&pg15, 150_020);
        assert!(sql.contains("NULL::text AS grantor"), "{sql}");
        assert!(sql.contains("NULL::bool AS inherit_option"), "{sql}");
        assert!(sql.contains("NULL::bool AS set_option"), "{sql}");
        let mut pg16 = pg15.clone();
        pg16.extend(["oid", "inherit_option", "set_option"].map(String::from));
        let sql = membership_sql(&pg16, 160_004);
        assert!(sql.contains("g.rolname::text AS grantor"), "{sql}");
        assert!(sql.contains("am.inherit_option,"), "{sql}");
        assert!(sql.contains("am.set_option "), "{sql}");
    }

    #[test]
    fn inspected_databases_default_to_the_connection_database() {
        let mut t = ConnectTarget {
            instance_name: "i".into(),
            host: "h".into(),
            port: 5432,
            database: None,
            inspect_databases: vec![],
            user: "u".into(),
            password: None,
            timeout: std::time::Duration::from_secs(1),
            filter: Default::default(),
        };
        assert_eq!(databases_to_inspect(&t), vec!["postgres".to_owned()]);
        t.database = Some("app".into());
        assert_eq!(databases_to_inspect(&t), vec!["app".to_owned()]);
        t.inspect_databases = vec!["b".into(), "app".into(), "b".into()];
        assert_eq!(databases_to_inspect(&t), vec!["b".to_owned(), "app".to_owned()]);
    }
}
