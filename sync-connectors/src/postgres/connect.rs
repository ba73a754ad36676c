//! Connection options built field by field from a [`ConnectTarget`], one connection per
//! database, each with a per-session `statement_timeout`, closed after use.
//!
//! `PgConnectOptions` prints its password in `Debug`: it is built here, handed straight to
//! sqlx and never stored or logged.

use super::error::{ErrorContext, map_sqlx};
use secrecy::ExposeSecret;
use sqlx::ConnectOptions;
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgSslMode};
use std::future::Future;
use std::time::Duration;
use sync_core::traits::{ConnectTarget, ConnectorError};
use tokio::time::Instant;

/// The database used when the target names none.
pub const DEFAULT_DATABASE: &str = "postgres";

/// Session settings that do not depend on the target.
#[derive(Debug, Clone)]
pub struct SessionSettings {
    /// TLS mode (default: `Prefer`).
    pub ssl_mode: PgSslMode,
    /// `application_name` shown in `pg_stat_activity`.
    pub application_name: String,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            ssl_mode: PgSslMode::Prefer,
            application_name: "account-sync".to_owned(),
        }
    }
}

/// The `statement_timeout` of every session, in milliseconds: the whole read's budget
/// (at least 1 ms, at most `i32::MAX` ms, PostgreSQL's limit).
pub fn statement_timeout_ms(timeout: Duration) -> u64 {
    (timeout.as_millis().clamp(1, i32::MAX as u128)) as u64
}

/// The connection options for `database` on `target`.
///
/// Every field is set explicitly. sqlx still starts from the `PG*` environment variables;
/// when the target has no password, `PGPASSWORD` (if set in the process) applies.
pub(crate) fn connect_options(
    target: &ConnectTarget,
    database: &str,
    settings: &SessionSettings,
) -> PgConnectOptions {
    let timeout_ms = statement_timeout_ms(target.timeout).to_string();
    let mut options = PgConnectOptions::new_without_pgpass()
        .host(&target.host)
        .port(target.port)
        .username(&target.user)
        .database(database)
        .ssl_mode(settings.ssl_mode)
        .application_name(&settings.application_name)
        .statement_cache_capacity(16)
        .options([
            ("statement_timeout", timeout_ms.as_str()),
            ("lock_timeout", timeout_ms.as_str()),
            ("idle_in_transaction_session_timeout", timeout_ms.as_str()),
            ("default_transaction_read_only", "on"),
        ])
        // sqlx logs slow statements at WARN with their text: noise for an operator, as the
        // connector reports its own timeouts. Same choice as the MySQL connector.
        .disable_statement_logging();
    if let Some(password) = &target.password {
        options = options.password(password.expose_secret());
    }
    options
}

/// The error context for `during` on `target`.
pub(crate) fn context<'a>(target: &'a ConnectTarget, during: &'a str) -> ErrorContext<'a> {
    ErrorContext {
        host: &target.host,
        port: target.port,
        user: &target.user,
        password: target.password.as_ref(),
        timeout: target.timeout,
        during,
    }
}

/// Runs one step before `deadline`, mapping its sqlx error and its timeout.
pub(crate) async fn step<T>(
    target: &ConnectTarget,
    deadline: Instant,
    during: &str,
    fut: impl Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, ConnectorError> {
    match tokio::time::timeout_at(deadline, fut).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(map_sqlx(e, &context(target, during))),
        Err(_) => Err(ConnectorError::Timeout {
            after: target.timeout,
            during: during.to_owned(),
        }),
    }
}

/// Opens one connection to `database`.
pub(crate) async fn connect(
    target: &ConnectTarget,
    database: &str,
    settings: &SessionSettings,
    deadline: Instant,
) -> Result<PgConnection, ConnectorError> {
    let options = connect_options(target, database, settings);
    let during = format!("connecting to database {database:?}");
    step(target, deadline, &during, PgConnection::connect_with(&options)).await
}

/// Closes a connection gracefully (a `Terminate` message); a failure to close is not an error
/// of the read (the socket is dropped either way).
pub(crate) async fn close(conn: PgConnection) {
    if let Err(e) = conn.close().await {
        tracing::debug!(error = %e, "closing a PostgreSQL connection failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;
    use sync_core::account::AccountFilter;
    use sync_core::domain::DbType;

    #[test]
    fn options_carry_the_target_and_the_timeout() {
        let target = ConnectTarget {
            instance_name: "i".into(),
            host: "db.example".into(),
            port: 6543,
            database: None,
            inspect_databases: vec![],
            user: "sync".into(),
            password: Some(SecretString::from("pw-123456")),
            timeout: Duration::from_millis(2500),
            filter: AccountFilter::default_for(DbType::Postgresql),
        };
        let o = connect_options(&target, "app", &SessionSettings::default());
        assert_eq!(o.get_host(), "db.example");
        assert_eq!(o.get_port(), 6543);
        assert_eq!(o.get_username(), "sync");
        assert_eq!(o.get_database(), Some("app"));
        assert_eq!(o.get_application_name(), Some("account-sync"));
        let opts = o.get_options().unwrap();
        assert!(opts.contains("-c statement_timeout=2500"), "{opts}");
        assert!(opts.contains("-c default_transaction_read_only=on"), "{opts}");
        assert_eq!(statement_timeout_ms(Duration::ZERO), 1);
        assert_eq!(
            statement_timeout_ms(Duration::from_secs(10_000_000)),
            i32::MAX as u64
        );
    }
}
