//! Account filters: exact names and glob patterns (`*`, `?`), never SQL LIKE.
//!
//! LIKE semantics would make `pg_%` also drop `pgbouncer` (`_` matches any character);
//! here `pg_*` means "starts with `pg_`".

use super::key::AccountKey;
use super::snapshot::AccountSet;
use crate::domain::DbType;
use serde::{Deserialize, Serialize};
use wildmatch::WildMatch;

/// MySQL/MariaDB internal accounts, flagged `system` by the connector.
pub const MYSQL_SYSTEM_USERS: &[&str] = &["mysql.sys", "mysql.session", "mysql.infoschema", "mariadb.sys"];

/// Whether `key` is one of the MySQL/MariaDB internal accounts (on `localhost`).
pub fn is_mysql_system_account(key: &AccountKey) -> bool {
    matches!(key, AccountKey::Mysql { user, host } if host == "localhost" && MYSQL_SYSTEM_USERS.contains(&user.as_str()))
}

/// One exclusion rule: a name and, for MySQL/MariaDB, optionally a host. Each is matched
/// exactly, or as a glob when it contains `*` or `?` (`*` any run, `?` one character).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPattern {
    /// User or role name (exact or glob).
    pub name: String,
    /// Host (exact or glob); `None` matches every host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

impl AccountPattern {
    /// A pattern on the name only.
    pub fn name(name: impl Into<String>) -> Self {
        AccountPattern {
            name: name.into(),
            host: None,
        }
    }

    /// Whether `key` matches.
    pub fn matches(&self, key: &AccountKey) -> bool {
        fn one(pattern: &str, value: &str) -> bool {
            if pattern.contains(['*', '?']) {
                WildMatch::new(pattern).matches(value)
            } else {
                pattern == value
            }
        }
        one(&self.name, key.name())
            && match (&self.host, key.host()) {
                (None, _) => true,
                (Some(p), Some(h)) => one(p, h),
                (Some(_), None) => false,
            }
    }
}

/// Which accounts of an instance are inventoried.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountFilter {
    /// Accounts matching any of these are left out.
    #[serde(default)]
    pub exclude: Vec<AccountPattern>,
    /// Leave out accounts flagged `system` (default: keep them, flagged).
    #[serde(default)]
    pub exclude_system: bool,
}

impl AccountFilter {
    /// The defaults: PostgreSQL predefined `pg_*` roles are not accounts (memberships in
    /// them stay facts of their members); MySQL/MariaDB internal accounts are kept, flagged.
    pub fn default_for(db_type: DbType) -> Self {
        match db_type {
            DbType::Postgresql => AccountFilter {
                exclude: vec![AccountPattern::name("pg_*")],
                exclude_system: false,
            },
            _ => AccountFilter::default(),
        }
    }

    /// Whether `key` is excluded (system flag aside).
    pub fn excludes(&self, key: &AccountKey) -> bool {
        self.exclude.iter().any(|p| p.matches(key))
    }

    /// Removes the excluded accounts from `set`.
    pub fn apply(&self, set: &mut AccountSet) {
        set.0
            .retain(|key, snap| !(self.excludes(key) || (self.exclude_system && snap.system)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_is_not_like() {
        let f = AccountFilter::default_for(DbType::Postgresql);
        assert!(f.excludes(&AccountKey::postgres("pg_monitor")));
        assert!(!f.excludes(&AccountKey::postgres("pgbouncer")));
        assert!(!f.excludes(&AccountKey::postgres("PG_MONITOR")));
        let p = AccountPattern {
            name: "app?".into(),
            host: Some("10.0.*".into()),
        };
        assert!(p.matches(&AccountKey::mysql("app1", "10.0.%")));
        assert!(!p.matches(&AccountKey::mysql("app12", "10.0.%")));
        assert!(!p.matches(&AccountKey::mysql("app1", "localhost")));
        // Exact names with LIKE metacharacters are exact.
        let exact = AccountPattern::name("a_b%");
        assert!(exact.matches(&AccountKey::mysql("a_b%", "")));
        assert!(!exact.matches(&AccountKey::mysql("axb%", "")));
    }

    #[test]
    fn system_accounts() {
        assert!(is_mysql_system_account(&AccountKey::mysql(
            "mariadb.sys",
            "localhost"
        )));
        assert!(!is_mysql_system_account(&AccountKey::mysql("mariadb.sys", "%")));
    }
}
