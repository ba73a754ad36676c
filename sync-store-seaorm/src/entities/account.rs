//! `accounts`: the inventory, one row per (instance, account key); never hard-deleted.

use sea_orm::entity::prelude::*;

/// One inventory row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    /// Store-assigned id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The instance.
    pub instance_id: i64,
    /// `mysql` (user + host) or `postgres` (role name; host is `''`).
    pub key_kind: String,
    /// User or role name, exact.
    pub user_name: String,
    /// Host, exact (`''` for PostgreSQL).
    pub host: String,
    /// blake3 of the exact key parts: the unique key with `instance_id` (independent of
    /// collations and index length limits).
    pub key_hash: String,
    /// `user`, `role`, `both`, `public`.
    pub account_kind: String,
    /// False once the account disappeared.
    pub present: bool,
    /// First time read.
    pub first_seen: DateTimeUtc,
    /// Last time read.
    pub last_seen: DateTimeUtc,
    /// When it disappeared.
    pub removed_at: Option<DateTimeUtc>,
    /// The latest normalised snapshot (JSON).
    pub snapshot: Json,
}

/// No relations are navigated through SeaORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
