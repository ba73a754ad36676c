//! The end of a run and the recovery report.

use super::{printable, time};
use chrono::{DateTime, Utc};
use std::time::Duration;
use sync_core::chrono_tz::Tz;
use sync_core::domain::InstanceRecord;
use sync_core::service::{RecoveryReport, SyncSummary};

/// How the core words the failure of a record whose instance another record is syncing.
const BUSY: &str = "is already being synced by session";

/// What a run ended with, and where to look next.
pub fn summary(s: &SyncSummary) -> String {
    let x = &s.session;
    let mut out = format!(
        "Session {} ({}) {}: {} ok, {} failed, {} cancelled of {} instance(s); accounts {} synced, {} created, \
         {} updated, {} deleted\n",
        x.session_id,
        x.sync_type,
        x.status,
        x.successful_instances,
        x.failed_instances,
        x.cancelled_instances,
        x.total_instances,
        s.items.synced,
        s.items.created,
        s.items.updated,
        s.items.deleted
    );
    for f in &s.failures {
        out.push_str(&format!(
            "  failed: {}: {}\n",
            printable(&f.instance_name),
            printable(&f.message)
        ));
    }
    if s.failures.iter().any(|f| f.message.contains(BUSY)) {
        out.push_str(
            "  (if the process running that other session is gone, `account-sync recover` lists its records and \
             how to fail them)\n",
        );
    }
    if s.pending > 0 {
        out.push_str(&format!(
            "  {} instance(s) still pending: account-sync resume {}\n",
            s.pending, x.session_id
        ));
    }
    if s.running > 0 {
        out.push_str(&format!(
            "  {} instance(s) still running elsewhere (account-sync recover fails them once their lease ends)\n",
            s.running
        ));
    }
    if !s.failures.is_empty() {
        out.push_str(&format!(
            "Retry the failed ones: account-sync retry --failed {}\n",
            x.session_id
        ));
    }
    out.push_str(&format!("Details: account-sync details {}\n", x.session_id));
    out
}

/// What `recover` is working with: its lease and the instance timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecoveryLease {
    /// Records running longer than this were failed.
    pub lease: Duration,
    /// The instance timeout: `--older-than` must exceed it.
    pub instance_timeout: Duration,
    /// Whether it came from `--older-than` (else the configured `stale_lease_secs`).
    pub forced: bool,
}

/// Seconds as `90s`, `15m 00s`, `2h 03m`.
fn span(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, (s / 60) % 60),
    }
}

/// What `recover` did, then the records still `running` under the lease: when each started,
/// when its lease ends, and how to fail them now if their process is gone.
pub fn recovery(
    r: &RecoveryReport,
    running: &[InstanceRecord],
    lease: RecoveryLease,
    now: DateTime<Utc>,
    tz: Tz,
) -> String {
    let mut out = String::new();
    if r.failed.is_empty() {
        out.push_str("No stale record: nothing to recover.\n");
    } else {
        out.push_str(&format!("{} stale record(s) failed:\n", r.failed.len()));
        for f in &r.failed {
            out.push_str(&format!(
                "  {} in session {}\n",
                printable(&f.instance_name),
                f.session_id
            ));
        }
        for s in &r.sessions {
            out.push_str(&format!(
                "session {} is now {} ({} ok, {} failed, {} cancelled of {})\n",
                s.session_id,
                s.status,
                s.successful_instances,
                s.failed_instances,
                s.cancelled_instances,
                s.total_instances
            ));
            if !s.status.is_terminal() {
                out.push_str(&format!(
                    "  it still has pending instances: `account-sync resume {}` runs them, \
                     `account-sync cancel {}` ends it\n",
                    s.session_id, s.session_id
                ));
            }
        }
    }
    if running.is_empty() {
        return out;
    }
    let origin = if lease.forced {
        "--older-than"
    } else {
        "[sync] stale_lease_secs"
    };
    out.push_str(&format!(
        "{} record(s) still running under their lease ({} after their start, {origin}), not recovered:\n",
        running.len(),
        span(lease.lease)
    ));
    let lease_chrono = chrono::Duration::from_std(lease.lease).unwrap_or(chrono::Duration::MAX);
    for rec in running {
        let expires = rec.started_at.and_then(|t| t.checked_add_signed(lease_chrono));
        let left = expires
            .and_then(|e| (e - now).to_std().ok())
            .map(|d| format!(" (in {})", span(d)))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {} in session {}: started {}, lease expires {}{left}\n",
            printable(&rec.instance_name),
            rec.session_id,
            time(rec.started_at, tz),
            time(expires, tz),
        ));
    }
    let minimum = lease.instance_timeout + Duration::from_secs(1);
    out.push_str(&format!(
        "Times in {tz}. They may belong to a sync still running in another process. If that process is gone \
         (killed, crashed), fail them now with:\n  account-sync recover --older-than {}\n(the value must \
         exceed the instance timeout, {}; a record is only failed once it has run that long)\n",
        minimum.as_secs(),
        span(lease.instance_timeout)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sync_core::domain::{RecordStatus, SessionId, SyncCategory};

    #[test]
    fn recovery_points_to_resume_for_a_session_with_pending_records() {
        use sync_core::domain::{SessionStatus, SyncSession, SyncType};
        use sync_core::service::InstanceFailure;
        let now: DateTime<Utc> = "2026-03-10T03:30:00Z".parse().unwrap();
        let mut session =
            SyncSession::new_pending(SyncType::ManualBatch, SyncCategory::Account, 3, None, now);
        session.status = SessionStatus::Running;
        session.successful_instances = 1;
        session.failed_instances = 1;
        let sid = session.session_id;
        let report = RecoveryReport {
            failed: vec![InstanceFailure {
                session_id: sid,
                record_id: 2,
                instance_id: 2,
                instance_name: "pg".into(),
                message: "recovered as stale".into(),
            }],
            sessions: vec![session],
        };
        let lease = RecoveryLease {
            lease: Duration::from_secs(900),
            instance_timeout: Duration::from_secs(60),
            forced: false,
        };
        assert_eq!(
            recovery(&report, &[], lease, now, Tz::UTC),
            format!(
                "1 stale record(s) failed:\n  pg in session {sid}\n\
                 session {sid} is now running (1 ok, 1 failed, 0 cancelled of 3)\n  \
                 it still has pending instances: `account-sync resume {sid}` runs them, \
                 `account-sync cancel {sid}` ends it\n"
            )
        );
    }

    #[test]
    fn recovery_lists_the_records_under_their_lease() {
        let now: DateTime<Utc> = "2026-03-10T03:30:00Z".parse().unwrap();
        let sid: SessionId = "0b7e3a52-4a43-4c8e-9d43-53b4a1f2d7a1".parse().unwrap();
        let mut rec = InstanceRecord::new_pending(sid, 1, "hang\nfake", SyncCategory::Account, now);
        rec.status = RecordStatus::Running;
        rec.started_at = Some(now - chrono::Duration::seconds(30));
        let lease = RecoveryLease {
            lease: Duration::from_secs(900),
            instance_timeout: Duration::from_secs(60),
            forced: false,
        };
        assert_eq!(
            recovery(&RecoveryReport::default(), &[], lease, now, Tz::UTC),
            "No stale record: nothing to recover.\n"
        );
        assert_eq!(
            recovery(&RecoveryReport::default(), &[rec], lease, now, Tz::UTC),
            "No stale record: nothing to recover.\n\
             1 record(s) still running under their lease (15m 00s after their start, [sync] stale_lease_secs), \
             not recovered:\n  \
             hang\\nfake in session 0b7e3a52-4a43-4c8e-9d43-53b4a1f2d7a1: started 2026-03-10 03:29:30, lease \
             expires 2026-03-10 03:44:30 (in 14m 30s)\n\
             Times in UTC. They may belong to a sync still running in another process. If that process is gone \
             (killed, crashed), fail them now with:\n  account-sync recover --older-than 61\n(the value must \
             exceed the instance timeout, 1m 00s; a record is only failed once it has run that long)\n"
        );
    }

    #[test]
    fn failures_are_escaped_and_busy_ones_point_to_recover() {
        use sync_core::domain::{SessionStatus, SyncSession, SyncType};
        use sync_core::service::SyncSummary;
        let now: DateTime<Utc> = "2026-03-10T03:30:00Z".parse().unwrap();
        let mut session =
            SyncSession::new_pending(SyncType::ManualSingle, SyncCategory::Account, 1, None, now);
        session.status = SessionStatus::Failed;
        let mut rec = InstanceRecord::new_pending(session.session_id, 1, "pg", SyncCategory::Account, now);
        rec.status = RecordStatus::Failed;
        rec.error_message = Some(
            "instance pg (id 1) is already being synced by session 1b7e3a52-4a43-4c8e-9d43-53b4a1f2d7a1"
                .into(),
        );
        let out = summary(&SyncSummary::new(session.clone(), std::slice::from_ref(&rec)));
        assert!(
            out.contains(
                "  failed: pg: instance pg (id 1) is already being synced by session \
                 1b7e3a52-4a43-4c8e-9d43-53b4a1f2d7a1\n  (if the process running that other session is gone, \
                 `account-sync recover` lists its records and how to fail them)\n"
            ),
            "{out}"
        );
        rec.error_message = Some("role \"x\nfake line\" does not exist".into());
        let out = summary(&SyncSummary::new(session, &[rec]));
        assert!(
            out.contains("  failed: pg: role \"x\\nfake line\" does not exist\n"),
            "{out}"
        );
        assert!(!out.contains("account-sync recover"), "{out}");
    }
}
