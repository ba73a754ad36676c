//! `details` and `batch-details`.

use super::Ctx;
use crate::exit::{CliError, OK};
use crate::render;
use sync_core::domain::SessionId;

/// `details <session>`.
pub async fn session(ctx: &Ctx, id: SessionId) -> Result<u8, CliError> {
    let d = ctx.service.session_details(&ctx.caller, id).await?;
    ctx.out(&if ctx.json {
        render::json(&d) + "\n"
    } else {
        render::details::session(&d, ctx.tz())
    })?;
    Ok(OK)
}

/// `batch-details <ids…> [--failed-only]`.
pub async fn batch(ctx: &Ctx, ids: &[SessionId], failed_only: bool) -> Result<u8, CliError> {
    let d = if failed_only {
        ctx.service.failed_details(&ctx.caller, ids).await?
    } else {
        ctx.service.batch_details(&ctx.caller, ids).await?
    };
    ctx.out(&if ctx.json {
        render::json(&d) + "\n"
    } else {
        render::details::batch(&d, ctx.tz(), failed_only)
    })?;
    Ok(OK)
}
