//! The read operations, behind the *view* permission.

use super::caller::Permission;
use super::{Caller, ServiceError, SyncService};
use crate::account::{ChangeLogEntry, ChangeQuery, InventoryAccount};
use crate::domain::{Instance, InstanceId, SessionId, SyncSession};
use crate::history::{BatchDetails, HistoryPage, HistoryRequest, SessionDetails};
use crate::traits::InstanceListFilter;
use chrono::Utc;
use chrono_tz::Tz;

impl SyncService {
    /// The registered instances, ordered by name. Needs *view*.
    pub async fn instances(
        &self,
        caller: &Caller,
        filter: InstanceListFilter,
    ) -> Result<Vec<Instance>, ServiceError> {
        caller.require(Permission::View, "list instances")?;
        Ok(self.inner.store.list_instances(filter).await?)
    }

    /// One page of the history; "today" starts at midnight in the configured
    /// [`time_zone`](super::ServiceConfig::time_zone). Needs *view*.
    pub async fn history(
        &self,
        caller: &Caller,
        request: &HistoryRequest,
    ) -> Result<HistoryPage, ServiceError> {
        self.history_in(caller, request, self.inner.config.time_zone)
            .await
    }

    /// One page of the history, "today" starting at midnight in `tz`. Needs *view*.
    pub async fn history_in(
        &self,
        caller: &Caller,
        request: &HistoryRequest,
        tz: Tz,
    ) -> Result<HistoryPage, ServiceError> {
        caller.require(Permission::View, "view the history")?;
        let query = request.resolve(Utc::now(), tz)?;
        Ok(self.inner.store.history(&query).await?)
    }

    /// The session (status and counters). Needs *view*.
    pub async fn session(&self, caller: &Caller, session_id: SessionId) -> Result<SyncSession, ServiceError> {
        caller.require(Permission::View, "view a session")?;
        Ok(self.inner.store.get_session(session_id).await?)
    }

    /// Sessions not yet terminal, oldest first. Needs *view*.
    pub async fn open_sessions(&self, caller: &Caller) -> Result<Vec<SyncSession>, ServiceError> {
        caller.require(Permission::View, "list open sessions")?;
        Ok(self.inner.store.open_sessions().await?)
    }

    /// One session with all its records. Needs *view*.
    pub async fn session_details(
        &self,
        caller: &Caller,
        session_id: SessionId,
    ) -> Result<SessionDetails, ServiceError> {
        caller.require(Permission::View, "view session details")?;
        Ok(self.inner.store.session_details(session_id).await?)
    }

    /// One record per instance over the sessions `ids` (a history group's `session_ids`).
    /// Needs *view*.
    pub async fn batch_details(
        &self,
        caller: &Caller,
        ids: &[SessionId],
    ) -> Result<BatchDetails, ServiceError> {
        caller.require(Permission::View, "view batch details")?;
        Ok(self.inner.store.batch_details(ids).await?)
    }

    /// As [`batch_details`](Self::batch_details), only the failed records. Needs *view*.
    pub async fn failed_details(
        &self,
        caller: &Caller,
        ids: &[SessionId],
    ) -> Result<BatchDetails, ServiceError> {
        caller.require(Permission::View, "view failed details")?;
        Ok(self.inner.store.failed_details(ids).await?)
    }

    /// The inventory of an instance: every account ever seen, `present` or removed. Needs
    /// *view*.
    pub async fn accounts(
        &self,
        caller: &Caller,
        instance_id: InstanceId,
    ) -> Result<Vec<InventoryAccount>, ServiceError> {
        caller.require(Permission::View, "view accounts")?;
        Ok(self.inner.store.load_inventory(instance_id).await?)
    }

    /// The account change log of an instance, newest first. Needs *view*.
    pub async fn changes(
        &self,
        caller: &Caller,
        query: &ChangeQuery,
    ) -> Result<Vec<ChangeLogEntry>, ServiceError> {
        caller.require(Permission::View, "view account changes")?;
        Ok(self.inner.store.list_changes(query).await?)
    }
}
