//! Instances: CRUD, soft delete, name conflicts, updates in place.

use crate::common::TestDb;
use crate::fixtures::{completed, items, new_instance, new_session, t};
use crate::on_all_backends;
use sync_core::account::{AccountKey, AccountKind, AccountSet, AccountSnapshot, ChangeQuery, diff_accounts};
use sync_core::domain::{ChangeKind, CredentialRef, DbType, SecretSource, SyncType};
use sync_core::traits::{
    HistoryStore, InstanceListFilter, InstanceStore, InventoryStore, SessionStore, StoreError,
};

async fn instances_crud_and_soft_delete(db: &TestDb) {
    let s = &db.store;
    let a = s.add_instance(new_instance("pg-main")).await.unwrap();
    assert_eq!(a.name, "pg-main");
    assert_eq!(a.inspect_databases, vec!["app".to_string(), "ü-db".to_string()]);
    assert_eq!(
        a.credential.to_string(),
        "sync (password from env PG_MAIN_PASSWORD)"
    );
    assert_eq!(
        (a.sync_count, a.is_active, a.deleted_at, a.last_synced_at),
        (0, true, None, None)
    );
    assert_eq!(s.get_instance(a.id).await.unwrap(), a);

    // Name conflicts are exact: other case and trailing space are other names.
    let err = s.add_instance(new_instance("pg-main")).await.unwrap_err();
    assert_eq!(
        err,
        StoreError::Conflict("an instance named \"pg-main\" already exists".into())
    );
    let upper = s.add_instance(new_instance("PG-Main")).await.unwrap();
    let spaced = s.add_instance(new_instance("pg-main ")).await.unwrap();
    let other = s.add_instance(new_instance("b-other")).await.unwrap();
    assert_eq!(s.find_instance("pg-main").await.unwrap().unwrap().id, a.id);
    assert_eq!(s.find_instance("PG-MAIN").await.unwrap(), None);
    assert_eq!(s.find_instance("pg-main ").await.unwrap().unwrap().id, spaced.id);

    let names = |v: Vec<sync_core::domain::Instance>| v.into_iter().map(|i| i.name).collect::<Vec<_>>();
    assert_eq!(
        names(s.list_instances(InstanceListFilter::default()).await.unwrap()),
        vec!["PG-Main", "b-other", "pg-main", "pg-main "]
    );

    let off = s.set_instance_active(other.id, false).await.unwrap();
    assert!(!off.is_active);
    assert_eq!(
        names(s.list_instances(InstanceListFilter::default()).await.unwrap()),
        vec!["PG-Main", "pg-main", "pg-main "]
    );
    let with_inactive = InstanceListFilter {
        include_inactive: true,
        include_deleted: false,
    };
    assert_eq!(s.list_instances(with_inactive).await.unwrap().len(), 4);

    s.mark_instance_synced(a.id, t(10, 123_456), Some("15.4".into()), true)
        .await
        .unwrap();
    s.mark_instance_synced(a.id, t(20, 1), Some("15.5".into()), false)
        .await
        .unwrap();
    s.mark_instance_synced(a.id, t(30, 999_999), None, true)
        .await
        .unwrap();
    let synced = s.get_instance(a.id).await.unwrap();
    assert_eq!(synced.sync_count, 2);
    assert_eq!(synced.last_synced_at, Some(t(30, 999_999)));
    assert_eq!(synced.server_version, None);

    s.delete_instance(a.id, t(40, 5)).await.unwrap();
    s.delete_instance(a.id, t(50, 0)).await.unwrap(); // idempotent, keeps the first time
    let gone = s.get_instance(a.id).await.unwrap();
    assert_eq!(gone.deleted_at, Some(t(40, 5)));
    assert!(!gone.is_syncable());
    assert_eq!(s.find_instance("pg-main").await.unwrap(), None);
    assert_eq!(
        names(s.list_instances(with_inactive).await.unwrap()),
        vec!["PG-Main", "b-other", "pg-main "]
    );
    let all = InstanceListFilter {
        include_inactive: true,
        include_deleted: true,
    };
    assert_eq!(s.list_instances(all).await.unwrap().len(), 4);
    // The name of a deleted instance can be taken again.
    let again = s.add_instance(new_instance("pg-main")).await.unwrap();
    assert_ne!(again.id, a.id);
    assert_eq!(s.find_instance("pg-main").await.unwrap().unwrap().id, again.id);
    assert_eq!(s.list_instances(all).await.unwrap().len(), 5);
    let _ = upper;

    let missing = StoreError::NotFound {
        entity: "instance",
        id: "999999".into(),
    };
    assert_eq!(s.get_instance(999_999).await.unwrap_err(), missing);
    assert_eq!(s.delete_instance(999_999, t(0, 0)).await.unwrap_err(), missing);
    assert_eq!(
        s.mark_instance_synced(999_999, t(0, 0), None, true)
            .await
            .unwrap_err(),
        missing
    );
    assert_eq!(s.set_instance_active(999_999, true).await.unwrap_err(), missing);
}

/// An update changes the settings in place: the id, the inventory, the change log, the
/// history and the sync counters stay.
async fn instances_update_in_place(db: &TestDb) {
    let s = &db.store;
    let a = s.add_instance(new_instance("pg-a")).await.unwrap();
    let b = s.add_instance(new_instance("pg-b")).await.unwrap();
    let gone = s.add_instance(new_instance("pg-gone")).await.unwrap();
    s.delete_instance(gone.id, t(1, 0)).await.unwrap();

    // One completed sync of `a` with two accounts.
    let (session, records) = s
        .create_session(new_session(SyncType::ManualSingle, &[(a.id, "pg-a")]), t(2, 0))
        .await
        .unwrap();
    s.start_record(records[0].id, t(3, 0)).await.unwrap();
    let fresh: AccountSet = ["alice", "bob"]
        .iter()
        .map(|n| (AccountKey::postgres(*n), AccountSnapshot::new(AccountKind::Role)))
        .collect();
    let diff = diff_accounts(&[], &fresh);
    s.apply_account_diff(a.id, session.session_id, &diff, t(4, 0))
        .await
        .unwrap();
    s.finish_record(records[0].id, completed(items(2, 2, 0, 0)), t(5, 0))
        .await
        .unwrap();
    s.mark_instance_synced(a.id, t(5, 0), Some("15.4".into()), true)
        .await
        .unwrap();
    let before = s.get_instance(a.id).await.unwrap();
    let inventory = s.load_inventory(a.id).await.unwrap();
    let query = ChangeQuery {
        instance_id: a.id,
        since: None,
        limit: None,
    };
    let log = s.list_changes(&query).await.unwrap();
    let kinds: Vec<(&str, ChangeKind)> = log.iter().map(|c| (c.key.name(), c.kind)).collect();
    assert_eq!(kinds, [("bob", ChangeKind::Added), ("alice", ChangeKind::Added)]);

    let mut update = before.settings();
    update.host = "db2.internal".into();
    update.port = 6432;
    update.database = Some("app".into());
    update.inspect_databases = vec!["reports".into()];
    update.is_active = false;
    update.credential = CredentialRef {
        user: "reader".into(),
        secret: SecretSource::File {
            path: "/run/secrets/reader".into(),
        },
    };
    let updated = s.update_instance(a.id, update.clone()).await.unwrap();
    assert_eq!(updated.settings(), update);
    assert_eq!(
        (
            updated.id,
            updated.sync_count,
            updated.last_synced_at,
            updated.server_version.as_deref(),
            updated.created_at,
            updated.deleted_at
        ),
        (a.id, 1, Some(t(5, 0)), Some("15.4"), before.created_at, None)
    );
    assert!(updated.updated_at >= before.updated_at);
    assert_eq!(
        updated.credential.to_string(),
        "reader (password from file /run/secrets/reader)"
    );
    assert_eq!(s.get_instance(a.id).await.unwrap(), updated);
    assert_eq!(s.find_instance("pg-a").await.unwrap(), Some(updated.clone()));
    assert_eq!(s.load_inventory(a.id).await.unwrap(), inventory);
    assert_eq!(s.list_changes(&query).await.unwrap(), log);
    let details = s.session_details(session.session_id).await.unwrap();
    assert_eq!(details.records.len(), 1);
    assert_eq!(
        (
            details.records[0].instance_id,
            details.records[0].instance_name.as_str()
        ),
        (a.id, "pg-a")
    );

    // Renames: never onto a live instance's name, but onto a deleted one's.
    let mut taken = updated.settings();
    taken.name = "pg-b".into();
    assert_eq!(
        s.update_instance(a.id, taken).await.unwrap_err(),
        StoreError::Conflict("an instance named \"pg-b\" already exists".into())
    );
    assert_eq!(s.get_instance(a.id).await.unwrap(), updated);
    let mut reuse = updated.settings();
    reuse.name = "pg-gone".into();
    let renamed = s.update_instance(a.id, reuse).await.unwrap();
    assert_eq!((renamed.id, renamed.name.as_str()), (a.id, "pg-gone"));
    assert_eq!(s.find_instance("pg-a").await.unwrap(), None);
    assert_eq!(s.find_instance("pg-gone").await.unwrap().unwrap().id, a.id);
    // The old name is free again.
    let mut back = renamed.settings();
    back.name = "pg-a".into();
    assert_eq!(s.update_instance(a.id, back).await.unwrap().name, "pg-a");

    // Another server family is refused; nothing is written.
    let current = s.get_instance(a.id).await.unwrap();
    let mut family = current.settings();
    family.db_type = DbType::Mysql;
    family.port = 3306;
    let err = s.update_instance(a.id, family).await.unwrap_err();
    assert_eq!(
        err,
        StoreError::DbTypeChange {
            id: a.id,
            name: "pg-a".into(),
            from: DbType::Postgresql,
            to: DbType::Mysql
        }
    );
    assert_eq!(s.get_instance(a.id).await.unwrap(), current);

    // Unknown and deleted ids are not found; `b` was never touched.
    for id in [999_999, gone.id] {
        assert_eq!(
            s.update_instance(id, new_instance("pg-x")).await.unwrap_err(),
            StoreError::NotFound {
                entity: "instance",
                id: id.to_string()
            }
        );
    }
    assert_eq!(s.get_instance(gone.id).await.unwrap().name, "pg-gone");
    assert_eq!(s.get_instance(b.id).await.unwrap(), b);
    assert_eq!(s.load_inventory(a.id).await.unwrap(), inventory);
}

on_all_backends!(instances_crud_and_soft_delete, instances_update_in_place);
