//! Reading `pg_roles` with the columns this server has, and password fingerprints from
//! `pg_authid` when it is readable.
//!
//! The select list is built from [`ROLE_COLUMNS`], a fixed allow-list: an identifier enters
//! the SQL only if it is one of our own constants *and* the server's `pg_attribute` lists it
//! for `pg_catalog.pg_roles`. No name read from the server is ever spliced into SQL.

use super::rows::{Column, Credential, RoleRow, ValidUntil};
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnection, PgRow};
use sqlx::{AssertSqlSafe, Row};
use std::collections::{BTreeMap, BTreeSet};

/// How an allow-listed column is selected and decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleColumnType {
    /// `bool`.
    Bool,
    /// `int4`.
    Int,
    /// `timestamptz` with `infinity` / `-infinity`.
    ValidUntil,
    /// `text[]`.
    TextArray,
}

/// The `rol*` columns of `pg_roles` that are read when the server has them. Others (e.g.
/// `rolpassword`, always `********` in `pg_roles`, or fork-specific columns) are ignored.
pub const ROLE_COLUMNS: &[(&str, RoleColumnType)] = &[
    ("rolsuper", RoleColumnType::Bool),
    ("rolinherit", RoleColumnType::Bool),
    ("rolcreaterole", RoleColumnType::Bool),
    ("rolcreatedb", RoleColumnType::Bool),
    ("rolcanlogin", RoleColumnType::Bool),
    ("rolreplication", RoleColumnType::Bool),
    ("rolbypassrls", RoleColumnType::Bool),
    ("rolconnlimit", RoleColumnType::Int),
    ("rolvaliduntil", RoleColumnType::ValidUntil),
    ("rolconfig", RoleColumnType::TextArray),
];

/// The SQL reading every role with the allow-listed columns present in `server_columns`
/// (the column names of `pg_catalog.pg_roles` on this server). `rolname` is always read.
pub fn role_select_sql(server_columns: &BTreeSet<String>) -> String {
    let mut items = vec!["r.rolname::text AS rolname".to_owned()];
    for &(name, ty) in ROLE_COLUMNS {
        if !server_columns.contains(name) {
            continue;
        }
        // `name` is one of our constants, never server data.
        match ty {
            RoleColumnType::Bool | RoleColumnType::Int => items.push(format!("r.{name}")),
            RoleColumnType::TextArray => items.push(format!("r.{name}::text[] AS {name}")),
            RoleColumnType::ValidUntil => {
                items.push(format!(
                    "CASE WHEN r.{name} IS NULL OR isfinite(r.{name}) THEN NULL \
                     WHEN r.{name} > 'epoch'::timestamptz THEN 'infinity' ELSE '-infinity' END \
                     AS {name}_infinite"
                ));
                items.push(format!(
                    "CASE WHEN isfinite(r.{name}) THEN r.{name} END AS {name}_finite"
                ));
                items.push(format!("r.{name} IS NULL AS {name}_null"));
            }
        }
    }
    format!(
        "SELECT {} FROM pg_catalog.pg_roles r ORDER BY r.rolname",
        items.join(", ")
    )
}

fn bool_col(row: &PgRow, present: &BTreeSet<String>, name: &str) -> Result<Column<bool>, sqlx::Error> {
    let present = present.contains(name);
    let v = if present {
        row.try_get::<Option<bool>, _>(name)?
    } else {
        None
    };
    Ok(Column::from_read(present, v))
}

fn decode_role(row: &PgRow, present: &BTreeSet<String>) -> Result<RoleRow, sqlx::Error> {
    let connection_limit = if present.contains("rolconnlimit") {
        Column::from_read(true, row.try_get::<Option<i32>, _>("rolconnlimit")?)
    } else {
        Column::Absent
    };
    let config = if present.contains("rolconfig") {
        Column::from_read(true, row.try_get::<Option<Vec<String>>, _>("rolconfig")?)
    } else {
        Column::Absent
    };
    let valid_until = if present.contains("rolvaliduntil") {
        let is_null: bool = row.try_get("rolvaliduntil_null")?;
        let infinite: Option<String> = row.try_get("rolvaliduntil_infinite")?;
        let finite: Option<DateTime<Utc>> = row.try_get("rolvaliduntil_finite")?;
        match (is_null, infinite.as_deref(), finite) {
            (true, _, _) => Column::Null,
            (false, Some("infinity"), _) => Column::Value(ValidUntil::Infinity),
            (false, Some(_), _) => Column::Value(ValidUntil::NegInfinity),
            (false, None, Some(t)) => Column::Value(ValidUntil::At(t)),
            (false, None, None) => {
                return Err(sqlx::Error::Protocol(
                    "rolvaliduntil neither NULL, infinite nor finite".into(),
                ));
            }
        }
    } else {
        Column::Absent
    };
    Ok(RoleRow {
        name: row.try_get("rolname")?,
        superuser: bool_col(row, present, "rolsuper")?,
        inherit: bool_col(row, present, "rolinherit")?,
        create_role: bool_col(row, present, "rolcreaterole")?,
        create_db: bool_col(row, present, "rolcreatedb")?,
        can_login: bool_col(row, present, "rolcanlogin")?,
        replication: bool_col(row, present, "rolreplication")?,
        bypass_rls: bool_col(row, present, "rolbypassrls")?,
        connection_limit,
        valid_until,
        config,
        credential: Credential::Unknown,
    })
}

/// Reads every role (one query). `server_columns`: the columns of `pg_catalog.pg_roles`.
pub(crate) async fn fetch_roles(
    conn: &mut PgConnection,
    server_columns: &BTreeSet<String>,
) -> Result<Vec<RoleRow>, sqlx::Error> {
    let present: BTreeSet<String> = ROLE_COLUMNS
        .iter()
        .filter(|(n, _)| server_columns.contains(*n))
        .map(|(n, _)| (*n).to_owned())
        .collect();
    let sql = role_select_sql(server_columns);
    let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(conn).await?;
    rows.iter().map(|r| decode_role(r, &present)).collect()
}

/// Reads `pg_authid.rolpassword` of every role (one query) and keeps only fingerprints:
/// the hash bytes are dropped as soon as they are fingerprinted.
pub(crate) async fn fetch_credentials(
    conn: &mut PgConnection,
) -> Result<BTreeMap<String, Credential>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT a.rolname::text AS rolname, a.rolpassword::text AS pw FROM pg_catalog.pg_authid a",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let name: String = r.try_get("rolname")?;
            let pw: Option<String> = r.try_get("pw")?;
            let cred = match pw {
                None => Credential::NoPassword,
                Some(hash) => {
                    Credential::Fingerprint(sync_core::account::credential_fingerprint(hash.as_bytes()))
                }
            };
            Ok((name, cred))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn select_list_has_only_allow_listed_columns_the_server_has() {
        // A 9.4-like server: no rolbypassrls; a fork column and rolpassword are ignored.
        let sql = role_select_sql(&cols(&[
            "rolname",
            "rolsuper",
            "rolcanlogin",
            "rolpassword",
            "rolcreaterextgpfd",
            "rolconnlimit",
            "oid",
        ]));
        assert_eq!(
            sql,
            "SELECT r.rolname::text AS rolname, r.rolsuper, r.rolcanlogin, r.rolconnlimit \
             FROM pg_catalog.pg_roles r ORDER BY r.rolname"
        );
        let full = role_select_sql(&cols(&["rolvaliduntil", "rolbypassrls", "rolconfig"]));
        assert!(full.contains("r.rolbypassrls"), "{full}");
        assert!(full.contains("r.rolconfig::text[] AS rolconfig"), "{full}");
        assert!(full.contains("AS rolvaliduntil_infinite"), "{full}");
        assert!(!full.contains("rolpassword"));
    }
}
