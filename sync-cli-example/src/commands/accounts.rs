//! `accounts` and `changes`. Both also work for a removed instance: its inventory and change
//! log are kept, so a name without a registered instance falls back to the most recently
//! removed instance of that name.

use super::Ctx;
use crate::cli::TimeArg;
use crate::exit::{CliError, OK};
use crate::render;
use sync_core::account::ChangeQuery;
use sync_core::domain::Instance;
use sync_core::service::ServiceError;
use sync_core::traits::InstanceListFilter;

/// The instance `name` refers to: the registered one, else the most recently removed one of
/// that name. `Usage` error when there is neither.
async fn resolve(ctx: &Ctx, name: &str) -> Result<Instance, CliError> {
    let store = ctx.store();
    let err = |e| CliError::Service(ServiceError::from(e));
    if let Some(live) = store.find_instance(name).await.map_err(err)? {
        return Ok(live);
    }
    let everything = InstanceListFilter {
        include_inactive: true,
        include_deleted: true,
    };
    store
        .list_instances(everything)
        .await
        .map_err(err)?
        .into_iter()
        .filter(|i| i.name == name && i.deleted_at.is_some())
        .max_by_key(|i| (i.deleted_at, i.id))
        .ok_or_else(|| {
            CliError::Usage(format!(
                "no registered or removed instance named {name:?} (see `account-sync instances list \
                 --all`)"
            ))
        })
}

/// For a removed instance, says so: at the top of the table, or on stderr with `--json` (so
/// stdout stays the JSON document).
fn removed_note(ctx: &Ctx, inst: &Instance, what: &str) -> String {
    let Some(at) = inst.deleted_at else {
        return String::new();
    };
    let note = format!(
        "Instance {} (id {}) was removed on {} {}; showing its kept {what}.\n",
        inst.name,
        inst.id,
        render::time(Some(at), ctx.tz()),
        ctx.tz()
    );
    if ctx.json {
        crate::output::stderr(&note);
        String::new()
    } else {
        note
    }
}

/// `accounts <instance> [--include-removed]` (a removed instance's kept inventory too).
pub async fn accounts(ctx: &Ctx, name: &str, include_removed: bool) -> Result<u8, CliError> {
    let inst = resolve(ctx, name).await?;
    let note = removed_note(ctx, &inst, "inventory");
    let mut list = ctx.service.accounts(&ctx.caller, inst.id).await?;
    if !include_removed {
        list.retain(|a| a.present);
    }
    ctx.out(&if ctx.json {
        render::json(&list) + "\n"
    } else {
        note + &render::accounts::inventory(&inst.name, &list, ctx.tz())
    })?;
    Ok(OK)
}

/// `changes <instance> [--since] [--limit]` (a removed instance's kept change log too).
pub async fn changes(
    ctx: &Ctx,
    name: &str,
    since: Option<TimeArg>,
    limit: Option<u32>,
) -> Result<u8, CliError> {
    if limit == Some(0) {
        return Err(CliError::Usage("--limit must be at least 1".into()));
    }
    let inst = resolve(ctx, name).await?;
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
    let note = removed_note(ctx, &inst, "change log");
    ctx.out(&if ctx.json {
        render::json(&list) + "\n"
    } else {
        note + &render::accounts::changes(&inst.name, &list, ctx.tz(), limit)
    })?;
    Ok(OK)
}
