//! Retention: deleting old history in batches, records before sessions.

use crate::SeaStore;
use crate::sql::{marks, micros};
use crate::summary;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, Value};
use serde::{Deserialize, Serialize};
use sync_core::traits::StoreError;

/// What a retention run deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionReport {
    /// Sessions deleted.
    pub sessions: u64,
    /// Instance records deleted (with their sessions).
    pub records: u64,
    /// Transactions used (one per batch).
    pub batches: u64,
}

/// Sessions deleted per transaction by default.
pub const DEFAULT_RETENTION_BATCH: usize = 1_000;

impl SeaStore {
    /// Deletes the history older than `days` days before `now`; see
    /// [`Self::delete_history_before`].
    pub async fn delete_history_older_than(
        &self,
        days: u32,
        now: DateTime<Utc>,
    ) -> Result<RetentionReport, StoreError> {
        self.delete_history_before(now - Duration::days(i64::from(days)), DEFAULT_RETENTION_BATCH)
            .await
    }

    /// Deletes every **terminal** session (completed, failed, cancelled) created before
    /// `cutoff`, with its records, `batch` sessions per transaction (records first, then
    /// the sessions, then the history summary of their groups). Open sessions are kept
    /// whatever their age: their work is not finished. The account inventory and change log
    /// are not history runs and are kept.
    pub async fn delete_history_before(
        &self,
        cutoff: DateTime<Utc>,
        batch: usize,
    ) -> Result<RetentionReport, StoreError> {
        let b = self.backend;
        let batch = i64::try_from(batch.clamp(1, 10_000)).unwrap_or(1_000);
        let cutoff = micros(cutoff);
        let mut report = RetentionReport::default();
        loop {
            let txn = self.begin_write().await?;
            let rows = txn
                .query_all_raw(b.stmt(
                    "SELECT id, session_id, sync_category, group_key FROM sync_sessions \
                     WHERE created_at < ? AND status IN ('completed', 'failed', 'cancelled') \
                     ORDER BY created_at, id LIMIT ?",
                    vec![cutoff.into(), batch.into()],
                ))
                .await
                .map_err(|e| self.err(e))?;
            if rows.is_empty() {
                txn.rollback().await.map_err(|e| self.err(e))?;
                return Ok(report);
            }
            let mut ids: Vec<i64> = Vec::with_capacity(rows.len());
            let mut uuids: Vec<Value> = Vec::with_capacity(rows.len());
            let mut groups: Vec<(String, String)> = Vec::with_capacity(rows.len());
            for r in &rows {
                ids.push(r.try_get("", "id").map_err(|e| self.err(e))?);
                uuids.push(
                    r.try_get::<String>("", "session_id")
                        .map_err(|e| self.err(e))?
                        .into(),
                );
                groups.push((
                    r.try_get("", "sync_category").map_err(|e| self.err(e))?,
                    r.try_get("", "group_key").map_err(|e| self.err(e))?,
                ));
            }
            groups.sort();
            groups.dedup();
            let n = uuids.len();
            let records = txn
                .execute_raw(b.stmt(
                    &format!("DELETE FROM instance_records WHERE session_id IN ({})", marks(n)),
                    uuids,
                ))
                .await
                .map_err(|e| self.err(e))?
                .rows_affected();
            let sessions = txn
                .execute_raw(b.stmt(
                    &format!("DELETE FROM sync_sessions WHERE id IN ({})", marks(n)),
                    ids.into_iter().map(Value::from).collect(),
                ))
                .await
                .map_err(|e| self.err(e))?
                .rows_affected();
            summary::refresh_groups(&txn, &groups)
                .await
                .map_err(|e| self.err(e))?;
            txn.commit().await.map_err(|e| self.err(e))?;
            report.records += records;
            report.sessions += sessions;
            report.batches += 1;
        }
    }
}
