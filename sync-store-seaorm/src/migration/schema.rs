//! Column and table helpers shared by the migrations: one place decides the per-backend
//! types (timestamps with microseconds, binary collation on MySQL/MariaDB).

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

/// A `BIGINT` auto-increment primary key.
pub fn id(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .take()
}

/// A UTC timestamp with microseconds: `timestamptz`, `DATETIME(6)`, or RFC 3339 text.
pub fn ts(backend: DbBackend, name: &'static str, nullable: bool) -> ColumnDef {
    let mut col = ColumnDef::new(Alias::new(name));
    match backend {
        DbBackend::MySql => col.custom(Alias::new("DATETIME(6)")),
        _ => col.timestamp_with_time_zone(),
    };
    null(&mut col, nullable);
    col
}

/// A `VARCHAR(len)` column.
pub fn varchar(name: &'static str, len: u32, nullable: bool) -> ColumnDef {
    let mut col = ColumnDef::new(Alias::new(name)).string_len(len).take();
    null(&mut col, nullable);
    col
}

/// A `TEXT` column.
pub fn text(name: &'static str, nullable: bool) -> ColumnDef {
    let mut col = ColumnDef::new(Alias::new(name)).text().take();
    null(&mut col, nullable);
    col
}

/// A `BIGINT` column.
pub fn bigint(name: &'static str, nullable: bool) -> ColumnDef {
    let mut col = ColumnDef::new(Alias::new(name)).big_integer().take();
    null(&mut col, nullable);
    col
}

/// An `INTEGER` column.
pub fn int(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).integer().not_null().take()
}

/// A `BOOLEAN` column.
pub fn boolean(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).boolean().not_null().take()
}

/// A JSON column (`jsonb`, `json`, text on SQLite).
pub fn json(name: &'static str, nullable: bool) -> ColumnDef {
    let mut col = ColumnDef::new(Alias::new(name)).json_binary().take();
    null(&mut col, nullable);
    col
}

fn null(col: &mut ColumnDef, nullable: bool) {
    if nullable {
        col.null();
    } else {
        col.not_null();
    }
}

/// `CREATE TABLE IF NOT EXISTS name` (with a composite `primary_key` when not empty, and `foreign_keys`), with InnoDB, utf8mb4 and a binary (case- and
/// accent-sensitive) collation on MySQL/MariaDB so that names compare exactly as on the other
/// backends.
pub async fn create_table(
    manager: &SchemaManager<'_>,
    name: &'static str,
    columns: Vec<ColumnDef>,
    primary_key: &[&'static str],
    foreign_keys: Vec<ForeignKeyCreateStatement>,
) -> Result<(), DbErr> {
    let mut stmt = Table::create();
    stmt.table(Alias::new(name)).if_not_exists();
    for c in columns {
        stmt.col(c);
    }
    if !primary_key.is_empty() {
        let mut pk = Index::create();
        for c in primary_key {
            pk.col(Alias::new(*c));
        }
        stmt.primary_key(&mut pk);
    }
    for mut fk in foreign_keys {
        stmt.foreign_key(&mut fk);
    }
    if manager.get_database_backend() == DbBackend::MySql {
        stmt.engine("InnoDB")
            .character_set("utf8mb4")
            .collate(mysql_binary_collation(manager).await?);
    }
    manager.create_table(stmt).await
}

/// The binary collation without trailing-space padding where the server has one
/// (`utf8mb4_nopad_bin` on MariaDB, `utf8mb4_0900_bin` on MySQL 8), else `utf8mb4_bin`.
async fn mysql_binary_collation(manager: &SchemaManager<'_>) -> Result<&'static str, DbErr> {
    let db = manager.get_connection();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            DbBackend::MySql,
            "SELECT COLLATION_NAME AS c FROM information_schema.COLLATIONS \
             WHERE COLLATION_NAME IN ('utf8mb4_nopad_bin', 'utf8mb4_0900_bin') \
             ORDER BY COLLATION_NAME DESC LIMIT 1",
        ))
        .await?;
    let found: Option<String> = match row {
        Some(r) => Some(r.try_get("", "c")?),
        None => None,
    };
    Ok(match found.as_deref() {
        Some("utf8mb4_nopad_bin") => "utf8mb4_nopad_bin",
        Some("utf8mb4_0900_bin") => "utf8mb4_0900_bin",
        _ => "utf8mb4_bin",
    })
}

/// `CREATE [UNIQUE] INDEX name ON table (columns)` unless an index of that name exists.
pub async fn create_index(
    manager: &SchemaManager<'_>,
    table: &'static str,
    name: &'static str,
    columns: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    if manager.has_index(table, name).await? {
        return Ok(());
    }
    let mut stmt = Index::create();
    stmt.name(name).table(Alias::new(table));
    for c in columns {
        stmt.col(Alias::new(*c));
    }
    if unique {
        stmt.unique();
    }
    manager.create_index(stmt).await
}
