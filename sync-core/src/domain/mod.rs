//! Sessions, records, instances and their enumerations (DOMAIN.md sections 2-4).

pub mod counts;
pub mod enums;
pub mod instance;
pub mod record;
pub mod session;

pub use counts::ItemCounts;
pub use enums::{ChangeKind, DbType, RecordStatus, SessionStatus, SyncCategory, SyncType};
pub use instance::{CredentialRef, Instance, InstanceId, NewInstance, SecretSource};
pub use record::{InstanceRecord, SYNC_DETAILS_VERSION, SyncDetails};
pub use session::{SessionId, SyncSession};
