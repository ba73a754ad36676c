//! `instances`: registered database servers (soft-deleted, never removed).

use sea_orm::entity::prelude::*;

/// One registered instance.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "instances")]
pub struct Model {
    /// Store-assigned id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The name (unique among not-deleted instances).
    pub name: String,
    /// `name` while the instance is not deleted, NULL after: carries the unique index, so
    /// a deleted instance's name can be reused.
    pub live_name: Option<String>,
    /// `mysql`, `postgresql`...
    pub db_type: String,
    /// Host name or address.
    pub host: String,
    /// TCP port.
    pub port: i32,
    /// Database to connect to.
    pub database_name: Option<String>,
    /// JSON array of further databases to inspect.
    pub inspect_databases: Json,
    /// Included in *sync all*.
    pub is_active: bool,
    /// Successful single-instance syncs.
    pub sync_count: i64,
    /// End of the last successful sync.
    pub last_synced_at: Option<DateTimeUtc>,
    /// Server version of the last successful sync.
    pub server_version: Option<String>,
    /// JSON of the credential reference (never a secret).
    pub credential: Json,
    /// Creation time.
    pub created_at: DateTimeUtc,
    /// Last change.
    pub updated_at: DateTimeUtc,
    /// Soft-delete time.
    pub deleted_at: Option<DateTimeUtc>,
}

/// No relations are navigated through SeaORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
