//! `sync_sessions`: one row per sync run.

use sea_orm::entity::prelude::*;

/// One sync session.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_sessions")]
pub struct Model {
    /// Store-assigned integer id (the history's tie-break).
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Public UUID, hyphenated lower-case text.
    pub session_id: String,
    /// `manual_single`, `manual_batch`, `manual_task`, `scheduled_task`.
    pub sync_type: String,
    /// `account`, ...
    pub sync_category: String,
    /// Session status.
    pub status: String,
    /// The history group: `b:<uuid>`, `s:<uuid>` or `m:<YYYY-MM-DDTHH:MM>` (UTC minute).
    pub group_key: String,
    /// First record start.
    pub started_at: Option<DateTimeUtc>,
    /// Terminal time.
    pub completed_at: Option<DateTimeUtc>,
    /// Records created.
    pub total_instances: i32,
    /// Records completed.
    pub successful_instances: i32,
    /// Records failed.
    pub failed_instances: i32,
    /// Records cancelled.
    pub cancelled_instances: i32,
    /// Who started it.
    pub created_by: Option<String>,
    /// Creation time.
    pub created_at: DateTimeUtc,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through SeaORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
