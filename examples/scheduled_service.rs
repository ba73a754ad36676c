//! A small service that syncs every registered instance on a schedule, as a
//! `scheduled_task`, a bounded number of times, then prints the history.
//!
//! It embeds the library with the in-memory store and the real connectors:
//!
//! ```sh
//! cargo run --example scheduled_service              # 3 runs, 20 s apart
//! cargo run --example scheduled_service -- 5 70      # 5 runs, 70 s apart
//! ```
//!
//! It reads the servers of a development machine: PostgreSQL on 127.0.0.1:5432 (user
//! `postgres`, trust) and MariaDB on 127.0.0.1:3306 (user `root`, empty password). Change the
//! `NewInstance`s below for yours (passwords come from `SecretSource::Env` or `File`). A
//! server that is down makes its record fail with the reason; the schedule goes on.
//!
//! Task sessions created within the same UTC minute share one history group (its counts are
//! the sums of its sessions), so runs 20 s apart show as one or two groups; 70 s apart, one
//! group per run. Ctrl-C cancels the run in progress and stops the schedule.

use std::error::Error;
use std::sync::Arc;
use std::time::Duration;
use sync_connectors::mysql::MysqlConnector;
use sync_connectors::postgres::PostgresConnector;
use sync_core::domain::{CredentialRef, DbType, NewInstance, SecretSource, SyncType};
use sync_core::history::HistoryRequest;
use sync_core::memory::MemoryStore;
use sync_core::service::{Caller, ServiceConfig, SyncService};
use sync_core::traits::{EnvCredentialProvider, InstanceStore};
use tokio::time::MissedTickBehavior;

fn local(name: &str, db_type: DbType, port: u16, user: &str) -> NewInstance {
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
            secret: SecretSource::None,
        },
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let runs: u32 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(3);
    let every = Duration::from_secs(args.next().map(|a| a.parse()).transpose()?.unwrap_or(20));

    let store = Arc::new(MemoryStore::new());
    store
        .add_instance(local("local-postgres", DbType::Postgresql, 5432, "postgres"))
        .await?;
    store
        .add_instance(local("local-mariadb", DbType::Mysql, 3306, "root"))
        .await?;

    let service = SyncService::builder(store, Arc::new(EnvCredentialProvider))
        .connector(Arc::new(PostgresConnector::new()))
        .connector(Arc::new(MysqlConnector::new()))
        .config(ServiceConfig {
            concurrency: 4,
            instance_timeout: Duration::from_secs(30),
            ..ServiceConfig::default()
        })
        .build()?;
    // The scheduler is a caller like a person: its id is recorded as `created_by`.
    let scheduler = Caller::operator("scheduler");

    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    for run in 1..=runs {
        tick.tick().await;
        let handle = service.sync_all(&scheduler, SyncType::ScheduledTask).await?;
        let session = handle.session_id();
        let summary = tokio::select! {
            s = handle => s?,
            _ = tokio::signal::ctrl_c() => {
                let s = service.cancel(&scheduler, session).await?;
                println!("run {run}: cancelled session {session} ({})", s.status);
                break;
            }
        };
        println!(
            "run {run}/{runs}: session {} {}: {} ok, {} failed; accounts {} read, {} created, {} updated, {} deleted",
            summary.session.session_id,
            summary.session.status,
            summary.session.successful_instances,
            summary.session.failed_instances,
            summary.items.synced,
            summary.items.created,
            summary.items.updated,
            summary.items.deleted
        );
        for f in &summary.failures {
            println!("    {} failed: {}", f.instance_name, f.message);
        }
    }

    let page = service.history(&scheduler, &HistoryRequest::default()).await?;
    println!("\nHistory ({} group(s)):", page.total);
    for g in &page.items {
        println!(
            "  {}  {:<9} sessions={} instances ok/failed/total={}/{}/{} accounts created={} updated={} deleted={}",
            g.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
            g.status,
            g.session_ids.len(),
            g.successful_instances,
            g.failed_instances,
            g.total_instances,
            g.items.created,
            g.items.updated,
            g.items.deleted
        );
    }
    Ok(())
}
