//! Conversions between stored rows and the domain types of sync-core.

use crate::entities::{account, account_change, instance, instance_record, sync_session};
use crate::error::decode_err;
use crate::sql::Backend;
use std::str::FromStr;
use sync_core::account::{AccountKey, AccountKind, ChangeLogEntry, InventoryAccount};
use sync_core::domain::{
    Instance, InstanceRecord, ItemCounts, RecordStatus, SessionId, SessionStatus, SyncCategory, SyncSession,
    SyncType,
};
use sync_core::traits::StoreError;

fn parse<T: FromStr>(b: Backend, what: &str, s: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    s.parse::<T>().map_err(|e| decode_err(b, what, e))
}

fn json<T: serde::de::DeserializeOwned>(
    b: Backend,
    what: &str,
    v: &serde_json::Value,
) -> Result<T, StoreError> {
    serde_json::from_value(v.clone()).map_err(|e| decode_err(b, what, e))
}

fn count(b: Backend, what: &str, v: i64) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|e| decode_err(b, what, e))
}

fn count32(b: Backend, what: &str, v: i32) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|e| decode_err(b, what, e))
}

/// The text of an account kind (as serde writes it).
pub(crate) fn account_kind_str(k: AccountKind) -> &'static str {
    match k {
        AccountKind::User => "user",
        AccountKind::Role => "role",
        AccountKind::Both => "both",
        AccountKind::Public => "public",
    }
}

fn account_kind(b: Backend, s: &str) -> Result<AccountKind, StoreError> {
    Ok(match s {
        "user" => AccountKind::User,
        "role" => AccountKind::Role,
        "both" => AccountKind::Both,
        "public" => AccountKind::Public,
        other => return Err(decode_err(b, "account kind", format!("{other:?}"))),
    })
}

/// `(key_kind, user_name, host)` of a key: never a joined `user@host` string.
pub(crate) fn key_parts(key: &AccountKey) -> (&'static str, &str, &str) {
    match key {
        AccountKey::Mysql { user, host } => ("mysql", user, host),
        AccountKey::Postgres { role } => ("postgres", role, ""),
    }
}

fn key_from_parts(b: Backend, kind: &str, user: &str, host: &str) -> Result<AccountKey, StoreError> {
    match kind {
        "mysql" => Ok(AccountKey::mysql(user, host)),
        "postgres" => Ok(AccountKey::postgres(user)),
        other => Err(decode_err(b, "account key kind", format!("{other:?}"))),
    }
}

/// The unique hash of a key: blake3 over the length-prefixed exact parts.
pub(crate) fn key_hash(key: &AccountKey) -> String {
    let (kind, user, host) = key_parts(key);
    let mut h = blake3::Hasher::new();
    for part in [kind, user, host] {
        h.update(&(part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().to_hex().to_string()
}

pub(crate) fn session_id(b: Backend, s: &str) -> Result<SessionId, StoreError> {
    s.parse::<SessionId>().map_err(|e| decode_err(b, "session id", e))
}

pub(crate) fn instance(b: Backend, m: instance::Model) -> Result<Instance, StoreError> {
    Ok(Instance {
        id: m.id,
        name: m.name,
        db_type: parse(b, "db type", &m.db_type)?,
        host: m.host,
        port: u16::try_from(m.port).map_err(|e| decode_err(b, "port", e))?,
        database: m.database_name,
        inspect_databases: json(b, "inspect_databases", &m.inspect_databases)?,
        is_active: m.is_active,
        sync_count: count(b, "sync_count", m.sync_count)?,
        last_synced_at: m.last_synced_at,
        server_version: m.server_version,
        credential: json(b, "credential", &m.credential)?,
        created_at: m.created_at,
        updated_at: m.updated_at,
        deleted_at: m.deleted_at,
    })
}

pub(crate) fn session(b: Backend, m: &sync_session::Model) -> Result<SyncSession, StoreError> {
    Ok(SyncSession {
        id: m.id,
        session_id: session_id(b, &m.session_id)?,
        sync_type: parse::<SyncType>(b, "sync type", &m.sync_type)?,
        sync_category: parse::<SyncCategory>(b, "sync category", &m.sync_category)?,
        status: parse::<SessionStatus>(b, "session status", &m.status)?,
        started_at: m.started_at,
        completed_at: m.completed_at,
        total_instances: count32(b, "total_instances", m.total_instances)?,
        successful_instances: count32(b, "successful_instances", m.successful_instances)?,
        failed_instances: count32(b, "failed_instances", m.failed_instances)?,
        cancelled_instances: count32(b, "cancelled_instances", m.cancelled_instances)?,
        created_by: m.created_by.clone(),
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

pub(crate) fn record(b: Backend, m: &instance_record::Model) -> Result<InstanceRecord, StoreError> {
    Ok(InstanceRecord {
        id: m.id,
        session_id: session_id(b, &m.session_id)?,
        instance_id: m.instance_id,
        instance_name: m.instance_name.clone(),
        sync_category: parse::<SyncCategory>(b, "sync category", &m.sync_category)?,
        status: parse::<RecordStatus>(b, "record status", &m.status)?,
        started_at: m.started_at,
        completed_at: m.completed_at,
        items: ItemCounts {
            synced: count(b, "items_synced", m.items_synced)?,
            created: count(b, "items_created", m.items_created)?,
            updated: count(b, "items_updated", m.items_updated)?,
            deleted: count(b, "items_deleted", m.items_deleted)?,
        },
        error_message: m.error_message.clone(),
        sync_details: match &m.sync_details {
            Some(v) => Some(json(b, "sync_details", v)?),
            None => None,
        },
        created_at: m.created_at,
    })
}

pub(crate) fn inventory(b: Backend, m: &account::Model) -> Result<InventoryAccount, StoreError> {
    let snapshot: sync_core::account::AccountSnapshot = json(b, "account snapshot", &m.snapshot)?;
    Ok(InventoryAccount {
        key: key_from_parts(b, &m.key_kind, &m.user_name, &m.host)?,
        present: m.present,
        first_seen: m.first_seen,
        last_seen: m.last_seen,
        removed_at: m.removed_at,
        snapshot,
    })
}

pub(crate) fn change(b: Backend, m: &account_change::Model) -> Result<ChangeLogEntry, StoreError> {
    Ok(ChangeLogEntry {
        id: m.id,
        instance_id: m.instance_id,
        key: key_from_parts(b, &m.key_kind, &m.user_name, &m.host)?,
        kind: parse(b, "change kind", &m.change_kind)?,
        account_kind: account_kind(b, &m.account_kind)?,
        session_id: session_id(b, &m.session_id)?,
        at: m.changed_at,
        detail: json(b, "change detail", &m.detail)?,
    })
}

/// A value as JSON (the domain types always serialise).
pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

/// An item count as a BIGINT (saturating; counts never approach i64::MAX).
pub(crate) fn i64_of(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}
