//! [`HistoryStore`] for [`MemoryStore`]: the pure rules of [`crate::history`] over the state.

use super::MemoryStore;
use crate::domain::{InstanceRecord, ItemCounts, SessionId, SyncSession};
use crate::history::{self, BatchDetails, HistoryPage, HistoryQuery, SessionDetails, SessionWithItems};
use crate::traits::{HistoryStore, StoreError};
use async_trait::async_trait;

impl MemoryStore {
    /// The sessions `ids` (unknown ones left out: the rules report them) and their records.
    fn sessions_and_records(&self, ids: &[SessionId]) -> (Vec<SyncSession>, Vec<InstanceRecord>) {
        let state = self.lock();
        let sessions: Vec<SyncSession> = ids
            .iter()
            .filter_map(|id| state.sessions.get(id).cloned())
            .collect();
        let records = sessions
            .iter()
            .flat_map(|s| state.records_of(s.session_id).cloned())
            .collect();
        (sessions, records)
    }
}

#[async_trait]
impl HistoryStore for MemoryStore {
    async fn history(&self, query: &HistoryQuery) -> Result<HistoryPage, StoreError> {
        let rows: Vec<SessionWithItems> = {
            let state = self.lock();
            state
                .sessions
                .values()
                .filter(|s| history::matches(s, query))
                .map(|s| SessionWithItems {
                    session: s.clone(),
                    items: state
                        .records_of(s.session_id)
                        .map(|r| r.items)
                        .sum::<ItemCounts>(),
                })
                .collect()
        };
        Ok(history::history_page(&rows, query))
    }

    async fn session_details(&self, id: SessionId) -> Result<SessionDetails, StoreError> {
        let (session, records) = {
            let state = self.lock();
            let session = state.session(id)?.clone();
            (session, state.records_of(id).cloned().collect())
        };
        Ok(history::session_details(session, records))
    }

    async fn batch_details(&self, ids: &[SessionId]) -> Result<BatchDetails, StoreError> {
        let (sessions, records) = self.sessions_and_records(ids);
        Ok(history::batch_details(&sessions, &records, ids)?)
    }

    async fn failed_details(&self, ids: &[SessionId]) -> Result<BatchDetails, StoreError> {
        let (sessions, records) = self.sessions_and_records(ids);
        Ok(history::failed_details(&sessions, &records, ids)?)
    }
}
