//! Creates `sync_sessions` with the indexes the history filters and sorts use.

use super::schema::{create_index, create_table, id, int, text, ts, varchar};
use sea_orm_migration::prelude::*;

/// `m0002_create_sync_sessions`.
#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "sync_sessions";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let b = manager.get_database_backend();
        create_table(
            manager,
            T,
            vec![
                id("id"),
                varchar("session_id", 36, false),
                varchar("sync_type", 32, false),
                varchar("sync_category", 32, false),
                varchar("status", 16, false),
                varchar("group_key", 64, false),
                ts(b, "started_at", true),
                ts(b, "completed_at", true),
                int("total_instances"),
                int("successful_instances"),
                int("failed_instances"),
                int("cancelled_instances"),
                text("created_by", true),
                ts(b, "created_at", false),
                ts(b, "updated_at", false),
            ],
            &[],
            vec![],
        )
        .await?;
        create_index(manager, T, "ux_sync_sessions_session_id", &["session_id"], true).await?;
        let ix: [(&'static str, &[&'static str]); 4] = [
            // unfiltered / time-range history, retention
            (
                "ix_sync_sessions_category_created",
                &["sync_category", "created_at", "id"],
            ),
            // the members of a page's groups (group_key alone, so that no plan can prefer a
            // category index for these lookups, whatever the statistics)
            ("ix_sync_sessions_group", &["group_key"]),
            // status filter, open sessions (oldest first)
            ("ix_sync_sessions_status_created", &["status", "created_at"]),
            // sync-type filter
            (
                "ix_sync_sessions_category_type_created",
                &["sync_category", "sync_type", "created_at"],
            ),
        ];
        for (name, cols) in ix {
            create_index(manager, T, name, cols, false).await?;
        }
        Ok(())
    }
}
