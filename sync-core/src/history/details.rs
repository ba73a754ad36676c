//! Batch, failed and session details.

use super::model::{BatchDetails, SessionDetails};
use crate::domain::{InstanceId, InstanceRecord, RecordStatus, SessionId, SyncSession};
use crate::error::QueryError;
use std::collections::{BTreeMap, BTreeSet};

/// Checks a details request: at least one id, and every id known. Returns the distinct ids.
pub fn check_ids(known: &BTreeSet<SessionId>, ids: &[SessionId]) -> Result<BTreeSet<SessionId>, QueryError> {
    if ids.is_empty() {
        return Err(QueryError::EmptyIds);
    }
    let mut missing: Vec<String> = Vec::new();
    for id in ids {
        if !known.contains(id) && !missing.contains(&id.to_string()) {
            missing.push(id.to_string());
        }
    }
    if !missing.is_empty() {
        return Err(QueryError::NotFound(missing));
    }
    Ok(ids.iter().copied().collect())
}

/// Keeps one record per instance id — the newest (`created_at`, tie: larger record id) — and
/// sorts them by instance name, then instance id.
pub fn latest_per_instance<'a>(records: impl IntoIterator<Item = &'a InstanceRecord>) -> Vec<InstanceRecord> {
    let mut best: BTreeMap<InstanceId, &InstanceRecord> = BTreeMap::new();
    for r in records {
        let entry = best.entry(r.instance_id).or_insert(r);
        if (r.created_at, r.id) > (entry.created_at, entry.id) {
            *entry = r;
        }
    }
    let mut out: Vec<InstanceRecord> = best.into_values().cloned().collect();
    out.sort_by(|a, b| {
        a.instance_name
            .cmp(&b.instance_name)
            .then(a.instance_id.cmp(&b.instance_id))
    });
    out
}

fn summarise(session_ids: Vec<SessionId>, records: Vec<InstanceRecord>) -> BatchDetails {
    BatchDetails {
        session_ids,
        completed: records
            .iter()
            .filter(|r| r.status == RecordStatus::Completed)
            .count() as u32,
        failed: records
            .iter()
            .filter(|r| r.status == RecordStatus::Failed)
            .count() as u32,
        items: records.iter().map(|r| r.items).sum(),
        records,
    }
}

/// Every record of the sessions `ids`, one per instance (the newest wins), sorted by instance
/// name, with counts of completed and failed and the summed account counts. `sessions` and
/// `records` may hold more than the requested ones.
pub fn batch_details(
    sessions: &[SyncSession],
    records: &[InstanceRecord],
    ids: &[SessionId],
) -> Result<BatchDetails, QueryError> {
    let known: BTreeSet<SessionId> = sessions.iter().map(|s| s.session_id).collect();
    let wanted = check_ids(&known, ids)?;
    let shown = latest_per_instance(records.iter().filter(|r| wanted.contains(&r.session_id)));
    Ok(summarise(wanted.into_iter().collect(), shown))
}

/// As [`batch_details`], keeping only the instances whose newest record failed.
pub fn failed_details(
    sessions: &[SyncSession],
    records: &[InstanceRecord],
    ids: &[SessionId],
) -> Result<BatchDetails, QueryError> {
    let all = batch_details(sessions, records, ids)?;
    let failed = all
        .records
        .into_iter()
        .filter(|r| r.status == RecordStatus::Failed)
        .collect();
    Ok(summarise(all.session_ids, failed))
}

/// A session with its records sorted by instance name (then record id).
pub fn session_details(session: SyncSession, mut records: Vec<InstanceRecord>) -> SessionDetails {
    records.sort_by(|a, b| a.instance_name.cmp(&b.instance_name).then(a.id.cmp(&b.id)));
    SessionDetails {
        progress: session.progress(),
        items: records.iter().map(|r| r.items).sum(),
        session,
        records,
    }
}
