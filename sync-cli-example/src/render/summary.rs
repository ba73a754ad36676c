//! The end of a run and the recovery report.

use sync_core::service::{RecoveryReport, SyncSummary};

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
        out.push_str(&format!("  failed: {}: {}\n", f.instance_name, f.message));
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

/// What `recover` did.
pub fn recovery(r: &RecoveryReport) -> String {
    if r.failed.is_empty() {
        return "No stale record: nothing to recover.\n".to_owned();
    }
    let mut out = format!("{} stale record(s) failed:\n", r.failed.len());
    for f in &r.failed {
        out.push_str(&format!("  {} in session {}\n", f.instance_name, f.session_id));
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
    }
    out
}
