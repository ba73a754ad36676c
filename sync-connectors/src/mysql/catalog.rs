//! The bulk catalog queries: a fixed list of statements per server family, whatever the
//! number of accounts (MariaDB: 8, MySQL 8: 11), each read whole into plain rows.
//!
//! Every statement is a constant: names only ever come *out* of the server, nothing is
//! spliced in. Results are read over the text protocol and decoded by column name, so a
//! column that a server version adds or lacks (`Delete_history_priv`, `User_attributes`...)
//! needs no code change.

use super::error::{Step, decode_error, map_sqlx_error, remaining, timeout};
use super::privileges::privilege_of_column;
use super::rows::{
    AccountRows, CatalogRows, ColumnPrivRow, DbPrivRow, DefaultRoleRow, GlobalGrantRow, GlobalPrivRow,
    MysqlUserRow, ProxyPrivRow, RoleEdgeRow, RoutinePrivRow, TablePrivRow,
};
use super::server::{ServerFlavor, ServerInfo};
use chrono::{DateTime, NaiveDateTime, Utc};
use secrecy::{SecretSlice, SecretString};
use sqlx::mysql::{MySqlConnection, MySqlRow};
use sqlx::{Column, Row};
use std::collections::HashMap;
use sync_core::traits::{ConnectTarget, ConnectorError};
use tokio::time::Instant;

/// One catalog statement and the name used for it in errors.
struct Query {
    what: &'static str,
    sql: &'static str,
}

const VERSION: Query = Query {
    what: "server version",
    sql: "SELECT VERSION(), @@version_comment",
};
const GLOBAL_PRIV: Query = Query {
    what: "mysql.global_priv",
    sql: "SELECT User, Host, Priv FROM mysql.global_priv",
};
const ROLES_MAPPING: Query = Query {
    what: "mysql.roles_mapping",
    sql: "SELECT Role, User, Host, Admin_option FROM mysql.roles_mapping",
};
const USER: Query = Query {
    what: "mysql.user",
    // `authentication_string` again as bytes: caching_sha2_password hashes are binary and
    // must not go through a character set conversion.
    sql: "SELECT *, CAST(authentication_string AS BINARY) AS acs_authentication_bytes FROM mysql.user",
};
const GLOBAL_GRANTS: Query = Query {
    what: "mysql.global_grants",
    sql: "SELECT USER, HOST, PRIV, WITH_GRANT_OPTION FROM mysql.global_grants",
};
const ROLE_EDGES: Query = Query {
    what: "mysql.role_edges",
    sql: "SELECT FROM_USER, FROM_HOST, TO_USER, TO_HOST, WITH_ADMIN_OPTION FROM mysql.role_edges",
};
const DEFAULT_ROLES: Query = Query {
    what: "mysql.default_roles",
    sql: "SELECT USER, HOST, DEFAULT_ROLE_USER, DEFAULT_ROLE_HOST FROM mysql.default_roles",
};
const MANDATORY_ROLES: Query = Query {
    what: "@@global.mandatory_roles",
    sql: "SELECT @@global.mandatory_roles",
};
const DB: Query = Query {
    what: "mysql.db",
    sql: "SELECT * FROM mysql.db",
};
const TABLES_PRIV: Query = Query {
    what: "mysql.tables_priv",
    sql: "SELECT Host, User, Db, Table_name, Table_priv FROM mysql.tables_priv",
};
const COLUMNS_PRIV: Query = Query {
    what: "mysql.columns_priv",
    sql: "SELECT Host, User, Db, Table_name, Column_name, Column_priv FROM mysql.columns_priv",
};
const PROCS_PRIV: Query = Query {
    what: "mysql.procs_priv",
    sql: "SELECT Host, User, Db, Routine_type, Routine_name, Proc_priv FROM mysql.procs_priv",
};
const PROXIES_PRIV: Query = Query {
    what: "mysql.proxies_priv",
    sql: "SELECT Host, User, Proxied_host, Proxied_user, With_grant FROM mysql.proxies_priv",
};

/// The grant tables the connector reads on each family (for docs and messages).
pub const MARIADB_TABLES: &[&str] = &[
    "mysql.global_priv",
    "mysql.roles_mapping",
    "mysql.db",
    "mysql.tables_priv",
    "mysql.columns_priv",
    "mysql.procs_priv",
    "mysql.proxies_priv",
];

/// The grant tables read on MySQL 8 (5.7 has no `global_grants`, `role_edges`, `default_roles`).
pub const MYSQL_TABLES: &[&str] = &[
    "mysql.user",
    "mysql.global_grants",
    "mysql.role_edges",
    "mysql.default_roles",
    "mysql.db",
    "mysql.tables_priv",
    "mysql.columns_priv",
    "mysql.procs_priv",
    "mysql.proxies_priv",
];

/// Runs the catalog statements on one connection, each within the remaining budget.
pub(crate) struct CatalogReader<'a> {
    conn: &'a mut MySqlConnection,
    target: &'a ConnectTarget,
    deadline: Instant,
}

impl<'a> CatalogReader<'a> {
    pub(crate) fn new(conn: &'a mut MySqlConnection, target: &'a ConnectTarget, deadline: Instant) -> Self {
        CatalogReader {
            conn,
            target,
            deadline,
        }
    }

    async fn rows(&mut self, q: &Query) -> Result<Vec<MySqlRow>, ConnectorError> {
        let step = Step::Query(q.what);
        let fetch = sqlx::raw_sql(q.sql).fetch_all(&mut *self.conn);
        match tokio::time::timeout(remaining(self.deadline), fetch).await {
            Err(_) => Err(timeout(self.target, step)),
            Ok(Err(e)) => Err(map_sqlx_error(&e, self.target, step)),
            Ok(Ok(rows)) => Ok(rows),
        }
    }

    /// Detects the server.
    pub(crate) async fn server(&mut self) -> Result<ServerInfo, ConnectorError> {
        let rows = self.rows(&VERSION).await?;
        let row = rows
            .first()
            .ok_or_else(|| decode_error(VERSION.what, "VERSION()", "no row"))?;
        let version = text(row, 0, VERSION.what)?;
        let comment = opt_text(row, 1, VERSION.what)?.unwrap_or_default();
        let server = ServerInfo::detect(&version, &comment).map_err(ConnectorError::Unsupported)?;
        server.check_supported().map_err(ConnectorError::Unsupported)?;
        Ok(server)
    }

    /// Reads every grant table of `server` into rows.
    pub(crate) async fn read(&mut self, server: ServerInfo) -> Result<CatalogRows, ConnectorError> {
        let mut rows = CatalogRows::empty(server.clone());
        match server.flavor {
            ServerFlavor::MariaDb => {
                rows.accounts = AccountRows::MariaDb(global_priv_rows(&self.rows(&GLOBAL_PRIV).await?)?);
                rows.role_edges = roles_mapping_rows(&self.rows(&ROLES_MAPPING).await?)?;
            }
            ServerFlavor::MySql => {
                rows.accounts = AccountRows::MySql(user_rows(&self.rows(&USER).await?)?);
                if server.has_mysql8_tables() {
                    rows.global_grants = global_grant_rows(&self.rows(&GLOBAL_GRANTS).await?)?;
                    rows.role_edges = role_edge_rows(&self.rows(&ROLE_EDGES).await?)?;
                    rows.default_roles = default_role_rows(&self.rows(&DEFAULT_ROLES).await?)?;
                    let mandatory = self.rows(&MANDATORY_ROLES).await?;
                    rows.mandatory_roles = match mandatory.first() {
                        Some(r) => opt_text(r, 0, MANDATORY_ROLES.what)?,
                        None => None,
                    };
                }
            }
        }
        rows.db_privileges = db_rows(&self.rows(&DB).await?)?;
        rows.table_privileges = table_rows(&self.rows(&TABLES_PRIV).await?)?;
        rows.column_privileges = column_rows(&self.rows(&COLUMNS_PRIV).await?)?;
        rows.routine_privileges = routine_rows(&self.rows(&PROCS_PRIV).await?)?;
        rows.proxy_privileges = proxy_rows(&self.rows(&PROXIES_PRIV).await?)?;
        Ok(rows)
    }
}

// ---- decoding helpers (text protocol: every value arrives as bytes) ----

fn raw<'r>(row: &'r MySqlRow, idx: usize, what: &'static str) -> Result<Option<&'r [u8]>, ConnectorError> {
    row.try_get_unchecked::<Option<&[u8]>, _>(idx)
        .map_err(|e| decode_error(what, &column_name(row, idx), e))
}

fn column_name(row: &MySqlRow, idx: usize) -> String {
    row.columns()
        .get(idx)
        .map(|c| c.name().to_owned())
        .unwrap_or_else(|| format!("#{idx}"))
}

fn opt_text(row: &MySqlRow, idx: usize, what: &'static str) -> Result<Option<String>, ConnectorError> {
    raw(row, idx, what)?
        .map(|b| String::from_utf8(b.to_vec()).map_err(|e| decode_error(what, &column_name(row, idx), e)))
        .transpose()
}

fn text(row: &MySqlRow, idx: usize, what: &'static str) -> Result<String, ConnectorError> {
    Ok(opt_text(row, idx, what)?.unwrap_or_default())
}

fn opt_int(row: &MySqlRow, idx: usize, what: &'static str) -> Result<Option<i64>, ConnectorError> {
    opt_text(row, idx, what)?
        .map(|t| {
            t.trim()
                .parse::<i64>()
                .map_err(|e| decode_error(what, &column_name(row, idx), e))
        })
        .transpose()
}

/// A `'Y'`/`'N'` (or `1`/`0`) column, compared on the raw bytes (no allocation: `mysql.db`
/// alone has ~20 of them per row).
fn flag(row: &MySqlRow, idx: usize, what: &'static str) -> Result<bool, ConnectorError> {
    Ok(matches!(
        raw(row, idx, what)?,
        Some(b"Y") | Some(b"y") | Some(b"1")
    ))
}

/// Column positions of a result by lower-cased name (for `SELECT *`).
struct Columns(HashMap<String, usize>);

impl Columns {
    fn of(row: &MySqlRow) -> Self {
        Columns(
            row.columns()
                .iter()
                .enumerate()
                .map(|(i, c)| (c.name().to_ascii_lowercase(), i))
                .collect(),
        )
    }

    fn get(&self, name: &str) -> Option<usize> {
        self.0.get(name).copied()
    }

    fn require(&self, name: &str, what: &'static str) -> Result<usize, ConnectorError> {
        self.get(name)
            .ok_or_else(|| decode_error(what, name, "column missing"))
    }

    /// `(index, column name)` of every `*_priv` column.
    fn privilege_columns(row: &MySqlRow) -> Vec<(usize, String)> {
        row.columns()
            .iter()
            .enumerate()
            .filter(|(_, c)| privilege_of_column(c.name()).is_some())
            .map(|(i, c)| (i, c.name().to_owned()))
            .collect()
    }
}

fn set_columns(
    row: &MySqlRow,
    columns: &[(usize, String)],
    what: &'static str,
) -> Result<Vec<String>, ConnectorError> {
    let mut set = Vec::new();
    for (idx, name) in columns {
        if flag(row, *idx, what)? {
            set.push(name.clone());
        }
    }
    Ok(set)
}

fn timestamp(
    row: &MySqlRow,
    idx: usize,
    what: &'static str,
) -> Result<Option<DateTime<Utc>>, ConnectorError> {
    let Some(t) = opt_text(row, idx, what)? else {
        return Ok(None);
    };
    if t.starts_with("0000-00-00") {
        return Ok(None);
    }
    NaiveDateTime::parse_from_str(&t, "%Y-%m-%d %H:%M:%S%.f")
        .map(|n| Some(n.and_utc()))
        .map_err(|e| decode_error(what, &column_name(row, idx), e))
}

// ---- per-table row decoding ----

fn global_priv_rows(rows: &[MySqlRow]) -> Result<Vec<GlobalPrivRow>, ConnectorError> {
    let w = GLOBAL_PRIV.what;
    rows.iter()
        .map(|r| {
            Ok(GlobalPrivRow {
                user: text(r, 0, w)?,
                host: text(r, 1, w)?,
                priv_json: SecretString::from(text(r, 2, w)?),
            })
        })
        .collect()
}

fn roles_mapping_rows(rows: &[MySqlRow]) -> Result<Vec<RoleEdgeRow>, ConnectorError> {
    let w = ROLES_MAPPING.what;
    rows.iter()
        .map(|r| {
            Ok(RoleEdgeRow {
                role_user: text(r, 0, w)?,
                role_host: String::new(),
                member_user: text(r, 1, w)?,
                member_host: text(r, 2, w)?,
                admin: flag(r, 3, w)?,
            })
        })
        .collect()
}

fn user_rows(rows: &[MySqlRow]) -> Result<Vec<MysqlUserRow>, ConnectorError> {
    let w = USER.what;
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let cols = Columns::of(first);
    let privs = Columns::privilege_columns(first);
    let (user_i, host_i) = (cols.require("user", w)?, cols.require("host", w)?);
    let opt_text_col = |r: &MySqlRow, name: &str| -> Result<Option<String>, ConnectorError> {
        cols.get(name)
            .map(|i| opt_text(r, i, w))
            .transpose()
            .map(Option::flatten)
    };
    let opt_int_col = |r: &MySqlRow, name: &str| -> Result<Option<i64>, ConnectorError> {
        cols.get(name)
            .map(|i| opt_int(r, i, w))
            .transpose()
            .map(Option::flatten)
    };
    let lossy_col = |r: &MySqlRow, name: &str| -> Result<String, ConnectorError> {
        Ok(match cols.get(name) {
            Some(i) => raw(r, i, w)?
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default(),
            None => String::new(),
        })
    };
    rows.iter()
        .map(|r| {
            let auth = match cols
                .get("acs_authentication_bytes")
                .or_else(|| cols.get("authentication_string"))
            {
                Some(i) => raw(r, i, w)?.map(<[u8]>::to_vec).unwrap_or_default(),
                None => Vec::new(),
            };
            Ok(MysqlUserRow {
                user: text(r, user_i, w)?,
                host: text(r, host_i, w)?,
                privilege_columns: set_columns(r, &privs, w)?,
                plugin: opt_text_col(r, "plugin")?.unwrap_or_default(),
                authentication_string: SecretSlice::from(auth),
                account_locked: opt_text_col(r, "account_locked")?.as_deref() == Some("Y"),
                password_expired: opt_text_col(r, "password_expired")?.as_deref() == Some("Y"),
                password_last_changed: match cols.get("password_last_changed") {
                    Some(i) => timestamp(r, i, w)?,
                    None => None,
                },
                password_lifetime: opt_int_col(r, "password_lifetime")?,
                password_reuse_history: opt_int_col(r, "password_reuse_history")?,
                password_reuse_time: opt_int_col(r, "password_reuse_time")?,
                password_require_current: opt_text_col(r, "password_require_current")?.map(|v| v == "Y"),
                max_questions: opt_int_col(r, "max_questions")?.unwrap_or(0),
                max_updates: opt_int_col(r, "max_updates")?.unwrap_or(0),
                max_connections: opt_int_col(r, "max_connections")?.unwrap_or(0),
                max_user_connections: opt_int_col(r, "max_user_connections")?.unwrap_or(0),
                ssl_type: opt_text_col(r, "ssl_type")?.unwrap_or_default(),
                ssl_cipher: lossy_col(r, "ssl_cipher")?,
                x509_issuer: lossy_col(r, "x509_issuer")?,
                x509_subject: lossy_col(r, "x509_subject")?,
                user_attributes: opt_text_col(r, "user_attributes")?.map(SecretString::from),
            })
        })
        .collect()
}

fn global_grant_rows(rows: &[MySqlRow]) -> Result<Vec<GlobalGrantRow>, ConnectorError> {
    let w = GLOBAL_GRANTS.what;
    rows.iter()
        .map(|r| {
            Ok(GlobalGrantRow {
                user: text(r, 0, w)?,
                host: text(r, 1, w)?,
                privilege: text(r, 2, w)?,
                grantable: flag(r, 3, w)?,
            })
        })
        .collect()
}

fn role_edge_rows(rows: &[MySqlRow]) -> Result<Vec<RoleEdgeRow>, ConnectorError> {
    let w = ROLE_EDGES.what;
    rows.iter()
        .map(|r| {
            Ok(RoleEdgeRow {
                role_user: text(r, 0, w)?,
                role_host: text(r, 1, w)?,
                member_user: text(r, 2, w)?,
                member_host: text(r, 3, w)?,
                admin: flag(r, 4, w)?,
            })
        })
        .collect()
}

fn default_role_rows(rows: &[MySqlRow]) -> Result<Vec<DefaultRoleRow>, ConnectorError> {
    let w = DEFAULT_ROLES.what;
    rows.iter()
        .map(|r| {
            Ok(DefaultRoleRow {
                user: text(r, 0, w)?,
                host: text(r, 1, w)?,
                role_user: text(r, 2, w)?,
                role_host: text(r, 3, w)?,
            })
        })
        .collect()
}

fn db_rows(rows: &[MySqlRow]) -> Result<Vec<DbPrivRow>, ConnectorError> {
    let w = DB.what;
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let cols = Columns::of(first);
    let privs = Columns::privilege_columns(first);
    let (host_i, user_i, db_i) = (
        cols.require("host", w)?,
        cols.require("user", w)?,
        cols.require("db", w)?,
    );
    rows.iter()
        .map(|r| {
            Ok(DbPrivRow {
                host: text(r, host_i, w)?,
                user: text(r, user_i, w)?,
                db: text(r, db_i, w)?,
                privilege_columns: set_columns(r, &privs, w)?,
            })
        })
        .collect()
}

fn table_rows(rows: &[MySqlRow]) -> Result<Vec<TablePrivRow>, ConnectorError> {
    let w = TABLES_PRIV.what;
    rows.iter()
        .map(|r| {
            Ok(TablePrivRow {
                host: text(r, 0, w)?,
                user: text(r, 1, w)?,
                db: text(r, 2, w)?,
                table: text(r, 3, w)?,
                table_priv: text(r, 4, w)?,
            })
        })
        .collect()
}

fn column_rows(rows: &[MySqlRow]) -> Result<Vec<ColumnPrivRow>, ConnectorError> {
    let w = COLUMNS_PRIV.what;
    rows.iter()
        .map(|r| {
            Ok(ColumnPrivRow {
                host: text(r, 0, w)?,
                user: text(r, 1, w)?,
                db: text(r, 2, w)?,
                table: text(r, 3, w)?,
                column: text(r, 4, w)?,
                column_priv: text(r, 5, w)?,
            })
        })
        .collect()
}

fn routine_rows(rows: &[MySqlRow]) -> Result<Vec<RoutinePrivRow>, ConnectorError> {
    let w = PROCS_PRIV.what;
    rows.iter()
        .map(|r| {
            Ok(RoutinePrivRow {
                host: text(r, 0, w)?,
                user: text(r, 1, w)?,
                db: text(r, 2, w)?,
                routine_type: text(r, 3, w)?,
                routine: text(r, 4, w)?,
                proc_priv: text(r, 5, w)?,
            })
        })
        .collect()
}

fn proxy_rows(rows: &[MySqlRow]) -> Result<Vec<ProxyPrivRow>, ConnectorError> {
    let w = PROXIES_PRIV.what;
    rows.iter()
        .map(|r| {
            Ok(ProxyPrivRow {
                host: text(r, 0, w)?,
                user: text(r, 1, w)?,
                proxied_host: text(r, 2, w)?,
                proxied_user: text(r, 3, w)?,
                with_grant: opt_int(r, 4, w)?.unwrap_or(0) != 0,
            })
        })
        .collect()
}
