//! A failure in the middle of writing an account diff leaves the inventory and the change
//! log exactly as before.

use crate::common::{Kind, TestDb};
use crate::fixtures::{new_instance, new_session, t};
use crate::on_all_backends;
use sync_core::account::{AccountKey, AccountKind, AccountSet, AccountSnapshot, ChangeQuery, diff_accounts};
use sync_core::domain::SyncType;
use sync_core::traits::{InstanceStore, InventoryStore, SessionStore, StoreError};

fn accounts(names: &[&str], kind: AccountKind) -> AccountSet {
    names
        .iter()
        .map(|n| (AccountKey::mysql(*n, "%"), AccountSnapshot::new(kind)))
        .collect()
}

async fn failed_diff_write_changes_nothing(db: &TestDb) {
    let s = &db.store;
    let inst = s.add_instance(new_instance("tx")).await.unwrap().id;
    let (session, _) = s
        .create_session(new_session(SyncType::ManualSingle, &[(inst, "tx")]), t(0, 0))
        .await
        .unwrap();
    let sid = session.session_id;
    let first = accounts(&["a", "b", "c"], AccountKind::User);
    let d = diff_accounts(&[], &first);
    s.apply_account_diff(inst, sid, &d, t(0, 0)).await.unwrap();
    let before = s.load_inventory(inst).await.unwrap();
    let q = ChangeQuery {
        instance_id: inst,
        since: None,
        limit: None,
    };
    let log_before = s.list_changes(&q).await.unwrap();

    // A diff that modifies, removes and adds; it fails after the inventory rows were written.
    let mut second = accounts(&["a", "d", "e"], AccountKind::Role);
    second.insert(
        AccountKey::mysql("c", "%"),
        AccountSnapshot::new(AccountKind::User),
    );
    let d2 = diff_accounts(&before, &second);
    assert_eq!(d2.changes.len(), 4);
    s.inject_diff_failure();
    let err = s.apply_account_diff(inst, sid, &d2, t(1, 0)).await.unwrap_err();
    assert!(matches!(err, StoreError::Backend { .. }), "{err}");
    assert_eq!(s.load_inventory(inst).await.unwrap(), before);
    assert_eq!(s.list_changes(&q).await.unwrap(), log_before);

    // The same diff applies afterwards.
    s.apply_account_diff(inst, sid, &d2, t(2, 0)).await.unwrap();
    assert_eq!(s.load_inventory(inst).await.unwrap().len(), 5);
    assert_eq!(s.list_changes(&q).await.unwrap().len(), 3 + 4);

    if db.kind == Kind::Postgres {
        // A real constraint failure in the second row: PostgreSQL text cannot hold NUL.
        let inv = s.load_inventory(inst).await.unwrap();
        let mut third = second.clone();
        third.insert(
            AccountKey::mysql("bad\0name", "%"),
            AccountSnapshot::new(AccountKind::User),
        );
        third.insert(
            AccountKey::mysql("aaa", "%"),
            AccountSnapshot::new(AccountKind::User),
        );
        let d3 = diff_accounts(&inv, &third);
        assert!(s.apply_account_diff(inst, sid, &d3, t(3, 0)).await.is_err());
        assert_eq!(s.load_inventory(inst).await.unwrap(), inv);
        assert_eq!(s.list_changes(&q).await.unwrap().len(), 7);
    }
}

on_all_backends!(failed_diff_write_changes_nothing);
