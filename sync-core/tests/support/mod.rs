//! Doubles shared by the service tests: a connector that counts calls in flight, a credential
//! provider, an observer that records what it hears, and a ready-made environment.
#![allow(dead_code)]

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use sync_core::account::{AccountKey, AccountKind, AccountSet, AccountSnapshot, AttrValue, attr};
use sync_core::domain::{CredentialRef, DbType, InstanceId, NewInstance, SecretSource};
use sync_core::memory::MemoryStore;
use sync_core::service::{
    AccountChanges, Caller, InstanceFailure, ServiceConfig, SyncObserver, SyncService, SyncSummary,
};
use sync_core::traits::{
    AccountConnector, AccountRead, ConnectTarget, ConnectorError, CredentialError, CredentialProvider,
    InstanceStore,
};
use tokio_util::sync::CancellationToken;

/// The password every test instance has.
pub const PASSWORD: &str = "hunter2-s3cret";

/// How the fake connector answers for one instance.
#[derive(Clone)]
pub enum Behaviour {
    /// `n` accounts `u0..u{n-1}`@`%`, after the latency.
    Accounts(usize),
    /// This error, after the latency.
    Fail(ConnectorError),
    /// Waits until cancelled, then returns `Cancelled`.
    HangUntilCancelled,
    /// Sleeps this long ignoring cancellation (the timeout must stop it), then answers 1 account.
    SleepIgnoringCancel(Duration),
    /// Waits for a permit of the gate (never returned), then answers `n` accounts.
    Gate(Arc<tokio::sync::Semaphore>, usize),
    /// Waits forever, ignoring cancellation (a worker that will die with its process).
    Forever,
    /// Accounts including a superuser named `root`.
    WithSuperuser(usize),
    /// Panics (a connector bug).
    Panic,
}

/// Per-instance statistics.
#[derive(Debug, Default, Clone, Copy)]
pub struct InstanceStats {
    pub current: usize,
    pub max: usize,
    pub calls: usize,
    pub completed: usize,
}

/// A connector double that counts reads in flight overall and per instance.
pub struct FakeConnector {
    pub latency: Duration,
    default: Behaviour,
    behaviours: Mutex<HashMap<String, Behaviour>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    stats: Mutex<HashMap<String, InstanceStats>>,
    pub passwords: Mutex<Vec<Option<String>>>,
}

impl FakeConnector {
    pub fn new(latency: Duration, default: Behaviour) -> Arc<Self> {
        Arc::new(FakeConnector {
            latency,
            default,
            behaviours: Mutex::new(HashMap::new()),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            stats: Mutex::new(HashMap::new()),
            passwords: Mutex::new(Vec::new()),
        })
    }

    pub fn set(&self, instance: &str, behaviour: Behaviour) {
        self.behaviours
            .lock()
            .unwrap()
            .insert(instance.to_owned(), behaviour);
    }

    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight.load(Ordering::SeqCst)
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    pub fn stats(&self, instance: &str) -> InstanceStats {
        self.stats
            .lock()
            .unwrap()
            .get(instance)
            .copied()
            .unwrap_or_default()
    }

    pub fn all_stats(&self) -> HashMap<String, InstanceStats> {
        self.stats.lock().unwrap().clone()
    }

    pub fn total_calls(&self) -> usize {
        self.stats.lock().unwrap().values().map(|s| s.calls).sum()
    }

    fn enter(&self, name: &str) {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        let mut stats = self.stats.lock().unwrap();
        let s = stats.entry(name.to_owned()).or_default();
        s.current += 1;
        s.calls += 1;
        s.max = s.max.max(s.current);
    }
}

/// Decrements the counters however the read ends (also when its future is dropped).
struct Leave<'a>(&'a FakeConnector, String, bool);

impl Drop for Leave<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        let mut stats = self.0.stats.lock().unwrap();
        let s = stats.get_mut(&self.1).unwrap();
        s.current -= 1;
        if self.2 {
            s.completed += 1;
        }
    }
}

/// `n` plain accounts.
pub fn accounts(n: usize) -> AccountSet {
    (0..n)
        .map(|i| {
            (
                AccountKey::mysql(format!("u{i}"), "%"),
                AccountSnapshot::new(AccountKind::User).with_attr(attr::LOCKED, AttrValue::Bool(false)),
            )
        })
        .collect()
}

#[async_trait]
impl AccountConnector for FakeConnector {
    fn db_type(&self) -> DbType {
        DbType::Mysql
    }

    async fn read_accounts(
        &self,
        target: &ConnectTarget,
        cancel: &CancellationToken,
    ) -> Result<AccountRead, ConnectorError> {
        self.passwords
            .lock()
            .unwrap()
            .push(target.password.as_ref().map(|p| p.expose_secret().to_owned()));
        let behaviour = self
            .behaviours
            .lock()
            .unwrap()
            .get(&target.instance_name)
            .cloned()
            .unwrap_or_else(|| self.default.clone());
        self.enter(&target.instance_name);
        let mut leave = Leave(self, target.instance_name.clone(), false);
        let ok = |set: AccountSet| AccountRead {
            server_version: "10.11.9-MariaDB".into(),
            accounts: set,
            warnings: vec![],
        };
        let result = match behaviour {
            Behaviour::Accounts(n) => {
                tokio::time::sleep(self.latency).await;
                Ok(ok(accounts(n)))
            }
            Behaviour::Fail(e) => {
                tokio::time::sleep(self.latency).await;
                Err(e)
            }
            Behaviour::HangUntilCancelled => {
                cancel.cancelled().await;
                Err(ConnectorError::Cancelled)
            }
            Behaviour::SleepIgnoringCancel(d) => {
                tokio::time::sleep(d).await;
                Ok(ok(accounts(1)))
            }
            Behaviour::Gate(gate, n) => {
                gate.acquire().await.unwrap().forget();
                Ok(ok(accounts(n)))
            }
            Behaviour::Forever => std::future::pending().await,
            Behaviour::Panic => panic!("connector bug"),
            Behaviour::WithSuperuser(n) => {
                let mut set = accounts(n);
                set.insert(
                    AccountKey::mysql("root", "localhost"),
                    AccountSnapshot::new(AccountKind::User).with_attr(attr::SUPERUSER, AttrValue::Bool(true)),
                );
                Ok(ok(set))
            }
        };
        leave.2 = result.is_ok();
        result
    }
}

/// Hands out [`PASSWORD`] for every reference, or fails for the env var `MISSING`.
pub struct FakeCredentials;

#[async_trait]
impl CredentialProvider for FakeCredentials {
    async fn secret(&self, credential: &CredentialRef) -> Result<Option<SecretString>, CredentialError> {
        match &credential.secret {
            SecretSource::Env { var } if var == "MISSING" => {
                Err(CredentialError::MissingEnv { var: var.clone() })
            }
            _ => Ok(Some(SecretString::from(PASSWORD))),
        }
    }
}

/// Records what the observer hooks hear.
#[derive(Default)]
pub struct Recorder {
    pub failures: Mutex<Vec<InstanceFailure>>,
    pub ended: Mutex<Vec<SyncSummary>>,
    pub superusers: Mutex<Vec<(String, String)>>,
    pub change_calls: AtomicUsize,
}

impl SyncObserver for Recorder {
    fn on_instance_failed(&self, failure: &InstanceFailure) {
        self.failures.lock().unwrap().push(failure.clone());
    }

    fn on_session_end(&self, summary: &SyncSummary) {
        self.ended.lock().unwrap().push(summary.clone());
    }

    fn on_account_changes(&self, changes: &AccountChanges<'_>) {
        self.change_calls.fetch_add(1, Ordering::SeqCst);
        for key in changes.new_superusers() {
            self.superusers
                .lock()
                .unwrap()
                .push((changes.instance_name.to_owned(), key.to_string()));
        }
    }
}

/// A store with `n` active instances `db-000`.., a fake connector, and a service.
pub struct Env {
    pub store: Arc<MemoryStore>,
    pub fake: Arc<FakeConnector>,
    pub recorder: Arc<Recorder>,
    pub service: SyncService,
    pub ids: Vec<InstanceId>,
    pub names: Vec<String>,
}

pub fn name(i: usize) -> String {
    format!("db-{i:03}")
}

pub fn instance(name: &str) -> NewInstance {
    NewInstance {
        name: name.to_owned(),
        db_type: DbType::Mysql,
        host: "10.1.2.3".into(),
        port: 3306,
        database: None,
        inspect_databases: vec![],
        is_active: true,
        credential: CredentialRef {
            user: "sync".into(),
            secret: SecretSource::Env {
                var: "DB_PASSWORD".into(),
            },
        },
    }
}

impl Env {
    pub async fn new(n: usize, config: ServiceConfig, fake: Arc<FakeConnector>) -> Env {
        let store = Arc::new(MemoryStore::new());
        let mut ids = vec![];
        let mut names = vec![];
        for i in 0..n {
            let inst = store.add_instance(instance(&name(i))).await.unwrap();
            ids.push(inst.id);
            names.push(inst.name);
        }
        let recorder = Arc::new(Recorder::default());
        let service = SyncService::builder(store.clone(), Arc::new(FakeCredentials))
            .connector(fake.clone())
            .config(config)
            .observer(recorder.clone())
            .build()
            .unwrap();
        Env {
            store,
            fake,
            recorder,
            service,
            ids,
            names,
        }
    }
}

pub fn config(concurrency: usize) -> ServiceConfig {
    ServiceConfig {
        concurrency,
        instance_timeout: Duration::from_secs(5),
        stale_lease: Duration::from_secs(60),
        ..ServiceConfig::default()
    }
}

pub fn alice() -> Caller {
    Caller::operator("alice")
}

/// Polls `cond` every 2 ms; panics with `what` after 10 s.
pub async fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}
