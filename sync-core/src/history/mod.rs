//! The history view (DOMAIN.md section 6) as pure functions over plain data.
//!
//! These functions are the reference semantics: every store's history queries must return
//! exactly what [`history_page`], [`batch_details`], [`failed_details`] and
//! [`session_details`] return on the same data.
//!
//! | rule | file |
//! |---|---|
//! | filters and time-range presets | `filter.rs`, `resolve.rs` |
//! | grouping, sums, derived status, order | `grouping.rs` |
//! | pagination and page strip | `pagination.rs` |
//! | batch / failed / session details | `details.rs` |

pub mod details;
pub mod filter;
pub mod grouping;
pub mod model;
pub mod pagination;
pub mod query;
pub mod resolve;

pub use details::{batch_details, failed_details, latest_per_instance, session_details};
pub use filter::{filter_sessions, matches};
pub use grouping::{derive_status, group_key, group_sessions, minute_of, sort_newest_first};
pub use model::{
    BatchDetails, GroupKey, HistoryGroup, HistoryPage, Page, PageLink, SessionDetails, SessionWithItems,
};
pub use pagination::{page_strip, paginate};
pub use query::{DEFAULT_PER_PAGE, HistoryQuery, HistoryRequest, MAX_PER_PAGE, PageRequest, TimeRange};

/// One page of the history: filter `sessions` by `query`, group, order newest first, and cut
/// page `query.page`.
pub fn history_page(sessions: &[SessionWithItems], query: &HistoryQuery) -> HistoryPage {
    paginate(group_sessions(filter_sessions(sessions, query)), query.page)
}
