//! `history_groups`: a summary row per history group, maintained in the transactions that
//! create and delete sessions, so the unfiltered history pages through an index in O(page).
//!
//! Each group has one row with `type_scope = '*'` (all its sessions) and one per sync type
//! present in it (only that type's sessions), so a sync-type filter pages as cheaply.

use sea_orm::entity::prelude::*;

/// One group summary.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "history_groups")]
pub struct Model {
    /// Store-assigned id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Category of the member sessions.
    pub sync_category: String,
    /// `*` or a sync type.
    pub type_scope: String,
    /// The group key (see `sync_sessions.group_key`).
    pub group_key: String,
    /// `sync_category|type_scope|group_key`: the unique key of point lookups.
    pub lookup_key: String,
    /// Latest member `created_at`.
    pub max_created_at: DateTimeUtc,
    /// Largest member integer id.
    pub max_session_id: i64,
}

/// No relations are navigated through SeaORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
