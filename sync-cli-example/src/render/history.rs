//! The history page: one row per group, and the page strip under it.

use super::{duration, table, time};
use sync_core::chrono_tz::Tz;
use sync_core::history::{HistoryGroup, HistoryPage, PageLink};

/// The sync types of a group, `+`-joined (`manual_task+scheduled_task`).
pub fn types(group: &HistoryGroup) -> String {
    group
        .sync_types
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join("+")
}

/// Instances `ok/failed/total`, with the cancelled ones when there are some.
pub fn instances(group: &HistoryGroup) -> String {
    let mut s = format!(
        "{}/{}/{}",
        group.successful_instances, group.failed_instances, group.total_instances
    );
    if group.cancelled_instances > 0 {
        s.push_str(&format!(" ({} cancelled)", group.cancelled_instances));
    }
    s
}

/// The history table (times in `tz`) followed by the page line and strip. `filters` are the
/// narrowing options given (`--range today`, `--status failed`…), named when nothing matches.
pub fn history(page: &HistoryPage, tz: Tz, filters: &[String]) -> String {
    if page.total == 0 {
        return if filters.is_empty() {
            "No sync sessions yet: run `account-sync sync-all` (or `account-sync run`, which registers the \
             configured instances first).\n"
                .to_owned()
        } else {
            format!(
                "No sync sessions match {} (`account-sync history` without them shows every session).\n",
                filters.join(" ")
            )
        };
    }
    let mut t = table(&[
        "Created",
        "Started",
        "Completed",
        "Duration",
        "Type",
        "Status",
        "Instances\nok/failed/total",
        "Accounts\nsynced/created/updated/deleted",
        "Sessions",
    ]);
    for g in &page.items {
        t.add_row(vec![
            time(Some(g.created_at), tz),
            time(g.started_at, tz),
            time(g.completed_at, tz),
            duration(g.started_at, g.completed_at),
            types(g),
            g.status.to_string(),
            instances(g),
            format!(
                "{}/{}/{}/{}",
                g.items.synced, g.items.created, g.items.updated, g.items.deleted
            ),
            g.session_ids
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        ]);
    }
    let mut out = if page.items.is_empty() {
        String::new()
    } else {
        format!("{t}\n")
    };
    out.push_str(&pager(page));
    out.push_str(&format!(
        "Times in {tz}. Details of a row: account-sync batch-details <sessions…>\n"
    ));
    out
}

/// `Page 5 of 10 (193 groups): 1 2 3 4 [5] 6 7 … 9 10`, and the next/previous hints.
pub fn pager<T>(page: &sync_core::history::Page<T>) -> String {
    let strip: Vec<String> = page
        .strip
        .iter()
        .map(|l| match l {
            PageLink::Page(n) if *n == page.page => format!("[{n}]"),
            PageLink::Page(n) => n.to_string(),
            PageLink::Gap => "…".to_owned(),
        })
        .collect();
    let noun = if page.total == 1 { "group" } else { "groups" };
    let mut out = format!("Page {} of {} ({} {noun})", page.page, page.pages, page.total);
    if !strip.is_empty() {
        out.push_str(": ");
        out.push_str(&strip.join(" "));
    }
    out.push('\n');
    let past_the_end = page.items.is_empty() && page.page > page.pages;
    if past_the_end {
        out.push_str(&format!("Page {} is past the last page.\n", page.page));
    }
    let mut hints = Vec::new();
    if past_the_end {
        if page.pages > 0 {
            hints.push(format!("last page: --page {}", page.pages));
        }
    } else if let Some(p) = page.prev_num {
        hints.push(format!("previous: --page {p}"));
    }
    if let Some(n) = page.next_num {
        hints.push(format!("next: --page {n}"));
    }
    if !hints.is_empty() {
        out.push_str(&hints.join(", "));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use sync_core::domain::{ItemCounts, SessionId, SessionStatus, SyncType};
    use sync_core::history::{GroupKey, Page, PageRequest};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn group() -> HistoryGroup {
        let id: SessionId = "0b7e3a52-4a43-4c8e-9d43-53b4a1f2d7a1".parse().unwrap();
        let id2: SessionId = "1b7e3a52-4a43-4c8e-9d43-53b4a1f2d7a1".parse().unwrap();
        HistoryGroup {
            key: GroupKey::Minute(at("2026-03-10T03:30:00Z")),
            sync_types: vec![SyncType::ManualTask, SyncType::ScheduledTask],
            status: SessionStatus::Failed,
            session_ids: vec![id, id2],
            total_instances: 5,
            successful_instances: 3,
            failed_instances: 1,
            cancelled_instances: 1,
            items: ItemCounts {
                synced: 40,
                created: 3,
                updated: 2,
                deleted: 1,
            },
            started_at: Some(at("2026-03-10T03:30:01Z")),
            completed_at: Some(at("2026-03-10T03:31:06Z")),
            created_at: at("2026-03-10T03:30:40Z"),
            last_id: 9,
        }
    }

    #[test]
    fn table_shows_the_sums_and_members() {
        let page = Page::assemble(vec![group()], PageRequest::new(1, 20).unwrap(), 1);
        let out = history(&page, Tz::UTC, &[]);
        for needle in [
            "2026-03-10 03:30:40",
            "2026-03-10 03:30:01",
            "2026-03-10 03:31:06",
            "1m 05s",
            "manual_task+scheduled_task",
            "failed",
            "3/1/5 (1 cancelled)",
            "40/3/2/1",
            "0b7e3a52-4a43-4c8e-9d43-53b4a1f2d7a1",
            "1b7e3a52-4a43-4c8e-9d43-53b4a1f2d7a1",
            "Page 1 of 1 (1 group): [1]",
        ] {
            assert!(out.contains(needle), "{needle} missing in\n{out}");
        }
    }

    #[test]
    fn strip_with_gaps_and_hints() {
        let items: Vec<u8> = vec![0; 20];
        let page = Page::assemble(items, PageRequest::new(5, 20).unwrap(), 193);
        assert_eq!(
            pager(&page),
            "Page 5 of 10 (193 groups): 1 2 3 4 [5] 6 7 … 9 10\nprevious: --page 4, next: --page 6\n"
        );
        let past: Page<u8> = Page::assemble(vec![], PageRequest::new(999, 20).unwrap(), 193);
        let out = pager(&past);
        assert!(
            out.ends_with("Page 999 is past the last page.\nlast page: --page 10\n"),
            "{out}"
        );
        assert!(!out.contains("--page 998"), "{out}");
    }

    #[test]
    fn nothing_matches_names_the_filters() {
        let empty = Page::assemble(vec![], PageRequest::new(1, 20).unwrap(), 0);
        assert_eq!(
            history(&empty, Tz::UTC, &[]),
            "No sync sessions yet: run `account-sync sync-all` (or `account-sync run`, which registers the \
             configured instances first).\n"
        );
        let filters = ["--range today".to_owned(), "--status failed".to_owned()];
        assert_eq!(
            history(&empty, Tz::UTC, &filters),
            "No sync sessions match --range today --status failed (`account-sync history` without them shows \
             every session).\n"
        );
    }
}
