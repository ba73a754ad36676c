//! Shared builders for the suite.
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use sync_core::account::DiffSummary;
use sync_core::domain::{
    CredentialRef, DbType, ItemCounts, NewInstance, SYNC_DETAILS_VERSION, SecretSource, SyncCategory,
    SyncDetails, SyncType,
};
use sync_core::traits::{NewSession, RecordOutcome};

/// 2026-01-02 12:00:00 UTC plus `secs` seconds and `micros` microseconds.
pub fn t(secs: i64, micros: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 2, 12, 0, 0).unwrap()
        + chrono::Duration::seconds(secs)
        + chrono::Duration::microseconds(i64::from(micros))
}

pub fn new_instance(name: &str) -> NewInstance {
    NewInstance {
        name: name.into(),
        db_type: DbType::Postgresql,
        host: "db.internal".into(),
        port: 5432,
        database: Some("postgres".into()),
        inspect_databases: vec!["app".into(), "ü-db".into()],
        is_active: true,
        credential: CredentialRef {
            user: "sync".into(),
            secret: SecretSource::Env {
                var: "PG_MAIN_PASSWORD".into(),
            },
        },
    }
}

pub fn new_session(sync_type: SyncType, instances: &[(i64, &str)]) -> NewSession {
    NewSession {
        sync_type,
        sync_category: SyncCategory::Account,
        created_by: Some("alice".into()),
        instances: instances.iter().map(|(i, n)| (*i, (*n).to_owned())).collect(),
    }
}

pub fn items(synced: u64, created: u64, updated: u64, deleted: u64) -> ItemCounts {
    ItemCounts {
        synced,
        created,
        updated,
        deleted,
    }
}

pub fn completed(i: ItemCounts) -> RecordOutcome {
    RecordOutcome::Completed {
        items: i,
        details: SyncDetails {
            version: SYNC_DETAILS_VERSION,
            breakdown: DiffSummary {
                added: i.created,
                reactivated: 0,
                modified: i.updated,
                removed: i.deleted,
                unchanged: i.synced.saturating_sub(i.created + i.updated),
            },
            read_ms: 12,
            write_ms: 3,
            server_version: Some("15.4".into()),
            warnings: vec!["database \"x\" skipped".into()],
        },
    }
}

pub fn failed(msg: &str) -> RecordOutcome {
    RecordOutcome::Failed { message: msg.into() }
}
