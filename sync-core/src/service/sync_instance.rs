//! One instance record: credential -> read -> diff -> write -> finish.

use super::events::{InstanceFailure, SyncEvent};
use super::observer::AccountChanges;
use super::run::RunShared;
use crate::account::{AccountDiff, diff_accounts};
use crate::domain::{
    Instance, InstanceRecord, SYNC_DETAILS_VERSION, SessionStatus, SyncDetails, SyncSession, SyncType,
};
use crate::traits::{AccountRead, ConnectTarget, ConnectorError, RecordOutcome, StoreError};
use chrono::Utc;
use std::time::Instant;

/// The reason of a record whose read was stopped by a cancel.
pub(crate) const CANCELLED_MESSAGE: &str =
    "cancelled: the session was cancelled while this instance was being synced; its inventory is unchanged";

/// Syncs one pending record: start it, read, diff, write, finish. Every failure ends the
/// record `failed` with a message (never a secret); nothing is turned into an empty list.
pub(crate) async fn sync_record(run: &RunShared, record: InstanceRecord) {
    if run.control.stop.is_cancelled() {
        return;
    }
    let store = &run.service.inner.store;
    let record = match store.start_record(record.id, Utc::now()).await {
        Ok(started) => started,
        Err(busy @ StoreError::InstanceBusy { .. }) => {
            fail_record(run, &record, busy.to_string()).await;
            return;
        }
        Err(StoreError::Transition(refused)) => {
            // Another run took the record, or the session stopped taking new records.
            match store.get_session(record.session_id).await {
                Ok(s) if matches!(s.status, SessionStatus::Pending | SessionStatus::Running) => {
                    tracing::debug!(reason = %refused, "record already taken by another run");
                }
                Ok(s) => {
                    tracing::info!(status = %s.status, "the session no longer starts records; the run stops");
                    run.control.stop.cancel();
                }
                Err(e) => {
                    tracing::error!(error = %e, "cannot read the session; the run stops");
                    run.control.stop.cancel();
                }
            }
            return;
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot start the record; the run stops");
            run.control.stop.cancel();
            return;
        }
    };
    run.control.enter(record.id);
    run.emit(SyncEvent::InstanceStarted {
        session_id: record.session_id,
        record_id: record.id,
        instance_id: record.instance_id,
        instance_name: record.instance_name.clone(),
    });
    tracing::info!("instance sync started");
    match read_and_write(run, &record).await {
        Ok(done) => complete_record(run, &record, done).await,
        Err(message) => fail_record(run, &record, message).await,
    }
    run.control.leave(record.id);
}

/// What a successful read and write produced.
struct Done {
    instance: Instance,
    diff: AccountDiff,
    details: SyncDetails,
}

async fn read_and_write(run: &RunShared, record: &InstanceRecord) -> Result<Done, String> {
    let inner = &run.service.inner;
    let instance = inner
        .store
        .get_instance(record.instance_id)
        .await
        .map_err(|e| format!("cannot load the instance: {e}"))?;
    if instance.deleted_at.is_some() {
        return Err(
            "the instance was deleted after the session was created; deleted instances are never synced"
                .into(),
        );
    }
    let connector = inner
        .connectors
        .get(&instance.db_type)
        .ok_or_else(|| format!("no connector is registered for db type {}", instance.db_type))?
        .clone();
    let filter = inner.config.filter_for(instance.db_type);
    let timeout = inner.config.instance_timeout;
    let token = run.control.cancel.child_token();

    let read_started = Instant::now();
    let read = async {
        let password = inner
            .credentials
            .secret(&instance.credential)
            .await
            .map_err(|e| {
                format!(
                    "cannot obtain the password of sync user {:?}: {e}",
                    instance.credential.user
                )
            })?;
        let target = ConnectTarget {
            instance_name: instance.name.clone(),
            host: instance.host.clone(),
            port: instance.port,
            database: instance.database.clone(),
            inspect_databases: instance.inspect_databases.clone(),
            user: instance.credential.user.clone(),
            password,
            timeout,
            filter: filter.clone(),
        };
        connector
            .read_accounts(&target, &token)
            .await
            .map_err(|e| match e {
                ConnectorError::Cancelled => CANCELLED_MESSAGE.to_owned(),
                e => format!("reading the accounts failed: {e}"),
            })
    };
    let read: AccountRead = tokio::select! {
        biased;
        () = token.cancelled() => return Err(CANCELLED_MESSAGE.into()),
        r = tokio::time::timeout(timeout, read) => match r {
            Ok(r) => r?,
            Err(_) => {
                token.cancel();
                return Err(format!("timed out after {timeout:?} reading the accounts (the per-instance timeout)"));
            }
        },
    };
    let read_ms = read_started.elapsed().as_millis() as u64;
    if read.accounts.is_empty() {
        tracing::warn!("the connector returned no account at all");
    }
    let mut accounts = read.accounts;
    filter.apply(&mut accounts);
    if let Some(key) = &inner.config.fingerprint_key {
        key.rekey_set(&mut accounts);
    }
    if token.is_cancelled() {
        return Err(CANCELLED_MESSAGE.into());
    }

    let write_started = Instant::now();
    let inventory = inner
        .store
        .load_inventory(instance.id)
        .await
        .map_err(|e| format!("loading the stored inventory failed: {e}"))?;
    let diff = diff_accounts(&inventory, &accounts);
    inner
        .store
        .apply_account_diff(instance.id, record.session_id, &diff, Utc::now())
        .await
        .map_err(|e| format!("writing the inventory failed (nothing was written): {e}"))?;
    let server_version = Some(read.server_version).filter(|v| !v.is_empty());
    let details = SyncDetails {
        version: SYNC_DETAILS_VERSION,
        breakdown: diff.summary,
        read_ms,
        write_ms: write_started.elapsed().as_millis() as u64,
        server_version,
        warnings: read.warnings,
    };
    Ok(Done {
        instance,
        diff,
        details,
    })
}

async fn complete_record(run: &RunShared, record: &InstanceRecord, done: Done) {
    let inner = &run.service.inner;
    let items = done.diff.item_counts();
    let breakdown = done.diff.summary;
    let server_version = done.details.server_version.clone();
    let warnings = done.details.warnings.clone();
    let now = Utc::now();
    let outcome = RecordOutcome::Completed {
        items,
        details: done.details,
    };
    let session: SyncSession = match inner.store.finish_record(record.id, outcome, now).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "the inventory was written but the record could not be completed");
            return;
        }
    };
    let single = session.sync_type == SyncType::ManualSingle;
    if let Err(e) = inner
        .store
        .mark_instance_synced(done.instance.id, now, server_version, single)
        .await
    {
        tracing::error!(error = %e, "cannot mark the instance synced");
    }
    tracing::info!(
        synced = items.synced,
        created = items.created,
        updated = items.updated,
        deleted = items.deleted,
        "instance sync completed"
    );
    run.emit(SyncEvent::InstanceCompleted {
        session_id: record.session_id,
        record_id: record.id,
        instance_id: record.instance_id,
        instance_name: record.instance_name.clone(),
        items,
        breakdown,
        warnings,
    });
    if !done.diff.is_empty() {
        run.service.notify_changes(&AccountChanges {
            session_id: record.session_id,
            record_id: record.id,
            instance_id: record.instance_id,
            instance_name: &record.instance_name,
            diff: &done.diff,
        });
    }
    run.service.notify_if_ended(&session).await;
}

/// Ends `record` as failed with `message`, reports it, and tells the observers.
pub(crate) async fn fail_record(run: &RunShared, record: &InstanceRecord, message: String) {
    let store = &run.service.inner.store;
    tracing::warn!(error = %message, "instance sync failed");
    let outcome = RecordOutcome::Failed {
        message: message.clone(),
    };
    match store.finish_record(record.id, outcome, Utc::now()).await {
        Ok(session) => {
            let failure = InstanceFailure::of(record, message);
            run.emit(SyncEvent::InstanceFailed(failure.clone()));
            run.service.notify_failed(&failure);
            run.service.notify_if_ended(&session).await;
        }
        Err(e) => tracing::error!(error = %e, "cannot record the failure of the instance"),
    }
}
