//! Stored entries of the account change log.

use super::diff::ChangeDetail;
use super::key::AccountKey;
use super::snapshot::AccountKind;
use crate::domain::{ChangeKind, InstanceId, SessionId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One row of the change log of an instance, as a store returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeLogEntry {
    /// Store-assigned id (increasing).
    pub id: i64,
    /// The instance.
    pub instance_id: InstanceId,
    /// The account.
    pub key: AccountKey,
    /// What happened.
    pub kind: ChangeKind,
    /// The account's kind.
    pub account_kind: AccountKind,
    /// The session that observed it.
    pub session_id: SessionId,
    /// When it was written.
    pub at: DateTime<Utc>,
    /// The exact facts that changed.
    pub detail: ChangeDetail,
}

/// Which change-log rows to return, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeQuery {
    /// The instance.
    pub instance_id: InstanceId,
    /// Only changes at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// At most this many rows (`None`: all).
    pub limit: Option<u32>,
}
