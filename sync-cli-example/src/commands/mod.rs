//! The commands: one file per group. [`Ctx`] holds what they share: the configuration, the
//! service over the store and the connectors, the caller and the output mode.

pub mod accounts;
pub mod control;
pub mod details;
pub mod history;
pub mod instances;
pub mod sync;

use crate::cli::{Cli, Command};
use crate::config::secrets::CheckedCredentialProvider;
use crate::config::{Config, DEFAULT_CONFIG_FILE};
use crate::exit::CliError;
use std::path::Path;
use std::sync::Arc;
use sync_connectors::mysql::MysqlConnector;
use sync_connectors::postgres::PostgresConnector;
use sync_core::chrono_tz::Tz;
use sync_core::domain::Instance;
use sync_core::service::{Caller, ServiceConfig, SyncService};
use sync_core::traits::Store;
use sync_store_seaorm::{OpenError, OpenOptions, SeaStore};

/// What every command works with.
pub struct Ctx {
    /// The configuration.
    pub config: Config,
    /// The service over the configured store and both connectors.
    pub service: SyncService,
    /// Who calls (an operator: the CLI user may view and update).
    pub caller: Caller,
    /// `--json`.
    pub json: bool,
}

impl Ctx {
    /// Loads the configuration, opens the store (running its migrations) and builds the
    /// service.
    pub async fn open(cli: &Cli) -> Result<Ctx, CliError> {
        let config = match &cli.config {
            Some(path) => Config::load(path, true)?,
            None => Config::load(Path::new(DEFAULT_CONFIG_FILE), false)?,
        };
        let store = SeaStore::open(config.store_url.expose(), OpenOptions::default())
            .await
            .map_err(|e| match e {
                // The configuration checks the URL first; whatever it let through is still a
                // configuration error.
                OpenError::InvalidUrl { .. } | OpenError::UnsupportedScheme { .. } => {
                    CliError::Usage(format!("{}: [store]: {e}", config.describe()))
                }
                other => CliError::Store(other.to_string()),
            })?;
        let store: Arc<dyn Store> = Arc::new(store);
        let s = &config.sync;
        let service = SyncService::builder(store, Arc::new(CheckedCredentialProvider))
            .connector(Arc::new(MysqlConnector::new()))
            .connector(Arc::new(PostgresConnector::new()))
            .config(ServiceConfig {
                concurrency: s.concurrency,
                instance_timeout: s.instance_timeout,
                stale_lease: s.stale_lease,
                filters: s.filters.clone(),
                time_zone: s.time_zone,
                fingerprint_key: s.fingerprint_key.clone(),
                ..ServiceConfig::default()
            })
            .build()?;
        let user = cli
            .user
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .or_else(|| std::env::var("LOGNAME").ok())
            .or_else(|| std::env::var("USERNAME").ok())
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| "unknown".to_owned());
        Ok(Ctx {
            config,
            service,
            caller: Caller::operator(user),
            json: cli.json,
        })
    }

    /// The store behind the service.
    pub fn store(&self) -> &Arc<dyn Store> {
        self.service.store()
    }

    /// The time zone of "today" and of the times shown.
    pub fn tz(&self) -> Tz {
        self.config.sync.time_zone
    }

    /// The registered (not removed) instance called `name`.
    pub async fn instance(&self, name: &str) -> Result<Instance, CliError> {
        self.store()
            .find_instance(name)
            .await
            .map_err(|e| CliError::Service(e.into()))?
            .ok_or_else(|| {
                CliError::Usage(format!(
                    "no registered instance named {name:?} (see `account-sync instances list`)"
                ))
            })
    }

    /// Prints `text` to stdout as is (tables end with a newline), through
    /// [`crate::output::stdout`].
    pub fn out(&self, text: &str) -> Result<(), CliError> {
        crate::output::stdout(text.as_bytes())
    }
}

/// Runs the command; returns the exit code.
pub async fn run(cli: Cli) -> Result<u8, CliError> {
    let ctx = Ctx::open(&cli).await?;
    match cli.command {
        Command::Run { sync_type } => sync::main_job(&ctx, sync_type).await,
        Command::Instances(cmd) => instances::run(&ctx, cmd).await,
        Command::SyncAll { sync_type } => sync::sync_all(&ctx, sync_type).await,
        Command::Sync { instance } => sync::sync_one(&ctx, &instance).await,
        Command::Retry { instance, failed } => sync::retry(&ctx, instance, failed).await,
        Command::History(args) => history::history(&ctx, &args).await,
        Command::Export { format, out, filter } => history::export(&ctx, format, out, &filter).await,
        Command::Details { session } => details::session(&ctx, session).await,
        Command::BatchDetails { ids, failed_only } => details::batch(&ctx, &ids, failed_only).await,
        Command::Accounts {
            instance,
            include_removed,
        } => accounts::accounts(&ctx, &instance, include_removed).await,
        Command::Changes {
            instance,
            since,
            limit,
        } => accounts::changes(&ctx, &instance, since, limit).await,
        Command::Cancel { session } => control::cancel(&ctx, session).await,
        Command::Pause { session } => control::pause(&ctx, session).await,
        Command::Resume { session } => sync::resume(&ctx, session).await,
        Command::Recover { older_than } => control::recover(&ctx, older_than).await,
    }
}
