//! Authorisation: *update* for every change, *view* for every read; a refused caller writes
//! nothing.

mod support;

use std::time::Duration;
use support::*;
use sync_core::account::ChangeQuery;
use sync_core::domain::{SessionStatus, SyncType};
use sync_core::history::HistoryRequest;
use sync_core::service::{Caller, Permission, Permissions, ServiceError};
use sync_core::traits::{InstanceListFilter, InstanceStore};

fn forbidden(user: &str, action: &'static str, permission: Permission) -> ServiceError {
    ServiceError::Forbidden {
        user_id: user.into(),
        action,
        permission,
    }
}

#[tokio::test]
async fn a_caller_without_update_is_refused_and_nothing_is_written() {
    let fake = FakeConnector::new(Duration::ZERO, Behaviour::Accounts(1));
    let env = Env::new(3, config(2), fake).await;
    let viewer = Caller::viewer("victor");
    let instances_before = env
        .store
        .list_instances(InstanceListFilter::default())
        .await
        .unwrap();

    assert_eq!(
        env.service
            .sync_all(&viewer, SyncType::ManualBatch)
            .await
            .unwrap_err(),
        forbidden("victor", "sync all instances", Permission::Update)
    );
    assert_eq!(
        env.service.sync_instance(&viewer, env.ids[0]).await.unwrap_err(),
        forbidden("victor", "sync an instance", Permission::Update)
    );
    assert_eq!(
        env.service.retry_instance(&viewer, env.ids[0]).await.unwrap_err(),
        forbidden("victor", "retry an instance", Permission::Update)
    );
    assert_eq!(
        env.service.recover_stale(&viewer).await.unwrap_err(),
        forbidden("victor", "recover stale records", Permission::Update)
    );
    assert!(env.store.sessions().is_empty(), "no session created");
    assert!(env.store.records().is_empty());
    assert_eq!(env.fake.total_calls(), 0);
    assert_eq!(
        env.store
            .list_instances(InstanceListFilter::default())
            .await
            .unwrap(),
        instances_before
    );
    assert_eq!(
        env.service
            .sync_all(&viewer, SyncType::ManualBatch)
            .await
            .unwrap_err()
            .to_string(),
        "user \"victor\" may not sync all instances: the update permission is required"
    );

    // On an existing session, every change is refused and the session stays as it was.
    let done = env
        .service
        .sync_all(&alice(), SyncType::ManualBatch)
        .await
        .unwrap()
        .await
        .unwrap();
    let sid = done.session.session_id;
    env.fake.set(
        "db-001",
        Behaviour::Fail(sync_core::traits::ConnectorError::Cancelled),
    );
    let with_failure = env
        .service
        .sync_all(&alice(), SyncType::ManualBatch)
        .await
        .unwrap()
        .await
        .unwrap();
    let before = env.store.sessions();
    let records_before = env.store.records();
    assert_eq!(
        env.service.cancel(&viewer, sid).await.unwrap_err(),
        forbidden("victor", "cancel a session", Permission::Update)
    );
    assert_eq!(
        env.service.pause(&viewer, sid).await.unwrap_err(),
        forbidden("victor", "pause a session", Permission::Update)
    );
    assert_eq!(
        env.service.resume(&viewer, sid).await.unwrap_err(),
        forbidden("victor", "resume a session", Permission::Update)
    );
    assert_eq!(
        env.service
            .retry_failed(&viewer, with_failure.session.session_id)
            .await
            .unwrap_err(),
        forbidden("victor", "retry failed instances", Permission::Update)
    );
    assert_eq!(env.store.sessions(), before);
    assert_eq!(env.store.records(), records_before);
    assert_eq!(env.store.sessions()[0].status, SessionStatus::Completed);
}

#[tokio::test]
async fn reads_need_view_and_update_does_not_imply_it() {
    let fake = FakeConnector::new(Duration::ZERO, Behaviour::Accounts(2));
    let env = Env::new(2, config(2), fake).await;
    let writer = Caller::new(
        "walt",
        Permissions {
            view: false,
            update: true,
        },
    );
    let nobody = Caller::new("nina", Permissions::NONE);
    let summary = env
        .service
        .sync_all(&writer, SyncType::ManualBatch)
        .await
        .unwrap()
        .await
        .unwrap();
    let sid = summary.session.session_id;
    assert_eq!(summary.session.created_by.as_deref(), Some("walt"));

    let request = HistoryRequest::default();
    let changes = ChangeQuery {
        instance_id: env.ids[0],
        since: None,
        limit: None,
    };
    for caller in [&writer, &nobody] {
        let user = caller.user_id.as_str();
        assert_eq!(
            env.service.history(caller, &request).await.unwrap_err(),
            forbidden(user, "view the history", Permission::View)
        );
        assert_eq!(
            env.service.session_details(caller, sid).await.unwrap_err(),
            forbidden(user, "view session details", Permission::View)
        );
        assert_eq!(
            env.service.batch_details(caller, &[sid]).await.unwrap_err(),
            forbidden(user, "view batch details", Permission::View)
        );
        assert_eq!(
            env.service.failed_details(caller, &[sid]).await.unwrap_err(),
            forbidden(user, "view failed details", Permission::View)
        );
        assert_eq!(
            env.service.accounts(caller, env.ids[0]).await.unwrap_err(),
            forbidden(user, "view accounts", Permission::View)
        );
        assert_eq!(
            env.service.changes(caller, &changes).await.unwrap_err(),
            forbidden(user, "view account changes", Permission::View)
        );
        assert_eq!(
            env.service
                .instances(caller, InstanceListFilter::default())
                .await
                .unwrap_err(),
            forbidden(user, "list instances", Permission::View)
        );
    }
    assert_eq!(
        env.service
            .sync_all(&nobody, SyncType::ManualBatch)
            .await
            .unwrap_err(),
        forbidden("nina", "sync all instances", Permission::Update)
    );

    let viewer = Caller::viewer("victor");
    let page = env.service.history(&viewer, &request).await.unwrap();
    assert_eq!(
        (
            page.total,
            page.items[0].successful_instances,
            page.items[0].items.synced
        ),
        (1, 2, 4)
    );
    let details = env.service.session_details(&viewer, sid).await.unwrap();
    assert_eq!((details.records.len(), details.items.created), (2, 4));
    let batch = env.service.batch_details(&viewer, &[sid]).await.unwrap();
    assert_eq!((batch.completed, batch.failed), (2, 0));
    assert!(
        env.service
            .failed_details(&viewer, &[sid])
            .await
            .unwrap()
            .records
            .is_empty()
    );
    assert_eq!(env.service.accounts(&viewer, env.ids[0]).await.unwrap().len(), 2);
    assert_eq!(env.service.changes(&viewer, &changes).await.unwrap().len(), 2);
    assert_eq!(
        env.service
            .instances(&viewer, InstanceListFilter::default())
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        env.service
            .batch_details(&viewer, &[])
            .await
            .unwrap_err()
            .to_string(),
        "no session ids given: a details request needs at least one session id"
    );
}
