//! History requests: filters, time-range presets and page requests.

use crate::domain::{SessionStatus, SyncCategory, SyncType};
use crate::error::QueryError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Default page size.
pub const DEFAULT_PER_PAGE: u32 = 20;
/// Largest allowed page size.
pub const MAX_PER_PAGE: u32 = 200;

/// A validated page request: `page >= 1`, `1 <= per_page <= MAX_PER_PAGE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PageRequest {
    page: u32,
    per_page: u32,
}

impl PageRequest {
    /// Validates raw numbers (as a front end receives them).
    pub fn new(page: i64, per_page: i64) -> Result<Self, QueryError> {
        if page < 1 || page > i64::from(u32::MAX) {
            return Err(QueryError::InvalidPage(page));
        }
        if per_page < 1 || per_page > i64::from(MAX_PER_PAGE) {
            return Err(QueryError::InvalidPerPage {
                value: per_page,
                min: 1,
                max: MAX_PER_PAGE,
            });
        }
        Ok(PageRequest {
            page: page as u32,
            per_page: per_page as u32,
        })
    }

    /// Page number, from 1.
    pub fn page(&self) -> u32 {
        self.page
    }

    /// Items per page.
    pub fn per_page(&self) -> u32 {
        self.per_page
    }

    /// Number of items before this page.
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

/// A time range on session `created_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeRange {
    /// Since midnight today in the caller's time zone.
    Today,
    /// The last 7 days.
    Week,
    /// The last 30 days.
    Month,
    /// No bound.
    #[default]
    All,
    /// Explicit bounds: `since` inclusive, `until` exclusive.
    Between {
        /// Lower bound (inclusive).
        since: Option<DateTime<Utc>>,
        /// Upper bound (exclusive).
        until: Option<DateTime<Utc>>,
    },
}

/// What a front end asks for: presets not yet resolved against a clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRequest {
    /// Category of the sessions.
    pub category: SyncCategory,
    /// Only sessions of this type.
    pub sync_type: Option<SyncType>,
    /// Only sessions in this status.
    pub status: Option<SessionStatus>,
    /// Time range on `created_at`.
    pub range: TimeRange,
    /// The page.
    pub page: PageRequest,
}

impl Default for HistoryRequest {
    fn default() -> Self {
        HistoryRequest {
            category: SyncCategory::Account,
            sync_type: None,
            status: None,
            range: TimeRange::All,
            page: PageRequest::default(),
        }
    }
}

/// A history query with its time range resolved to UTC bounds: what stores and the pure
/// rules take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryQuery {
    /// Category of the sessions.
    pub category: SyncCategory,
    /// Only sessions of this type.
    pub sync_type: Option<SyncType>,
    /// Only sessions in this status.
    pub status: Option<SessionStatus>,
    /// `created_at >= since`.
    pub since: Option<DateTime<Utc>>,
    /// `created_at < until`.
    pub until: Option<DateTime<Utc>>,
    /// The page.
    pub page: PageRequest,
}
