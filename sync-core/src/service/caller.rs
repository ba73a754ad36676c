//! Who calls the service, and what they may do.

use super::error::ServiceError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A permission of the service (DOMAIN.md section 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Permission {
    /// Read the history, details, accounts and changes.
    View,
    /// Sync, retry, cancel, pause, resume, recover.
    Update,
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Permission::View => "view",
            Permission::Update => "update",
        })
    }
}

/// The permissions a caller holds. *update* does not imply *view*.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Permissions {
    /// May read.
    pub view: bool,
    /// May change (sync, retry, cancel, pause, resume, recover).
    pub update: bool,
}

impl Permissions {
    /// No permission.
    pub const NONE: Permissions = Permissions {
        view: false,
        update: false,
    };
    /// Read only.
    pub const VIEW: Permissions = Permissions {
        view: true,
        update: false,
    };
    /// Read and change.
    pub const VIEW_UPDATE: Permissions = Permissions {
        view: true,
        update: true,
    };

    /// Whether `permission` is held.
    pub fn has(&self, permission: Permission) -> bool {
        match permission {
            Permission::View => self.view,
            Permission::Update => self.update,
        }
    }
}

/// The identity and permissions of whoever calls the service. The platform authenticates
/// the user and maps its roles to [`Permissions`]; the service checks them on every call and
/// stores `user_id` as the `created_by` of the sessions it starts.
///
/// ```
/// use sync_core::service::{Caller, Permission};
/// let alice = Caller::operator("alice");
/// assert!(alice.require(Permission::Update, "sync all instances").is_ok());
/// let bob = Caller::viewer("bob");
/// assert_eq!(
///     bob.require(Permission::Update, "sync all instances").unwrap_err().to_string(),
///     "user \"bob\" may not sync all instances: the update permission is required"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Caller {
    /// The user (or scheduler) id, stored as `created_by`.
    pub user_id: String,
    /// What the caller may do.
    pub permissions: Permissions,
}

impl Caller {
    /// A caller with explicit permissions.
    pub fn new(user_id: impl Into<String>, permissions: Permissions) -> Self {
        Caller {
            user_id: user_id.into(),
            permissions,
        }
    }

    /// A caller who may only read.
    pub fn viewer(user_id: impl Into<String>) -> Self {
        Self::new(user_id, Permissions::VIEW)
    }

    /// A caller who may read and change.
    pub fn operator(user_id: impl Into<String>) -> Self {
        Self::new(user_id, Permissions::VIEW_UPDATE)
    }

    /// `Ok` when `permission` is held, else [`ServiceError::Forbidden`] naming `action`.
    pub fn require(&self, permission: Permission, action: &'static str) -> Result<(), ServiceError> {
        if self.permissions.has(permission) {
            Ok(())
        } else {
            tracing::warn!(user_id = %self.user_id, %permission, action, "refused: permission missing");
            Err(ServiceError::Forbidden {
                user_id: self.user_id.clone(),
                action,
                permission,
            })
        }
    }
}
