//! Schema migrations (`sea-orm-migration`), one per change, each idempotent: tables and
//! indexes are created only when missing, so a half-applied migration can be re-run.
//!
//! [`crate::SeaStore::open`] runs them under a lock (see `open.rs`), so two processes opening
//! the same database at once do not race.

mod m0001_create_instances;
mod m0002_create_sync_sessions;
mod m0003_create_instance_records;
mod m0004_create_accounts;
mod m0005_create_account_changes;
mod m0006_create_history_summary;
pub(crate) mod schema;

use sea_orm_migration::prelude::*;

/// The store's migrations, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_create_instances::Migration),
            Box::new(m0002_create_sync_sessions::Migration),
            Box::new(m0003_create_instance_records::Migration),
            Box::new(m0004_create_accounts::Migration),
            Box::new(m0005_create_account_changes::Migration),
            Box::new(m0006_create_history_summary::Migration),
        ]
    }

    fn migration_table_name() -> DynIden {
        "acs_migrations".into_iden()
    }
}
