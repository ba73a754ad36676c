//! [`SyncObserver`]: hooks for alerts and metrics.

use super::events::{InstanceFailure, SyncSummary};
use crate::account::{AccountDiff, AccountKey, AttrValue, attr};
use crate::domain::{ChangeKind, InstanceId, SessionId};

/// The account changes one instance record wrote.
#[derive(Debug, Clone, Copy)]
pub struct AccountChanges<'a> {
    /// The session.
    pub session_id: SessionId,
    /// The record.
    pub record_id: i64,
    /// The instance.
    pub instance_id: InstanceId,
    /// Its name.
    pub instance_name: &'a str,
    /// What changed (never empty when an observer sees it).
    pub diff: &'a AccountDiff,
}

impl AccountChanges<'_> {
    /// Accounts that are superusers now and were not before: added or reactivated superusers,
    /// and accounts whose `superuser` attribute became true.
    pub fn new_superusers(&self) -> Vec<&AccountKey> {
        self.diff
            .changes
            .iter()
            .filter(|c| c.snapshot.as_ref().is_some_and(|s| s.is_superuser()))
            .filter(|c| match c.kind {
                ChangeKind::Added | ChangeKind::Reactivated => true,
                ChangeKind::Modified => c
                    .detail
                    .attributes
                    .iter()
                    .any(|a| a.name == attr::SUPERUSER && a.before != Some(AttrValue::Bool(true))),
                ChangeKind::Removed => false,
            })
            .map(|c| &c.key)
            .collect()
    }
}

/// Called by the service as things happen, so a platform can plug in alerts and metrics.
/// Every method has a no-op default. Methods are called inline on the run's tasks: keep them
/// quick and hand slow work (HTTP calls, e-mail) to a task of your own.
///
/// ```
/// use sync_core::service::{AccountChanges, SyncObserver};
/// struct SuperuserAlert;
/// impl SyncObserver for SuperuserAlert {
///     fn on_account_changes(&self, changes: &AccountChanges<'_>) {
///         for key in changes.new_superusers() {
///             eprintln!("new superuser {key} on {}", changes.instance_name);
///         }
///     }
/// }
/// ```
pub trait SyncObserver: Send + Sync {
    /// An instance record failed (also for records failed by the stale-record recovery).
    fn on_instance_failed(&self, failure: &InstanceFailure) {
        let _ = failure;
    }

    /// A session reached its end: it is terminal and every record is terminal. Called once
    /// per session, by the operation that finished its last record (or cancelled it).
    fn on_session_end(&self, summary: &SyncSummary) {
        let _ = summary;
    }

    /// An instance record wrote account changes (added, reactivated, modified or removed).
    fn on_account_changes(&self, changes: &AccountChanges<'_>) {
        let _ = changes;
    }
}
