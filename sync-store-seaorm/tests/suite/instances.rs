//! Instances: CRUD, soft delete, name conflicts.

use crate::common::TestDb;
use crate::fixtures::{new_instance, t};
use crate::on_all_backends;
use sync_core::traits::{InstanceListFilter, InstanceStore, StoreError};

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

on_all_backends!(instances_crud_and_soft_delete);
