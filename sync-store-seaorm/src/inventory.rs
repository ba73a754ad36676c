//! [`InventoryStore`]: the account inventory and its change log. One diff is written in
//! one transaction with bulk statements: the touched rows are read once, changed with
//! [`sync_core::account::apply_diff`] (the reference semantics), written back with
//! multi-row upserts, `last_seen` is set for every present row with one `UPDATE`, and the
//! change log is inserted with multi-row `INSERT`s.

use crate::SeaStore;
use crate::convert::{self, account_kind_str, key_hash, key_parts, to_json};
use crate::entities::{account, account_change, instance, sync_session};
use crate::sql::{Backend, micros, row_marks};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Value,
};
use std::collections::BTreeMap;
use sync_core::account::{AccountDiff, ChangeLogEntry, ChangeQuery, InventoryAccount, apply_diff};
use sync_core::domain::{InstanceId, SessionId};
use sync_core::traits::{InventoryStore, StoreError};

/// Columns of an upserted inventory row.
const ACCOUNT_COLS: usize = 11;
/// Columns of a change-log row.
const CHANGE_COLS: usize = 9;
/// Keys per `IN (…)` lookup.
const KEY_BATCH: usize = 500;

fn upsert_tail(b: Backend) -> &'static str {
    match b {
        Backend::MySql => {
            " ON DUPLICATE KEY UPDATE account_kind = VALUES(account_kind), present = VALUES(present), \
             first_seen = VALUES(first_seen), last_seen = VALUES(last_seen), removed_at = VALUES(removed_at), \
             snapshot = VALUES(snapshot)"
        }
        _ => {
            " ON CONFLICT (instance_id, key_hash) DO UPDATE SET account_kind = excluded.account_kind, \
             present = excluded.present, first_seen = excluded.first_seen, last_seen = excluded.last_seen, \
             removed_at = excluded.removed_at, snapshot = excluded.snapshot"
        }
    }
}

impl SeaStore {
    /// One attempt of `apply_account_diff` (one transaction).
    async fn apply_account_diff_once(
        &self,
        instance_id: InstanceId,
        session_id: SessionId,
        diff: &AccountDiff,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let at = micros(at);
        let txn = self.begin_write().await?;
        self.require_instance(&txn, instance_id).await?;
        // Existence only (no row lock: diffs of one session's instances run in parallel).
        let sid = session_id.to_string();
        sync_session::Entity::find()
            .filter(sync_session::Column::SessionId.eq(sid.as_str()))
            .select_only()
            .column(sync_session::Column::Id)
            .into_tuple::<i64>()
            .one(&txn)
            .await
            .map_err(|e| self.err(e))?
            .ok_or_else(|| StoreError::NotFound {
                entity: "session",
                id: sid.clone(),
            })?;
        // The rows the diff touches, changed in memory by the reference rules.
        let mut hashes: Vec<String> = diff.changes.iter().map(|c| key_hash(&c.key)).collect();
        hashes.sort();
        hashes.dedup();
        let mut rows = self.touched_rows(&txn, instance_id, &hashes).await?;
        let before: BTreeMap<_, InventoryAccount> = rows.iter().map(|r| (r.key.clone(), r.clone())).collect();
        apply_diff(&mut rows, diff, at);
        let changed: Vec<&InventoryAccount> =
            rows.iter().filter(|r| before.get(&r.key) != Some(*r)).collect();
        self.upsert_rows(&txn, instance_id, &changed).await?;
        // Every account present afterwards was just read.
        txn.execute_raw(self.backend.stmt(
            "UPDATE accounts SET last_seen = ? WHERE instance_id = ? AND present = ? AND last_seen <> ?",
            vec![at.into(), instance_id.into(), true.into(), at.into()],
        ))
        .await
        .map_err(|e| self.err(e))?;
        if self.take_diff_fault() {
            txn.rollback().await.map_err(|e| self.err(e))?;
            return Err(StoreError::Backend {
                backend: self.backend.name(),
                message: "injected failure after writing the inventory rows".into(),
            });
        }
        self.insert_changes(&txn, instance_id, session_id, diff, at)
            .await?;
        txn.commit().await.map_err(|e| self.err(e))
    }

    /// `NotFound` unless the instance exists (deleted ones too).
    async fn require_instance<C: ConnectionTrait>(&self, db: &C, id: InstanceId) -> Result<(), StoreError> {
        instance::Entity::find_by_id(id)
            .select_only()
            .column(instance::Column::Id)
            .into_tuple::<i64>()
            .one(db)
            .await
            .map_err(|e| self.err(e))?
            .map(|_| ())
            .ok_or_else(|| StoreError::NotFound {
                entity: "instance",
                id: id.to_string(),
            })
    }

    /// The stored rows of `instance_id` whose key hash is in `hashes`.
    async fn touched_rows(
        &self,
        txn: &DatabaseTransaction,
        instance_id: InstanceId,
        hashes: &[String],
    ) -> Result<Vec<InventoryAccount>, StoreError> {
        let mut out = Vec::new();
        for chunk in hashes.chunks(KEY_BATCH) {
            let rows = account::Entity::find()
                .filter(account::Column::InstanceId.eq(instance_id))
                .filter(account::Column::KeyHash.is_in(chunk.iter().cloned()))
                .lock_exclusive()
                .all(txn)
                .await
                .map_err(|e| self.err(e))?;
            for r in &rows {
                out.push(convert::inventory(self.backend, r)?);
            }
        }
        Ok(out)
    }

    async fn upsert_rows(
        &self,
        txn: &DatabaseTransaction,
        instance_id: InstanceId,
        rows: &[&InventoryAccount],
    ) -> Result<(), StoreError> {
        let b = self.backend;
        for chunk in rows.chunks(b.max_params() / ACCOUNT_COLS) {
            let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * ACCOUNT_COLS);
            for r in chunk {
                let (kind, user, host) = key_parts(&r.key);
                values.extend([
                    instance_id.into(),
                    kind.into(),
                    user.into(),
                    host.into(),
                    key_hash(&r.key).into(),
                    account_kind_str(r.snapshot.kind).into(),
                    r.present.into(),
                    micros(r.first_seen).into(),
                    micros(r.last_seen).into(),
                    r.removed_at.map(micros).into(),
                    to_json(&r.snapshot).into(),
                ]);
            }
            let sql = format!(
                "INSERT INTO accounts (instance_id, key_kind, user_name, host, key_hash, account_kind, present, \
                 first_seen, last_seen, removed_at, snapshot) VALUES {}{}",
                row_marks(chunk.len(), ACCOUNT_COLS),
                upsert_tail(b)
            );
            txn.execute_raw(b.stmt(&sql, values))
                .await
                .map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    async fn insert_changes(
        &self,
        txn: &DatabaseTransaction,
        instance_id: InstanceId,
        session_id: SessionId,
        diff: &AccountDiff,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let b = self.backend;
        let sid = session_id.to_string();
        for chunk in diff.changes.chunks(b.max_params() / CHANGE_COLS) {
            let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * CHANGE_COLS);
            for c in chunk {
                let (kind, user, host) = key_parts(&c.key);
                values.extend([
                    instance_id.into(),
                    kind.into(),
                    user.into(),
                    host.into(),
                    c.kind.as_str().into(),
                    account_kind_str(c.account_kind).into(),
                    sid.as_str().into(),
                    at.into(),
                    to_json(&c.detail).into(),
                ]);
            }
            let sql = format!(
                "INSERT INTO account_changes (instance_id, key_kind, user_name, host, change_kind, account_kind, \
                 session_id, changed_at, detail) VALUES {}",
                row_marks(chunk.len(), CHANGE_COLS)
            );
            txn.execute_raw(b.stmt(&sql, values))
                .await
                .map_err(|e| self.err(e))?;
        }
        Ok(())
    }
}

#[async_trait]
impl InventoryStore for SeaStore {
    async fn load_inventory(&self, instance_id: InstanceId) -> Result<Vec<InventoryAccount>, StoreError> {
        self.require_instance(&self.db, instance_id).await?;
        let rows = account::Entity::find()
            .filter(account::Column::InstanceId.eq(instance_id))
            .order_by_asc(account::Column::Id)
            .all(&self.db)
            .await
            .map_err(|e| self.err(e))?;
        let mut out = rows
            .iter()
            .map(|r| convert::inventory(self.backend, r))
            .collect::<Result<Vec<_>, _>>()?;
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    async fn apply_account_diff(
        &self,
        instance_id: InstanceId,
        session_id: SessionId,
        diff: &AccountDiff,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.retrying(|| self.apply_account_diff_once(instance_id, session_id, diff, at))
            .await
    }

    async fn list_changes(&self, query: &ChangeQuery) -> Result<Vec<ChangeLogEntry>, StoreError> {
        let mut q =
            account_change::Entity::find().filter(account_change::Column::InstanceId.eq(query.instance_id));
        if let Some(since) = query.since {
            q = q.filter(account_change::Column::ChangedAt.gte(micros(since)));
        }
        // Newest first = most recently written first.
        q = q.order_by_desc(account_change::Column::Id);
        if let Some(limit) = query.limit {
            q = q.limit(u64::from(limit));
        }
        let rows = q.all(&self.db).await.map_err(|e| self.err(e))?;
        rows.iter().map(|r| convert::change(self.backend, r)).collect()
    }
}
