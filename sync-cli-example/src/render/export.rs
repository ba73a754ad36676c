//! The history export: one CSV row per history group, with the numbers of the history view.

use super::history::types;
use serde::Serialize;
use std::io::Write;
use sync_core::history::{GroupKey, HistoryGroup};

/// One CSV row. Times are RFC 3339 in UTC; member session ids are space separated.
#[derive(Debug, Serialize)]
struct Row<'a> {
    group: String,
    created_at: String,
    started_at: String,
    completed_at: String,
    duration_secs: String,
    sync_types: String,
    status: &'a str,
    instances_total: u64,
    instances_successful: u64,
    instances_failed: u64,
    instances_cancelled: u64,
    accounts_synced: u64,
    accounts_created: u64,
    accounts_updated: u64,
    accounts_deleted: u64,
    session_ids: String,
}

fn group_label(key: &GroupKey) -> String {
    match key {
        GroupKey::Batch(id) => format!("batch:{id}"),
        GroupKey::Single(id) => format!("single:{id}"),
        GroupKey::Minute(m) => format!("minute:{}", m.to_rfc3339()),
    }
}

/// Writes `groups` as CSV with a header line.
pub fn csv(groups: &[HistoryGroup], out: impl Write) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(out);
    let rfc = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
    for g in groups {
        w.serialize(Row {
            group: group_label(&g.key),
            created_at: g.created_at.to_rfc3339(),
            started_at: rfc(g.started_at),
            completed_at: rfc(g.completed_at),
            duration_secs: match (g.started_at, g.completed_at) {
                (Some(s), Some(e)) => format!("{:.3}", (e - s).num_milliseconds() as f64 / 1000.0),
                _ => String::new(),
            },
            sync_types: types(g),
            status: g.status.as_str(),
            instances_total: g.total_instances,
            instances_successful: g.successful_instances,
            instances_failed: g.failed_instances,
            instances_cancelled: g.cancelled_instances,
            accounts_synced: g.items.synced,
            accounts_created: g.items.created,
            accounts_updated: g.items.updated,
            accounts_deleted: g.items.deleted,
            session_ids: g
                .session_ids
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(" "),
        })?;
    }
    if groups.is_empty() {
        // Still give a header so the file opens as an (empty) table.
        w.write_record([
            "group",
            "created_at",
            "started_at",
            "completed_at",
            "duration_secs",
            "sync_types",
            "status",
            "instances_total",
            "instances_successful",
            "instances_failed",
            "instances_cancelled",
            "accounts_synced",
            "accounts_created",
            "accounts_updated",
            "accounts_deleted",
            "session_ids",
        ])?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use sync_core::domain::{ItemCounts, SessionId, SessionStatus, SyncType};

    #[test]
    fn one_row_per_group_with_header() {
        let at: DateTime<Utc> = "2026-03-10T03:30:00Z".parse().unwrap();
        let id = SessionId::new();
        let g = HistoryGroup {
            key: GroupKey::Batch(id),
            sync_types: vec![SyncType::ManualBatch],
            status: SessionStatus::Completed,
            session_ids: vec![id],
            total_instances: 2,
            successful_instances: 2,
            failed_instances: 0,
            cancelled_instances: 0,
            items: ItemCounts {
                synced: 9,
                created: 9,
                updated: 0,
                deleted: 0,
            },
            started_at: Some(at),
            completed_at: Some(at + chrono::Duration::milliseconds(1500)),
            created_at: at,
            last_id: 1,
        };
        let mut buf = Vec::new();
        csv(&[g.clone(), g], &mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let mut r = ::csv::Reader::from_reader(text.as_bytes());
        assert_eq!(r.headers().unwrap().len(), 16);
        let rows: Vec<::csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][4], "1.500");
        assert_eq!(&rows[0][6], "completed");
        assert_eq!(&rows[0][11], "9");
        assert_eq!(rows[0][15], id.to_string());
        let mut empty = Vec::new();
        csv(&[], &mut empty).unwrap();
        assert!(String::from_utf8(empty).unwrap().starts_with("group,created_at,"));
    }
}
