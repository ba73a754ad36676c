//! [`InventoryStore`] for [`MemoryStore`]: inventory rows and the change log.

use super::MemoryStore;
use crate::account::{AccountDiff, ChangeLogEntry, ChangeQuery, InventoryAccount, apply_diff};
use crate::domain::{InstanceId, SessionId};
use crate::traits::{InventoryStore, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[async_trait]
impl InventoryStore for MemoryStore {
    async fn load_inventory(&self, instance_id: InstanceId) -> Result<Vec<InventoryAccount>, StoreError> {
        let state = self.lock();
        state.instance(instance_id)?;
        let mut rows = state.inventory.get(&instance_id).cloned().unwrap_or_default();
        rows.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(rows)
    }

    async fn apply_account_diff(
        &self,
        instance_id: InstanceId,
        session_id: SessionId,
        diff: &AccountDiff,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut state = self.lock();
        state.instance(instance_id)?;
        state.session(session_id)?;
        let mut rows = state.inventory.get(&instance_id).cloned().unwrap_or_default();
        apply_diff(&mut rows, diff, at);
        let first_id = state.next_change_id;
        let entries: Vec<ChangeLogEntry> = diff
            .changes
            .iter()
            .zip(first_id + 1..)
            .map(|(change, id)| ChangeLogEntry {
                id,
                instance_id,
                key: change.key.clone(),
                kind: change.kind,
                account_kind: change.account_kind,
                session_id,
                at,
                detail: change.detail.clone(),
            })
            .collect();
        state.next_change_id += entries.len() as i64;
        state.changes.extend(entries);
        state.inventory.insert(instance_id, rows);
        Ok(())
    }

    async fn list_changes(&self, query: &ChangeQuery) -> Result<Vec<ChangeLogEntry>, StoreError> {
        let state = self.lock();
        let limit = query.limit.map_or(usize::MAX, |l| l as usize);
        Ok(state
            .changes
            .iter()
            .rev()
            .filter(|c| c.instance_id == query.instance_id && query.since.is_none_or(|s| c.at >= s))
            .take(limit)
            .cloned()
            .collect())
    }
}
