//! What the history view returns: groups, pages, details.

use crate::domain::{InstanceRecord, ItemCounts, SessionId, SessionStatus, SyncSession, SyncType};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A session together with the sum of its records' account counts: the input row of the
/// history rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionWithItems {
    /// The session.
    pub session: SyncSession,
    /// Sum of `items` over its records.
    pub items: ItemCounts,
}

/// What identifies a history group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum GroupKey {
    /// A `manual_batch` session.
    Batch(SessionId),
    /// The UTC minute (truncated) shared by `manual_task` and `scheduled_task` sessions.
    Minute(DateTime<Utc>),
    /// A `manual_single` session (never grouped).
    Single(SessionId),
}

/// One row of the history: a group of sessions with summed statistics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryGroup {
    /// The group's identity.
    pub key: GroupKey,
    /// Distinct sync types present, in [`SyncType::ALL`] order.
    pub sync_types: Vec<SyncType>,
    /// Derived from the members (see the grouping rules).
    pub status: SessionStatus,
    /// Member session ids, oldest first (created_at, then integer id).
    pub session_ids: Vec<SessionId>,
    /// Sum of `total_instances`.
    pub total_instances: u64,
    /// Sum of `successful_instances`.
    pub successful_instances: u64,
    /// Sum of `failed_instances`.
    pub failed_instances: u64,
    /// Sum of `cancelled_instances`.
    pub cancelled_instances: u64,
    /// Sum of the members' account counts.
    pub items: ItemCounts,
    /// Earliest member start.
    pub started_at: Option<DateTime<Utc>>,
    /// Latest member completion; `None` while any member is not terminal.
    pub completed_at: Option<DateTime<Utc>>,
    /// Latest member creation (the order key).
    pub created_at: DateTime<Utc>,
    /// Largest member integer id (the order tie-break).
    pub last_id: i64,
}

/// An entry of the page-number strip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PageLink {
    /// A page number to show.
    Page(u32),
    /// A gap marker (`…`).
    Gap,
}

/// One page of a list, with everything a pager needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The items of this page (empty past the end).
    pub items: Vec<T>,
    /// This page's number (from 1).
    pub page: u32,
    /// Requested page size.
    pub per_page: u32,
    /// Number of items over all pages.
    pub total: u64,
    /// Number of pages (0 when total is 0).
    pub pages: u32,
    /// `page > 1`.
    pub has_prev: bool,
    /// `page < pages`.
    pub has_next: bool,
    /// `page - 1` when `has_prev`.
    pub prev_num: Option<u32>,
    /// `page + 1` when `has_next`.
    pub next_num: Option<u32>,
    /// Page numbers to show, with gap markers (Flask-SQLAlchemy's `iter_pages(2, 2, 3, 2)`).
    pub strip: Vec<PageLink>,
}

/// A page of history groups.
pub type HistoryPage = Page<HistoryGroup>;

/// The records of a set of sessions, one per instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchDetails {
    /// The requested session ids.
    pub session_ids: Vec<SessionId>,
    /// One record per instance id (newest wins; tie: larger record id), sorted by instance
    /// name (then instance id).
    pub records: Vec<InstanceRecord>,
    /// Records shown that completed.
    pub completed: u32,
    /// Records shown that failed.
    pub failed: u32,
    /// Sum of the shown records' account counts.
    pub items: ItemCounts,
}

/// One session with all its records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionDetails {
    /// The session.
    pub session: SyncSession,
    /// Its records, sorted by instance name (then record id).
    pub records: Vec<InstanceRecord>,
    /// Sum of the records' account counts.
    pub items: ItemCounts,
    /// The session's progress.
    pub progress: f64,
}
