//! Small SQL helpers: the backend, placeholders, portable sums, timestamp precision.

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{DbBackend, Statement, Value};

/// The database family behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// SQLite (the embedded default).
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    MySql,
}

impl Backend {
    /// `sqlite`, `postgres` or `mysql`, as used in errors.
    pub const fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
            Backend::MySql => "mysql",
        }
    }

    pub(crate) const fn db(self) -> DbBackend {
        match self {
            Backend::Sqlite => DbBackend::Sqlite,
            Backend::Postgres => DbBackend::Postgres,
            Backend::MySql => DbBackend::MySql,
        }
    }

    /// A statement from SQL written with `?` placeholders (rewritten to `$n` on PostgreSQL).
    /// The SQL text must not contain a literal `?`.
    pub(crate) fn stmt(self, sql: &str, values: Vec<Value>) -> Statement {
        let sql = match self {
            Backend::Postgres => {
                let mut out = String::with_capacity(sql.len() + 16);
                let mut n = 0;
                for ch in sql.chars() {
                    if ch == '?' {
                        n += 1;
                        out.push('$');
                        out.push_str(&n.to_string());
                    } else {
                        out.push(ch);
                    }
                }
                out
            }
            _ => sql.to_owned(),
        };
        Statement::from_sql_and_values(self.db(), sql, values)
    }

    /// `SUM(expr)` as a 64-bit integer on every backend (PostgreSQL returns NUMERIC and MySQL
    /// DECIMAL for a sum of BIGINT), 0 over no rows.
    pub(crate) fn sum_i64(self, expr: &str) -> String {
        match self {
            Backend::Sqlite => format!("COALESCE(SUM({expr}), 0)"),
            Backend::Postgres => format!("CAST(COALESCE(SUM({expr}), 0) AS BIGINT)"),
            Backend::MySql => format!("CAST(COALESCE(SUM({expr}), 0) AS SIGNED)"),
        }
    }

    /// `INSERT` that skips rows conflicting with a unique key, up to the column list.
    pub(crate) fn insert_ignore(self) -> &'static str {
        match self {
            Backend::MySql => "INSERT IGNORE INTO",
            _ => "INSERT INTO",
        }
    }

    /// The tail that goes with [`Self::insert_ignore`].
    pub(crate) fn on_conflict_ignore(self) -> &'static str {
        match self {
            Backend::MySql => "",
            _ => " ON CONFLICT DO NOTHING",
        }
    }

    /// Largest number of bind parameters one statement may carry here (with margin).
    pub(crate) const fn max_params(self) -> usize {
        match self {
            // SQLITE_MAX_VARIABLE_NUMBER is 32766 since 3.32.
            Backend::Sqlite => 30_000,
            Backend::Postgres | Backend::MySql => 60_000,
        }
    }
}

/// `n` comma-separated `?`.
pub(crate) fn marks(n: usize) -> String {
    let mut s = String::with_capacity(n * 2);
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push('?');
    }
    s
}

/// `rows` groups of `(?, …, ?)` with `cols` marks each.
pub(crate) fn row_marks(rows: usize, cols: usize) -> String {
    let one = format!("({})", marks(cols));
    let mut s = String::with_capacity(rows * (one.len() + 1));
    for i in 0..rows {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&one);
    }
    s
}

/// Timestamps are stored with microsecond precision on every backend: truncate (rather than
/// let PostgreSQL and MySQL round) so that what is read back is the same everywhere.
pub(crate) fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(6)
}

/// [`micros`] for an optional timestamp.
pub(crate) fn micros_opt(t: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    t.map(micros)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_on_postgres_only() {
        let s = Backend::Postgres.stmt("a = ? AND b IN (?,?)", vec![1.into(), 2.into(), 3.into()]);
        assert_eq!(s.sql, "a = $1 AND b IN ($2,$3)");
        let s = Backend::MySql.stmt("a = ?", vec![1.into()]);
        assert_eq!(s.sql, "a = ?");
        assert_eq!(row_marks(2, 3), "(?,?,?),(?,?,?)");
    }

    #[test]
    fn micros_truncates() {
        let t = DateTime::from_timestamp(10, 123_456_789).unwrap();
        assert_eq!(micros(t), DateTime::from_timestamp(10, 123_456_000).unwrap());
    }
}
