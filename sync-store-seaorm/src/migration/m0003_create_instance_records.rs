//! Creates `instance_records`; the unique index on `running_instance` allows at most one
//! running record per instance.

use super::schema::{bigint, create_index, create_table, id, json, text, ts, varchar};
use sea_orm_migration::prelude::*;

/// `m0003_create_instance_records`.
#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "instance_records";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let b = manager.get_database_backend();
        let session_fk = ForeignKey::create()
            .name("fk_instance_records_session")
            .from(Alias::new(T), Alias::new("session_id"))
            .to(Alias::new("sync_sessions"), Alias::new("session_id"))
            .take();
        create_table(
            manager,
            T,
            vec![
                id("id"),
                varchar("session_id", 36, false),
                bigint("instance_id", false),
                text("instance_name", false),
                varchar("sync_category", 32, false),
                varchar("status", 16, false),
                bigint("running_instance", true),
                ts(b, "started_at", true),
                ts(b, "completed_at", true),
                bigint("items_synced", false),
                bigint("items_created", false),
                bigint("items_updated", false),
                bigint("items_deleted", false),
                text("error_message", true),
                json("sync_details", true),
                ts(b, "created_at", false),
            ],
            &[],
            vec![session_fk],
        )
        .await?;
        create_index(manager, T, "ix_instance_records_session", &["session_id"], false).await?;
        create_index(
            manager,
            T,
            "ux_instance_records_running",
            &["running_instance"],
            true,
        )
        .await?;
        create_index(
            manager,
            T,
            "ix_instance_records_status_started",
            &["status", "started_at"],
            false,
        )
        .await?;
        create_index(
            manager,
            T,
            "ix_instance_records_instance",
            &["instance_id", "created_at"],
            false,
        )
        .await
    }
}
