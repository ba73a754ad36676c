//! Grouping sessions into history rows and summing their statistics (DOMAIN.md section 6).
//!
//! - `manual_batch`: one group per session.
//! - `manual_task` and `scheduled_task`: one group per UTC minute of `created_at`, shared by
//!   both types (12:00:00 and 12:00:59 share; 12:00:59 and 12:01:00 do not).
//! - `manual_single`: never grouped.
//!
//! Statistics are **sums** over every member. Status: `running` if any member is running or
//! pending; else `paused` if any is paused; else `failed` if any failed; else `cancelled` if all
//! were cancelled; else `completed`. Order: newest first by the latest `created_at`, ties by the
//! largest integer session id.

use super::model::{GroupKey, HistoryGroup, SessionWithItems};
use crate::domain::{SessionStatus, SyncSession, SyncType};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// `t` truncated to its UTC minute.
pub fn minute_of(t: DateTime<Utc>) -> DateTime<Utc> {
    let secs = t.timestamp().div_euclid(60) * 60;
    DateTime::from_timestamp(secs, 0).unwrap_or(t)
}

/// The group a session belongs to.
pub fn group_key(session: &SyncSession) -> GroupKey {
    match session.sync_type {
        SyncType::ManualBatch => GroupKey::Batch(session.session_id),
        SyncType::ManualSingle => GroupKey::Single(session.session_id),
        SyncType::ManualTask | SyncType::ScheduledTask => GroupKey::Minute(minute_of(session.created_at)),
    }
}

/// The status of a group derived from its members' statuses.
pub fn derive_status(statuses: impl IntoIterator<Item = SessionStatus>) -> SessionStatus {
    let (mut open, mut paused, mut failed, mut all_cancelled, mut any) = (false, false, false, true, false);
    for s in statuses {
        any = true;
        match s {
            SessionStatus::Pending | SessionStatus::Running => open = true,
            SessionStatus::Paused => paused = true,
            SessionStatus::Failed => failed = true,
            _ => {}
        }
        all_cancelled &= s == SessionStatus::Cancelled;
    }
    if open {
        SessionStatus::Running
    } else if paused {
        SessionStatus::Paused
    } else if failed {
        SessionStatus::Failed
    } else if any && all_cancelled {
        SessionStatus::Cancelled
    } else {
        SessionStatus::Completed
    }
}

/// Builds one group from its members (at least one).
fn build_group(key: GroupKey, mut members: Vec<&SessionWithItems>) -> HistoryGroup {
    members.sort_by_key(|m| (m.session.created_at, m.session.id));
    let sessions = || members.iter().map(|m| &m.session);
    let any_open = sessions().any(|s| !s.status.is_terminal());
    HistoryGroup {
        key,
        sync_types: SyncType::ALL
            .iter()
            .copied()
            .filter(|t| sessions().any(|s| s.sync_type == *t))
            .collect(),
        status: derive_status(sessions().map(|s| s.status)),
        session_ids: sessions().map(|s| s.session_id).collect(),
        total_instances: sessions().map(|s| u64::from(s.total_instances)).sum(),
        successful_instances: sessions().map(|s| u64::from(s.successful_instances)).sum(),
        failed_instances: sessions().map(|s| u64::from(s.failed_instances)).sum(),
        cancelled_instances: sessions().map(|s| u64::from(s.cancelled_instances)).sum(),
        items: members.iter().map(|m| m.items).sum(),
        started_at: sessions().filter_map(|s| s.started_at).min(),
        completed_at: if any_open {
            None
        } else {
            sessions().filter_map(|s| s.completed_at).max()
        },
        created_at: sessions()
            .map(|s| s.created_at)
            .max()
            .expect("a group has members"),
        last_id: sessions().map(|s| s.id).max().expect("a group has members"),
    }
}

/// Groups `sessions` (already filtered) and orders the groups newest first.
pub fn group_sessions<'a>(sessions: impl IntoIterator<Item = &'a SessionWithItems>) -> Vec<HistoryGroup> {
    let mut by_key: BTreeMap<GroupKey, Vec<&SessionWithItems>> = BTreeMap::new();
    for s in sessions {
        by_key.entry(group_key(&s.session)).or_default().push(s);
    }
    let mut groups: Vec<HistoryGroup> = by_key.into_iter().map(|(k, m)| build_group(k, m)).collect();
    sort_newest_first(&mut groups);
    groups
}

/// The history order: latest `created_at` first, then largest `last_id` first.
pub fn sort_newest_first(groups: &mut [HistoryGroup]) {
    groups.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.last_id.cmp(&a.last_id)));
}
