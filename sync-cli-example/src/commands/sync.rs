//! `run`, `sync-all`, `sync`, `retry`, `resume`: start a run, follow it with a progress bar,
//! cancel it on Ctrl-C (or SIGTERM, SIGHUP), print the summary.

use super::Ctx;
use super::history::first_page;
use super::instances::{OnChange, import, render_import};
use crate::exit::{CliError, FAILED, OK};
use crate::progress::SyncProgress;
use crate::render::{self, printable};
use futures::StreamExt;
use serde_json::json;
use std::collections::BTreeSet;
use sync_core::domain::{SessionId, SessionStatus, SyncType};
use sync_core::service::{SyncEvent, SyncHandle, SyncSummary};

/// The main job: import the configuration's instances, sync them all, show the history.
pub async fn main_job(ctx: &Ctx, sync_type: SyncType) -> Result<u8, CliError> {
    batch_type(sync_type, "run")?;
    let report = import(ctx, OnChange::Report).await?;
    if !ctx.json {
        crate::output::stderr(&render_import(&report));
    }
    let interrupts = Interrupts::new()?;
    let handle = ctx.service.sync_all(&ctx.caller, sync_type).await?;
    let summary = follow(handle, interrupts, "started").await?;
    let page = first_page(ctx).await?;
    if ctx.json {
        let doc = json!({ "import": report, "summary": summary, "history": page });
        ctx.out(&(render::json(&doc) + "\n"))?;
    } else {
        ctx.out(&render::summary::summary(&summary))?;
        ctx.out("\n")?;
        ctx.out(&render::history::history(&page, ctx.tz(), &[]))?;
    }
    Ok(code(&summary))
}

/// A session over every instance is a batch: `manual_single` is for `sync NAME`.
fn batch_type(sync_type: SyncType, command: &str) -> Result<(), CliError> {
    if sync_type == SyncType::ManualSingle {
        return Err(CliError::Usage(format!(
            "{command} --type manual_single: a session over every instance is manual_batch, manual_task or \
             scheduled_task; to sync one instance use `account-sync sync NAME`"
        )));
    }
    Ok(())
}

/// `sync-all [--type]`.
pub async fn sync_all(ctx: &Ctx, sync_type: SyncType) -> Result<u8, CliError> {
    batch_type(sync_type, "sync-all")?;
    let mut unregistered = Vec::new();
    for inst in &ctx.config.instances {
        if ctx
            .store()
            .find_instance(&inst.name)
            .await
            .ok()
            .flatten()
            .is_none()
        {
            unregistered.push(inst.name.as_str());
        }
    }
    if !unregistered.is_empty() {
        crate::progress::line(&format!(
            "note: configured but not registered, so not synced: {} (account-sync instances import)",
            unregistered.join(", ")
        ));
    }
    let interrupts = Interrupts::new()?;
    let handle = ctx.service.sync_all(&ctx.caller, sync_type).await?;
    finish(ctx, handle, interrupts, "started").await
}

/// `sync <instance>`.
pub async fn sync_one(ctx: &Ctx, name: &str) -> Result<u8, CliError> {
    let inst = ctx.instance(name).await?;
    let interrupts = Interrupts::new()?;
    let handle = ctx.service.sync_instance(&ctx.caller, inst.id).await?;
    finish(ctx, handle, interrupts, "started").await
}

/// `retry <instance>` or `retry --failed <session>`.
pub async fn retry(ctx: &Ctx, instance: Option<String>, failed: Option<SessionId>) -> Result<u8, CliError> {
    let interrupts = Interrupts::new()?;
    let handle = match (instance, failed) {
        (_, Some(session)) => ctx.service.retry_failed(&ctx.caller, session).await?,
        (Some(name), None) => {
            let inst = ctx.instance(&name).await?;
            ctx.service.retry_instance(&ctx.caller, inst.id).await?
        }
        (None, None) => {
            return Err(CliError::Usage(
                "retry needs an instance or --failed <session>".into(),
            ));
        }
    };
    finish(ctx, handle, interrupts, "started").await
}

/// `resume <session>`.
pub async fn resume(ctx: &Ctx, session: SessionId) -> Result<u8, CliError> {
    let interrupts = Interrupts::new()?;
    let handle = match ctx.service.resume(&ctx.caller, session).await {
        Ok(handle) => handle,
        Err(e) => return Err(super::control::ended(ctx, session, "resume", e).await),
    };
    finish(ctx, handle, interrupts, "resumed").await
}

async fn finish(ctx: &Ctx, handle: SyncHandle, interrupts: Interrupts, verb: &str) -> Result<u8, CliError> {
    let summary = follow(handle, interrupts, verb).await?;
    ctx.out(&if ctx.json {
        render::json(&summary) + "\n"
    } else {
        render::summary::summary(&summary)
    })?;
    Ok(code(&summary))
}

/// 0 when the session completed; 1 when an instance failed or it was cancelled or paused.
fn code(summary: &SyncSummary) -> u8 {
    if summary.session.status == SessionStatus::Completed {
        OK
    } else {
        FAILED
    }
}

/// Ctrl-C (SIGINT), and on Unix SIGTERM and SIGHUP, which are handled the same way: the
/// first cancels the session through the service, a second stops waiting. Registered as soon
/// as it is created (before a run starts) so that no signal is missed.
pub struct Interrupts {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
}

impl Interrupts {
    /// Starts listening for Ctrl-C (and SIGTERM, SIGHUP).
    pub fn new() -> Result<Self, CliError> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Interrupts {
                int: signal(SignalKind::interrupt())?,
                term: signal(SignalKind::terminate())?,
                hup: signal(SignalKind::hangup())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Interrupts {})
    }

    /// Waits for the next signal; returns how to name it in messages (`Ctrl-C`, `SIGTERM`,
    /// `SIGHUP`).
    async fn recv(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.int.recv() => "Ctrl-C",
                _ = self.term.recv() => "SIGTERM",
                _ = self.hup.recv() => "SIGHUP",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}

/// The progress bar, shown once the run reports how many instances it works through.
#[derive(Default)]
struct Bar(std::sync::OnceLock<SyncProgress>);

impl Bar {
    fn start(&self, total: u64) {
        match self.0.get() {
            Some(bar) => bar.set_total(total),
            None => {
                let _ = self.0.set(SyncProgress::start(total));
            }
        }
    }

    fn inc(&self) {
        if let Some(bar) = self.0.get() {
            bar.inc();
        }
    }

    fn message(&self, msg: String) {
        if let Some(bar) = self.0.get() {
            bar.message(msg);
        }
    }

    fn println(&self, line: &str) {
        match self.0.get() {
            Some(bar) => bar.println(line),
            None => crate::progress::line(line),
        }
    }
}

/// Follows a run: a bar fed by its events, a line per finished instance (and one per
/// connector warning under it), Ctrl-C cancels the session through the service (a second
/// Ctrl-C stops waiting; SIGTERM and SIGHUP alike). `verb` says how the session begins
/// (`started`, `resumed`). Returns the summary.
pub async fn follow(
    mut handle: SyncHandle,
    mut interrupts: Interrupts,
    verb: &str,
) -> Result<SyncSummary, CliError> {
    let mut events = handle.events();
    let bar = Bar::default();
    let session_id = handle.session_id();
    let mut in_flight: BTreeSet<String> = BTreeSet::new();
    let mut cancel_requested = false;
    loop {
        tokio::select! {
            event = events.next() => {
                let Some(event) = event else { break };
                match event {
                    SyncEvent::SessionStarted { total_instances, pending, sync_type, .. } => {
                        bar.start(u64::from(pending));
                        bar.println(&format!(
                            "session {session_id} {verb} ({sync_type}): {pending} of {total_instances} instance(s) \
                             to sync; Ctrl-C cancels"
                        ));
                    }
                    SyncEvent::InstanceStarted { instance_name, .. } => {
                        in_flight.insert(printable(&instance_name));
                    }
                    SyncEvent::InstanceCompleted { instance_name, items, breakdown, warnings, .. } => {
                        let instance_name = printable(&instance_name);
                        in_flight.remove(&instance_name);
                        bar.inc();
                        bar.println(&format!(
                            "ok      {instance_name}: {} accounts read; {} added, {} reactivated, {} modified, \
                             {} removed",
                            items.synced, breakdown.added, breakdown.reactivated, breakdown.modified, breakdown.removed
                        ));
                        for w in &warnings {
                            bar.println(&format!("        warning: {}", printable(w)));
                        }
                    }
                    SyncEvent::InstanceFailed(f) => {
                        let instance_name = printable(&f.instance_name);
                        in_flight.remove(&instance_name);
                        bar.inc();
                        bar.println(&format!("FAILED  {instance_name}: {}", printable(&f.message)));
                    }
                    SyncEvent::Finished(_) => break,
                    _ => {}
                }
                bar.message(in_flight.iter().cloned().collect::<Vec<_>>().join(", "));
            }
            signal = interrupts.recv() => {
                if cancel_requested {
                    bar.println(&format!(
                        "second {signal}: not waiting any longer; run `account-sync recover` if records stay running"
                    ));
                    handle.abort();
                    break;
                }
                cancel_requested = true;
                bar.println(&format!("{signal}: cancelling session {session_id} ({signal} again to stop waiting)"));
                if let Err(e) = handle.cancel().await {
                    bar.println(&format!("cancel failed: {e}"));
                }
            }
        }
    }
    drop(events);
    drop(bar);
    match handle.await {
        Ok(summary) => Ok(summary),
        Err(e) => Err(e.into()),
    }
}
