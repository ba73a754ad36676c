//! Which server we talk to: MySQL or MariaDB, and its version.

use std::fmt;

/// The server family behind a MySQL-protocol connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServerFlavor {
    /// Oracle MySQL (and Percona Server): accounts in `mysql.user` columns.
    MySql,
    /// MariaDB: accounts in `mysql.global_priv` JSON (10.4+).
    MariaDb,
}

impl fmt::Display for ServerFlavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ServerFlavor::MySql => "MySQL",
            ServerFlavor::MariaDb => "MariaDB",
        })
    }
}

/// A `major.minor.patch` server version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// Major number.
    pub major: u32,
    /// Minor number.
    pub minor: u32,
    /// Patch number.
    pub patch: u32,
}

impl Version {
    /// A version from its parts.
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Version { major, minor, patch }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The detected server: family, parsed version and the raw `VERSION()` string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    /// MySQL or MariaDB.
    pub flavor: ServerFlavor,
    /// The parsed version.
    pub version: Version,
    /// `SELECT VERSION()` as the server returned it (e.g. `10.11.19-MariaDB-0+deb12u1`).
    pub version_string: String,
}

impl ServerInfo {
    /// A MariaDB server of the given version (for tests over recorded rows).
    pub fn mariadb(major: u32, minor: u32, patch: u32) -> Self {
        let version = Version::new(major, minor, patch);
        ServerInfo {
            flavor: ServerFlavor::MariaDb,
            version,
            version_string: format!("{version}-MariaDB"),
        }
    }

    /// A MySQL server of the given version (for tests over recorded rows).
    pub fn mysql(major: u32, minor: u32, patch: u32) -> Self {
        let version = Version::new(major, minor, patch);
        ServerInfo {
            flavor: ServerFlavor::MySql,
            version,
            version_string: version.to_string(),
        }
    }

    /// Detects the family and version from `VERSION()` and `@@version_comment`.
    ///
    /// MariaDB always has `MariaDB` in its version string (a `5.5.5-` prefix, seen in some
    /// handshakes, is skipped). Everything else speaking the protocol is treated as MySQL.
    pub fn detect(version_string: &str, version_comment: &str) -> Result<Self, String> {
        let is_maria = version_string.to_ascii_lowercase().contains("mariadb")
            || version_comment.to_ascii_lowercase().contains("mariadb");
        let mut text = version_string.trim();
        if is_maria && let Some(rest) = text.strip_prefix("5.5.5-") {
            text = rest;
        }
        let mut parts = text
            .split(|c: char| !c.is_ascii_digit())
            .take(3)
            .map(|p| p.parse::<u32>());
        let mut next = || -> Result<u32, String> {
            match parts.next() {
                Some(Ok(n)) => Ok(n),
                _ => Err(format!("cannot parse the server version {version_string:?}")),
            }
        };
        let version = Version::new(next()?, next()?, next()?);
        Ok(ServerInfo {
            flavor: if is_maria {
                ServerFlavor::MariaDb
            } else {
                ServerFlavor::MySql
            },
            version,
            version_string: version_string.to_owned(),
        })
    }

    /// The version is at least `major.minor.patch`.
    pub fn at_least(&self, major: u32, minor: u32, patch: u32) -> bool {
        self.version >= Version::new(major, minor, patch)
    }

    /// Whether this connector can read the server: MariaDB 10.4+ (`mysql.global_priv`),
    /// MySQL 5.7+ (`mysql.user` with `account_locked`; roles and dynamic privileges on 8.0+).
    pub fn check_supported(&self) -> Result<(), String> {
        match self.flavor {
            ServerFlavor::MariaDb if !self.at_least(10, 4, 0) => Err(format!(
                "MariaDB {} is older than 10.4 (no mysql.global_priv)",
                self.version
            )),
            ServerFlavor::MySql if !self.at_least(5, 7, 0) => {
                Err(format!("MySQL {} is older than 5.7", self.version))
            }
            _ => Ok(()),
        }
    }

    /// MySQL 8.0+: roles (`role_edges`, `default_roles`), `global_grants`, `mandatory_roles`.
    pub fn has_mysql8_tables(&self) -> bool {
        self.flavor == ServerFlavor::MySql && self.at_least(8, 0, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_family_and_version() {
        let m = ServerInfo::detect("10.11.19-MariaDB-0+deb12u1", "Debian 12").unwrap();
        assert_eq!(m.flavor, ServerFlavor::MariaDb);
        assert_eq!(m.version, Version::new(10, 11, 19));
        let m = ServerInfo::detect("5.5.5-10.6.3-MariaDB", "").unwrap();
        assert_eq!(
            (m.flavor, m.version),
            (ServerFlavor::MariaDb, Version::new(10, 6, 3))
        );
        let my = ServerInfo::detect("8.0.36-28", "Percona Server (GPL), Release 28").unwrap();
        assert_eq!(
            (my.flavor, my.version),
            (ServerFlavor::MySql, Version::new(8, 0, 36))
        );
        assert!(my.has_mysql8_tables());
        assert!(
            !ServerInfo::detect("5.7.44", "MySQL Community Server")
                .unwrap()
                .has_mysql8_tables()
        );
        assert!(ServerInfo::detect("garbage", "").is_err());
    }

    #[test]
    fn support_bounds() {
        assert!(ServerInfo::mariadb(10, 3, 39).check_supported().is_err());
        assert!(ServerInfo::mariadb(10, 4, 0).check_supported().is_ok());
        assert!(ServerInfo::mysql(5, 6, 51).check_supported().is_err());
        assert!(ServerInfo::mysql(5, 7, 0).check_supported().is_ok());
    }
}
