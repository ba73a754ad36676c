//! The README's embedding flow, through the facade, on the live local servers: a SQLite
//! store, both connectors, `SyncService::sync_all`, the history. Also the rule that one
//! failing server never stops the others, with the password kept out of every message.
//!
//! Needs PostgreSQL on 127.0.0.1:5432 (user `postgres`, trust) and MariaDB on 127.0.0.1:3306
//! (`root`, empty password). Without them the tests print "skipping"; with `CI=true` they fail.

use account_sync::account::AccountKey;
use account_sync::connectors::{mysql::MysqlConnector, postgres::PostgresConnector};
use account_sync::domain::{
    CredentialRef, DbType, NewInstance, RecordStatus, SecretSource, SessionStatus, SyncType,
};
use account_sync::history::HistoryRequest;
use account_sync::service::{Caller, ServiceConfig, SyncService, SyncSummary};
use account_sync::store::{OpenOptions, SeaStore};
use account_sync::traits::{EnvCredentialProvider, InstanceStore, InventoryStore, SessionStore};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

fn reachable(port: u16) -> bool {
    let addr = ("127.0.0.1", port).to_socket_addrs().unwrap().next().unwrap();
    TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok()
}

/// Whether both servers answer; panics under `CI=true` when one does not.
fn servers_up(test: &str) -> bool {
    let down: Vec<&str> = [(5432, "PostgreSQL"), (3306, "MariaDB")]
        .into_iter()
        .filter(|(port, _)| !reachable(*port))
        .map(|(_, name)| name)
        .collect();
    if down.is_empty() {
        return true;
    }
    assert_ne!(
        std::env::var("CI").as_deref(),
        Ok("true"),
        "{test}: CI=true and {down:?} unreachable (start them with .ci/services.sh)"
    );
    eprintln!("skipping {test}: {down:?} unreachable");
    false
}

fn instance(name: &str, db_type: DbType, port: u16, user: &str, secret: SecretSource) -> NewInstance {
    NewInstance {
        name: name.into(),
        db_type,
        host: "127.0.0.1".into(),
        port,
        database: (db_type == DbType::Postgresql).then(|| "postgres".into()),
        inspect_databases: vec![],
        is_active: true,
        credential: CredentialRef {
            user: user.into(),
            secret,
        },
    }
}

/// The README's service over `store`, with both connectors and `config`.
fn service_over(store: Arc<SeaStore>, config: ServiceConfig) -> SyncService {
    SyncService::builder(store, Arc::new(EnvCredentialProvider))
        .connector(Arc::new(PostgresConnector::new()))
        .connector(Arc::new(MysqlConnector::new()))
        .config(config)
        .build()
        .expect("valid service configuration")
}

/// Runs a `manual_batch` sync of every active instance as `alice` to its end.
async fn sync_all(service: &SyncService) -> SyncSummary {
    service
        .sync_all(&Caller::operator("alice"), SyncType::ManualBatch)
        .await
        .expect("session started")
        .await
        .expect("session summary")
}

async fn sqlite_store(dir: &tempfile::TempDir) -> Arc<SeaStore> {
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("inventory.sqlite").display()
    );
    Arc::new(
        SeaStore::open(&url, OpenOptions::default())
            .await
            .expect("open SQLite store"),
    )
}

#[tokio::test]
async fn readme_flow_syncs_both_servers_and_a_rerun_changes_nothing() {
    if !servers_up("readme_flow") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(&dir).await;
    let pg = store
        .add_instance(instance(
            "pg",
            DbType::Postgresql,
            5432,
            "postgres",
            SecretSource::None,
        ))
        .await
        .unwrap();
    let my = store
        .add_instance(instance("maria", DbType::Mysql, 3306, "root", SecretSource::None))
        .await
        .unwrap();
    let service = service_over(store.clone(), ServiceConfig::default());
    let me = Caller::operator("alice");

    let first = sync_all(&service).await;
    assert_eq!(
        first.session.status,
        SessionStatus::Completed,
        "{:?}",
        first.failures
    );
    assert_eq!(first.session.total_instances, 2);
    assert_eq!(first.session.successful_instances, 2);
    assert_eq!(first.session.created_by.as_deref(), Some("alice"));

    // What the first sync created is exactly what the inventory holds, and it holds the
    // servers' administrators.
    let pg_inv = store.load_inventory(pg.id).await.unwrap();
    let my_inv = store.load_inventory(my.id).await.unwrap();
    assert!(pg_inv.iter().all(|a| a.present));
    assert!(pg_inv.iter().any(|a| a.key == AccountKey::postgres("postgres")));
    assert!(
        my_inv
            .iter()
            .any(|a| a.key == AccountKey::mysql("root", "localhost"))
    );
    assert_eq!(first.items.created as usize, pg_inv.len() + my_inv.len());
    assert_eq!(first.items.synced, first.items.created);

    // No DDL in between: nothing changes.
    let second = sync_all(&service).await;
    assert_eq!(second.session.status, SessionStatus::Completed);
    assert_eq!(second.items.synced, first.items.synced);
    assert_eq!(
        (second.items.created, second.items.updated, second.items.deleted),
        (0, 0, 0)
    );

    // Two manual_batch sessions: two history groups, newest first, with their sums.
    let page = service.history(&me, &HistoryRequest::default()).await.unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(page.items[0].session_ids, vec![second.session.session_id]);
    assert_eq!(page.items[1].session_ids, vec![first.session.session_id]);
    assert_eq!(page.items[1].items.created, first.items.created);
    assert_eq!(page.items[0].successful_instances, 2);
    assert_eq!(page.items[0].status, SessionStatus::Completed);
}

#[tokio::test]
async fn a_failing_server_fails_alone_and_its_password_never_shows() {
    if !servers_up("failing_server") {
        return;
    }
    const PASSWORD: &str = "Tr0ub4dor&3-embedding-secret";
    // SAFETY: the only environment write of this test binary, before any thread reads it.
    unsafe { std::env::set_var("ACS_EMBEDDING_BAD_PASSWORD", PASSWORD) };
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(&dir).await;
    store
        .add_instance(instance(
            "pg",
            DbType::Postgresql,
            5432,
            "postgres",
            SecretSource::None,
        ))
        .await
        .unwrap();
    let wrong = store
        .add_instance(instance(
            "maria-wrong-password",
            DbType::Mysql,
            3306,
            "acs_embedding_nobody",
            SecretSource::Env {
                var: "ACS_EMBEDDING_BAD_PASSWORD".into(),
            },
        ))
        .await
        .unwrap();
    let closed = store
        .add_instance(instance(
            "pg-closed-port",
            DbType::Postgresql,
            1,
            "postgres",
            SecretSource::None,
        ))
        .await
        .unwrap();
    let service = service_over(store.clone(), ServiceConfig::default());
    let me = Caller::operator("alice");

    let summary = sync_all(&service).await;
    assert_eq!(summary.session.status, SessionStatus::Failed);
    assert_eq!(
        (
            summary.session.total_instances,
            summary.session.successful_instances,
            summary.session.failed_instances
        ),
        (3, 1, 2)
    );
    let mut failed: Vec<_> = summary.failures.iter().map(|f| f.instance_id).collect();
    failed.sort();
    assert_eq!(failed, vec![wrong.id, closed.id]);

    let records = store.list_records(summary.session.session_id).await.unwrap();
    for r in &records {
        let text = format!("{r:?} {}", serde_json::to_string(r).unwrap());
        assert!(!text.contains(PASSWORD), "password leaked: {text}");
        if r.instance_id == wrong.id || r.instance_id == closed.id {
            assert_eq!(r.status, RecordStatus::Failed);
            assert!(r.error_message.as_deref().is_some_and(|m| !m.is_empty()));
        } else {
            assert_eq!(r.status, RecordStatus::Completed);
        }
    }
    for f in &summary.failures {
        assert!(!f.message.contains(PASSWORD), "password leaked: {}", f.message);
    }
    let page = service.history(&me, &HistoryRequest::default()).await.unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].status, SessionStatus::Failed);
    assert_eq!(page.items[0].failed_instances, 2);
}

#[tokio::test]
async fn a_deployment_fingerprint_key_rekeys_every_stored_fingerprint() {
    use account_sync::account::{AttrValue, FingerprintKey, attr};
    use secrecy::SecretString;
    if !servers_up("fingerprint_key") {
        return;
    }
    let key = FingerprintKey::from_secret(&SecretString::from("deployment secret of this test"));
    // The same server synced into two stores: without and with the deployment key.
    let mut fingerprints = Vec::new();
    for fingerprint_key in [None, Some(key.clone())] {
        let dir = tempfile::tempdir().unwrap();
        let store = sqlite_store(&dir).await;
        let my = store
            .add_instance(instance("maria", DbType::Mysql, 3306, "root", SecretSource::None))
            .await
            .unwrap();
        let service = service_over(
            store.clone(),
            ServiceConfig {
                fingerprint_key,
                ..ServiceConfig::default()
            },
        );
        let summary = sync_all(&service).await;
        assert_eq!(summary.session.status, SessionStatus::Completed);
        let root = store
            .load_inventory(my.id)
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.key == AccountKey::mysql("root", "localhost"))
            .expect("root@localhost");
        fingerprints.push(root.snapshot.attributes[attr::CREDENTIAL_FINGERPRINT].clone());
    }
    let AttrValue::Text(plain) = &fingerprints[0] else {
        panic!(
            "root@localhost has a credential fingerprint: {:?}",
            fingerprints[0]
        );
    };
    assert_eq!(fingerprints[1], AttrValue::Text(key.rekey(plain)));
    assert_ne!(fingerprints[1], fingerprints[0]);
}
