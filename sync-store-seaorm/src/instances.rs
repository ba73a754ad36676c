//! [`InstanceStore`]: registered instances, names unique among not-deleted ones.

use crate::SeaStore;
use crate::convert::{self, to_json};
use crate::entities::instance::{self, ActiveModel, Column, Entity};
use crate::error::is_unique_violation;
use crate::sql::{Backend, micros, micros_opt};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use sync_core::domain::{Instance, InstanceId, NewInstance};
use sync_core::traits::{InstanceListFilter, InstanceStore, StoreError};

fn not_found(id: InstanceId) -> StoreError {
    StoreError::NotFound {
        entity: "instance",
        id: id.to_string(),
    }
}

/// Why `row` may not take the settings of `update`: deleted (`NotFound`) or another server
/// family (`DbTypeChange`).
fn refuse_update(backend: Backend, row: &instance::Model, update: &NewInstance) -> Result<(), StoreError> {
    if row.deleted_at.is_some() {
        return Err(not_found(row.id));
    }
    if row.db_type != update.db_type.as_str() {
        return Err(StoreError::DbTypeChange {
            id: row.id,
            name: row.name.clone(),
            from: row
                .db_type
                .parse()
                .map_err(|e| crate::error::decode_err(backend, "db type", e))?,
            to: update.db_type,
        });
    }
    Ok(())
}

impl SeaStore {
    async fn instance_row(&self, id: InstanceId) -> Result<instance::Model, StoreError> {
        Entity::find_by_id(id)
            .one(&self.db)
            .await
            .map_err(|e| self.err(e))?
            .ok_or_else(|| not_found(id))
    }

    /// Runs an `UPDATE … WHERE id = ?`; `NotFound` when no such instance exists (MySQL counts
    /// only changed rows, so zero affected rows is checked against the table).
    async fn run_update(
        &self,
        id: InstanceId,
        update: sea_orm::UpdateMany<Entity>,
    ) -> Result<(), StoreError> {
        let res = update
            .filter(Column::Id.eq(id))
            .exec(&self.db)
            .await
            .map_err(|e| self.err(e))?;
        if res.rows_affected == 0 {
            self.instance_row(id).await?;
        }
        Ok(())
    }
}

#[async_trait]
impl InstanceStore for SeaStore {
    async fn add_instance(&self, new: NewInstance) -> Result<Instance, StoreError> {
        let now = micros(Utc::now());
        let row = ActiveModel {
            name: Set(new.name.clone()),
            live_name: Set(Some(new.name.clone())),
            db_type: Set(new.db_type.to_string()),
            host: Set(new.host),
            port: Set(i32::from(new.port)),
            database_name: Set(new.database),
            inspect_databases: Set(to_json(&new.inspect_databases)),
            is_active: Set(new.is_active),
            sync_count: Set(0),
            last_synced_at: Set(None),
            server_version: Set(None),
            credential: Set(to_json(&new.credential)),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            ..Default::default()
        };
        let res = Entity::insert(row).exec(&self.db).await.map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict(format!("an instance named {:?} already exists", new.name))
            } else {
                self.err(e)
            }
        })?;
        self.get_instance(res.last_insert_id).await
    }

    async fn get_instance(&self, id: InstanceId) -> Result<Instance, StoreError> {
        convert::instance(self.backend, self.instance_row(id).await?)
    }

    async fn find_instance(&self, name: &str) -> Result<Option<Instance>, StoreError> {
        let row = Entity::find()
            .filter(Column::LiveName.eq(name))
            .one(&self.db)
            .await
            .map_err(|e| self.err(e))?;
        // The binary collation compares exactly; re-check anyway (and never trust padding).
        row.filter(|r| r.name == name)
            .map(|r| convert::instance(self.backend, r))
            .transpose()
    }

    async fn list_instances(&self, filter: InstanceListFilter) -> Result<Vec<Instance>, StoreError> {
        let mut q = Entity::find();
        if !filter.include_inactive {
            q = q.filter(Column::IsActive.eq(true));
        }
        if !filter.include_deleted {
            q = q.filter(Column::DeletedAt.is_null());
        }
        let rows = q.all(&self.db).await.map_err(|e| self.err(e))?;
        let mut out = rows
            .into_iter()
            .map(|r| convert::instance(self.backend, r))
            .collect::<Result<Vec<_>, _>>()?;
        // Byte order of the name, identical on every backend whatever its collation.
        out.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    async fn update_instance(&self, id: InstanceId, update: NewInstance) -> Result<Instance, StoreError> {
        refuse_update(self.backend, &self.instance_row(id).await?, &update)?;
        let name = update.name.clone();
        let row = ActiveModel {
            name: Set(update.name.clone()),
            live_name: Set(Some(update.name.clone())),
            host: Set(update.host.clone()),
            port: Set(i32::from(update.port)),
            database_name: Set(update.database.clone()),
            inspect_databases: Set(to_json(&update.inspect_databases)),
            is_active: Set(update.is_active),
            credential: Set(to_json(&update.credential)),
            updated_at: Set(micros(Utc::now())),
            ..Default::default()
        };
        // The guards repeat the checks above, so a concurrent delete or family change between
        // the read and the write leaves the row untouched.
        let res = Entity::update_many()
            .set(row)
            .filter(Column::Id.eq(id))
            .filter(Column::DeletedAt.is_null())
            .filter(Column::DbType.eq(update.db_type.as_str()))
            .exec(&self.db)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::Conflict(format!("an instance named {name:?} already exists"))
                } else {
                    self.err(e)
                }
            })?;
        if res.rows_affected == 0 {
            // Refused meanwhile, or (MySQL) nothing changed.
            refuse_update(self.backend, &self.instance_row(id).await?, &update)?;
        }
        self.get_instance(id).await
    }

    async fn set_instance_active(&self, id: InstanceId, active: bool) -> Result<Instance, StoreError> {
        let update = Entity::update_many()
            .col_expr(Column::IsActive, Expr::value(active))
            .col_expr(Column::UpdatedAt, Expr::value(micros(Utc::now())));
        self.run_update(id, update).await?;
        self.get_instance(id).await
    }

    async fn delete_instance(&self, id: InstanceId, at: DateTime<Utc>) -> Result<(), StoreError> {
        let at = micros(at);
        let row = self.instance_row(id).await?;
        if row.deleted_at.is_some() {
            return Ok(());
        }
        let mut am: ActiveModel = row.into();
        am.deleted_at = Set(Some(at));
        am.live_name = Set(None);
        am.updated_at = Set(at);
        am.update(&self.db).await.map_err(|e| self.err(e))?;
        Ok(())
    }

    async fn mark_instance_synced(
        &self,
        id: InstanceId,
        at: DateTime<Utc>,
        server_version: Option<String>,
        count_single: bool,
    ) -> Result<(), StoreError> {
        let at = micros(at);
        let mut update = Entity::update_many()
            .col_expr(Column::LastSyncedAt, Expr::value(micros_opt(Some(at))))
            .col_expr(Column::ServerVersion, Expr::value(server_version))
            .col_expr(Column::UpdatedAt, Expr::value(at));
        if count_single {
            update = update.col_expr(Column::SyncCount, Expr::col(Column::SyncCount).add(1));
        }
        self.run_update(id, update).await
    }
}
