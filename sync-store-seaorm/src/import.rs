//! Bulk import of history (sessions and records as they are, ids kept): for moving history
//! from another system, seeding benchmarks, and property tests that store arbitrary
//! histories.

use crate::SeaStore;
use crate::convert::{i64_of, to_json};
use crate::error::is_unique_violation;
use crate::sql::{Backend, micros, micros_opt, row_marks};
use crate::summary;
use sea_orm::{ConnectionTrait, DatabaseTransaction, Value};
use serde::{Deserialize, Serialize};
use sync_core::domain::{InstanceRecord, SyncSession};
use sync_core::traits::StoreError;

/// What an import wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportStats {
    /// Sessions inserted.
    pub sessions: u64,
    /// Records inserted.
    pub records: u64,
}

const SESSION_COLS: &str = "session_id, sync_type, sync_category, status, group_key, started_at, completed_at, \
     total_instances, successful_instances, failed_instances, cancelled_instances, created_by, created_at, updated_at";
const SESSION_NCOLS: usize = 14;
const RECORD_COLS: &str = "session_id, instance_id, instance_name, sync_category, status, running_instance, \
     started_at, completed_at, items_synced, items_created, items_updated, items_deleted, error_message, \
     sync_details, created_at";
const RECORD_NCOLS: usize = 15;

fn session_values(s: &SyncSession) -> Vec<Value> {
    vec![
        s.session_id.to_string().into(),
        s.sync_type.as_str().into(),
        s.sync_category.as_str().into(),
        s.status.as_str().into(),
        summary::group_key(s.sync_type, s.session_id, micros(s.created_at)).into(),
        micros_opt(s.started_at).into(),
        micros_opt(s.completed_at).into(),
        i64::from(s.total_instances).into(),
        i64::from(s.successful_instances).into(),
        i64::from(s.failed_instances).into(),
        i64::from(s.cancelled_instances).into(),
        s.created_by.clone().into(),
        micros(s.created_at).into(),
        micros(s.updated_at).into(),
    ]
}

fn record_values(r: &InstanceRecord) -> Vec<Value> {
    let running = (r.status == sync_core::domain::RecordStatus::Running).then_some(r.instance_id);
    vec![
        r.session_id.to_string().into(),
        r.instance_id.into(),
        r.instance_name.clone().into(),
        r.sync_category.as_str().into(),
        r.status.as_str().into(),
        running.into(),
        micros_opt(r.started_at).into(),
        micros_opt(r.completed_at).into(),
        i64_of(r.items.synced).into(),
        i64_of(r.items.created).into(),
        i64_of(r.items.updated).into(),
        i64_of(r.items.deleted).into(),
        r.error_message.clone().into(),
        r.sync_details.as_ref().map(to_json).into(),
        micros(r.created_at).into(),
    ]
}

impl SeaStore {
    /// Inserts `rows` (each `ncols` values, plus the id first when `with_id`) with
    /// multi-row `INSERT`s as large as the backend allows.
    async fn bulk_insert(
        &self,
        txn: &DatabaseTransaction,
        table: &str,
        cols: &str,
        ncols: usize,
        rows: Vec<(i64, Vec<Value>)>,
    ) -> Result<(), StoreError> {
        let b = self.backend;
        let (with_id, without): (Vec<_>, Vec<_>) = rows.into_iter().partition(|(id, _)| *id > 0);
        for (rows, explicit) in [(with_id, true), (without, false)] {
            let width = ncols + usize::from(explicit);
            let per = (b.max_params() / width).max(1);
            for chunk in rows.chunks(per) {
                let mut values = Vec::with_capacity(chunk.len() * width);
                for (id, v) in chunk {
                    if explicit {
                        values.push(Value::from(*id));
                    }
                    values.extend(v.iter().cloned());
                }
                let sql = format!(
                    "INSERT INTO {table} ({}{cols}) VALUES {}",
                    if explicit { "id, " } else { "" },
                    row_marks(chunk.len(), width)
                );
                txn.execute_raw(b.stmt(&sql, values)).await.map_err(|e| {
                    if is_unique_violation(&e) {
                        StoreError::Conflict(format!(
                            "import into {table}: a row with the same id already exists"
                        ))
                    } else {
                        self.err(e)
                    }
                })?;
            }
        }
        if b == Backend::Postgres {
            txn.execute_raw(b.stmt(
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                     GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))"
                ),
                vec![],
            ))
            .await
            .map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    /// Imports sessions and records exactly as given (statuses, counters, times; integer ids
    /// kept when positive, assigned when 0), in one transaction, and updates the history
    /// summary of the groups they join. Records must belong to sessions that exist after
    /// the import. Times are stored with microsecond precision.
    pub async fn import_history(
        &self,
        sessions: &[SyncSession],
        records: &[InstanceRecord],
    ) -> Result<ImportStats, StoreError> {
        let txn = self.begin_write().await?;
        let rows = sessions.iter().map(|s| (s.id, session_values(s))).collect();
        self.bulk_insert(&txn, "sync_sessions", SESSION_COLS, SESSION_NCOLS, rows)
            .await?;
        let rows = records.iter().map(|r| (r.id, record_values(r))).collect();
        self.bulk_insert(&txn, "instance_records", RECORD_COLS, RECORD_NCOLS, rows)
            .await?;
        let mut groups: Vec<(String, String)> = sessions
            .iter()
            .map(|s| {
                (
                    s.sync_category.as_str().to_owned(),
                    summary::group_key(s.sync_type, s.session_id, micros(s.created_at)),
                )
            })
            .collect();
        groups.sort();
        groups.dedup();
        summary::refresh_groups(&txn, &groups)
            .await
            .map_err(|e| self.err(e))?;
        txn.commit().await.map_err(|e| self.err(e))?;
        Ok(ImportStats {
            sessions: sessions.len() as u64,
            records: records.len() as u64,
        })
    }

    /// Rebuilds the history summary from the sessions (a repair tool; the store keeps it
    /// exact by itself).
    pub async fn rebuild_history_summary(&self) -> Result<(), StoreError> {
        let txn = self.begin_write().await?;
        summary::rebuild_all(&txn).await.map_err(|e| self.err(e))?;
        txn.commit().await.map_err(|e| self.err(e))
    }
}
