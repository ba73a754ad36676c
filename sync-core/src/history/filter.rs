//! Which sessions a history query selects (before grouping).

use super::model::SessionWithItems;
use super::query::HistoryQuery;
use crate::domain::SyncSession;

/// Whether `session` passes the category, type, status and `created_at` filters of `query`
/// (`since` inclusive, `until` exclusive).
pub fn matches(session: &SyncSession, query: &HistoryQuery) -> bool {
    session.sync_category == query.category
        && query.sync_type.is_none_or(|t| session.sync_type == t)
        && query.status.is_none_or(|s| session.status == s)
        && query.since.is_none_or(|since| session.created_at >= since)
        && query.until.is_none_or(|until| session.created_at < until)
}

/// The sessions of `sessions` that pass `query`'s filters, in input order.
pub fn filter_sessions<'a>(
    sessions: &'a [SessionWithItems],
    query: &HistoryQuery,
) -> Vec<&'a SessionWithItems> {
    sessions.iter().filter(|s| matches(&s.session, query)).collect()
}
