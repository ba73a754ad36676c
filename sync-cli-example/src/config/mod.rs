//! The TOML configuration: store URL, sync settings, account filters and instances.
//!
//! ```toml
//! [store]
//! url = "sqlite://account-sync.sqlite?mode=rwc"   # the default
//! # or: url = "postgres://sync@db.example/accounts" with password_env = "VAR" or
//! # password_file = "path" (inserted into the URL), or url_env = "VAR" (the whole URL)
//!
//! [sync]
//! concurrency = 8              # instances read at the same time
//! instance_timeout_secs = 60   # budget of one instance
//! time_zone = "UTC"            # where "today" of the history starts (IANA name)
//! fingerprint_key_env = "ACS_FINGERPRINT_KEY"  # optional deployment key for fingerprints
//!
//! [filters.postgresql]         # added to the defaults (pg_* roles are left out)
//! exclude = ["rdsadmin", { name = "monitor_*" }]
//!
//! [[instances]]
//! name = "pg-main"
//! db_type = "postgresql"
//! host = "10.0.0.5"
//! user = "account_sync"
//! password_env = "PG_MAIN_PASSWORD"   # or password_file = "secrets/pg-main"
//! databases = ["app"]                 # PostgreSQL: further databases to inspect
//! ```
//!
//! A `password = "..."` key, and a store URL with a password in it, are refused: secrets come
//! from the environment or a file. A relative `password_file` is resolved against the
//! (canonical) directory of the configuration file. Every error names the file, the line and
//! the field, and never repeats a password.

mod instance_check;
pub mod secrets;
mod spans;
mod store;
#[cfg(test)]
mod tests;

pub use instance_check::check_instance;
use secrecy::SecretString;
use serde::Deserialize;
use serde::de::IgnoredAny;
use spans::{field_at, spans};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;
use store::RawStore;
pub use store::StoreUrl;
use sync_core::account::{AccountFilter, AccountPattern, FingerprintKey};
use sync_core::chrono_tz::Tz;
use sync_core::domain::{CredentialRef, DbType, NewInstance, SecretSource};
use thiserror::Error;
use toml::Spanned;

/// The store used when the configuration names none: an SQLite file in the working directory.
pub const DEFAULT_STORE_URL: &str = "sqlite://account-sync.sqlite?mode=rwc";
/// The configuration file read when `--config` is not given.
pub const DEFAULT_CONFIG_FILE: &str = "account-sync.toml";

/// Why the configuration cannot be used. Never contains a password.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read configuration file {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        reason: String,
    },
    /// The file is not valid TOML or a value is wrong.
    #[error("{path}:{line}: {field}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// 1-based line of the offending key or value.
        line: usize,
        /// Dotted path of the field, e.g. `instances[1].port`.
        field: String,
        /// What is wrong.
        message: String,
    },
}

/// The settings of the sync service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncSettings {
    /// Instances read at the same time by one run.
    pub concurrency: usize,
    /// Budget of one instance.
    pub instance_timeout: Duration,
    /// A record running longer than this is failed by `recover`.
    pub stale_lease: Duration,
    /// Where "today" starts.
    pub time_zone: Tz,
    /// Account filters per server family (defaults included).
    pub filters: BTreeMap<DbType, AccountFilter>,
    /// The deployment key for credential fingerprints, from `fingerprint_key_env`.
    pub fingerprint_key: Option<FingerprintKey>,
}

impl Default for SyncSettings {
    fn default() -> Self {
        SyncSettings {
            concurrency: 8,
            instance_timeout: Duration::from_secs(60),
            stale_lease: Duration::from_secs(15 * 60),
            time_zone: Tz::UTC,
            filters: [DbType::Mysql, DbType::Postgresql]
                .into_iter()
                .map(|t| (t, AccountFilter::default_for(t)))
                .collect(),
            fingerprint_key: None,
        }
    }
}

/// The whole configuration ([`Default`]: no file, the default store, default settings).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// The file it was read from (`None`: built-in defaults, no file).
    pub path: Option<PathBuf>,
    /// The store URL (its password, if any, masked in `Debug`).
    pub store_url: StoreUrl,
    /// Service settings.
    pub sync: SyncSettings,
    /// The instances to register (`instances import`, `run`).
    pub instances: Vec<NewInstance>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    store: RawStore,
    #[serde(default)]
    sync: RawSync,
    #[serde(default)]
    filters: BTreeMap<String, RawFilter>,
    #[serde(default)]
    instances: Vec<RawInstance>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSync {
    concurrency: Option<i64>,
    instance_timeout_secs: Option<i64>,
    stale_lease_secs: Option<i64>,
    time_zone: Option<String>,
    fingerprint_key_env: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFilter {
    #[serde(default)]
    exclude: Vec<RawPattern>,
    exclude_system: Option<bool>,
    /// Keep the built-in exclusions of the family (default true).
    keep_defaults: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawPattern {
    Name(String),
    Full(AccountPattern),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstance {
    name: String,
    db_type: String,
    host: String,
    port: Option<u16>,
    user: String,
    database: Option<String>,
    #[serde(default)]
    databases: Vec<String>,
    password_env: Option<String>,
    password_file: Option<PathBuf>,
    /// Refused; its value is never read.
    password: Option<Spanned<IgnoredAny>>,
    active: Option<bool>,
}

impl Config {
    /// Reads `path`; when `required` is false and the file does not exist, the built-in
    /// defaults are used.
    pub fn load(path: &Path, required: bool) -> Result<Config, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Config::parse(&text, path),
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(ConfigError::Read {
                path: path.display().to_string(),
                reason: e.to_string(),
            }),
        }
    }

    /// Parses configuration text; `path` names the file in errors, and its directory
    /// (made absolute and canonical) anchors relative `password_file` paths. Reads the
    /// environment variables and the file of the store URL and password.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let doc = Doc { text, path };
        let raw: RawConfig = toml::from_str(text).map_err(|e| doc.toml_error(&e))?;
        let sync = doc.sync_settings(raw.sync, raw.filters)?;
        let base = secrets::config_dir(path);
        let store_url = doc.store_url(raw.store, &base)?;
        let mut names = BTreeSet::new();
        let mut instances = Vec::with_capacity(raw.instances.len());
        for (i, inst) in raw.instances.into_iter().enumerate() {
            let new = doc.instance(i, inst, &base)?;
            if !names.insert(new.name.clone()) {
                return Err(doc.at(
                    &format!("instances[{i}].name"),
                    format!("duplicate instance name {:?}", new.name),
                ));
            }
            instances.push(new);
        }
        Ok(Config {
            path: Some(path.to_path_buf()),
            store_url,
            sync,
            instances,
        })
    }

    /// The name of the configuration for messages.
    pub fn describe(&self) -> String {
        match &self.path {
            Some(p) => p.display().to_string(),
            None => "built-in defaults (no configuration file)".to_owned(),
        }
    }
}

/// The text of a configuration file, for turning positions into lines and fields.
struct Doc<'a> {
    text: &'a str,
    path: &'a Path,
}

impl Doc<'_> {
    fn invalid(&self, line: usize, field: String, message: String) -> ConfigError {
        ConfigError::Invalid {
            path: self.path.display().to_string(),
            line,
            field,
            message,
        }
    }

    fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    /// An error at the field `path` (dotted, with `[i]` indexes).
    fn at(&self, field: &str, message: impl Into<String>) -> ConfigError {
        let line = spans(self.text)
            .into_iter()
            .find(|(p, _)| p == field)
            .map(|(_, span)| self.line_of(span.start))
            .unwrap_or(1);
        self.invalid(line, field.to_owned(), message.into())
    }

    /// Maps a TOML syntax or deserialisation error to file, line and field. Only the
    /// message is kept (toml's own rendering quotes the offending line, which could hold a
    /// password).
    fn toml_error(&self, e: &toml::de::Error) -> ConfigError {
        let message = e.message().trim().to_owned();
        let Some(span) = e.span() else {
            return self.invalid(1, "(document)".into(), message);
        };
        let line = self.line_of(span.start);
        let mut field = field_at(self.text, &span).unwrap_or_else(|| "(document)".to_owned());
        if let Some(missing) = message
            .strip_prefix("missing field `")
            .and_then(|m| m.strip_suffix('`'))
        {
            field = if field == "(document)" {
                missing.to_owned()
            } else {
                format!("{field}.{missing}")
            };
        }
        self.invalid(line, field, message)
    }

    fn positive(&self, field: &str, value: Option<i64>, default: u64) -> Result<u64, ConfigError> {
        match value {
            None => Ok(default),
            Some(v) if v >= 1 => Ok(v as u64),
            Some(v) => Err(self.at(field, format!("must be at least 1, got {v}"))),
        }
    }

    fn sync_settings(
        &self,
        raw: RawSync,
        filters: BTreeMap<String, RawFilter>,
    ) -> Result<SyncSettings, ConfigError> {
        let defaults = SyncSettings::default();
        let concurrency = self.positive("sync.concurrency", raw.concurrency, defaults.concurrency as u64)?;
        let timeout = self.positive(
            "sync.instance_timeout_secs",
            raw.instance_timeout_secs,
            defaults.instance_timeout.as_secs(),
        )?;
        let lease_default = defaults.stale_lease.as_secs().max(timeout * 2);
        let lease = self.positive("sync.stale_lease_secs", raw.stale_lease_secs, lease_default)?;
        if lease <= timeout {
            return Err(self.at(
                "sync.stale_lease_secs",
                format!(
                    "must be longer than instance_timeout_secs ({timeout}), or records still being read would \
                     be recovered as stale"
                ),
            ));
        }
        let time_zone = match raw.time_zone {
            None => defaults.time_zone,
            Some(name) => name.parse::<Tz>().map_err(|_| {
                self.at(
                    "sync.time_zone",
                    format!(
                        "unknown time zone {name:?}; use an IANA name such as \"UTC\" or \"Europe/Paris\""
                    ),
                )
            })?,
        };
        let fingerprint_key = match raw.fingerprint_key_env {
            None => None,
            Some(var) => match std::env::var(&var) {
                Ok(secret) if !secret.trim().is_empty() => {
                    Some(FingerprintKey::from_secret(&SecretString::from(secret)))
                }
                _ => {
                    return Err(self.at(
                        "sync.fingerprint_key_env",
                        format!("the environment variable {var:?} is not set or empty"),
                    ));
                }
            },
        };
        let mut out = defaults.filters;
        for (family, raw_filter) in filters {
            let field = format!("filters.{family}");
            let db_type = supported_db_type(&family).map_err(|m| self.at(&field, m))?;
            let mut filter = if raw_filter.keep_defaults.unwrap_or(true) {
                AccountFilter::default_for(db_type)
            } else {
                AccountFilter::default()
            };
            for p in raw_filter.exclude {
                let pattern = match p {
                    RawPattern::Name(name) => AccountPattern::name(name),
                    RawPattern::Full(p) => p,
                };
                if pattern.name.is_empty() && pattern.host.is_none() {
                    return Err(self.at(
                        &format!("{field}.exclude"),
                        "an empty pattern would match nothing",
                    ));
                }
                if !filter.exclude.contains(&pattern) {
                    filter.exclude.push(pattern);
                }
            }
            if let Some(x) = raw_filter.exclude_system {
                filter.exclude_system = x;
            }
            out.insert(db_type, filter);
        }
        Ok(SyncSettings {
            concurrency: concurrency as usize,
            instance_timeout: Duration::from_secs(timeout),
            stale_lease: Duration::from_secs(lease),
            time_zone,
            filters: out,
            fingerprint_key,
        })
    }

    fn instance(&self, i: usize, raw: RawInstance, base: &Path) -> Result<NewInstance, ConfigError> {
        let f = |name: &str| format!("instances[{i}].{name}");
        if let Some(p) = &raw.password {
            return Err(self.invalid(
                self.line_of(p.span().start),
                f("password"),
                "a password written in the configuration is refused; put it in an environment variable \
                 (password_env = \"VAR\") or a file readable only by you (password_file = \"path\")"
                    .into(),
            ));
        }
        let db_type = supported_db_type(&raw.db_type).map_err(|m| self.at(&f("db_type"), m))?;
        let default_port = if db_type == DbType::Mysql { 3306 } else { 5432 };
        let secret = match (raw.password_env, raw.password_file) {
            (Some(_), Some(_)) => {
                return Err(self.at(
                    &f("password_file"),
                    "give either password_env or password_file, not both",
                ));
            }
            (Some(var), None) => SecretSource::Env { var },
            (None, Some(path)) => SecretSource::File {
                path: secrets::resolve(base, path),
            },
            (None, None) => SecretSource::None,
        };
        let new = NewInstance {
            name: raw.name,
            db_type,
            host: raw.host,
            port: raw.port.unwrap_or(default_port),
            database: raw.database,
            inspect_databases: raw.databases,
            is_active: raw.active.unwrap_or(true),
            credential: CredentialRef {
                user: raw.user,
                secret,
            },
        };
        check_instance(&new).map_err(|p| self.at(&f(p.field), p.message))?;
        Ok(new)
    }
}

/// The server families a connector reads (`mysql`, `postgresql`). The core also knows
/// reserved names (`sqlserver`, `oracle`); they are refused here with their own message, and
/// an unknown name lists only the supported ones.
/// The server family `name`, when a connector reads it; the error lists the supported ones.
pub(crate) fn supported_db_type(name: &str) -> Result<DbType, String> {
    match name.parse::<DbType>() {
        Ok(t @ (DbType::Mysql | DbType::Postgresql)) => Ok(t),
        Ok(other) => Err(format!(
            "{other} is reserved: no connector reads it yet (use mysql or postgresql)"
        )),
        Err(_) => Err(format!(
            "unknown db type {name:?}; allowed values: mysql, postgresql"
        )),
    }
}
