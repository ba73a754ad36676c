//! Account identity per server family (DOMAIN.md section 7).

use crate::domain::DbType;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The identity of an account on one instance.
///
/// MySQL/MariaDB accounts are `(user, host)`, kept as two exact strings (never joined into
/// `user@host` and split again: both parts may contain `@`). PostgreSQL roles are their exact,
/// case-sensitive name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "db", rename_all = "lowercase")]
pub enum AccountKey {
    /// A MySQL/MariaDB account. `''` is a valid user (anonymous) and host.
    Mysql {
        /// The `User` column, exact.
        user: String,
        /// The `Host` column, as stored (lower case).
        host: String,
    },
    /// A PostgreSQL role.
    Postgres {
        /// `rolname`, exact and case-sensitive.
        role: String,
    },
}

impl AccountKey {
    /// A MySQL/MariaDB key.
    pub fn mysql(user: impl Into<String>, host: impl Into<String>) -> Self {
        AccountKey::Mysql {
            user: user.into(),
            host: host.into(),
        }
    }

    /// A PostgreSQL key.
    pub fn postgres(role: impl Into<String>) -> Self {
        AccountKey::Postgres { role: role.into() }
    }

    /// The user or role name.
    pub fn name(&self) -> &str {
        match self {
            AccountKey::Mysql { user, .. } => user,
            AccountKey::Postgres { role } => role,
        }
    }

    /// The host part (MySQL/MariaDB only).
    pub fn host(&self) -> Option<&str> {
        match self {
            AccountKey::Mysql { host, .. } => Some(host),
            AccountKey::Postgres { .. } => None,
        }
    }

    /// The server family this key belongs to.
    pub fn db_type(&self) -> DbType {
        match self {
            AccountKey::Mysql { .. } => DbType::Mysql,
            AccountKey::Postgres { .. } => DbType::Postgresql,
        }
    }
}

/// For display only: `'user'@'host'` (quotes doubled) or `"role"`. Never parse it back.
impl fmt::Display for AccountKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccountKey::Mysql { user, host } => {
                write!(f, "'{}'@'{}'", user.replace('\'', "''"), host.replace('\'', "''"))
            }
            AccountKey::Postgres { role } => write!(f, "\"{}\"", role.replace('"', "\"\"")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_is_part_of_identity_and_user_is_case_sensitive() {
        let keys = [
            AccountKey::mysql("app_user", "%"),
            AccountKey::mysql("app_user", "10.0.%"),
            AccountKey::mysql("app_user", "localhost"),
            AccountKey::mysql("app_user", "127.0.0.1"),
            AccountKey::mysql("App_User", "%"),
        ];
        let set: std::collections::BTreeSet<_> = keys.iter().cloned().collect();
        assert_eq!(set.len(), 5);
    }

    #[test]
    fn at_signs_stay_in_their_part() {
        let k = AccountKey::mysql("a@b", "c@d");
        assert_eq!(k.name(), "a@b");
        assert_eq!(k.host(), Some("c@d"));
        assert_eq!(k.to_string(), "'a@b'@'c@d'");
        assert_eq!(AccountKey::mysql("o'neil", "").to_string(), "'o''neil'@''");
    }
}
