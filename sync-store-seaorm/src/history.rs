//! [`HistoryStore`]: the history view in SQL, costing O(page).
//!
//! 1. **Which groups are on the page, and how many groups there are.**
//!    - No status and no time filter (the default view, optionally by sync type): an index
//!      walk over `history_groups` (scope `*` or the sync type) ordered by
//!      `(max_created_at DESC, max_session_id DESC)` with `LIMIT/OFFSET`, and the total from
//!      `history_group_counts`: O(offset + page), independent of the number of sessions.
//!    - Otherwise: the matching sessions grouped in SQL (`GROUP BY group_key` ordered by
//!      `MAX(created_at) DESC, MAX(id) DESC`, `LIMIT/OFFSET`, `COUNT(DISTINCT group_key)`),
//!      which costs O(matching sessions) — bounded by the time range or status selected.
//! 2. **The page's groups**: the matching member sessions of those groups only (one query)
//!    and their records' account sums (one query), grouped and summed by
//!    [`sync_core::history::group_sessions`] — the reference rules — and paged with
//!    [`sync_core::history::Page::assemble`].

use crate::SeaStore;
use crate::convert;
use crate::entities::{instance_record, sync_session};
use crate::sql::{Backend, marks, micros};
use crate::summary::ALL_TYPES;
use async_trait::async_trait;
use sea_orm::{
    AccessMode, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, IsolationLevel, QueryFilter,
    TransactionTrait, Value,
};
use std::collections::BTreeMap;
use sync_core::domain::{InstanceRecord, ItemCounts, SessionId, SyncSession};
use sync_core::error::QueryError;
use sync_core::history::{
    self, BatchDetails, HistoryPage, HistoryQuery, Page, SessionDetails, SessionWithItems, group_sessions,
};
use sync_core::traits::{HistoryStore, StoreError};

/// Session ids per `IN (…)` list.
const ID_BATCH: usize = 500;

/// `WHERE` clause (without the keyword) and values of the session filters of `q`.
fn session_filter(q: &HistoryQuery) -> (String, Vec<Value>) {
    let mut sql = String::from("sync_category = ?");
    let mut values: Vec<Value> = vec![q.category.as_str().into()];
    if let Some(t) = q.sync_type {
        sql.push_str(" AND sync_type = ?");
        values.push(t.as_str().into());
    }
    if let Some(s) = q.status {
        sql.push_str(" AND status = ?");
        values.push(s.as_str().into());
    }
    if let Some(since) = q.since {
        sql.push_str(" AND created_at >= ?");
        values.push(since_bound(since).into());
    }
    if let Some(until) = q.until {
        sql.push_str(" AND created_at < ?");
        values.push(since_bound(until).into());
    }
    (sql, values)
}

/// Stored times are truncated to microseconds; a bound with finer precision compares as
/// the next microsecond up (`t >= 1.0000005` holds for no stored `t` below `1.000001`).
fn since_bound(t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    let m = micros(t);
    if m == t {
        m
    } else {
        m + chrono::Duration::microseconds(1)
    }
}

/// `q` with its time bounds as the SQL compares them (see [`since_bound`]), for filtering
/// stored rows in Rust exactly as the SQL did.
fn stored_bounds(q: &HistoryQuery) -> HistoryQuery {
    HistoryQuery {
        since: q.since.map(since_bound),
        until: q.until.map(since_bound),
        ..q.clone()
    }
}

/// Whether the summary tables answer `q` (no status and no time filter).
fn summary_answers(q: &HistoryQuery) -> bool {
    q.status.is_none() && q.since.is_none() && q.until.is_none()
}

impl SeaStore {
    /// A read transaction with one snapshot for the count and the page.
    async fn begin_read(&self) -> Result<DatabaseTransaction, StoreError> {
        let txn = match self.backend {
            Backend::Sqlite => self.db.begin().await,
            _ => {
                self.db
                    .begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly))
                    .await
            }
        };
        txn.map_err(|e| self.err(e))
    }

    /// The total number of groups and the keys of the groups on the requested page, in
    /// history order.
    async fn page_keys(
        &self,
        txn: &DatabaseTransaction,
        q: &HistoryQuery,
    ) -> Result<(u64, Vec<String>), StoreError> {
        let b = self.backend;
        let limit = i64::from(q.page.per_page());
        let offset = i64::try_from(q.page.offset()).unwrap_or(i64::MAX);
        let (total, rows) = if summary_answers(q) {
            let scope = q.sync_type.map_or(ALL_TYPES, |t| t.as_str());
            let total = txn
                .query_one_raw(b.stmt(
                    "SELECT group_count FROM history_group_counts WHERE sync_category = ? AND type_scope = ?",
                    vec![q.category.as_str().into(), scope.into()],
                ))
                .await
                .map_err(|e| self.err(e))?
                .map(|r| r.try_get::<i64>("", "group_count"))
                .transpose()
                .map_err(|e| self.err(e))?
                .unwrap_or(0);
            let rows = txn
                .query_all_raw(b.stmt(
                    "SELECT group_key FROM history_groups WHERE sync_category = ? AND type_scope = ? \
                     ORDER BY max_created_at DESC, max_session_id DESC LIMIT ? OFFSET ?",
                    vec![
                        q.category.as_str().into(),
                        scope.into(),
                        limit.into(),
                        offset.into(),
                    ],
                ))
                .await
                .map_err(|e| self.err(e))?;
            (total, rows)
        } else {
            let (filter, values) = session_filter(q);
            let total = txn
                .query_one_raw(b.stmt(
                    &format!("SELECT COUNT(DISTINCT group_key) AS n FROM sync_sessions WHERE {filter}"),
                    values.clone(),
                ))
                .await
                .map_err(|e| self.err(e))?
                .map(|r| r.try_get::<i64>("", "n"))
                .transpose()
                .map_err(|e| self.err(e))?
                .unwrap_or(0);
            let mut values = values;
            values.extend([limit.into(), offset.into()]);
            let rows = txn
                .query_all_raw(b.stmt(
                    &format!(
                        "SELECT group_key, MAX(created_at) AS mc, MAX(id) AS mi FROM sync_sessions WHERE {filter} \
                         GROUP BY group_key ORDER BY mc DESC, mi DESC LIMIT ? OFFSET ?"
                    ),
                    values,
                ))
                .await
                .map_err(|e| self.err(e))?;
            (total, rows)
        };
        let keys = rows
            .iter()
            .map(|r| r.try_get::<String>("", "group_key"))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))?;
        Ok((u64::try_from(total).unwrap_or(0), keys))
    }

    /// The sessions of groups `keys` that pass `q`'s filters. The lookup is by group key
    /// only (one index, whatever the statistics); the filters are the rules' own
    /// [`history::matches`], applied to the page's groups only.
    async fn members(
        &self,
        txn: &DatabaseTransaction,
        q: &HistoryQuery,
        keys: &[String],
    ) -> Result<Vec<SyncSession>, StoreError> {
        let rows = sync_session::Entity::find()
            .filter(sync_session::Column::GroupKey.is_in(keys.iter().cloned()))
            .all(txn)
            .await
            .map_err(|e| self.err(e))?;
        let q = stored_bounds(q);
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let s = convert::session(self.backend, r)?;
            if history::matches(&s, &q) {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// The summed account counts of the records of each session in `ids`.
    async fn item_sums<C: ConnectionTrait>(
        &self,
        db: &C,
        ids: &[String],
    ) -> Result<BTreeMap<String, ItemCounts>, StoreError> {
        let b = self.backend;
        let mut out = BTreeMap::new();
        for chunk in ids.chunks(ID_BATCH) {
            let sql = format!(
                "SELECT session_id, {} AS s, {} AS c, {} AS u, {} AS d FROM instance_records \
                 WHERE session_id IN ({}) GROUP BY session_id",
                b.sum_i64("items_synced"),
                b.sum_i64("items_created"),
                b.sum_i64("items_updated"),
                b.sum_i64("items_deleted"),
                marks(chunk.len())
            );
            let rows = db
                .query_all_raw(b.stmt(&sql, chunk.iter().map(|s| Value::from(s.as_str())).collect()))
                .await
                .map_err(|e| self.err(e))?;
            for r in rows {
                let get = |c: &str| -> Result<u64, StoreError> {
                    let v: i64 = r.try_get("", c).map_err(|e| self.err(e))?;
                    u64::try_from(v).map_err(|e| crate::error::decode_err(b, "account count sum", e))
                };
                let id: String = r.try_get("", "session_id").map_err(|e| self.err(e))?;
                let counts = ItemCounts {
                    synced: get("s")?,
                    created: get("c")?,
                    updated: get("u")?,
                    deleted: get("d")?,
                };
                out.insert(id, counts);
            }
        }
        Ok(out)
    }

    async fn sessions_by_ids(&self, ids: &[String]) -> Result<Vec<SyncSession>, StoreError> {
        let mut out = Vec::new();
        for chunk in ids.chunks(ID_BATCH) {
            let rows = sync_session::Entity::find()
                .filter(sync_session::Column::SessionId.is_in(chunk.iter().cloned()))
                .all(&self.db)
                .await
                .map_err(|e| self.err(e))?;
            for r in &rows {
                out.push(convert::session(self.backend, r)?);
            }
        }
        Ok(out)
    }

    async fn records_of(&self, ids: &[String]) -> Result<Vec<InstanceRecord>, StoreError> {
        let mut out = Vec::new();
        for chunk in ids.chunks(ID_BATCH) {
            let rows = instance_record::Entity::find()
                .filter(instance_record::Column::SessionId.is_in(chunk.iter().cloned()))
                .all(&self.db)
                .await
                .map_err(|e| self.err(e))?;
            for r in &rows {
                out.push(convert::record(self.backend, r)?);
            }
        }
        Ok(out)
    }

    /// The distinct ids of a details request (errors for an empty list).
    fn detail_ids(ids: &[SessionId]) -> Result<Vec<String>, StoreError> {
        if ids.is_empty() {
            return Err(QueryError::EmptyIds.into());
        }
        let mut v: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
        v.sort();
        v.dedup();
        Ok(v)
    }
}

#[async_trait]
impl HistoryStore for SeaStore {
    async fn history(&self, q: &HistoryQuery) -> Result<HistoryPage, StoreError> {
        let txn = self.begin_read().await?;
        let (total, keys) = self.page_keys(&txn, q).await?;
        if keys.is_empty() {
            txn.commit().await.map_err(|e| self.err(e))?;
            return Ok(Page::assemble(Vec::new(), q.page, total));
        }
        let sessions = self.members(&txn, q, &keys).await?;
        let ids: Vec<String> = sessions.iter().map(|s| s.session_id.to_string()).collect();
        let sums = self.item_sums(&txn, &ids).await?;
        txn.commit().await.map_err(|e| self.err(e))?;
        let with_items: Vec<SessionWithItems> = sessions
            .into_iter()
            .zip(ids)
            .map(|(session, id)| SessionWithItems {
                session,
                items: sums.get(&id).copied().unwrap_or_default(),
            })
            .collect();
        Ok(Page::assemble(group_sessions(&with_items), q.page, total))
    }

    async fn session_details(&self, id: SessionId) -> Result<SessionDetails, StoreError> {
        let session = self.get_session_row(id).await?;
        let records = self.records_of(&[id.to_string()]).await?;
        Ok(history::session_details(session, records))
    }

    async fn batch_details(&self, ids: &[SessionId]) -> Result<BatchDetails, StoreError> {
        let wanted = Self::detail_ids(ids)?;
        let sessions = self.sessions_by_ids(&wanted).await?;
        let records = self.records_of(&wanted).await?;
        Ok(history::batch_details(&sessions, &records, ids)?)
    }

    async fn failed_details(&self, ids: &[SessionId]) -> Result<BatchDetails, StoreError> {
        let wanted = Self::detail_ids(ids)?;
        let sessions = self.sessions_by_ids(&wanted).await?;
        let records = self.records_of(&wanted).await?;
        Ok(history::failed_details(&sessions, &records, ids)?)
    }
}

impl SeaStore {
    async fn get_session_row(&self, id: SessionId) -> Result<SyncSession, StoreError> {
        sync_core::traits::SessionStore::get_session(self, id).await
    }
}
