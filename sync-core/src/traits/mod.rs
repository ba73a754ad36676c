//! The seams of the library: connectors, stores, credential providers.
//!
//! All traits are object safe, `Send + Sync`, and usable as `Arc<dyn …>`. With the `mock`
//! feature (and in this crate's tests) mockall generates `Mock…` doubles for each.

pub mod connector;
pub mod credentials;
pub mod store;

/// Re-exported: the token connectors receive to stop a read.
pub use tokio_util::sync::CancellationToken;

pub use connector::{AccountConnector, AccountRead, ConnectTarget, ConnectorError};
pub use credentials::{CredentialError, CredentialProvider, EnvCredentialProvider};
pub use store::{
    HistoryStore, InstanceListFilter, InstanceStore, InventoryStore, NewSession, RecordOutcome, SessionStore,
    Store, StoreError,
};
#[cfg(any(test, feature = "mock"))]
pub use {
    connector::MockAccountConnector, credentials::MockCredentialProvider, store::MockHistoryStore,
    store::MockInstanceStore, store::MockInventoryStore, store::MockSessionStore,
};
