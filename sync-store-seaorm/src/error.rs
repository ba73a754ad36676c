//! Errors: opening a store ([`OpenError`]) and mapping backend failures to
//! [`StoreError`]. Messages name the backend and host, never a password.

use crate::sql::Backend;
use sea_orm::{DbErr, SqlErr};
use std::fmt;
use sync_core::traits::StoreError;
use thiserror::Error;

/// Why a store could not be opened. Never contains the password of the URL.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The URL cannot be parsed.
    #[error("invalid store URL: {reason}")]
    InvalidUrl {
        /// What is wrong (the URL itself is not repeated: it may hold a password).
        reason: String,
    },
    /// The URL scheme is not one of `sqlite`, `postgres`/`postgresql`, `mysql`/`mariadb`.
    #[error("unsupported store URL scheme {scheme:?}: expected sqlite, postgres or mysql")]
    UnsupportedScheme {
        /// The scheme found.
        scheme: String,
    },
    /// The server is unreachable, refused the login, or the file cannot be opened.
    #[error("cannot connect to the {backend} store at {location}: {message}")]
    Connect {
        /// `sqlite`, `postgres` or `mysql`.
        backend: &'static str,
        /// `host:port/database` or the SQLite path.
        location: String,
        /// The driver's reason, with any password removed.
        message: String,
    },
    /// The schema migrations failed.
    #[error("migrating the {backend} store at {location} failed: {message}")]
    Migration {
        /// `sqlite`, `postgres` or `mysql`.
        backend: &'static str,
        /// `host:port/database` or the SQLite path.
        location: String,
        /// The reason, with any password removed.
        message: String,
    },
}

impl OpenError {
    /// The backend named by the error, when known.
    pub fn backend(&self) -> Option<&'static str> {
        match self {
            OpenError::Connect { backend, .. } | OpenError::Migration { backend, .. } => Some(backend),
            _ => None,
        }
    }
}

impl From<OpenError> for StoreError {
    fn from(e: OpenError) -> Self {
        StoreError::Backend {
            backend: e.backend().unwrap_or("store"),
            message: e.to_string(),
        }
    }
}

/// Removes a secret from driver messages. Holds the password (raw and percent-encoded) of
/// the URL the store was opened with; its `Debug` shows nothing of it.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    secrets: Vec<String>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Redactor(***)")
    }
}

impl Redactor {
    /// A redactor for `password` as it appears in a URL (percent-encoded) and decoded.
    pub(crate) fn new(encoded: Option<&str>) -> Self {
        let mut secrets = Vec::new();
        if let Some(enc) = encoded.filter(|p| !p.is_empty()) {
            let dec = percent_encoding::percent_decode_str(enc).decode_utf8_lossy();
            if !dec.is_empty() && dec != enc {
                secrets.push(dec.into_owned());
            }
            secrets.push(enc.to_owned());
        }
        // Longest first, so that a secret containing another is removed whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Redactor { secrets }
    }

    /// `text` with every secret replaced by `***`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for s in &self.secrets {
            out = out.replace(s.as_str(), "***");
        }
        out
    }
}

/// The message prefix of a transient failure (deadlock, serialization failure, SQLite busy):
/// the whole operation can be retried.
pub(crate) const TRANSIENT: &str = "transient conflict (retry): ";

/// Maps a backend error to [`StoreError::Backend`] (scrubbed); transient failures are
/// prefixed with [`TRANSIENT`].
pub(crate) fn db_err(backend: Backend, redactor: &Redactor, e: &DbErr) -> StoreError {
    let text = redactor.scrub(&e.to_string());
    StoreError::Backend {
        backend: backend.name(),
        message: if is_transient_db(e) {
            format!("{TRANSIENT}{text}")
        } else {
            text
        },
    }
}

/// Deadlock or serialization failure (SQLSTATE 40001 / 40P01; MySQL 1213 reports 40001), or
/// SQLite busy/locked after its busy timeout.
fn is_transient_db(e: &DbErr) -> bool {
    let runtime = match e {
        DbErr::Exec(r) | DbErr::Query(r) | DbErr::Conn(r) => r,
        _ => return false,
    };
    let sea_orm::RuntimeErr::SqlxError(err) = runtime else {
        return false;
    };
    match err.as_ref() {
        sea_orm::sqlx::Error::Database(d) => {
            matches!(
                d.code().as_deref(),
                Some("40001" | "40P01" | "5" | "6" | "261" | "517")
            )
        }
        _ => false,
    }
}

/// Whether a store error is a transient conflict worth retrying.
pub(crate) fn is_transient(e: &StoreError) -> bool {
    matches!(e, StoreError::Backend { message, .. } if message.starts_with(TRANSIENT))
}

/// Whether the error is a unique-constraint violation.
pub(crate) fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// A stored value that does not decode (a corrupt or foreign row).
pub(crate) fn decode_err(backend: Backend, what: &str, detail: impl fmt::Display) -> StoreError {
    StoreError::Backend {
        backend: backend.name(),
        message: format!("cannot decode {what}: {detail}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_raw_and_encoded_passwords() {
        let r = Redactor::new(Some("p%40ss%2Fword"));
        assert_eq!(
            r.scrub("url postgres://u:p%40ss%2Fword@h and p@ss/word"),
            "url postgres://u:***@h and ***"
        );
        assert_eq!(format!("{r:?}"), "Redactor(***)");
        assert_eq!(Redactor::new(None).scrub("x"), "x");
    }
}
