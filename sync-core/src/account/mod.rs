//! Accounts: identity, normalised snapshot, diff and filters (DOMAIN.md section 7).

pub mod changelog;
pub mod diff;
pub mod filter;
pub mod fingerprint_key;
pub mod key;
pub mod snapshot;

pub use changelog::{ChangeLogEntry, ChangeQuery};
pub use diff::{
    AccountChange, AccountDiff, AttributeChange, ChangeDetail, DiffSummary, apply_diff, diff_accounts,
};
pub use filter::{AccountFilter, AccountPattern, MYSQL_SYSTEM_USERS, is_mysql_system_account};
pub use fingerprint_key::FingerprintKey;
pub use key::AccountKey;
pub use snapshot::{
    Account, AccountKind, AccountSet, AccountSnapshot, AttrValue, InventoryAccount, Membership,
    PrivilegeFact, PrivilegeScope, attr, credential_fingerprint,
};
