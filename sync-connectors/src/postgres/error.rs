//! Turning sqlx errors into typed [`ConnectorError`]s that never contain the password.
//!
//! The classification works on the SQLSTATE code alone ([`classify_sqlstate`]), so it can be
//! tested on recorded codes (this machine's server uses trust authentication and cannot
//! produce `28P01` itself).

use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;
use sync_core::traits::ConnectorError;

/// What was being done when an error happened, and what is needed to describe it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ErrorContext<'a> {
    /// Host of the instance.
    pub host: &'a str,
    /// Port of the instance.
    pub port: u16,
    /// Login.
    pub user: &'a str,
    /// The password, only used to scrub it out of messages.
    pub password: Option<&'a SecretString>,
    /// The whole read's budget.
    pub timeout: Duration,
    /// The step (`"connecting to database \"x\""`, `"reading pg_roles"`...).
    pub during: &'a str,
}

/// The kind of failure a SQLSTATE code stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlStateClass {
    /// `28P01` invalid_password, `28000` invalid_authorization_specification (unknown role,
    /// `NOLOGIN`, no `pg_hba.conf` entry).
    AuthFailed,
    /// `57014` query_canceled (our `statement_timeout`).
    Timeout,
    /// `42501` insufficient_privilege.
    MissingPrivilege,
    /// Class `08` (connection exception), `53300` too_many_connections, `57P01..57P03`
    /// (shutdown, starting up).
    Unreachable,
    /// Anything else.
    Query,
}

/// Classifies a PostgreSQL SQLSTATE code.
pub fn classify_sqlstate(code: &str) -> SqlStateClass {
    match code {
        "28P01" | "28000" => SqlStateClass::AuthFailed,
        "57014" => SqlStateClass::Timeout,
        "42501" => SqlStateClass::MissingPrivilege,
        "53300" | "57P01" | "57P02" | "57P03" => SqlStateClass::Unreachable,
        c if c.starts_with("08") => SqlStateClass::Unreachable,
        _ => SqlStateClass::Query,
    }
}

/// Removes every occurrence of the password from `message`.
pub(crate) fn scrub(message: &str, password: Option<&SecretString>) -> String {
    match password.map(|p| p.expose_secret()) {
        Some(p) if !p.is_empty() => message.replace(p, "<redacted>"),
        _ => message.to_owned(),
    }
}

/// Builds the typed error for a failure with an optional SQLSTATE `code` and a server or
/// driver `message`.
pub(crate) fn from_parts(code: Option<&str>, message: &str, ctx: &ErrorContext<'_>) -> ConnectorError {
    let message = scrub(message, ctx.password);
    match code.map(classify_sqlstate) {
        Some(SqlStateClass::AuthFailed) => ConnectorError::AuthFailed {
            user: ctx.user.to_owned(),
            host: ctx.host.to_owned(),
            port: ctx.port,
        },
        Some(SqlStateClass::Timeout) => ConnectorError::Timeout {
            after: ctx.timeout,
            during: ctx.during.to_owned(),
        },
        Some(SqlStateClass::MissingPrivilege) => ConnectorError::MissingPrivilege {
            what: format!("{} ({message})", ctx.during),
            grant: "a plain LOGIN role with CONNECT on the inspected databases is enough; \
                    see the sync-connectors crate docs"
                .to_owned(),
        },
        Some(SqlStateClass::Unreachable) => ConnectorError::Unreachable {
            host: ctx.host.to_owned(),
            port: ctx.port,
            reason: message,
        },
        Some(SqlStateClass::Query) | None => ConnectorError::Query {
            query: ctx.during.to_owned(),
            message,
        },
    }
}

/// Maps a sqlx error.
pub(crate) fn map_sqlx(err: sqlx::Error, ctx: &ErrorContext<'_>) -> ConnectorError {
    match &err {
        sqlx::Error::Database(db) => {
            let code = db.code();
            from_parts(code.as_deref(), db.message(), ctx)
        }
        // Before the login completes the server was not reached; after it, the connection
        // was lost mid-read.
        sqlx::Error::Io(io) if ctx.during.starts_with("connecting") => ConnectorError::Unreachable {
            host: ctx.host.to_owned(),
            port: ctx.port,
            reason: scrub(&io.to_string(), ctx.password),
        },
        sqlx::Error::Io(io) => ConnectorError::ConnectionLost {
            host: ctx.host.to_owned(),
            port: ctx.port,
            during: ctx.during.to_owned(),
            reason: scrub(&io.to_string(), ctx.password),
        },
        sqlx::Error::Tls(tls) => ConnectorError::Unreachable {
            host: ctx.host.to_owned(),
            port: ctx.port,
            reason: scrub(&format!("TLS: {tls}"), ctx.password),
        },
        sqlx::Error::PoolTimedOut => ConnectorError::Timeout {
            after: ctx.timeout,
            during: ctx.during.to_owned(),
        },
        other => from_parts(None, &other.to_string(), ctx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(password: Option<&SecretString>) -> ErrorContext<'_> {
        ErrorContext {
            host: "db1",
            port: 5432,
            user: "sync",
            password,
            timeout: Duration::from_secs(7),
            during: "read roles",
        }
    }

    #[test]
    fn io_errors_are_unreachable_before_login_and_lost_after() {
        let pw = SecretString::from("hunter2-secret");
        let eof = || {
            sqlx::Error::Io(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "expected to read 5 bytes, got 0 bytes at EOF (hunter2-secret)",
            ))
        };
        let mut c = ctx(Some(&pw));
        c.during = "reading pg_roles";
        let e = map_sqlx(eof(), &c);
        assert_eq!(
            e.to_string(),
            "connection to db1:5432 lost while reading pg_roles: \
             expected to read 5 bytes, got 0 bytes at EOF (<redacted>)"
        );
        c.during = "connecting to database \"postgres\"";
        assert!(matches!(
            map_sqlx(eof(), &c),
            ConnectorError::Unreachable { port: 5432, .. }
        ));
    }

    #[test]
    fn recorded_sqlstates_map_to_typed_errors() {
        let pw = SecretString::from("hunter2-secret");
        let c = ctx(Some(&pw));
        // Recorded from a password-authenticated server:
        // FATAL 28P01 password authentication failed for user "sync"
        assert_eq!(
            from_parts(
                Some("28P01"),
                "password authentication failed for user \"sync\"",
                &c
            ),
            ConnectorError::AuthFailed {
                user: "sync".into(),
                host: "db1".into(),
                port: 5432
            }
        );
        assert_eq!(
            from_parts(Some("28000"), "role \"sync\" does not exist", &c),
            ConnectorError::AuthFailed {
                user: "sync".into(),
                host: "db1".into(),
                port: 5432
            }
        );
        assert_eq!(
            from_parts(Some("57014"), "canceling statement due to statement timeout", &c),
            ConnectorError::Timeout {
                after: Duration::from_secs(7),
                during: "read roles".into()
            }
        );
        assert!(matches!(
            from_parts(Some("42501"), "permission denied for table pg_authid", &c),
            ConnectorError::MissingPrivilege { .. }
        ));
        assert!(matches!(
            from_parts(Some("53300"), "too many connections", &c),
            ConnectorError::Unreachable { .. }
        ));
        assert!(matches!(
            from_parts(Some("08006"), "connection failure", &c),
            ConnectorError::Unreachable { .. }
        ));
        assert_eq!(
            from_parts(Some("42P01"), "relation does not exist", &c),
            ConnectorError::Query {
                query: "read roles".into(),
                message: "relation does not exist".into()
            }
        );
    }

    #[test]
    fn password_is_scrubbed_from_every_message() {
        let pw = SecretString::from("hunter2-secret");
        let c = ctx(Some(&pw));
        let e = from_parts(Some("XX000"), "odd: hunter2-secret appeared", &c);
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains("hunter2-secret"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
        let io = sqlx::Error::Io(std::io::Error::other("refused hunter2-secret"));
        let connecting = ErrorContext {
            during: "connecting to database \"postgres\"",
            ..c
        };
        let e = map_sqlx(io, &connecting);
        assert_eq!(
            e,
            ConnectorError::Unreachable {
                host: "db1".into(),
                port: 5432,
                reason: "refused <redacted>".into()
            }
        );
    }
}
