//! sqlx errors -> typed [`ConnectorError`]s, never carrying the password.

use secrecy::ExposeSecret;
use sqlx::mysql::MySqlDatabaseError;
use std::time::Duration;
use sync_core::account::AccountKey;
use sync_core::traits::{ConnectTarget, ConnectorError};

/// MySQL/MariaDB server error numbers this connector tells apart.
pub mod codes {
    /// `ER_DBACCESS_DENIED_ERROR`: no access to the database named at connect time.
    pub const DB_ACCESS_DENIED: u16 = 1044;
    /// `ER_ACCESS_DENIED_ERROR`: wrong user or password.
    pub const ACCESS_DENIED: u16 = 1045;
    /// `ER_TABLEACCESS_DENIED_ERROR`: SELECT denied on a table.
    pub const TABLE_ACCESS_DENIED: u16 = 1142;
    /// `ER_COLUMNACCESS_DENIED_ERROR`.
    pub const COLUMN_ACCESS_DENIED: u16 = 1143;
    /// `ER_SPECIFIC_ACCESS_DENIED_ERROR`.
    pub const SPECIFIC_ACCESS_DENIED: u16 = 1227;
    /// `ER_ACCESS_DENIED_NO_PASSWORD_ERROR` (e.g. unix_socket refused).
    pub const ACCESS_DENIED_NO_PASSWORD: u16 = 1698;
    /// `ER_ACCOUNT_HAS_BEEN_LOCKED` (MySQL) / MariaDB 4151.
    pub const ACCOUNT_LOCKED_MYSQL: u16 = 3118;
    /// MariaDB `ER_ACCOUNT_HAS_BEEN_LOCKED`.
    pub const ACCOUNT_LOCKED_MARIADB: u16 = 4151;
    /// `ER_MUST_CHANGE_PASSWORD_LOGIN`: expired password of the sync user.
    pub const MUST_CHANGE_PASSWORD_LOGIN: u16 = 1862;
    /// MariaDB `ER_STATEMENT_TIMEOUT` (max_statement_time).
    pub const STATEMENT_TIMEOUT_MARIADB: u16 = 1969;
    /// MySQL `ER_QUERY_TIMEOUT` (max_execution_time).
    pub const QUERY_TIMEOUT_MYSQL: u16 = 3024;
    /// `ER_CON_COUNT_ERROR`: too many connections.
    pub const TOO_MANY_CONNECTIONS: u16 = 1040;
    /// `ER_HOST_NOT_PRIVILEGED`: this host may not connect.
    pub const HOST_NOT_PRIVILEGED: u16 = 1130;
}

/// What the connector was doing when an error happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Opening the connection and logging in.
    Connect,
    /// Running the named catalog query (`"mysql.db"`, `"server version"`...).
    Query(&'static str),
}

impl Step {
    /// For messages: `connecting`, `reading mysql.db`.
    pub fn describe(self) -> String {
        match self {
            Step::Connect => "connecting".to_owned(),
            Step::Query(what) => format!("reading {what}"),
        }
    }
}

/// The statement that gives the sync user what it needs (shown with host `%`; use the
/// host part of the sync account).
pub fn least_privilege_grant(user: &str) -> String {
    format!("GRANT SELECT ON mysql.* TO {}", AccountKey::mysql(user, "%"))
}

/// Replaces every occurrence of the target's password in `text`.
pub fn redact(text: &str, target: &ConnectTarget) -> String {
    match &target.password {
        Some(p) if !p.expose_secret().is_empty() => text.replace(p.expose_secret(), "<redacted>"),
        _ => text.to_owned(),
    }
}

/// Maps a sqlx error to a typed connector error. The result never holds the password.
pub fn map_sqlx_error(err: &sqlx::Error, target: &ConnectTarget, step: Step) -> ConnectorError {
    let unreachable = |reason: String| ConnectorError::Unreachable {
        host: target.host.clone(),
        port: target.port,
        reason: redact(&reason, target),
    };
    match err {
        sqlx::Error::Io(e) => match step {
            Step::Connect => unreachable(e.to_string()),
            Step::Query(_) => ConnectorError::ConnectionLost {
                host: target.host.clone(),
                port: target.port,
                during: step.describe(),
                reason: redact(&e.to_string(), target),
            },
        },
        sqlx::Error::Tls(e) => unreachable(format!("TLS: {e}")),
        sqlx::Error::Database(db) => {
            let Some(my) = db.try_downcast_ref::<MySqlDatabaseError>() else {
                return query_error(step, db.message(), target);
            };
            match my.number() {
                codes::ACCESS_DENIED | codes::ACCESS_DENIED_NO_PASSWORD => ConnectorError::AuthFailed {
                    user: target.user.clone(),
                    host: target.host.clone(),
                    port: target.port,
                },
                codes::ACCOUNT_LOCKED_MYSQL
                | codes::ACCOUNT_LOCKED_MARIADB
                | codes::MUST_CHANGE_PASSWORD_LOGIN => ConnectorError::AuthFailed {
                    user: target.user.clone(),
                    host: target.host.clone(),
                    port: target.port,
                },
                codes::TOO_MANY_CONNECTIONS | codes::HOST_NOT_PRIVILEGED => {
                    unreachable(format!("server refused the connection: {}", my.message()))
                }
                codes::DB_ACCESS_DENIED => ConnectorError::MissingPrivilege {
                    what: format!(
                        "database {:?} (named in the connection settings)",
                        target.database.as_deref().unwrap_or("")
                    ),
                    grant: format!(
                        "connect without a database, or GRANT SELECT ON the database TO {}",
                        AccountKey::mysql(&target.user, "%")
                    ),
                },
                codes::TABLE_ACCESS_DENIED | codes::COLUMN_ACCESS_DENIED | codes::SPECIFIC_ACCESS_DENIED => {
                    ConnectorError::MissingPrivilege {
                        what: match step {
                            Step::Query(what) => what.to_owned(),
                            Step::Connect => "the grant tables".to_owned(),
                        },
                        grant: least_privilege_grant(&target.user),
                    }
                }
                codes::STATEMENT_TIMEOUT_MARIADB | codes::QUERY_TIMEOUT_MYSQL => ConnectorError::Timeout {
                    after: target.timeout,
                    during: step.describe(),
                },
                _ => query_error(step, &my.to_string(), target),
            }
        }
        other => query_error(step, &other.to_string(), target),
    }
}

fn query_error(step: Step, message: &str, target: &ConnectTarget) -> ConnectorError {
    ConnectorError::Query {
        query: match step {
            Step::Connect => "connect".to_owned(),
            Step::Query(what) => what.to_owned(),
        },
        message: redact(message, target),
    }
}

/// The error for a step that ran out of the read's budget.
pub fn timeout(target: &ConnectTarget, step: Step) -> ConnectorError {
    ConnectorError::Timeout {
        after: target.timeout,
        during: step.describe(),
    }
}

/// An error for a row that cannot be decoded (a server that stores something unexpected).
pub fn decode_error(what: &'static str, column: &str, detail: impl std::fmt::Display) -> ConnectorError {
    ConnectorError::Query {
        query: what.to_owned(),
        message: format!("cannot decode column {column}: {detail}"),
    }
}

/// Time left until `deadline`, zero when passed.
pub fn remaining(deadline: tokio::time::Instant) -> Duration {
    deadline.saturating_duration_since(tokio::time::Instant::now())
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;
    use sync_core::account::AccountFilter;

    fn target() -> ConnectTarget {
        ConnectTarget {
            instance_name: "t".into(),
            host: "db.example".into(),
            port: 3306,
            database: None,
            inspect_databases: vec![],
            user: "sync".into(),
            password: Some(SecretString::from("s3cr3t-Pw")),
            timeout: Duration::from_secs(5),
            filter: AccountFilter::default(),
        }
    }

    #[test]
    fn io_errors_are_unreachable_and_redacted() {
        let err = sqlx::Error::Io(std::io::Error::other("refused; pw was s3cr3t-Pw"));
        let e = map_sqlx_error(&err, &target(), Step::Connect);
        assert!(
            matches!(e, ConnectorError::Unreachable { ref reason, .. } if reason == "refused; pw was <redacted>")
        );
        assert!(!format!("{e} {e:?}").contains("s3cr3t-Pw"));
    }

    #[test]
    fn io_errors_after_login_are_a_lost_connection() {
        let err = sqlx::Error::Io(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "eof; pw was s3cr3t-Pw",
        ));
        let e = map_sqlx_error(&err, &target(), Step::Query("mysql.global_priv"));
        assert_eq!(
            e.to_string(),
            "connection to db.example:3306 lost while reading mysql.global_priv: eof; pw was <redacted>"
        );
        assert!(matches!(e, ConnectorError::ConnectionLost { port: 3306, .. }));
    }

    #[test]
    fn other_errors_are_query_errors_naming_the_step() {
        let err = sqlx::Error::Protocol("bad packet s3cr3t-Pw".into());
        let e = map_sqlx_error(&err, &target(), Step::Query("mysql.db"));
        assert_eq!(
            e,
            ConnectorError::Query {
                query: "mysql.db".into(),
                message: "encountered unexpected or invalid data: bad packet <redacted>".into()
            }
        );
    }

    #[test]
    fn grant_text_quotes_the_user() {
        assert_eq!(
            least_privilege_grant("o'neil"),
            "GRANT SELECT ON mysql.* TO 'o''neil'@'%'"
        );
    }
}
