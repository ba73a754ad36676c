//! Creates `instances` with the unique index on `live_name` (names unique among not-deleted
//! instances).

use super::schema::{bigint, boolean, create_index, create_table, id, int, json, text, ts, varchar};
use sea_orm_migration::prelude::*;

/// `m0001_create_instances`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let b = manager.get_database_backend();
        create_table(
            manager,
            "instances",
            vec![
                id("id"),
                varchar("name", 255, false),
                varchar("live_name", 255, true),
                varchar("db_type", 32, false),
                varchar("host", 255, false),
                int("port"),
                varchar("database_name", 255, true),
                json("inspect_databases", false),
                boolean("is_active"),
                bigint("sync_count", false),
                ts(b, "last_synced_at", true),
                text("server_version", true),
                json("credential", false),
                ts(b, "created_at", false),
                ts(b, "updated_at", false),
                ts(b, "deleted_at", true),
            ],
            &[],
            vec![],
        )
        .await?;
        create_index(
            manager,
            "instances",
            "ux_instances_live_name",
            &["live_name"],
            true,
        )
        .await?;
        create_index(manager, "instances", "ix_instances_name", &["name"], false).await
    }
}
