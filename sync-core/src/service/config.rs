//! [`ServiceConfig`]: concurrency, timeouts, lease, account filters, time zone.

use super::error::ServiceError;
use crate::account::{AccountFilter, FingerprintKey};
use crate::domain::DbType;
use chrono_tz::Tz;
use std::collections::BTreeMap;
use std::time::Duration;

/// How the service runs. [`ServiceConfig::default`] gives sensible values; change fields and
/// let [`SyncServiceBuilder::build`](super::SyncServiceBuilder::build) validate them.
///
/// ```
/// use std::time::Duration;
/// use sync_core::service::ServiceConfig;
/// let config = ServiceConfig {
///     concurrency: 16,
///     instance_timeout: Duration::from_secs(30),
///     ..ServiceConfig::default()
/// };
/// assert!(config.validate().is_ok());
/// let bad = ServiceConfig { concurrency: 0, ..ServiceConfig::default() };
/// assert_eq!(
///     bad.validate().unwrap_err().to_string(),
///     "invalid service configuration: concurrency must be at least 1, got 0"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceConfig {
    /// Instances read at the same time by one run (at least 1).
    pub concurrency: usize,
    /// Budget of one instance: obtaining its credential and reading its accounts. Passed to
    /// the connector as [`ConnectTarget::timeout`](crate::traits::ConnectTarget::timeout) and
    /// enforced by the service.
    pub instance_timeout: Duration,
    /// A record `running` for longer than this belongs to a worker that died; recovery fails
    /// it. Must exceed `instance_timeout`.
    pub stale_lease: Duration,
    /// Accounts left out, per server family; a family without an entry uses
    /// [`AccountFilter::default_for`].
    pub filters: BTreeMap<DbType, AccountFilter>,
    /// Where "today" of the history starts, unless a call gives its own zone.
    pub time_zone: Tz,
    /// Progress events kept for a slow reader of the event stream before it skips ahead.
    pub event_buffer: usize,
    /// The deployment's secret key for credential fingerprints: when set, every fingerprint
    /// a connector reports is re-keyed under it before it is diffed and stored (see
    /// [`FingerprintKey`]). `None` (the default) stores the connectors' fixed-key
    /// fingerprints.
    pub fingerprint_key: Option<FingerprintKey>,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            concurrency: 8,
            instance_timeout: Duration::from_secs(60),
            stale_lease: Duration::from_secs(15 * 60),
            filters: BTreeMap::new(),
            time_zone: Tz::UTC,
            event_buffer: 1024,
            fingerprint_key: None,
        }
    }
}

/// The longest `instance_timeout` and `stale_lease` accepted: a year. Longer values are
/// mistakes, and they would overflow time arithmetic.
pub const MAX_DURATION: Duration = Duration::from_secs(366 * 24 * 3600);

impl ServiceConfig {
    /// Checks the values; the error says which one is wrong and why.
    pub fn validate(&self) -> Result<(), ServiceError> {
        let bad = |m: String| Err(ServiceError::InvalidConfig(m));
        if self.concurrency < 1 {
            return bad(format!(
                "concurrency must be at least 1, got {}",
                self.concurrency
            ));
        }
        if self.instance_timeout.is_zero() {
            return bad("instance_timeout must be longer than zero".into());
        }
        for (name, value) in [
            ("instance_timeout", self.instance_timeout),
            ("stale_lease", self.stale_lease),
        ] {
            if value > MAX_DURATION {
                return bad(format!(
                    "{name} ({value:?}) must be at most {MAX_DURATION:?} (366 days)"
                ));
            }
        }
        if self.stale_lease <= self.instance_timeout {
            return bad(format!(
                "stale_lease ({:?}) must be longer than instance_timeout ({:?}), or live records would be \
                 recovered as stale",
                self.stale_lease, self.instance_timeout
            ));
        }
        if self.event_buffer < 1 {
            return bad("event_buffer must be at least 1".into());
        }
        Ok(())
    }

    /// The account filter for `db_type`.
    pub fn filter_for(&self, db_type: DbType) -> AccountFilter {
        self.filters
            .get(&db_type)
            .cloned()
            .unwrap_or_else(|| AccountFilter::default_for(db_type))
    }
}
