//! The history summary: one `history_groups` row per (category, scope, group) and a counter
//! per (category, scope), kept exact in the transactions that add and delete sessions.
//!
//! Scope `*` covers every session of the group; a sync-type scope only that type's sessions
//! (so the history filtered by sync type pages through the summary too). A row's
//! `max_created_at` / `max_session_id` are the maxima over the sessions in its scope: the
//! history order.

use crate::sql::{Backend, marks, row_marks};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, Value};
use std::collections::BTreeMap;
use sync_core::domain::{SessionId, SyncCategory, SyncType};
use sync_core::history::minute_of;

/// The scope covering every sync type.
pub(crate) const ALL_TYPES: &str = "*";

/// The stored group key of a session: `b:<uuid>` (manual_batch), `s:<uuid>`
/// (manual_single), `m:<YYYY-MM-DDTHH:MM>` (task sessions, by UTC minute of `created_at`).
pub(crate) fn group_key(sync_type: SyncType, session_id: SessionId, created_at: DateTime<Utc>) -> String {
    match sync_type {
        SyncType::ManualBatch => format!("b:{session_id}"),
        SyncType::ManualSingle => format!("s:{session_id}"),
        SyncType::ManualTask | SyncType::ScheduledTask => {
            format!("m:{}", minute_of(created_at).format("%Y-%m-%dT%H:%M"))
        }
    }
}

/// What the summary needs to know of a new session.
#[derive(Debug, Clone)]
pub(crate) struct NewMember {
    pub category: SyncCategory,
    pub sync_type: SyncType,
    pub group_key: String,
    pub created_at: DateTime<Utc>,
    pub id: i64,
}

/// The unique lookup key of a summary row.
pub(crate) fn lookup_key(category: &str, scope: &str, group_key: &str) -> String {
    format!("{category}|{scope}|{group_key}")
}

fn backend_of<C: ConnectionTrait>(db: &C) -> Backend {
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => Backend::Postgres,
        sea_orm::DbBackend::MySql => Backend::MySql,
        _ => Backend::Sqlite,
    }
}

/// Adds sessions just inserted (in the caller's transaction) to the summary.
pub(crate) async fn add_members<C: ConnectionTrait>(db: &C, members: &[NewMember]) -> Result<(), DbErr> {
    let b = backend_of(db);
    // (category, scope, group) -> (max created_at, max id) over the new members.
    let mut rows: BTreeMap<(SyncCategory, &str, &str), (DateTime<Utc>, i64)> = BTreeMap::new();
    for m in members {
        for scope in [ALL_TYPES, m.sync_type.as_str()] {
            let e = rows
                .entry((m.category, scope, m.group_key.as_str()))
                .or_insert((m.created_at, m.id));
            e.0 = e.0.max(m.created_at);
            e.1 = e.1.max(m.id);
        }
    }
    for ((category, scope, key), (created_at, id)) in rows {
        let inserted = db
            .execute_raw(b.stmt(
                &format!(
                    "{} history_groups (sync_category, type_scope, group_key, lookup_key, max_created_at, \
                     max_session_id) VALUES (?,?,?,?,?,?){}",
                    b.insert_ignore(),
                    b.on_conflict_ignore()
                ),
                vec![
                    category.as_str().into(),
                    scope.into(),
                    key.into(),
                    lookup_key(category.as_str(), scope, key).into(),
                    created_at.into(),
                    id.into(),
                ],
            ))
            .await?
            .rows_affected();
        if inserted == 1 {
            bump_count(db, b, category.as_str(), scope, 1).await?;
        } else {
            db.execute_raw(b.stmt(
                "UPDATE history_groups SET \
                 max_created_at = CASE WHEN max_created_at < ? THEN ? ELSE max_created_at END, \
                 max_session_id = CASE WHEN max_session_id < ? THEN ? ELSE max_session_id END \
                 WHERE lookup_key = ?",
                vec![
                    created_at.into(),
                    created_at.into(),
                    id.into(),
                    id.into(),
                    lookup_key(category.as_str(), scope, key).into(),
                ],
            ))
            .await?;
        }
    }
    Ok(())
}

/// Adds `delta` to the counter of (category, scope), creating it when missing.
async fn bump_count<C: ConnectionTrait>(
    db: &C,
    b: Backend,
    category: &str,
    scope: &str,
    delta: i64,
) -> Result<(), DbErr> {
    if delta == 0 {
        return Ok(());
    }
    let updated = db
        .execute_raw(b.stmt(
            "UPDATE history_group_counts SET group_count = group_count + ? \
             WHERE sync_category = ? AND type_scope = ?",
            vec![delta.into(), category.into(), scope.into()],
        ))
        .await?
        .rows_affected();
    if updated == 0 {
        db.execute_raw(b.stmt(
            "INSERT INTO history_group_counts (sync_category, type_scope, group_count) VALUES (?,?,?)",
            vec![category.into(), scope.into(), delta.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Recomputes the summary rows of `groups` (category, group key) from the sessions that
/// remain, after sessions were deleted or imported in the caller's transaction: rows whose
/// scope has no session left are removed (and counted down), the others are written with
/// their new maxima (and counted up when new). Every statement looks rows up by group key or
/// lookup key only, so its cost is O(groups) whatever plan statistics say.
pub(crate) async fn refresh_groups<C: ConnectionTrait>(
    db: &C,
    groups: &[(String, String)],
) -> Result<(), DbErr> {
    let b = backend_of(db);
    for chunk in groups.chunks(500) {
        let wanted: std::collections::BTreeSet<(&str, &str)> =
            chunk.iter().map(|(c, k)| (c.as_str(), k.as_str())).collect();
        let mut keys: Vec<&str> = chunk.iter().map(|(_, k)| k.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        // What remains, per (category, scope, group).
        let rows = db
            .query_all_raw(b.stmt(
                &format!(
                    "SELECT sync_category, group_key, sync_type, MAX(created_at) AS mc, MAX(id) AS mi \
                     FROM sync_sessions WHERE group_key IN ({}) GROUP BY sync_category, group_key, sync_type",
                    marks(keys.len())
                ),
                keys.iter().map(|k| Value::from(*k)).collect(),
            ))
            .await?;
        let mut remain: BTreeMap<(String, String, String), (DateTime<Utc>, i64)> = BTreeMap::new();
        for r in rows {
            let category: String = r.try_get("", "sync_category")?;
            let key: String = r.try_get("", "group_key")?;
            if !wanted.contains(&(category.as_str(), key.as_str())) {
                continue;
            }
            let ty: String = r.try_get("", "sync_type")?;
            let mc: DateTime<Utc> = r.try_get("", "mc")?;
            let mi: i64 = r.try_get("", "mi")?;
            for scope in [ALL_TYPES.to_owned(), ty] {
                let e = remain
                    .entry((category.clone(), scope, key.clone()))
                    .or_insert((mc, mi));
                e.0 = e.0.max(mc);
                e.1 = e.1.max(mi);
            }
        }
        let categories: std::collections::BTreeSet<&str> = wanted.iter().map(|(c, _)| *c).collect();
        for category in categories {
            for scope in std::iter::once(ALL_TYPES).chain(SyncType::ALL.iter().map(|t| t.as_str())) {
                let lookups: Vec<Value> = wanted
                    .iter()
                    .filter(|(c, _)| *c == category)
                    .map(|(c, k)| Value::from(lookup_key(c, scope, k)))
                    .collect();
                let deleted = db
                    .execute_raw(b.stmt(
                        &format!(
                            "DELETE FROM history_groups WHERE lookup_key IN ({})",
                            marks(lookups.len())
                        ),
                        lookups,
                    ))
                    .await?
                    .rows_affected();
                let again: Vec<(&String, &(DateTime<Utc>, i64))> = remain
                    .iter()
                    .filter(|((c, s, _), _)| c == category && s == scope)
                    .map(|((_, _, k), v)| (k, v))
                    .collect();
                if !again.is_empty() {
                    let mut values: Vec<Value> = Vec::with_capacity(again.len() * 6);
                    for (k, (mc, mi)) in &again {
                        values.extend([
                            category.into(),
                            scope.into(),
                            k.as_str().into(),
                            lookup_key(category, scope, k).into(),
                            (*mc).into(),
                            (*mi).into(),
                        ]);
                    }
                    db.execute_raw(b.stmt(
                        &format!(
                            "INSERT INTO history_groups \
                             (sync_category, type_scope, group_key, lookup_key, max_created_at, max_session_id) \
                             VALUES {}",
                            row_marks(again.len(), 6)
                        ),
                        values,
                    ))
                    .await?;
                }
                let delta = again.len() as i64 - deleted as i64;
                bump_count(db, b, category, scope, delta).await?;
            }
        }
    }
    Ok(())
}

/// Rebuilds the whole summary from `sync_sessions` (after a bulk import, or to repair it).
pub(crate) async fn rebuild_all<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    let b = backend_of(db);
    db.execute_raw(b.stmt("DELETE FROM history_groups", vec![]))
        .await?;
    let concat = |parts: &[&str]| match b {
        Backend::MySql => format!("CONCAT({})", parts.join(", ")),
        _ => parts.join(" || "),
    };
    let all_key = concat(&["sync_category", "'|*|'", "group_key"]);
    let type_key = concat(&["sync_category", "'|'", "sync_type", "'|'", "group_key"]);
    db.execute_raw(b.stmt(
        &format!(
            "INSERT INTO history_groups (sync_category, type_scope, group_key, lookup_key, max_created_at, \
             max_session_id) SELECT sync_category, '*', group_key, {all_key}, MAX(created_at), MAX(id) \
             FROM sync_sessions GROUP BY sync_category, group_key"
        ),
        vec![],
    ))
    .await?;
    db.execute_raw(b.stmt(
        &format!(
            "INSERT INTO history_groups (sync_category, type_scope, group_key, lookup_key, max_created_at, \
             max_session_id) SELECT sync_category, sync_type, group_key, {type_key}, MAX(created_at), MAX(id) \
             FROM sync_sessions GROUP BY sync_category, sync_type, group_key"
        ),
        vec![],
    ))
    .await?;
    db.execute_raw(b.stmt("DELETE FROM history_group_counts", vec![]))
        .await?;
    let scopes: Vec<&str> = std::iter::once(ALL_TYPES)
        .chain(SyncType::ALL.iter().map(|t| t.as_str()))
        .collect();
    let mut values: Vec<Value> = Vec::new();
    let mut n = 0;
    for c in SyncCategory::ALL {
        for s in &scopes {
            values.extend([c.as_str().into(), (*s).into(), 0i64.into()]);
            n += 1;
        }
    }
    db.execute_raw(b.stmt(
        &format!(
            "INSERT INTO history_group_counts (sync_category, type_scope, group_count) VALUES {}",
            row_marks(n, 3)
        ),
        values,
    ))
    .await?;
    db.execute_raw(b.stmt(
        "UPDATE history_group_counts SET group_count = (SELECT COUNT(*) FROM history_groups g \
         WHERE g.sync_category = history_group_counts.sync_category \
         AND g.type_scope = history_group_counts.type_scope)",
        vec![],
    ))
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn lookup_keys_join_category_scope_and_group() {
        assert_eq!(
            lookup_key("account", "*", "m:2026-01-02T12:00"),
            "account|*|m:2026-01-02T12:00"
        );
    }

    #[test]
    fn keys_by_type_and_minute() {
        let id = SessionId(Uuid::from_u128(1));
        let t = DateTime::parse_from_rfc3339("2026-01-02T12:00:59.999Z")
            .unwrap()
            .to_utc();
        assert_eq!(group_key(SyncType::ManualTask, id, t), "m:2026-01-02T12:00");
        assert_eq!(
            group_key(SyncType::ScheduledTask, id, t + chrono::Duration::milliseconds(1)),
            "m:2026-01-02T12:01"
        );
        assert_eq!(
            group_key(SyncType::ManualBatch, id, t),
            "b:00000000-0000-0000-0000-000000000001"
        );
        assert_eq!(
            group_key(SyncType::ManualSingle, id, t),
            "s:00000000-0000-0000-0000-000000000001"
        );
    }
}
