//! [`ServiceError`]: why a service operation was refused or failed.

use super::caller::Permission;
use crate::domain::{InstanceId, SessionId};
use crate::error::{QueryError, TransitionError};
use crate::traits::StoreError;
use thiserror::Error;

/// Why a [`SyncService`](super::SyncService) operation was refused or failed. Messages never
/// contain a secret.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ServiceError {
    /// The caller lacks the permission the operation needs; nothing was written.
    #[error("user {user_id:?} may not {action}: the {permission} permission is required")]
    Forbidden {
        /// The caller.
        user_id: String,
        /// What was attempted, e.g. `sync all instances`.
        action: &'static str,
        /// The missing permission.
        permission: Permission,
    },
    /// *Sync all* found no active, not-deleted instance; no session was created.
    #[error("no active instance to sync: register an instance or activate one")]
    NoActiveInstance,
    /// The configuration is not usable.
    #[error("invalid service configuration: {0}")]
    InvalidConfig(String),
    /// A request that makes no sense, e.g. *sync all* as `manual_single`.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// No such instance or session.
    #[error("{entity} {id} not found")]
    NotFound {
        /// `instance`, `session` or `record`.
        entity: &'static str,
        /// The id asked for.
        id: String,
    },
    /// The instance is soft-deleted and is never synced again.
    #[error("instance {name} (id {id}) is deleted and cannot be synced")]
    InstanceDeleted {
        /// The instance.
        id: InstanceId,
        /// Its name.
        name: String,
    },
    /// *Retry failed* on a session without a failed record.
    #[error("session {0} has no failed instance to retry")]
    NothingToRetry(SessionId),
    /// *Resume* on a session that a run of this service is still driving.
    #[error("session {0} is already being run by this service")]
    AlreadyRunning(SessionId),
    /// The session or record state machine refused the change (e.g. resuming a cancelled
    /// session).
    #[error(transparent)]
    Transition(TransitionError),
    /// Invalid query input (page, time range, session ids).
    #[error(transparent)]
    Query(QueryError),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
    /// The run's task was aborted (see [`SyncHandle::abort`](super::SyncHandle::abort)); its
    /// records stay as they were and can be recovered and resumed.
    #[error("the run of session {0} was aborted before it finished")]
    Aborted(SessionId),
    /// A bug: the run's task panicked.
    #[error("internal error in the run of session {session_id}: {message}")]
    Internal {
        /// The session.
        session_id: SessionId,
        /// The panic message.
        message: String,
    },
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { entity, id } => ServiceError::NotFound { entity, id },
            StoreError::Transition(t) => ServiceError::Transition(t),
            StoreError::Query(q) => ServiceError::Query(q),
            other => ServiceError::Store(other),
        }
    }
}

impl From<QueryError> for ServiceError {
    fn from(e: QueryError) -> Self {
        ServiceError::Query(e)
    }
}
