//! `instance_records`: one row per instance per session (the session's work queue).

use sea_orm::entity::prelude::*;

/// One instance record.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "instance_records")]
pub struct Model {
    /// Store-assigned id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The session's UUID text.
    pub session_id: String,
    /// The instance.
    pub instance_id: i64,
    /// Snapshot of the instance name.
    pub instance_name: String,
    /// Category.
    pub sync_category: String,
    /// Record status.
    pub status: String,
    /// `instance_id` while the record is running, NULL otherwise: its unique index makes
    /// "one running record per instance" a constraint (race-free on every backend).
    pub running_instance: Option<i64>,
    /// Worker start.
    pub started_at: Option<DateTimeUtc>,
    /// Terminal time.
    pub completed_at: Option<DateTimeUtc>,
    /// Accounts read.
    pub items_synced: i64,
    /// Added + reactivated.
    pub items_created: i64,
    /// Modified.
    pub items_updated: i64,
    /// Removed.
    pub items_deleted: i64,
    /// Failure reason.
    pub error_message: Option<String>,
    /// Versioned JSON details.
    pub sync_details: Option<Json>,
    /// Creation time.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through SeaORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
