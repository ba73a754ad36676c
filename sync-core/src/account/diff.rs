//! The diff of a freshly read account set against the stored inventory (DOMAIN.md section 7).
//!
//! - a key never seen -> `added`
//! - a present key missing now -> `removed`
//! - a removed key seen again -> `reactivated` (its detail compares with the last snapshot)
//! - a present key whose snapshot differs -> `modified`, with the exact facts
//! - identical -> nothing (counted as unchanged)

use super::key::AccountKey;
use super::snapshot::{
    AccountKind, AccountSet, AccountSnapshot, AttrValue, InventoryAccount, Membership, PrivilegeFact,
};
use crate::domain::{ChangeKind, ItemCounts};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An attribute that changed (`None` = absent on that side).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeChange {
    /// Attribute name (`kind` and `system` are reported here too).
    pub name: String,
    /// Value before.
    pub before: Option<AttrValue>,
    /// Value after.
    pub after: Option<AttrValue>,
}

/// The exact facts that differ between two snapshots of one account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeDetail {
    /// Privileges held now and not before.
    pub privileges_granted: Vec<PrivilegeFact>,
    /// Privileges held before and not now.
    pub privileges_revoked: Vec<PrivilegeFact>,
    /// Memberships held now and not before.
    pub memberships_granted: Vec<Membership>,
    /// Memberships held before and not now.
    pub memberships_revoked: Vec<Membership>,
    /// Changed attributes, by name.
    pub attributes: Vec<AttributeChange>,
}

impl ChangeDetail {
    /// Nothing differs.
    pub fn is_empty(&self) -> bool {
        self.privileges_granted.is_empty()
            && self.privileges_revoked.is_empty()
            && self.memberships_granted.is_empty()
            && self.memberships_revoked.is_empty()
            && self.attributes.is_empty()
    }

    /// The facts that differ from `before` to `after`.
    pub fn between(before: &AccountSnapshot, after: &AccountSnapshot) -> Self {
        let mut attributes = Vec::new();
        if before.kind != after.kind {
            attributes.push(AttributeChange {
                name: "kind".into(),
                before: Some(AttrValue::Text(before.kind.to_string())),
                after: Some(AttrValue::Text(after.kind.to_string())),
            });
        }
        if before.system != after.system {
            attributes.push(AttributeChange {
                name: "system".into(),
                before: Some(AttrValue::Bool(before.system)),
                after: Some(AttrValue::Bool(after.system)),
            });
        }
        let names: std::collections::BTreeSet<&String> =
            before.attributes.keys().chain(after.attributes.keys()).collect();
        for name in names {
            let (b, a) = (before.attributes.get(name), after.attributes.get(name));
            if b != a {
                attributes.push(AttributeChange {
                    name: name.clone(),
                    before: b.cloned(),
                    after: a.cloned(),
                });
            }
        }
        ChangeDetail {
            privileges_granted: after.privileges.difference(&before.privileges).cloned().collect(),
            privileges_revoked: before.privileges.difference(&after.privileges).cloned().collect(),
            memberships_granted: after
                .memberships
                .difference(&before.memberships)
                .cloned()
                .collect(),
            memberships_revoked: before
                .memberships
                .difference(&after.memberships)
                .cloned()
                .collect(),
            attributes,
        }
    }
}

/// One entry of the account change log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountChange {
    /// The account.
    pub key: AccountKey,
    /// What happened.
    pub kind: ChangeKind,
    /// The account's kind (after the change; before it for `removed`).
    pub account_kind: AccountKind,
    /// The new snapshot (`None` for `removed`: the inventory keeps the last one).
    pub snapshot: Option<AccountSnapshot>,
    /// What differs: against the stored snapshot for `modified` and `reactivated`;
    /// empty for `added` and `removed` (the snapshot says it all).
    pub detail: ChangeDetail,
}

/// Counts of a diff, kept in a record's `sync_details`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DiffSummary {
    /// New keys.
    pub added: u64,
    /// Removed keys that came back.
    pub reactivated: u64,
    /// Present keys whose snapshot changed.
    pub modified: u64,
    /// Present keys now missing.
    pub removed: u64,
    /// Present keys with an identical snapshot.
    pub unchanged: u64,
}

impl DiffSummary {
    /// The record counts for `read` accounts: created = added + reactivated,
    /// updated = modified, deleted = removed.
    pub fn item_counts(&self, read: u64) -> ItemCounts {
        ItemCounts {
            synced: read,
            created: self.added + self.reactivated,
            updated: self.modified,
            deleted: self.removed,
        }
    }
}

/// The changes that turn the stored inventory into the freshly read set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDiff {
    /// Changes in key order.
    pub changes: Vec<AccountChange>,
    /// Their counts, plus the unchanged ones.
    pub summary: DiffSummary,
    /// Accounts read.
    pub read: u64,
}

impl AccountDiff {
    /// The record counts of this diff.
    pub fn item_counts(&self) -> ItemCounts {
        self.summary.item_counts(self.read)
    }

    /// No added, reactivated, modified or removed account.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Diffs `fresh` against `inventory` (the stored rows of the same instance, present or not).
pub fn diff_accounts(inventory: &[InventoryAccount], fresh: &AccountSet) -> AccountDiff {
    let stored: BTreeMap<&AccountKey, &InventoryAccount> = inventory.iter().map(|r| (&r.key, r)).collect();
    let mut diff = AccountDiff {
        read: fresh.len() as u64,
        ..AccountDiff::default()
    };
    let mut changes: BTreeMap<&AccountKey, AccountChange> = BTreeMap::new();

    for (key, snap) in fresh.iter() {
        let change = match stored.get(key) {
            None => {
                diff.summary.added += 1;
                AccountChange {
                    key: key.clone(),
                    kind: ChangeKind::Added,
                    account_kind: snap.kind,
                    snapshot: Some(snap.clone()),
                    detail: ChangeDetail::default(),
                }
            }
            Some(row) if !row.present => {
                diff.summary.reactivated += 1;
                AccountChange {
                    key: key.clone(),
                    kind: ChangeKind::Reactivated,
                    account_kind: snap.kind,
                    snapshot: Some(snap.clone()),
                    detail: ChangeDetail::between(&row.snapshot, snap),
                }
            }
            Some(row) if row.snapshot == *snap => {
                diff.summary.unchanged += 1;
                continue;
            }
            Some(row) => {
                diff.summary.modified += 1;
                AccountChange {
                    key: key.clone(),
                    kind: ChangeKind::Modified,
                    account_kind: snap.kind,
                    snapshot: Some(snap.clone()),
                    detail: ChangeDetail::between(&row.snapshot, snap),
                }
            }
        };
        changes.insert(key, change);
    }
    for row in inventory
        .iter()
        .filter(|r| r.present && fresh.get(&r.key).is_none())
    {
        diff.summary.removed += 1;
        changes.insert(
            &row.key,
            AccountChange {
                key: row.key.clone(),
                kind: ChangeKind::Removed,
                account_kind: row.snapshot.kind,
                snapshot: None,
                detail: ChangeDetail::default(),
            },
        );
    }
    diff.changes = changes.into_values().collect();
    diff
}

/// Applies `diff` to an inventory at time `at`: the reference semantics every store follows.
/// Added rows are inserted, reactivated and modified rows take the new snapshot, removed rows
/// get `present = false` and `removed_at`, and every row present afterwards (every account
/// just read) gets `last_seen = at`.
pub fn apply_diff(inventory: &mut Vec<InventoryAccount>, diff: &AccountDiff, at: DateTime<Utc>) {
    let mut index: BTreeMap<AccountKey, usize> = inventory
        .iter()
        .enumerate()
        .map(|(i, r)| (r.key.clone(), i))
        .collect();
    for change in &diff.changes {
        match (change.kind, index.get(&change.key)) {
            (ChangeKind::Removed, Some(&i)) => {
                inventory[i].present = false;
                inventory[i].removed_at = Some(at);
            }
            (_, Some(&i)) => {
                let row = &mut inventory[i];
                row.present = true;
                row.removed_at = None;
                if let Some(s) = &change.snapshot {
                    row.snapshot = s.clone();
                }
            }
            (ChangeKind::Removed, None) => {}
            (_, None) => {
                if let Some(s) = &change.snapshot {
                    index.insert(change.key.clone(), inventory.len());
                    inventory.push(InventoryAccount {
                        key: change.key.clone(),
                        present: true,
                        first_seen: at,
                        last_seen: at,
                        removed_at: None,
                        snapshot: s.clone(),
                    });
                }
            }
        }
    }
    for row in inventory.iter_mut().filter(|r| r.present) {
        row.last_seen = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::snapshot::{PrivilegeScope, attr};

    fn snap(privs: &[&str]) -> AccountSnapshot {
        let mut s = AccountSnapshot::new(AccountKind::User).with_attr(attr::LOCKED, AttrValue::Bool(false));
        for p in privs {
            s.privileges
                .insert(PrivilegeFact::new(PrivilegeScope::Global, vec![], *p));
        }
        s
    }

    #[test]
    fn added_modified_removed_reactivated_and_unchanged() {
        let t = Utc::now();
        let mut inv = Vec::new();
        let first: AccountSet = [
            (AccountKey::mysql("a", "%"), snap(&["SELECT"])),
            (AccountKey::mysql("b", "%"), snap(&[])),
            (AccountKey::mysql("c", "%"), snap(&[])),
        ]
        .into_iter()
        .collect();
        let d1 = diff_accounts(&inv, &first);
        assert_eq!(
            d1.summary,
            DiffSummary {
                added: 3,
                ..Default::default()
            }
        );
        apply_diff(&mut inv, &d1, t);

        let second: AccountSet = [
            (AccountKey::mysql("a", "%"), snap(&["SELECT", "INSERT"])),
            (AccountKey::mysql("c", "%"), snap(&[])),
        ]
        .into_iter()
        .collect();
        let d2 = diff_accounts(&inv, &second);
        assert_eq!(
            d2.summary,
            DiffSummary {
                modified: 1,
                removed: 1,
                unchanged: 1,
                ..Default::default()
            }
        );
        assert_eq!(
            d2.item_counts(),
            ItemCounts {
                synced: 2,
                created: 0,
                updated: 1,
                deleted: 1
            }
        );
        let a = &d2.changes[0];
        assert_eq!(a.kind, ChangeKind::Modified);
        assert_eq!(
            a.detail.privileges_granted,
            vec![PrivilegeFact::new(PrivilegeScope::Global, vec![], "INSERT")]
        );
        assert!(a.detail.privileges_revoked.is_empty() && a.detail.attributes.is_empty());
        apply_diff(&mut inv, &d2, t);
        assert!(!inv.iter().find(|r| r.key.name() == "b").unwrap().present);

        let d3 = diff_accounts(&inv, &first);
        assert_eq!(
            d3.summary,
            DiffSummary {
                reactivated: 1,
                modified: 1,
                unchanged: 1,
                ..Default::default()
            }
        );
        assert_eq!(
            d3.item_counts(),
            ItemCounts {
                synced: 3,
                created: 1,
                updated: 1,
                deleted: 0
            }
        );
        apply_diff(&mut inv, &d3, t);
        assert!(diff_accounts(&inv, &first).is_empty());
    }

    #[test]
    fn attribute_changes_are_exact() {
        let before = snap(&[]);
        let after = snap(&[])
            .with_attr(attr::LOCKED, AttrValue::Bool(true))
            .with_attr("x", AttrValue::Null);
        let d = ChangeDetail::between(&before, &after);
        assert_eq!(
            d.attributes,
            vec![
                AttributeChange {
                    name: "locked".into(),
                    before: Some(AttrValue::Bool(false)),
                    after: Some(AttrValue::Bool(true))
                },
                AttributeChange {
                    name: "x".into(),
                    before: None,
                    after: Some(AttrValue::Null)
                },
            ]
        );
    }
}
