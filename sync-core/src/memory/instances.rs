//! [`InstanceStore`] for [`MemoryStore`].

use super::{MemoryStore, not_found};
use crate::domain::{Instance, InstanceId, NewInstance};
use crate::traits::{InstanceListFilter, InstanceStore, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[async_trait]
impl InstanceStore for MemoryStore {
    async fn add_instance(&self, new: NewInstance) -> Result<Instance, StoreError> {
        let mut state = self.lock();
        if state
            .instances
            .values()
            .any(|i| i.deleted_at.is_none() && i.name == new.name)
        {
            return Err(StoreError::Conflict(format!(
                "an instance named {:?} already exists",
                new.name
            )));
        }
        state.next_instance_id += 1;
        let now = Utc::now();
        let instance = Instance {
            id: state.next_instance_id,
            name: new.name,
            db_type: new.db_type,
            host: new.host,
            port: new.port,
            database: new.database,
            inspect_databases: new.inspect_databases,
            is_active: new.is_active,
            sync_count: 0,
            last_synced_at: None,
            server_version: None,
            credential: new.credential,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        state.instances.insert(instance.id, instance.clone());
        Ok(instance)
    }

    async fn get_instance(&self, id: InstanceId) -> Result<Instance, StoreError> {
        self.lock().instance(id).cloned()
    }

    async fn find_instance(&self, name: &str) -> Result<Option<Instance>, StoreError> {
        Ok(self
            .lock()
            .instances
            .values()
            .find(|i| i.deleted_at.is_none() && i.name == name)
            .cloned())
    }

    async fn list_instances(&self, filter: InstanceListFilter) -> Result<Vec<Instance>, StoreError> {
        let state = self.lock();
        let mut list: Vec<Instance> = state
            .instances
            .values()
            .filter(|i| {
                (filter.include_inactive || i.is_active) && (filter.include_deleted || i.deleted_at.is_none())
            })
            .cloned()
            .collect();
        list.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        Ok(list)
    }

    async fn update_instance(&self, id: InstanceId, update: NewInstance) -> Result<Instance, StoreError> {
        let mut state = self.lock();
        let current = state.instance(id)?;
        if current.deleted_at.is_some() {
            return Err(not_found("instance", id));
        }
        if current.db_type != update.db_type {
            return Err(StoreError::DbTypeChange {
                id,
                name: current.name.clone(),
                from: current.db_type,
                to: update.db_type,
            });
        }
        if state
            .instances
            .values()
            .any(|i| i.id != id && i.deleted_at.is_none() && i.name == update.name)
        {
            return Err(StoreError::Conflict(format!(
                "an instance named {:?} already exists",
                update.name
            )));
        }
        let instance = state.instances.get_mut(&id).expect("checked above");
        instance.name = update.name;
        instance.host = update.host;
        instance.port = update.port;
        instance.database = update.database;
        instance.inspect_databases = update.inspect_databases;
        instance.is_active = update.is_active;
        instance.credential = update.credential;
        instance.updated_at = Utc::now();
        Ok(instance.clone())
    }

    async fn set_instance_active(&self, id: InstanceId, active: bool) -> Result<Instance, StoreError> {
        let mut state = self.lock();
        state.instance(id)?;
        let instance = state.instances.get_mut(&id).expect("checked above");
        instance.is_active = active;
        instance.updated_at = Utc::now();
        Ok(instance.clone())
    }

    async fn delete_instance(&self, id: InstanceId, at: DateTime<Utc>) -> Result<(), StoreError> {
        let mut state = self.lock();
        state.instance(id)?;
        let instance = state.instances.get_mut(&id).expect("checked above");
        if instance.deleted_at.is_none() {
            instance.deleted_at = Some(at);
            instance.updated_at = at;
        }
        Ok(())
    }

    async fn mark_instance_synced(
        &self,
        id: InstanceId,
        at: DateTime<Utc>,
        server_version: Option<String>,
        count_single: bool,
    ) -> Result<(), StoreError> {
        let mut state = self.lock();
        state.instance(id)?;
        let instance = state.instances.get_mut(&id).expect("checked above");
        instance.last_synced_at = Some(at);
        instance.server_version = server_version;
        if count_single {
            instance.sync_count += 1;
        }
        instance.updated_at = at;
        Ok(())
    }
}
