//! `history_group_counts`: the number of `history_groups` rows per (category, scope), kept
//! exact in the same transactions, so the history total costs O(1).

use sea_orm::entity::prelude::*;

/// One counter.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "history_group_counts")]
pub struct Model {
    /// Category.
    #[sea_orm(primary_key, auto_increment = false)]
    pub sync_category: String,
    /// `*` or a sync type.
    #[sea_orm(primary_key, auto_increment = false)]
    pub type_scope: String,
    /// Number of groups.
    pub group_count: i64,
}

/// No relations are navigated through SeaORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
