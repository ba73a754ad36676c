//! `cancel`, `pause`, `recover`.

use super::Ctx;
use crate::exit::{CliError, OK};
use crate::render;
use sync_core::domain::{SessionId, SyncSession};

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

/// `cancel <session>`.
pub async fn cancel(ctx: &Ctx, id: SessionId) -> Result<u8, CliError> {
    let s = ctx.service.cancel(&ctx.caller, id).await?;
    ctx.out(&if ctx.json {
        render::json(&s) + "\n"
    } else {
        session_line(&s)
    });
    Ok(OK)
}

/// `pause <session>`.
pub async fn pause(ctx: &Ctx, id: SessionId) -> Result<u8, CliError> {
    let s = ctx.service.pause(&ctx.caller, id).await?;
    ctx.out(&if ctx.json {
        render::json(&s) + "\n"
    } else {
        session_line(&s) + &format!("Resume it with: account-sync resume {id}\n")
    });
    Ok(OK)
}

/// `recover`.
pub async fn recover(ctx: &Ctx) -> Result<u8, CliError> {
    let r = ctx.service.recover_stale(&ctx.caller).await?;
    ctx.out(&if ctx.json {
        render::json(&r) + "\n"
    } else {
        render::summary::recovery(&r)
    });
    Ok(OK)
}
