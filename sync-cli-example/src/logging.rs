//! Logs: `tracing` to stderr through the bar-aware writer; level `warn` unless `RUST_LOG`
//! says otherwise. At the default level the core's `instance sync failed` warning is left
//! out: the `FAILED` line of the run already reports it (`RUST_LOG=warn` shows it again).

use crate::progress::BarAwareStderr;
use std::io::IsTerminal;
use tracing::{Level, Metadata};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The module of the core that logs a failed instance.
const FAILED_INSTANCE_TARGET: &str = "sync_core::service::sync_instance";

/// Whether `meta` is the core's warning about a failed instance (the one event of that
/// module at `WARN` with an `error` field), which the CLI reports itself.
fn reported_by_the_cli(meta: &Metadata<'_>) -> bool {
    meta.is_event()
        && *meta.level() == Level::WARN
        && meta.target() == FAILED_INSTANCE_TARGET
        && meta.fields().field("error").is_some()
}

/// Installs the global subscriber.
pub fn init() {
    let (filter, default_level) = match EnvFilter::try_from_default_env() {
        Ok(filter) => (filter, false),
        Err(_) => (EnvFilter::new("warn"), true),
    };
    let fmt = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(BarAwareStderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .finish();
    let _ = fmt
        .with(filter_fn(move |meta| {
            !(default_level && reported_by_the_cli(meta))
        }))
        .try_init();
}
