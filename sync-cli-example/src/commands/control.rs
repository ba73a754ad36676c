//! `cancel`, `pause`, `recover`.

use super::Ctx;
use crate::cli::DurationArg;
use crate::exit::{CliError, OK};
use crate::render;
use crate::render::summary::RecoveryLease;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sync_core::domain::{InstanceRecord, SessionId, SyncSession};
use sync_core::service::{RecoveryReport, ServiceError};

fn session_line(s: &SyncSession) -> String {
    format!(
        "Session {} is {}: {} ok, {} failed, {} cancelled of {} instance(s).\n",
        s.session_id,
        s.status,
        s.successful_instances,
        s.failed_instances,
        s.cancelled_instances,
        s.total_instances
    )
}

/// The error of `cancel`, `pause` or `resume` (`action`) on session `id`: a session that
/// already ended, or any change its state machine refuses, is a usage error (exit 2).
pub async fn ended(ctx: &Ctx, id: SessionId, action: &str, e: ServiceError) -> CliError {
    let ServiceError::Transition(t) = e else {
        return CliError::Service(e);
    };
    match ctx.store().get_session(id).await {
        Ok(s) if s.status.is_terminal() => CliError::Usage(format!(
            "session {id} already ended with status {}: there is nothing to {action} (see `account-sync details \
             {id}`)",
            s.status
        )),
        _ => CliError::Usage(format!("cannot {action} session {id}: {t}")),
    }
}

/// `cancel <session>`.
pub async fn cancel(ctx: &Ctx, id: SessionId) -> Result<u8, CliError> {
    let s = match ctx.service.cancel(&ctx.caller, id).await {
        Ok(s) => s,
        Err(e) => return Err(ended(ctx, id, "cancel", e).await),
    };
    ctx.out(&if ctx.json {
        render::json(&s) + "\n"
    } else {
        session_line(&s)
    })?;
    Ok(OK)
}

/// `pause <session>`.
pub async fn pause(ctx: &Ctx, id: SessionId) -> Result<u8, CliError> {
    let s = match ctx.service.pause(&ctx.caller, id).await {
        Ok(s) => s,
        Err(e) => return Err(ended(ctx, id, "pause", e).await),
    };
    ctx.out(&if ctx.json {
        render::json(&s) + "\n"
    } else {
        session_line(&s) + &format!("Resume it with: account-sync resume {id}\n")
    })?;
    Ok(OK)
}

/// `recover --json`: the core's report, plus the records still running under the lease.
#[derive(Serialize)]
struct RecoverOutput<'a> {
    #[serde(flatten)]
    report: &'a RecoveryReport,
    /// The lease applied, in seconds.
    lease_secs: u64,
    /// Records still `running` that started less than the lease ago.
    still_running: Vec<StillRunning<'a>>,
}

#[derive(Serialize)]
struct StillRunning<'a> {
    #[serde(flatten)]
    record: &'a InstanceRecord,
    lease_expires_at: Option<DateTime<Utc>>,
}

/// `recover [--older-than DURATION]`.
pub async fn recover(ctx: &Ctx, older_than: Option<DurationArg>) -> Result<u8, CliError> {
    let s = &ctx.config.sync;
    let lease = RecoveryLease {
        lease: older_than.map_or(s.stale_lease, |d| d.0),
        instance_timeout: s.instance_timeout,
        forced: older_than.is_some(),
    };
    if let Some(d) = older_than
        && d.0 <= s.instance_timeout
    {
        return Err(CliError::Usage(format!(
            "--older-than {d} is too short: it must exceed the instance timeout ({}s, [sync] \
             instance_timeout_secs of {}), or a record that a live process is still reading could be failed",
            s.instance_timeout.as_secs(),
            ctx.config.describe()
        )));
    }
    let report = ctx
        .service
        .recover_stale_older_than(&ctx.caller, lease.lease)
        .await?;
    let now = Utc::now();
    let running = ctx
        .store()
        .stale_records(now)
        .await
        .map_err(|e| CliError::Service(e.into()))?;
    ctx.out(&if ctx.json {
        let lease_chrono = chrono::Duration::from_std(lease.lease).unwrap_or(chrono::Duration::MAX);
        let out = RecoverOutput {
            report: &report,
            lease_secs: lease.lease.as_secs(),
            still_running: running
                .iter()
                .map(|record| StillRunning {
                    record,
                    lease_expires_at: record.started_at.and_then(|t| t.checked_add_signed(lease_chrono)),
                })
                .collect(),
        };
        render::json(&out) + "\n"
    } else {
        render::summary::recovery(&report, &running, lease, now, ctx.tz())
    })?;
    Ok(OK)
}
