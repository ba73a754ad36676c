//! The history view (DOMAIN.md section 6) as pure functions over plain data.
//!
//! These functions are the reference semantics: every store's history queries must return
//! exactly what they return on the same data.

pub mod model;
pub mod query;

pub use model::{
    BatchDetails, GroupKey, HistoryGroup, HistoryPage, Page, PageLink, SessionDetails, SessionWithItems,
};
pub use query::{DEFAULT_PER_PAGE, HistoryQuery, HistoryRequest, MAX_PER_PAGE, PageRequest, TimeRange};
