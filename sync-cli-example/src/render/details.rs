//! Session details and batch details: one row per instance record.

use super::{duration, printable, table, time};
use sync_core::chrono_tz::Tz;
use sync_core::domain::InstanceRecord;
use sync_core::history::{BatchDetails, SessionDetails};

fn records_table(records: &[InstanceRecord], tz: Tz, with_session: bool) -> String {
    let mut header = vec!["Instance", "Status", "Started", "Completed", "Duration"];
    header.extend(["Synced", "Created", "Updated", "Deleted", "Error"]);
    let warnings = |r: &InstanceRecord| {
        r.sync_details
            .as_ref()
            .map(|d| {
                d.warnings
                    .iter()
                    .map(|w| printable(w))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default()
    };
    let with_warnings = records.iter().any(|r| !warnings(r).is_empty());
    if with_warnings {
        header.push("Warnings");
    }
    if with_session {
        header.push("Session");
    }
    let mut t = table(&header);
    for r in records {
        let mut row = vec![
            printable(&r.instance_name),
            r.status.to_string(),
            time(r.started_at, tz),
            time(r.completed_at, tz),
            duration(r.started_at, r.completed_at),
            r.items.synced.to_string(),
            r.items.created.to_string(),
            r.items.updated.to_string(),
            r.items.deleted.to_string(),
            printable(r.error_message.as_deref().unwrap_or_default()),
        ];
        if with_warnings {
            row.push(warnings(r));
        }
        if with_session {
            row.push(r.session_id.to_string());
        }
        t.add_row(row);
    }
    format!("{t}\n")
}

/// One session: a summary block and its records.
pub fn session(d: &SessionDetails, tz: Tz) -> String {
    let s = &d.session;
    let mut out = format!(
        "Session {} ({}, {}) by {}\n",
        s.session_id,
        s.sync_type,
        s.sync_category,
        printable(s.created_by.as_deref().unwrap_or("-"))
    );
    out.push_str(&format!(
        "Status {}: {} ok, {} failed, {} cancelled of {} instances ({:.0}% done)\n",
        s.status,
        s.successful_instances,
        s.failed_instances,
        s.cancelled_instances,
        s.total_instances,
        d.progress * 100.0
    ));
    out.push_str(&format!(
        "Created {}, started {}, completed {} ({}); times in {tz}\n",
        time(Some(s.created_at), tz),
        time(s.started_at, tz),
        time(s.completed_at, tz),
        duration(s.started_at, s.completed_at)
    ));
    out.push_str(&format!(
        "Accounts: {} synced, {} created, {} updated, {} deleted\n",
        d.items.synced, d.items.created, d.items.updated, d.items.deleted
    ));
    out.push_str(&records_table(&d.records, tz, false));
    out
}

/// The records of a set of sessions, one per instance.
pub fn batch(d: &BatchDetails, tz: Tz, failed_only: bool) -> String {
    let what = if failed_only {
        "failed instances"
    } else {
        "instances"
    };
    let mut out = format!(
        "{} {what} over {} session(s): {} completed, {} failed; accounts {} synced, {} created, {} updated, \
         {} deleted\n",
        d.records.len(),
        d.session_ids.len(),
        d.completed,
        d.failed,
        d.items.synced,
        d.items.created,
        d.items.updated,
        d.items.deleted
    );
    if !d.records.is_empty() {
        out.push_str(&records_table(&d.records, tz, d.session_ids.len() > 1));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use sync_core::domain::{ItemCounts, RecordStatus, SessionId, SyncCategory};

    #[test]
    fn batch_lists_each_record() {
        let now: DateTime<Utc> = "2026-03-10T03:30:00Z".parse().unwrap();
        let sid = SessionId::new();
        let mut ok = InstanceRecord::new_pending(sid, 1, "maria", SyncCategory::Account, now);
        ok.status = RecordStatus::Completed;
        ok.items = ItemCounts {
            synced: 12,
            created: 2,
            updated: 1,
            deleted: 0,
        };
        let mut bad = InstanceRecord::new_pending(sid, 2, "pg", SyncCategory::Account, now);
        bad.status = RecordStatus::Failed;
        bad.error_message = Some("authentication failed for user \"x\nfake line\"".into());
        let d = BatchDetails {
            session_ids: vec![sid],
            records: vec![ok, bad],
            completed: 1,
            failed: 1,
            items: ItemCounts {
                synced: 12,
                created: 2,
                updated: 1,
                deleted: 0,
            },
        };
        let out = batch(&d, Tz::UTC, false);
        assert!(out.starts_with("2 instances over 1 session(s): 1 completed, 1 failed; accounts 12 synced"));
        assert!(
            out.contains("maria") && out.contains("authentication failed"),
            "{out}"
        );
        assert!(!out.contains("Session"), "one session: no session column\n{out}");
        assert!(out.contains("x\\nfake line"), "{out}");
        assert!(
            !out.lines()
                .any(|l| l.trim_start_matches(['│', ' ']).starts_with("fake line")),
            "{out}"
        );
    }

    #[test]
    fn warnings_get_a_column_when_a_record_has_some() {
        use sync_core::domain::{SYNC_DETAILS_VERSION, SyncDetails};
        let now: DateTime<Utc> = "2026-03-10T03:30:00Z".parse().unwrap();
        let sid = SessionId::new();
        let mut rec = InstanceRecord::new_pending(sid, 1, "pg", SyncCategory::Account, now);
        rec.status = RecordStatus::Completed;
        let d = BatchDetails {
            session_ids: vec![sid],
            records: vec![rec.clone()],
            completed: 1,
            failed: 0,
            items: ItemCounts::default(),
        };
        assert!(!batch(&d, Tz::UTC, false).contains("Warnings"));
        rec.sync_details = Some(SyncDetails {
            version: SYNC_DETAILS_VERSION,
            breakdown: Default::default(),
            read_ms: 1,
            write_ms: 1,
            server_version: None,
            warnings: vec!["database \"nope\" not inspected\nfake".into()],
        });
        let d = BatchDetails {
            records: vec![rec],
            ..d
        };
        let out = batch(&d, Tz::UTC, false);
        assert!(out.contains("Warnings"), "{out}");
        assert!(out.contains("database \"nope\" not inspected\\nfake"), "{out}");
    }
}
