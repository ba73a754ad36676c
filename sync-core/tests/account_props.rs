//! Property tests of the account diff.

use proptest::prelude::*;
use std::collections::BTreeSet;
use sync_core::account::{AccountSet, apply_diff, diff_accounts};
use sync_core::domain::ChangeKind;
use sync_core::strategies::{account_set, epoch, inventory};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn applying_the_diff_gives_the_new_set((old, new) in any::<bool>().prop_flat_map(|m| (inventory(m, 12), account_set(m, 12)))) {
        let mut inv = old.clone();
        let diff = diff_accounts(&inv, &new);
        apply_diff(&mut inv, &diff, epoch());
        let present: AccountSet = inv.iter().filter(|r| r.present).map(|r| (r.key.clone(), r.snapshot.clone())).collect();
        prop_assert_eq!(&present, &new);
        // Nothing is ever hard-deleted.
        let before: BTreeSet<_> = old.iter().map(|r| r.key.clone()).collect();
        let after: BTreeSet<_> = inv.iter().map(|r| r.key.clone()).collect();
        prop_assert!(before.is_subset(&after));
        // And a second diff finds nothing.
        prop_assert!(diff_accounts(&inv, &new).is_empty());
    }

    #[test]
    fn diff_of_a_set_with_itself_is_empty(inv in inventory(true, 12)) {
        let current: AccountSet = inv.iter().filter(|r| r.present).map(|r| (r.key.clone(), r.snapshot.clone())).collect();
        let diff = diff_accounts(&inv, &current);
        prop_assert!(diff.changes.is_empty());
        prop_assert_eq!(diff.summary.unchanged, current.len() as u64);
    }

    #[test]
    fn record_counts_equal_the_sizes_of_the_change_lists(old in inventory(false, 12), new in account_set(false, 12)) {
        let diff = diff_accounts(&old, &new);
        let count = |k: ChangeKind| diff.changes.iter().filter(|c| c.kind == k).count() as u64;
        let items = diff.item_counts();
        prop_assert_eq!(items.synced, new.len() as u64);
        prop_assert_eq!(items.created, count(ChangeKind::Added) + count(ChangeKind::Reactivated));
        prop_assert_eq!(items.updated, count(ChangeKind::Modified));
        prop_assert_eq!(items.deleted, count(ChangeKind::Removed));
        prop_assert_eq!(diff.summary.added + diff.summary.reactivated + diff.summary.modified + diff.summary.unchanged, new.len() as u64);
        for c in &diff.changes {
            if c.kind == ChangeKind::Modified {
                prop_assert!(!c.detail.is_empty(), "modified means really changed");
            }
        }
    }
}
