//! Creates the history summary (`history_groups`, `history_group_counts`), seeds a zero
//! counter for every category and scope, and fills both from any existing sessions.

use super::schema::{bigint, create_index, create_table, id, ts, varchar};
use sea_orm_migration::prelude::*;

/// `m0006_create_history_summary`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let b = manager.get_database_backend();
        create_table(
            manager,
            "history_groups",
            vec![
                id("id"),
                varchar("sync_category", 32, false),
                varchar("type_scope", 32, false),
                varchar("group_key", 64, false),
                varchar("lookup_key", 200, false),
                ts(b, "max_created_at", false),
                bigint("max_session_id", false),
            ],
            &[],
            vec![],
        )
        .await?;
        // Point lookups go through one column (`category|scope|group_key`), so no plan can
        // choose the order index below for them, even before the table has statistics.
        create_index(
            manager,
            "history_groups",
            "ux_history_groups_lookup",
            &["lookup_key"],
            true,
        )
        .await?;
        create_index(
            manager,
            "history_groups",
            "ix_history_groups_order",
            &["sync_category", "type_scope", "max_created_at", "max_session_id"],
            false,
        )
        .await?;
        create_table(
            manager,
            "history_group_counts",
            vec![
                varchar("sync_category", 32, false),
                varchar("type_scope", 32, false),
                bigint("group_count", false),
            ],
            &["sync_category", "type_scope"],
            vec![],
        )
        .await?;
        crate::summary::rebuild_all(manager.get_connection()).await
    }
}
