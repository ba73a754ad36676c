//! Opening the connection: options built field by field (never a URL holding the password).

use super::error::{Step, map_sqlx_error, remaining, timeout};
use secrecy::ExposeSecret;
use sqlx::ConnectOptions;
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlSslMode};
use std::path::PathBuf;
use sync_core::traits::{ConnectTarget, ConnectorError};
use tokio::time::Instant;

/// TLS use of the connection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain TCP.
    Disabled,
    /// TLS when the server offers it (the default).
    #[default]
    Preferred,
    /// TLS or fail, without certificate checks.
    Required,
    /// TLS with the server certificate checked against the CA.
    VerifyCa,
    /// TLS with the certificate and host name checked.
    VerifyIdentity,
}

impl From<TlsMode> for MySqlSslMode {
    fn from(m: TlsMode) -> Self {
        match m {
            TlsMode::Disabled => MySqlSslMode::Disabled,
            TlsMode::Preferred => MySqlSslMode::Preferred,
            TlsMode::Required => MySqlSslMode::Required,
            TlsMode::VerifyCa => MySqlSslMode::VerifyCa,
            TlsMode::VerifyIdentity => MySqlSslMode::VerifyIdentity,
        }
    }
}

/// Connection settings of the connector that are not per instance. Holds no secret.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MysqlConnectorConfig {
    /// TLS mode.
    pub tls: TlsMode,
    /// CA certificate file for [`TlsMode::VerifyCa`] / [`TlsMode::VerifyIdentity`].
    pub ssl_ca: Option<PathBuf>,
}

/// The sqlx options for `target`. The result holds the password (sqlx's `Debug` of it would
/// show it): keep it local, never log it.
pub(crate) fn connect_options(target: &ConnectTarget, config: &MysqlConnectorConfig) -> MySqlConnectOptions {
    let mut options = MySqlConnectOptions::new()
        .host(&target.host)
        .port(target.port)
        .username(&target.user)
        .ssl_mode(config.tls.into())
        .charset("utf8mb4")
        .statement_cache_capacity(0)
        .disable_statement_logging();
    if let Some(password) = &target.password {
        options = options.password(password.expose_secret());
    }
    if let Some(database) = &target.database {
        options = options.database(database);
    }
    if let Some(ca) = &config.ssl_ca {
        options = options.ssl_ca(ca);
    }
    options
}

/// Connects within the read's budget.
pub(crate) async fn connect(
    target: &ConnectTarget,
    config: &MysqlConnectorConfig,
    deadline: Instant,
) -> Result<MySqlConnection, ConnectorError> {
    let options = connect_options(target, config);
    match tokio::time::timeout(remaining(deadline), options.connect()).await {
        Err(_) => Err(timeout(target, Step::Connect)),
        Ok(Err(e)) => Err(map_sqlx_error(&e, target, Step::Connect)),
        Ok(Ok(conn)) => Ok(conn),
    }
}
