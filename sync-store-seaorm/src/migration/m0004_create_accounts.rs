//! Creates `accounts` (the inventory) with its unique key `(instance_id, key_hash)`.

use super::schema::{bigint, boolean, create_index, create_table, id, json, text, ts, varchar};
use sea_orm_migration::prelude::*;

/// `m0004_create_accounts`.
#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "accounts";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let b = manager.get_database_backend();
        create_table(
            manager,
            T,
            vec![
                id("id"),
                bigint("instance_id", false),
                varchar("key_kind", 16, false),
                text("user_name", false),
                text("host", false),
                varchar("key_hash", 64, false),
                varchar("account_kind", 16, false),
                boolean("present"),
                ts(b, "first_seen", false),
                ts(b, "last_seen", false),
                ts(b, "removed_at", true),
                json("snapshot", false),
            ],
            &[],
            vec![],
        )
        .await?;
        create_index(
            manager,
            T,
            "ux_accounts_instance_key",
            &["instance_id", "key_hash"],
            true,
        )
        .await?;
        create_index(
            manager,
            T,
            "ix_accounts_instance_present",
            &["instance_id", "present"],
            false,
        )
        .await
    }
}
