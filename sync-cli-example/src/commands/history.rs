//! `history` and `export`.

use super::Ctx;
use crate::cli::{ExportFormat, HistoryArgs, HistoryFilterArgs, RangeArg, TimeArg};
use crate::exit::{CliError, OK};
use crate::render;
use chrono::{DateTime, Utc};
use clap::ValueEnum;
use std::io::Write;
use std::path::{Path, PathBuf};
use sync_core::chrono_tz::Tz;
use sync_core::history::{HistoryGroup, HistoryPage, HistoryRequest, MAX_PER_PAGE, PageRequest, TimeRange};
use sync_core::service::ServiceError;

/// The time range of the filters: a preset, or explicit bounds read in `tz`.
fn range(filter: &HistoryFilterArgs, tz: Tz) -> Result<TimeRange, CliError> {
    if filter.since.is_none() && filter.until.is_none() {
        return Ok(match filter.range {
            RangeArg::Today => TimeRange::Today,
            RangeArg::Week => TimeRange::Week,
            RangeArg::Month => TimeRange::Month,
            RangeArg::All => TimeRange::All,
        });
    }
    let resolve =
        |t: Option<crate::cli::TimeArg>| t.map(|t| t.resolve(tz)).transpose().map_err(CliError::Usage);
    Ok(TimeRange::Between {
        since: resolve(filter.since)?,
        until: resolve(filter.until)?,
    })
}

fn request(filter: &HistoryFilterArgs, tz: Tz, page: PageRequest) -> Result<HistoryRequest, CliError> {
    Ok(HistoryRequest {
        sync_type: filter.sync_type,
        status: filter.status,
        range: range(filter, tz)?,
        page,
        ..HistoryRequest::default()
    })
}

/// `history`.
pub async fn history(ctx: &Ctx, args: &HistoryArgs) -> Result<u8, CliError> {
    let page = PageRequest::new(args.page, args.per_page).map_err(ServiceError::from)?;
    let req = request(&args.filter, ctx.tz(), page)?;
    let page = ctx.service.history(&ctx.caller, &req).await?;
    ctx.out(&if ctx.json {
        render::json(&page) + "\n"
    } else {
        render::history::history(&page, ctx.tz(), &given_filters(&args.filter))
    })?;
    Ok(OK)
}

/// The narrowing options given, as typed (`--range today`, `--status failed`): named when
/// nothing matches. `--range all` narrows nothing.
pub fn given_filters(filter: &HistoryFilterArgs) -> Vec<String> {
    let time = |t: &TimeArg| match t {
        TimeArg::Instant(t) => t.to_rfc3339(),
        TimeArg::Local(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        TimeArg::Date(d) => d.format("%Y-%m-%d").to_string(),
    };
    let mut out = Vec::new();
    if let Some(t) = filter.sync_type {
        out.push(format!("--type {t}"));
    }
    if let Some(s) = filter.status {
        out.push(format!("--status {s}"));
    }
    if filter.range != RangeArg::All
        && let Some(v) = filter.range.to_possible_value()
    {
        out.push(format!("--range {}", v.get_name()));
    }
    if let Some(t) = &filter.since {
        out.push(format!("--since {:?}", time(t)));
    }
    if let Some(t) = &filter.until {
        out.push(format!("--until {:?}", time(t)));
    }
    out
}

/// The first page of the unfiltered history (what `run` shows).
pub async fn first_page(ctx: &Ctx) -> Result<HistoryPage, CliError> {
    Ok(ctx
        .service
        .history(&ctx.caller, &HistoryRequest::default())
        .await?)
}

/// Every group matching `filter`, over all pages. The upper bound is pinned to the start of
/// the export, so sessions created meanwhile do not shift the pages.
pub async fn all_groups(ctx: &Ctx, filter: &HistoryFilterArgs) -> Result<Vec<HistoryGroup>, CliError> {
    let now: DateTime<Utc> = Utc::now();
    let (since, until) = range(filter, ctx.tz())?
        .bounds(now, ctx.tz())
        .map_err(ServiceError::from)?;
    let mut groups = Vec::new();
    let mut number = 1i64;
    loop {
        let req = HistoryRequest {
            sync_type: filter.sync_type,
            status: filter.status,
            range: TimeRange::Between {
                since,
                until: Some(until.unwrap_or(now).min(now)),
            },
            page: PageRequest::new(number, i64::from(MAX_PER_PAGE)).map_err(ServiceError::from)?,
            ..HistoryRequest::default()
        };
        let page = ctx.service.history(&ctx.caller, &req).await?;
        let last = page.pages;
        groups.extend(page.items);
        if number >= i64::from(last) {
            break;
        }
        number += 1;
    }
    Ok(groups)
}

/// `export --format csv|json [--out FILE]`.
pub async fn export(
    ctx: &Ctx,
    format: ExportFormat,
    out: Option<PathBuf>,
    filter: &HistoryFilterArgs,
) -> Result<u8, CliError> {
    let groups = all_groups(ctx, filter).await?;
    let mut text = Vec::new();
    match format {
        ExportFormat::Csv => {
            render::export::csv(&groups, &mut text).map_err(|e| CliError::Output(e.to_string()))?
        }
        ExportFormat::Json => writeln!(text, "{}", render::json(&groups))?,
    }
    let Some(path) = out else {
        return crate::output::stdout(&text).map(|()| OK);
    };
    write_file(&path, &text)?;
    crate::output::stderr(&format!(
        "exported {} history group(s) to {}\n",
        groups.len(),
        path.display()
    ));
    Ok(OK)
}

/// Writes `bytes` to `path` (created or truncated); errors name the file.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::File::create(path)?;
        file.write_all(bytes)?;
        file.flush()
    };
    write().map_err(|e| CliError::Output(format!("cannot write {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn filters(args: &[&str]) -> Vec<String> {
        let cli =
            crate::cli::Cli::try_parse_from(["account-sync", "history"].iter().chain(args.iter()).copied())
                .unwrap();
        let crate::cli::Command::History(h) = cli.command else {
            panic!()
        };
        given_filters(&h.filter)
    }

    #[test]
    fn range_all_is_no_filter() {
        assert!(filters(&[]).is_empty());
        assert!(filters(&["--range", "all"]).is_empty());
        assert_eq!(
            filters(&["--range", "today", "--status", "failed", "--type", "manual_batch"]),
            ["--type manual_batch", "--status failed", "--range today"]
        );
        assert_eq!(
            filters(&["--since", "2026-03-10", "--until", "2026-03-11 12:00"]),
            ["--since \"2026-03-10\"", "--until \"2026-03-11 12:00:00\""]
        );
    }
}
