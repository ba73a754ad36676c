//! Orchestration throughput: 1,000 instances x 20 ms connector latency at concurrency 64 on
//! the MemoryStore. Target: wall time within 1.2x of ceil(1000/64) x 20 ms = 320 ms (384 ms).
//!
//! Run: `cargo bench --no-default-features --bench orchestration`

use async_trait::async_trait;
use criterion::{Criterion, criterion_group, criterion_main};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use sync_core::account::{AccountKey, AccountKind, AccountSet, AccountSnapshot};
use sync_core::domain::{CredentialRef, DbType, NewInstance, SecretSource, SessionStatus, SyncType};
use sync_core::memory::MemoryStore;
use sync_core::service::{Caller, ServiceConfig, SyncService};
use sync_core::traits::{
    AccountConnector, AccountRead, ConnectTarget, ConnectorError, EnvCredentialProvider, InstanceStore,
};
use tokio_util::sync::CancellationToken;

const INSTANCES: usize = 1000;
const CONCURRENCY: usize = 64;
const LATENCY: Duration = Duration::from_millis(20);

/// Sleeps for the latency and returns five accounts; records the peak of reads in flight.
struct SlowConnector {
    accounts: AccountSet,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
}

#[async_trait]
impl AccountConnector for SlowConnector {
    fn db_type(&self) -> DbType {
        DbType::Mysql
    }

    async fn read_accounts(
        &self,
        _: &ConnectTarget,
        _: &CancellationToken,
    ) -> Result<AccountRead, ConnectorError> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(LATENCY).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        Ok(AccountRead {
            server_version: "10.11.9-MariaDB".into(),
            accounts: self.accounts.clone(),
            warnings: vec![],
        })
    }
}

async fn setup() -> (SyncService, Arc<SlowConnector>) {
    let store = Arc::new(MemoryStore::new());
    for i in 0..INSTANCES {
        store
            .add_instance(NewInstance {
                name: format!("db-{i:04}"),
                db_type: DbType::Mysql,
                host: "10.0.0.1".into(),
                port: 3306,
                database: None,
                inspect_databases: vec![],
                is_active: true,
                credential: CredentialRef {
                    user: "sync".into(),
                    secret: SecretSource::None,
                },
            })
            .await
            .unwrap();
    }
    let connector = Arc::new(SlowConnector {
        accounts: (0..5)
            .map(|i| {
                (
                    AccountKey::mysql(format!("app{i}"), "%"),
                    AccountSnapshot::new(AccountKind::User),
                )
            })
            .collect(),
        in_flight: AtomicUsize::new(0),
        peak: AtomicUsize::new(0),
    });
    let service = SyncService::builder(store, Arc::new(EnvCredentialProvider))
        .connector(connector.clone())
        .config(ServiceConfig {
            concurrency: CONCURRENCY,
            instance_timeout: Duration::from_secs(10),
            event_buffer: 4096,
            ..ServiceConfig::default()
        })
        .build()
        .unwrap();
    (service, connector)
}

async fn sync_all(service: &SyncService, caller: &Caller, connector: &SlowConnector) {
    let summary = service
        .sync_all(caller, SyncType::ManualBatch)
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(summary.session.status, SessionStatus::Completed);
    assert_eq!(summary.session.successful_instances as usize, INSTANCES);
    assert!(connector.peak.load(Ordering::SeqCst) <= CONCURRENCY);
}

fn orchestration(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (service, connector) = rt.block_on(setup());
    let caller = Caller::operator("bench");
    let waves = INSTANCES.div_ceil(CONCURRENCY) as u32;
    let ideal = LATENCY * waves;

    let mut group = c.benchmark_group("orchestration");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
    group.bench_function("sync_all_1000x20ms_c64", |b| {
        b.to_async(&rt).iter(|| sync_all(&service, &caller, &connector))
    });
    group.finish();

    // The figure the target is stated in: wall time of single runs against the ideal.
    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let start = Instant::now();
            rt.block_on(sync_all(&service, &caller, &connector));
            start.elapsed()
        })
        .collect();
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "orchestration: {INSTANCES} instances x {LATENCY:?} at concurrency {CONCURRENCY}: median {median:?} \
         (min {:?}, max {:?}); ideal {ideal:?}, ratio {:.3} (target <= 1.2); peak in flight {}",
        times[0],
        times[times.len() - 1],
        median.as_secs_f64() / ideal.as_secs_f64(),
        connector.peak.load(Ordering::SeqCst),
    );
}

criterion_group!(benches, orchestration);
criterion_main!(benches);
