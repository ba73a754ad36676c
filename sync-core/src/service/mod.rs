//! The orchestration: [`SyncService`] runs sync sessions over any [`Store`], any
//! [`AccountConnector`]s and any [`CredentialProvider`] (DOMAIN.md sections 4 and 5).
//!
//! - bounded concurrency and a per-instance timeout ([`ServiceConfig`]);
//! - a [`SyncHandle`] per run: session id, progress [`SyncEvent`]s, cancel / pause / resume,
//!   and the final [`SyncSummary`] when awaited;
//! - the records of a session are its work queue: resume (also after a crash) runs the
//!   records still pending, [`SyncService::recover_stale`] fails records whose worker died;
//! - one instance is never synced by two runs at once (the store refuses the second start;
//!   that record fails with "already being synced");
//! - every call takes a [`Caller`]: viewing needs *view*, every change needs *update*;
//! - [`SyncObserver`]s hear about failures, session ends and account changes;
//! - `tracing` spans carry the session id, instance id and name and the user id, never a
//!   secret.

mod caller;
mod config;
mod error;
mod events;
mod handle;
mod observer;
mod ops;
mod reads;
mod run;
mod sync_instance;

pub use caller::{Caller, Permission, Permissions};
pub use config::ServiceConfig;
pub use error::ServiceError;
pub use events::{InstanceFailure, SyncEvent, SyncSummary};
pub use handle::SyncHandle;
pub use observer::{AccountChanges, SyncObserver};
pub use ops::RecoveryReport;

use crate::domain::{DbType, SessionId, SyncSession};
use crate::traits::{AccountConnector, CredentialProvider, Store};
use run::RunRegistry;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// Synchronises the accounts of registered instances and serves the history.
///
/// Cheap to clone (the state is shared). Operations that start a run (`sync_all`,
/// `sync_instance`, `retry_*`, `resume`) spawn it on the current Tokio runtime and return a
/// [`SyncHandle`] at once.
///
/// ```
/// use std::sync::Arc;
/// use sync_core::account::{AccountKey, AccountKind, AccountSet, AccountSnapshot};
/// use sync_core::domain::{CredentialRef, DbType, NewInstance, SecretSource, SessionStatus, SyncType};
/// use sync_core::memory::MemoryStore;
/// use sync_core::service::{Caller, ServiceConfig, SyncService};
/// use sync_core::traits::{
///     AccountConnector, AccountRead, ConnectTarget, ConnectorError, EnvCredentialProvider, InstanceStore,
/// };
/// use tokio_util::sync::CancellationToken;
///
/// /// A stand-in for the MySQL connector of `sync-connectors`.
/// struct OneAccount;
/// #[async_trait::async_trait]
/// impl AccountConnector for OneAccount {
///     fn db_type(&self) -> DbType {
///         DbType::Mysql
///     }
///     async fn read_accounts(&self, _: &ConnectTarget, _: &CancellationToken) -> Result<AccountRead, ConnectorError> {
///         let mut accounts = AccountSet::new();
///         accounts.insert(AccountKey::mysql("app", "%"), AccountSnapshot::new(AccountKind::User));
///         Ok(AccountRead { server_version: "10.11.9-MariaDB".into(), accounts, warnings: vec![] })
///     }
/// }
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let store = Arc::new(MemoryStore::new());
/// store
///     .add_instance(NewInstance {
///         name: "db-1".into(),
///         db_type: DbType::Mysql,
///         host: "10.0.0.1".into(),
///         port: 3306,
///         database: None,
///         inspect_databases: vec![],
///         is_active: true,
///         credential: CredentialRef { user: "sync".into(), secret: SecretSource::None },
///     })
///     .await?;
///
/// let service = SyncService::builder(store, Arc::new(EnvCredentialProvider))
///     .connector(Arc::new(OneAccount))
///     .config(ServiceConfig { concurrency: 16, ..ServiceConfig::default() })
///     .build()?;
///
/// let alice = Caller::operator("alice");
/// let handle = service.sync_all(&alice, SyncType::ManualBatch).await?;
/// let summary = handle.await?;
/// assert_eq!(summary.session.status, SessionStatus::Completed);
/// assert_eq!(summary.session.successful_instances, 1);
/// assert_eq!(summary.items.created, 1);
/// assert_eq!(summary.session.created_by.as_deref(), Some("alice"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct SyncService {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Store>,
    connectors: HashMap<DbType, Arc<dyn AccountConnector>>,
    credentials: Arc<dyn CredentialProvider>,
    config: ServiceConfig,
    observers: Vec<Arc<dyn SyncObserver>>,
    runs: RunRegistry,
}

impl fmt::Debug for SyncService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut connectors: Vec<DbType> = self.inner.connectors.keys().copied().collect();
        connectors.sort();
        f.debug_struct("SyncService")
            .field("connectors", &connectors)
            .field("config", &self.inner.config)
            .field("observers", &self.inner.observers.len())
            .finish_non_exhaustive()
    }
}

/// Assembles a [`SyncService`]; see [`SyncService::builder`].
pub struct SyncServiceBuilder {
    store: Arc<dyn Store>,
    credentials: Arc<dyn CredentialProvider>,
    connectors: HashMap<DbType, Arc<dyn AccountConnector>>,
    config: ServiceConfig,
    observers: Vec<Arc<dyn SyncObserver>>,
}

impl fmt::Debug for SyncServiceBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SyncServiceBuilder")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl SyncServiceBuilder {
    /// Adds the connector for its [`db_type`](AccountConnector::db_type) (replacing an
    /// earlier one of the same type).
    pub fn connector(mut self, connector: Arc<dyn AccountConnector>) -> Self {
        self.connectors.insert(connector.db_type(), connector);
        self
    }

    /// Sets the configuration (default: [`ServiceConfig::default`]).
    pub fn config(mut self, config: ServiceConfig) -> Self {
        self.config = config;
        self
    }

    /// Adds an observer.
    pub fn observer(mut self, observer: Arc<dyn SyncObserver>) -> Self {
        self.observers.push(observer);
        self
    }

    /// Validates the configuration and builds the service.
    pub fn build(self) -> Result<SyncService, ServiceError> {
        self.config.validate()?;
        Ok(SyncService {
            inner: Arc::new(Inner {
                store: self.store,
                connectors: self.connectors,
                credentials: self.credentials,
                config: self.config,
                observers: self.observers,
                runs: RunRegistry::default(),
            }),
        })
    }
}

impl SyncService {
    /// Starts assembling a service over `store` and `credentials`; add connectors, a config
    /// and observers, then [`build`](SyncServiceBuilder::build).
    pub fn builder(store: Arc<dyn Store>, credentials: Arc<dyn CredentialProvider>) -> SyncServiceBuilder {
        SyncServiceBuilder {
            store,
            credentials,
            connectors: HashMap::new(),
            config: ServiceConfig::default(),
            observers: Vec::new(),
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> &ServiceConfig {
        &self.inner.config
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    /// Tells the observers that `session` ended, when this update is the one that ended it:
    /// the session is terminal and its last record just became terminal.
    async fn notify_if_ended(&self, session: &SyncSession) {
        if self.inner.observers.is_empty()
            || !session.status.is_terminal()
            || session.finished_instances() != session.total_instances
        {
            return;
        }
        match self.inner.store.list_records(session.session_id).await {
            Ok(records) => {
                let summary = SyncSummary::new(session.clone(), &records);
                for o in &self.inner.observers {
                    o.on_session_end(&summary);
                }
            }
            Err(e) => tracing::error!(session_id = %session.session_id, error = %e,
                "cannot load the records of an ended session for the observers"),
        }
    }

    fn notify_failed(&self, failure: &InstanceFailure) {
        for o in &self.inner.observers {
            o.on_instance_failed(failure);
        }
    }

    fn notify_changes(&self, changes: &AccountChanges<'_>) {
        for o in &self.inner.observers {
            o.on_account_changes(changes);
        }
    }

    /// Whether a run of this service is driving `session_id` and has not been told to stop.
    fn has_active_run(&self, session_id: SessionId) -> bool {
        self.inner.runs.has_active(session_id)
    }
}
