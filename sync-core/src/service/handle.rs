//! [`SyncHandle`]: one run in progress.

use super::events::{SyncEvent, SyncSummary};
use super::{Caller, ServiceError, SyncService};
use crate::domain::{SessionId, SyncSession};
use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use std::fmt;
use std::future::IntoFuture;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;

/// A run in progress, returned at once by the operations that start one.
///
/// - [`session_id`](Self::session_id): the session, for the history and details;
/// - [`events`](Self::events): a stream of [`SyncEvent`]s;
/// - [`cancel`](Self::cancel), [`pause`](Self::pause), [`resume`](Self::resume), on behalf
///   of the caller that started the run;
/// - `handle.await` (or [`wait`](Self::wait)): the [`SyncSummary`] once the run ends.
///
/// Dropping the handle does not stop the run; [`abort`](Self::abort) does, abruptly.
pub struct SyncHandle {
    session_id: SessionId,
    service: SyncService,
    caller: Caller,
    events: broadcast::Receiver<SyncEvent>,
    first_stream_taken: bool,
    join: JoinHandle<Result<SyncSummary, ServiceError>>,
}

impl fmt::Debug for SyncHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SyncHandle")
            .field("session_id", &self.session_id)
            .field("user_id", &self.caller.user_id)
            .field("finished", &self.join.is_finished())
            .finish()
    }
}

impl SyncHandle {
    pub(crate) fn new(
        service: SyncService,
        caller: Caller,
        session_id: SessionId,
        events: broadcast::Receiver<SyncEvent>,
        join: JoinHandle<Result<SyncSummary, ServiceError>>,
    ) -> Self {
        SyncHandle {
            session_id,
            service,
            caller,
            events,
            first_stream_taken: false,
            join,
        }
    }

    /// The session this run works on.
    pub fn session_id(&self) -> SessionId {
        self.session_id
    }

    /// The progress events. The first stream starts at the run's first event
    /// ([`SyncEvent::SessionStarted`]); later streams start at the next event. A stream ends
    /// after [`SyncEvent::Finished`]. A reader more than
    /// [`event_buffer`](super::ServiceConfig::event_buffer) events behind skips ahead.
    pub fn events(&mut self) -> BoxStream<'static, SyncEvent> {
        let receiver = if self.first_stream_taken {
            self.events.resubscribe()
        } else {
            self.first_stream_taken = true;
            let fresh = self.events.resubscribe();
            std::mem::replace(&mut self.events, fresh)
        };
        let session_id = self.session_id;
        futures::stream::unfold(receiver, move |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(event) => return Some((event, rx)),
                    Err(RecvError::Lagged(skipped)) => {
                        tracing::warn!(%session_id, skipped, "slow event reader skipped events");
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        })
        .boxed()
    }

    /// Cancels the session (see [`SyncService::cancel`]).
    pub async fn cancel(&self) -> Result<SyncSession, ServiceError> {
        self.service.cancel(&self.caller, self.session_id).await
    }

    /// Pauses the session (see [`SyncService::pause`]). This run ends once its records in
    /// flight finish; awaiting it gives a summary with the session `paused`.
    pub async fn pause(&self) -> Result<SyncSession, ServiceError> {
        self.service.pause(&self.caller, self.session_id).await
    }

    /// Resumes the session in a new run (see [`SyncService::resume`]).
    pub async fn resume(&self) -> Result<SyncHandle, ServiceError> {
        self.service.resume(&self.caller, self.session_id).await
    }

    /// Whether the run has ended.
    pub fn is_finished(&self) -> bool {
        self.join.is_finished()
    }

    /// Stops the run abruptly, as if its process died: records in flight stay `running`
    /// (until [`SyncService::recover_stale`] fails them), pending ones stay `pending` (until
    /// [`SyncService::resume`] runs them). For shutdown paths and crash tests; prefer
    /// [`pause`](Self::pause) or [`cancel`](Self::cancel).
    pub fn abort(&self) {
        self.join.abort();
    }

    /// Waits for the run to end and returns its summary.
    pub async fn wait(self) -> Result<SyncSummary, ServiceError> {
        let session_id = self.session_id;
        match self.join.await {
            Ok(result) => result,
            Err(e) if e.is_cancelled() => Err(ServiceError::Aborted(session_id)),
            Err(e) => Err(ServiceError::Internal {
                session_id,
                message: e.to_string(),
            }),
        }
    }
}

impl IntoFuture for SyncHandle {
    type Output = Result<SyncSummary, ServiceError>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.wait())
    }
}
