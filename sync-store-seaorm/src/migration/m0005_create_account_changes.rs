//! Creates `account_changes` (the change log).

use super::schema::{bigint, create_index, create_table, id, json, text, ts, varchar};
use sea_orm_migration::prelude::*;

/// `m0005_create_account_changes`.
#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "account_changes";

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
                varchar("change_kind", 16, false),
                varchar("account_kind", 16, false),
                varchar("session_id", 36, false),
                ts(b, "changed_at", false),
                json("detail", false),
            ],
            &[],
            vec![],
        )
        .await?;
        create_index(
            manager,
            T,
            "ix_account_changes_instance_at",
            &["instance_id", "changed_at", "id"],
            false,
        )
        .await?;
        create_index(manager, T, "ix_account_changes_session", &["session_id"], false).await
    }
}
