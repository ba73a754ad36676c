//! [`SessionStore`]: sessions and their records, with every status change and counter
//! update done in one transaction and increments done in SQL.

use crate::SeaStore;
use crate::convert::{self, i64_of, to_json};
use crate::entities::{instance_record, sync_session};
use crate::error::is_unique_violation;
use crate::sql::{micros, micros_opt};
use crate::summary::{self, NewMember};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, Value,
};
use sync_core::domain::{InstanceRecord, RecordStatus, SessionId, SessionStatus, SyncSession};
use sync_core::error::TransitionError;
use sync_core::traits::{NewSession, RecordOutcome, SessionStore, StoreError};

fn session_not_found(id: impl ToString) -> StoreError {
    StoreError::NotFound {
        entity: "session",
        id: id.to_string(),
    }
}

fn record_not_found(id: i64) -> StoreError {
    StoreError::NotFound {
        entity: "record",
        id: id.to_string(),
    }
}

/// Rows inserted per multi-row `INSERT` of records.
const RECORD_BATCH: usize = 500;

impl SeaStore {
    /// The session row, locked for update (PostgreSQL/MySQL; SQLite holds the write lock).
    pub(crate) async fn lock_session(
        &self,
        txn: &DatabaseTransaction,
        id: &str,
    ) -> Result<sync_session::Model, StoreError> {
        sync_session::Entity::find()
            .filter(sync_session::Column::SessionId.eq(id))
            .lock_exclusive()
            .one(txn)
            .await
            .map_err(|e| self.err(e))?
            .ok_or_else(|| session_not_found(id))
    }

    async fn lock_record(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
    ) -> Result<instance_record::Model, StoreError> {
        instance_record::Entity::find_by_id(id)
            .lock_exclusive()
            .one(txn)
            .await
            .map_err(|e| self.err(e))?
            .ok_or_else(|| record_not_found(id))
    }

    async fn commit(&self, txn: DatabaseTransaction) -> Result<(), StoreError> {
        txn.commit().await.map_err(|e| self.err(e))
    }

    async fn exec(
        &self,
        txn: &DatabaseTransaction,
        sql: &str,
        values: Vec<Value>,
    ) -> Result<u64, StoreError> {
        txn.execute_raw(self.backend.stmt(sql, values))
            .await
            .map(|r| r.rows_affected())
            .map_err(|e| self.err(e))
    }

    /// Writes a session's status and times after a state-machine step, if its status is
    /// still `from` (it is: the row is locked).
    async fn write_status(
        &self,
        txn: &DatabaseTransaction,
        s: &SyncSession,
        from: SessionStatus,
    ) -> Result<(), StoreError> {
        self.exec(
            txn,
            "UPDATE sync_sessions SET status = ?, started_at = ?, completed_at = ?, updated_at = ? \
             WHERE id = ? AND status = ?",
            vec![
                s.status.as_str().into(),
                micros_opt(s.started_at).into(),
                micros_opt(s.completed_at).into(),
                micros(s.updated_at).into(),
                s.id.into(),
                from.as_str().into(),
            ],
        )
        .await?;
        Ok(())
    }

    /// A step of the session state machine (retried on a deadlock).
    async fn session_step(
        &self,
        id: SessionId,
        now: DateTime<Utc>,
        step: impl Fn(&mut SyncSession, DateTime<Utc>) -> Result<(), TransitionError> + Send + Sync,
    ) -> Result<SyncSession, StoreError> {
        self.retrying(|| self.session_step_once(id, now, &step)).await
    }

    /// One attempt of a session step: lock, check with the domain rules, write.
    async fn session_step_once(
        &self,
        id: SessionId,
        now: DateTime<Utc>,
        step: &(impl Fn(&mut SyncSession, DateTime<Utc>) -> Result<(), TransitionError> + Send + Sync),
    ) -> Result<SyncSession, StoreError> {
        let now = micros(now);
        let txn = self.begin_write().await?;
        let row = self.lock_session(&txn, &id.to_string()).await?;
        let mut s = convert::session(self.backend, &row)?;
        let from = s.status;
        step(&mut s, now)?;
        self.write_status(&txn, &s, from).await?;
        if s.status == SessionStatus::Cancelled {
            // Pending records never start: cancelled and counted in the same transaction.
            let n = self
                .exec(
                    &txn,
                    "UPDATE instance_records SET status = 'cancelled', completed_at = ? \
                     WHERE session_id = ? AND status = 'pending'",
                    vec![now.into(), id.to_string().into()],
                )
                .await?;
            if n > 0 {
                self.exec(
                    &txn,
                    "UPDATE sync_sessions SET cancelled_instances = cancelled_instances + ?, updated_at = ? \
                     WHERE id = ?",
                    vec![i64_of(n).into(), now.into(), s.id.into()],
                )
                .await?;
            }
        }
        let out = self.lock_session(&txn, &id.to_string()).await?;
        self.commit(txn).await?;
        convert::session(self.backend, &out)
    }

    /// The `InstanceBusy` error for the record being started (named by its instance-name
    /// snapshot), naming the session whose record of that instance runs.
    async fn busy_error(&self, instance_id: i64, name: &str) -> StoreError {
        let running = instance_record::Entity::find()
            .filter(instance_record::Column::RunningInstance.eq(instance_id))
            .one(&self.db)
            .await;
        match running {
            Ok(Some(r)) => StoreError::InstanceBusy {
                instance_id,
                name: name.to_owned(),
                session_id: r.session_id,
            },
            // The running record ended in between: a transient conflict, start again.
            Ok(None) => StoreError::Backend {
                backend: self.backend.name(),
                message: format!(
                    "{}instance {name} (id {instance_id}) was busy and its running record has just ended",
                    crate::error::TRANSIENT
                ),
            },
            Err(e) => self.err(e),
        }
    }
}

/// Single attempts of the session operations (each one transaction); the trait methods
/// retry them on a deadlock.
impl SeaStore {
    async fn create_session_once(
        &self,
        new: &NewSession,
        now: DateTime<Utc>,
    ) -> Result<(SyncSession, Vec<InstanceRecord>), StoreError> {
        let now = micros(now);
        let total = u32::try_from(new.instances.len()).map_err(|_| StoreError::Backend {
            backend: self.backend.name(),
            message: "too many instances for one session".into(),
        })?;
        let mut s = SyncSession::new_pending(
            new.sync_type,
            new.sync_category,
            total,
            new.created_by.clone(),
            now,
        );
        let sid = s.session_id.to_string();
        let group_key = summary::group_key(s.sync_type, s.session_id, now);
        let txn = self.begin_write().await?;
        let row = sync_session::ActiveModel {
            id: NotSet,
            session_id: Set(sid.clone()),
            sync_type: Set(s.sync_type.to_string()),
            sync_category: Set(s.sync_category.to_string()),
            status: Set(s.status.to_string()),
            group_key: Set(group_key.clone()),
            started_at: Set(None),
            completed_at: Set(None),
            total_instances: Set(i32::try_from(total).unwrap_or(i32::MAX)),
            successful_instances: Set(0),
            failed_instances: Set(0),
            cancelled_instances: Set(0),
            created_by: Set(s.created_by.clone()),
            created_at: Set(now),
            updated_at: Set(now),
        };
        let res = sync_session::Entity::insert(row)
            .exec(&txn)
            .await
            .map_err(|e| self.err(e))?;
        s.id = res.last_insert_id;
        for chunk in new.instances.chunks(RECORD_BATCH) {
            let rows = chunk.iter().map(|(iid, name)| instance_record::ActiveModel {
                id: NotSet,
                session_id: Set(sid.clone()),
                instance_id: Set(*iid),
                instance_name: Set(name.clone()),
                sync_category: Set(s.sync_category.to_string()),
                status: Set(RecordStatus::Pending.to_string()),
                running_instance: Set(None),
                started_at: Set(None),
                completed_at: Set(None),
                items_synced: Set(0),
                items_created: Set(0),
                items_updated: Set(0),
                items_deleted: Set(0),
                error_message: Set(None),
                sync_details: Set(None),
                created_at: Set(now),
            });
            instance_record::Entity::insert_many(rows)
                .exec_without_returning(&txn)
                .await
                .map_err(|e| self.err(e))?;
        }
        summary::add_members(
            &txn,
            &[NewMember {
                category: s.sync_category,
                sync_type: s.sync_type,
                group_key,
                created_at: now,
                id: s.id,
            }],
        )
        .await
        .map_err(|e| self.err(e))?;
        let records = instance_record::Entity::find()
            .filter(instance_record::Column::SessionId.eq(sid.as_str()))
            .order_by_asc(instance_record::Column::Id)
            .all(&txn)
            .await
            .map_err(|e| self.err(e))?;
        self.commit(txn).await?;
        let records = records
            .iter()
            .map(|r| convert::record(self.backend, r))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((s, records))
    }

    async fn start_record_once(
        &self,
        record_id: i64,
        now: DateTime<Utc>,
    ) -> Result<InstanceRecord, StoreError> {
        let now = micros(now);
        let txn = self.begin_write().await?;
        let row = self.lock_record(&txn, record_id).await?;
        let mut rec = convert::record(self.backend, &row)?;
        rec.start(now)?;
        let srow = self.lock_session(&txn, &row.session_id).await?;
        let mut session = convert::session(self.backend, &srow)?;
        if !matches!(session.status, SessionStatus::Pending | SessionStatus::Running) {
            return Err(StoreError::Transition(TransitionError {
                entity: "record",
                from: RecordStatus::Pending.to_string(),
                to: RecordStatus::Running.to_string(),
                reason: format!(
                    "its session {} is {}; records start only while their session is pending or running",
                    session.session_id, session.status
                ),
            }));
        }
        let started = txn
            .execute_raw(self.backend.stmt(
                "UPDATE instance_records SET status = 'running', started_at = ?, running_instance = instance_id \
                 WHERE id = ? AND status = 'pending'",
                vec![now.into(), record_id.into()],
            ))
            .await;
        match started {
            Ok(r) if r.rows_affected() == 1 => {}
            Ok(_) => {
                return Err(StoreError::Conflict(format!(
                    "record {record_id} changed while starting; retry"
                )));
            }
            Err(e) if is_unique_violation(&e) => {
                txn.rollback().await.map_err(|e| self.err(e))?;
                return Err(self.busy_error(row.instance_id, &row.instance_name).await);
            }
            Err(e) => return Err(self.err(e)),
        }
        let from = session.status;
        session.start(now)?;
        session.updated_at = now;
        self.write_status(&txn, &session, from).await?;
        self.commit(txn).await?;
        Ok(rec)
    }

    async fn finish_record_once(
        &self,
        record_id: i64,
        outcome: &RecordOutcome,
        now: DateTime<Utc>,
    ) -> Result<SyncSession, StoreError> {
        let now = micros(now);
        let txn = self.begin_write().await?;
        let row = self.lock_record(&txn, record_id).await?;
        let mut rec = convert::record(self.backend, &row)?;
        let from = rec.status;
        match outcome {
            RecordOutcome::Completed { items, details } => rec.complete(*items, details.clone(), now)?,
            RecordOutcome::Failed { message } => rec.fail(message.clone(), now)?,
            RecordOutcome::Cancelled => rec.cancel(now)?,
        }
        // Lock order everywhere: the record, then its session, then the other rows.
        self.lock_session(&txn, &row.session_id).await?;
        let n = self
            .exec(
                &txn,
                "UPDATE instance_records SET status = ?, completed_at = ?, items_synced = ?, items_created = ?, \
                 items_updated = ?, items_deleted = ?, error_message = ?, sync_details = ?, running_instance = NULL \
                 WHERE id = ? AND status = ?",
                vec![
                    rec.status.as_str().into(),
                    micros_opt(rec.completed_at).into(),
                    i64_of(rec.items.synced).into(),
                    i64_of(rec.items.created).into(),
                    i64_of(rec.items.updated).into(),
                    i64_of(rec.items.deleted).into(),
                    rec.error_message.clone().into(),
                    rec.sync_details.as_ref().map(to_json).into(),
                    record_id.into(),
                    from.as_str().into(),
                ],
            )
            .await?;
        if n != 1 {
            return Err(StoreError::Conflict(format!(
                "record {record_id} changed while finishing; retry"
            )));
        }
        let counter = match rec.status {
            RecordStatus::Completed => "successful_instances",
            RecordStatus::Failed => "failed_instances",
            _ => "cancelled_instances",
        };
        self.exec(
            &txn,
            &format!(
                "UPDATE sync_sessions SET {counter} = {counter} + 1, updated_at = ? WHERE session_id = ?"
            ),
            vec![now.into(), row.session_id.as_str().into()],
        )
        .await?;
        // Close an open session whose records are all terminal; the status is derived as
        // SyncSession::closing_status does. A terminal status is never overwritten.
        self.exec(
            &txn,
            "UPDATE sync_sessions SET \
             status = CASE WHEN failed_instances > 0 THEN 'failed' \
                 WHEN total_instances > 0 AND cancelled_instances = total_instances THEN 'cancelled' \
                 ELSE 'completed' END, \
             started_at = COALESCE(started_at, ?), completed_at = ?, updated_at = ? \
             WHERE session_id = ? AND status IN ('pending', 'running', 'paused') \
             AND successful_instances + failed_instances + cancelled_instances >= total_instances",
            vec![now.into(), now.into(), now.into(), row.session_id.as_str().into()],
        )
        .await?;
        let out = self.lock_session(&txn, &row.session_id).await?;
        self.commit(txn).await?;
        convert::session(self.backend, &out)
    }
}

#[async_trait]
impl SessionStore for SeaStore {
    async fn create_session(
        &self,
        new: NewSession,
        now: DateTime<Utc>,
    ) -> Result<(SyncSession, Vec<InstanceRecord>), StoreError> {
        self.retrying(|| self.create_session_once(&new, now)).await
    }

    async fn start_record(&self, record_id: i64, now: DateTime<Utc>) -> Result<InstanceRecord, StoreError> {
        self.retrying(|| self.start_record_once(record_id, now)).await
    }

    async fn finish_record(
        &self,
        record_id: i64,
        outcome: RecordOutcome,
        now: DateTime<Utc>,
    ) -> Result<SyncSession, StoreError> {
        self.retrying(|| self.finish_record_once(record_id, &outcome, now))
            .await
    }

    async fn get_session(&self, id: SessionId) -> Result<SyncSession, StoreError> {
        let row = sync_session::Entity::find()
            .filter(sync_session::Column::SessionId.eq(id.to_string()))
            .one(&self.db)
            .await
            .map_err(|e| self.err(e))?
            .ok_or_else(|| session_not_found(id))?;
        convert::session(self.backend, &row)
    }

    async fn list_records(&self, id: SessionId) -> Result<Vec<InstanceRecord>, StoreError> {
        self.get_session(id).await?;
        let rows = instance_record::Entity::find()
            .filter(instance_record::Column::SessionId.eq(id.to_string()))
            .order_by_asc(instance_record::Column::Id)
            .all(&self.db)
            .await
            .map_err(|e| self.err(e))?;
        rows.iter().map(|r| convert::record(self.backend, r)).collect()
    }

    async fn pause_session(&self, id: SessionId, now: DateTime<Utc>) -> Result<SyncSession, StoreError> {
        self.session_step(id, now, |s, now| s.pause(now)).await
    }

    async fn resume_session(&self, id: SessionId, now: DateTime<Utc>) -> Result<SyncSession, StoreError> {
        self.session_step(id, now, |s, now| s.resume(now)).await
    }

    async fn cancel_session(&self, id: SessionId, now: DateTime<Utc>) -> Result<SyncSession, StoreError> {
        self.session_step(id, now, |s, now| s.cancel(now)).await
    }

    async fn stale_records(&self, started_before: DateTime<Utc>) -> Result<Vec<InstanceRecord>, StoreError> {
        let rows = instance_record::Entity::find()
            .filter(instance_record::Column::Status.eq(RecordStatus::Running.as_str()))
            .filter(instance_record::Column::StartedAt.lt(micros(started_before)))
            .order_by_asc(instance_record::Column::Id)
            .all(&self.db)
            .await
            .map_err(|e| self.err(e))?;
        rows.iter().map(|r| convert::record(self.backend, r)).collect()
    }

    async fn open_sessions(&self) -> Result<Vec<SyncSession>, StoreError> {
        let rows = sync_session::Entity::find()
            .filter(sync_session::Column::Status.is_in(["pending", "running", "paused"]))
            .order_by_asc(sync_session::Column::CreatedAt)
            .order_by_asc(sync_session::Column::Id)
            .all(&self.db)
            .await
            .map_err(|e| self.err(e))?;
        rows.iter().map(|r| convert::session(self.backend, r)).collect()
    }
}
