//! `accounts` and `changes`.

use super::Ctx;
use crate::cli::TimeArg;
use crate::exit::{CliError, OK};
use crate::render;
use sync_core::account::ChangeQuery;

/// `accounts <instance> [--include-removed]`.
pub async fn accounts(ctx: &Ctx, name: &str, include_removed: bool) -> Result<u8, CliError> {
    let inst = ctx.instance(name).await?;
    let mut list = ctx.service.accounts(&ctx.caller, inst.id).await?;
    if !include_removed {
        list.retain(|a| a.present);
    }
    ctx.out(&if ctx.json {
        render::json(&list) + "\n"
    } else {
        render::accounts::inventory(&inst.name, &list, ctx.tz())
    });
    Ok(OK)
}

/// `changes <instance> [--since] [--limit]`.
pub async fn changes(
    ctx: &Ctx,
    name: &str,
    since: Option<TimeArg>,
    limit: Option<u32>,
) -> Result<u8, CliError> {
    let inst = ctx.instance(name).await?;
    let since = since
        .map(|t| t.resolve(ctx.tz()))
        .transpose()
        .map_err(CliError::Usage)?;
    let query = ChangeQuery {
        instance_id: inst.id,
        since,
        limit,
    };
    let list = ctx.service.changes(&ctx.caller, &query).await?;
    ctx.out(&if ctx.json {
        render::json(&list) + "\n"
    } else {
        render::accounts::changes(&inst.name, &list, ctx.tz(), limit)
    });
    Ok(OK)
}
