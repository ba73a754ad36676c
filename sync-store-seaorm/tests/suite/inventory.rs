//! The account inventory and change log: added / modified / removed / reactivated, names
//! with quotes, `@`, spaces, unicode and an empty user, following `apply_diff` exactly.

use crate::common::TestDb;
use crate::fixtures::{new_instance, new_session, t};
use crate::on_all_backends;
use sync_core::account::{
    AccountKey, AccountKind, AccountSet, AccountSnapshot, AttrValue, ChangeQuery, InventoryAccount,
    Membership, PrivilegeFact, PrivilegeScope, apply_diff, attr, diff_accounts,
};
use sync_core::domain::{ChangeKind, SessionId, SyncType};
use sync_core::traits::{InstanceStore, InventoryStore, SessionStore, StoreError};
use sync_store_seaorm::SeaStore;

fn snap(kind: AccountKind, privs: &[&str]) -> AccountSnapshot {
    let mut s = AccountSnapshot::new(kind)
        .with_attr(attr::LOCKED, AttrValue::Bool(false))
        .with_attr(attr::PASSWORD_LIFETIME, AttrValue::Null)
        .with_attr(attr::VALID_UNTIL, AttrValue::Time(t(3600, 123_456)))
        .with_attr(
            attr::AUTH_METHODS,
            AttrValue::List(vec!["unix_socket".into(), "mysql_native_password".into()]),
        );
    for p in privs {
        s.privileges.insert(
            PrivilegeFact::new(PrivilegeScope::Database, vec!["app_%".into()], *p)
                .pattern(true)
                .grantable(p.starts_with('S')),
        );
    }
    s
}

fn mysql_keys() -> Vec<AccountKey> {
    vec![
        AccountKey::mysql("o'neil", "%"),
        AccountKey::mysql("a@b", "c@d"),
        AccountKey::mysql("", "localhost"),
        AccountKey::mysql("ü.näme 用户", "%"),
        AccountKey::mysql("App_User", "%"),
        AccountKey::mysql("app_user", "%"),
        AccountKey::mysql("app_user", "10.0.%"),
        AccountKey::mysql("`tick`", ""),
        AccountKey::mysql("app_user ", "%"),
    ]
}

fn set(entries: &[(AccountKey, AccountSnapshot)]) -> AccountSet {
    entries.iter().cloned().collect()
}

fn sorted(mut v: Vec<InventoryAccount>) -> Vec<InventoryAccount> {
    v.sort_by(|a, b| a.key.cmp(&b.key));
    v
}

/// Diffs `fresh` against the store, applies it to the store and to `reference`, and checks
/// both agree. Returns the diff's change kinds.
async fn sync(
    s: &SeaStore,
    (instance, session): (i64, SessionId),
    reference: &mut Vec<InventoryAccount>,
    fresh: &AccountSet,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<(AccountKey, ChangeKind)> {
    let stored = s.load_inventory(instance).await.unwrap();
    assert_eq!(stored, sorted(reference.clone()));
    let diff = diff_accounts(&stored, fresh);
    s.apply_account_diff(instance, session, &diff, at).await.unwrap();
    apply_diff(reference, &diff, at);
    assert_eq!(
        s.load_inventory(instance).await.unwrap(),
        sorted(reference.clone())
    );
    diff.changes.iter().map(|c| (c.key.clone(), c.kind)).collect()
}

/// A registered instance and a session to attribute changes to.
async fn target(s: &SeaStore, name: &str) -> (i64, SessionId) {
    let id = s.add_instance(new_instance(name)).await.unwrap().id;
    let (session, _) = s
        .create_session(new_session(SyncType::ManualSingle, &[(id, name)]), t(0, 0))
        .await
        .unwrap();
    (id, session.session_id)
}

async fn inventory_follows_apply_diff(db: &TestDb) {
    let s = &db.store;
    let one = target(s, "mysql-1").await;
    let i1 = one.0;
    let keys = mysql_keys();
    let mut reference = Vec::new();
    let first: Vec<(AccountKey, AccountSnapshot)> = keys
        .iter()
        .map(|k| (k.clone(), snap(AccountKind::User, &["SELECT"])))
        .collect();
    let changes = sync(s, one, &mut reference, &set(&first), t(0, 1)).await;
    assert_eq!(changes.len(), keys.len());
    assert!(changes.iter().all(|(_, k)| *k == ChangeKind::Added));
    let inv = s.load_inventory(i1).await.unwrap();
    assert_eq!(inv.len(), 9);
    assert!(
        inv.iter()
            .all(|r| r.present && r.first_seen == t(0, 1) && r.last_seen == t(0, 1))
    );
    // Keys come back as the exact parts, never split from a joined string.
    let empty = inv.iter().find(|r| r.key.name().is_empty()).unwrap();
    assert_eq!(empty.key, AccountKey::mysql("", "localhost"));
    assert!(inv.iter().any(|r| r.key == AccountKey::mysql("a@b", "c@d")));
    assert!(inv.iter().any(|r| r.key == AccountKey::mysql("app_user ", "%")));

    // Second read: one modified, one removed, the others unchanged.
    let mut second = first.clone();
    second[0].1 = snap(AccountKind::Both, &["SELECT", "INSERT"]);
    let removed = second.remove(1).0;
    let changes = sync(s, one, &mut reference, &set(&second), t(10, 0)).await;
    let mut expect = vec![
        (keys[0].clone(), ChangeKind::Modified),
        (removed.clone(), ChangeKind::Removed),
    ];
    expect.sort();
    assert_eq!(changes, expect);
    let inv = s.load_inventory(i1).await.unwrap();
    let gone = inv.iter().find(|r| r.key == removed).unwrap();
    assert_eq!(
        (gone.present, gone.removed_at, gone.last_seen),
        (false, Some(t(10, 0)), t(0, 1))
    );
    assert!(inv.iter().filter(|r| r.present).all(|r| r.last_seen == t(10, 0)));

    // Third read: the removed key comes back -> reactivated, first_seen kept.
    let changes = sync(s, one, &mut reference, &set(&first), t(20, 0)).await;
    let mut expect = vec![
        (keys[0].clone(), ChangeKind::Modified),
        (removed.clone(), ChangeKind::Reactivated),
    ];
    expect.sort();
    assert_eq!(changes, expect);
    let back = s
        .load_inventory(1)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.key == removed)
        .unwrap();
    assert_eq!(
        (back.present, back.removed_at, back.first_seen, back.last_seen),
        (true, None, t(0, 1), t(20, 0))
    );

    // Unchanged: nothing to write but last_seen.
    assert!(
        sync(s, one, &mut reference, &set(&first), t(30, 0))
            .await
            .is_empty()
    );

    // The change log, newest first, with the structured diff.
    let log = s
        .list_changes(&ChangeQuery {
            instance_id: i1,
            since: None,
            limit: None,
        })
        .await
        .unwrap();
    assert_eq!(log.len(), 9 + 2 + 2);
    assert!(log.windows(2).all(|w| (w[0].at, w[0].id) > (w[1].at, w[1].id)));
    let modified = log
        .iter()
        .find(|e| e.kind == ChangeKind::Modified && e.at == t(10, 0))
        .unwrap();
    assert_eq!(modified.key, keys[0]);
    assert_eq!(modified.account_kind, AccountKind::Both);
    assert_eq!(
        modified.detail.privileges_granted,
        vec![PrivilegeFact::new(PrivilegeScope::Database, vec!["app_%".into()], "INSERT").pattern(true)]
    );
    assert_eq!(modified.detail.attributes.len(), 1);
    assert_eq!(modified.detail.attributes[0].name, "kind");
    let recent = s
        .list_changes(&ChangeQuery {
            instance_id: i1,
            since: Some(t(20, 0)),
            limit: Some(1),
        })
        .await
        .unwrap();
    assert_eq!(recent.len(), 1);
    assert_eq!(recent[0].at, t(20, 0));
}

async fn postgres_roles_and_instances_are_separate(db: &TestDb) {
    let s = &db.store;
    let (two, three) = (target(s, "pg-2").await, target(s, "mysql-3").await);
    let mut pg_ref = Vec::new();
    let mut with_member = AccountSnapshot::new(AccountKind::Role);
    with_member
        .memberships
        .insert(Membership::new(AccountKey::postgres("pg_monitor")));
    let roles = set(&[
        (AccountKey::postgres("Role\"quoted"), snap(AccountKind::Role, &[])),
        (
            AccountKey::postgres("role\"quoted"),
            snap(AccountKind::User, &["CONNECT"]),
        ),
        (AccountKey::postgres(""), with_member),
        (AccountKey::postgres("日本語 role"), snap(AccountKind::User, &[])),
    ]);
    sync(s, two, &mut pg_ref, &roles, t(0, 0)).await;
    let mut my_ref = Vec::new();
    // The same name on a MySQL instance is another account of another instance.
    let users = set(&[(
        AccountKey::mysql("Role\"quoted", ""),
        snap(AccountKind::User, &[]),
    )]);
    sync(s, three, &mut my_ref, &users, t(0, 0)).await;
    assert_eq!(s.load_inventory(two.0).await.unwrap().len(), 4);
    assert_eq!(s.load_inventory(three.0).await.unwrap().len(), 1);
    let other = s.add_instance(new_instance("empty")).await.unwrap().id;
    assert!(s.load_inventory(other).await.unwrap().is_empty());
    // Unknown instances and sessions are refused.
    assert_eq!(
        s.load_inventory(999_999).await.unwrap_err(),
        StoreError::NotFound {
            entity: "instance",
            id: "999999".into()
        }
    );
    let unknown = SessionId::new();
    let d = diff_accounts(&[], &roles);
    assert_eq!(
        s.apply_account_diff(other, unknown, &d, t(1, 0))
            .await
            .unwrap_err(),
        StoreError::NotFound {
            entity: "session",
            id: unknown.to_string()
        }
    );
    assert!(s.load_inventory(other).await.unwrap().is_empty());
    // Everything removed at once (an empty read is only ever a real empty server).
    let changes = sync(s, two, &mut pg_ref, &AccountSet::new(), t(5, 0)).await;
    assert_eq!(changes.len(), 4);
    assert!(changes.iter().all(|(_, k)| *k == ChangeKind::Removed));
    assert!(s.load_inventory(three.0).await.unwrap()[0].present);
}

on_all_backends!(
    inventory_follows_apply_diff,
    postgres_roles_and_instances_are_separate
);
