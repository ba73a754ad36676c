//! Account counts carried by records and summed by the history.

use serde::{Deserialize, Serialize};
use std::ops::AddAssign;

/// The four account counts of an instance record (DOMAIN.md section 7):
/// `synced` = accounts read, `created` = added + reactivated, `updated` = really modified,
/// `deleted` = removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ItemCounts {
    /// Accounts read from the server.
    pub synced: u64,
    /// Added plus reactivated accounts.
    pub created: u64,
    /// Accounts whose snapshot changed.
    pub updated: u64,
    /// Accounts that disappeared.
    pub deleted: u64,
}

impl AddAssign for ItemCounts {
    fn add_assign(&mut self, rhs: Self) {
        self.synced += rhs.synced;
        self.created += rhs.created;
        self.updated += rhs.updated;
        self.deleted += rhs.deleted;
    }
}

impl std::iter::Sum for ItemCounts {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        let mut total = ItemCounts::default();
        for c in iter {
            total += c;
        }
        total
    }
}
