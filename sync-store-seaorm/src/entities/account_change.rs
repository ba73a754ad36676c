//! `account_changes`: the change log of the inventory.

use sea_orm::entity::prelude::*;

/// One change-log row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account_changes")]
pub struct Model {
    /// Store-assigned id (increasing).
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The instance.
    pub instance_id: i64,
    /// `mysql` or `postgres`.
    pub key_kind: String,
    /// User or role name, exact.
    pub user_name: String,
    /// Host, exact (`''` for PostgreSQL).
    pub host: String,
    /// `added`, `reactivated`, `removed`, `modified`.
    pub change_kind: String,
    /// `user`, `role`, `both`, `public`.
    pub account_kind: String,
    /// The session's UUID text.
    pub session_id: String,
    /// When it was written.
    pub changed_at: DateTimeUtc,
    /// The structured diff (JSON).
    pub detail: Json,
}

/// No relations are navigated through SeaORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
