//! Database instances and the credential reference they carry (never the secret itself).

use super::enums::DbType;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;

/// Store-assigned identifier of an instance.
pub type InstanceId = i64;

/// Where the password of an instance's sync user comes from. Holds a *reference* only:
/// an environment variable name, a file path, or a key for a custom
/// [`CredentialProvider`](crate::traits::CredentialProvider). Safe to store, log and print.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "lowercase")]
pub enum SecretSource {
    /// No password (trust or socket authentication).
    None,
    /// The value of an environment variable.
    Env {
        /// Variable name, e.g. `PG_MAIN_PASSWORD`.
        var: String,
    },
    /// The contents of a file (trailing newline trimmed).
    File {
        /// Path of the file.
        path: PathBuf,
    },
    /// A key understood by a custom credential provider (a vault path, a secret ARN...).
    External {
        /// The provider-specific key.
        key: String,
    },
}

/// The sync user of an instance and where its secret is kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CredentialRef {
    /// The login name used to connect (not secret).
    pub user: String,
    /// Where the password comes from.
    pub secret: SecretSource,
}

impl fmt::Display for CredentialRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.secret {
            SecretSource::None => write!(f, "{} (no password)", self.user),
            SecretSource::Env { var } => write!(f, "{} (password from env {var})", self.user),
            SecretSource::File { path } => {
                write!(f, "{} (password from file {})", self.user, path.display())
            }
            SecretSource::External { key } => write!(f, "{} (password from {key})", self.user),
        }
    }
}

/// A registered database server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    /// Store-assigned id.
    pub id: InstanceId,
    /// Unique, human-chosen name.
    pub name: String,
    /// Server family.
    pub db_type: DbType,
    /// Host name or address.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Database to connect to (PostgreSQL: also the default database whose schema and
    /// default privileges are read).
    pub database: Option<String>,
    /// PostgreSQL: further databases whose schema and default privileges are read.
    pub inspect_databases: Vec<String>,
    /// Inactive instances are left out of *sync all*.
    pub is_active: bool,
    /// Number of successful single-instance syncs.
    pub sync_count: u64,
    /// End of the last successful sync.
    pub last_synced_at: Option<DateTime<Utc>>,
    /// Server version reported by the last successful sync.
    pub server_version: Option<String>,
    /// Login and secret reference.
    pub credential: CredentialRef,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change of the row.
    pub updated_at: DateTime<Utc>,
    /// Soft-delete time; a deleted instance is never synced.
    pub deleted_at: Option<DateTime<Utc>>,
}

impl Instance {
    /// Active and not deleted: what *sync all* picks up.
    pub fn is_syncable(&self) -> bool {
        self.is_active && self.deleted_at.is_none()
    }

    /// Its current settings, as registered: the starting point of an
    /// [`update_instance`](crate::traits::InstanceStore::update_instance).
    pub fn settings(&self) -> NewInstance {
        NewInstance {
            name: self.name.clone(),
            db_type: self.db_type,
            host: self.host.clone(),
            port: self.port,
            database: self.database.clone(),
            inspect_databases: self.inspect_databases.clone(),
            is_active: self.is_active,
            credential: self.credential.clone(),
        }
    }
}

/// What is needed to register an instance, and the settings an update replaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewInstance {
    /// Unique name.
    pub name: String,
    /// Server family.
    pub db_type: DbType,
    /// Host name or address.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Database to connect to.
    pub database: Option<String>,
    /// PostgreSQL: further databases to inspect.
    pub inspect_databases: Vec<String>,
    /// Whether *sync all* includes it.
    pub is_active: bool,
    /// Login and secret reference.
    pub credential: CredentialRef,
}
