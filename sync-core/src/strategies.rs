//! proptest strategies for sessions, records and account sets (feature `proptest`), so code
//! built on these types can be property-tested.
//!
//! ```
//! use proptest::prelude::*;
//! use sync_core::strategies::history_sessions;
//!
//! proptest!(|(sessions in history_sessions(0..30))| {
//!     let ids: std::collections::BTreeSet<_> = sessions.iter().map(|s| s.session.id).collect();
//!     prop_assert_eq!(ids.len(), sessions.len());
//! });
//! ```

use crate::account::{
    AccountKey, AccountKind, AccountSet, AccountSnapshot, AttrValue, InventoryAccount, Membership,
    PrivilegeFact, PrivilegeScope, attr,
};
use crate::domain::{
    InstanceRecord, ItemCounts, RecordStatus, SessionId, SessionStatus, SyncCategory, SyncSession, SyncType,
};
use crate::history::SessionWithItems;
use chrono::{DateTime, Duration, Utc};
use proptest::collection::{btree_set, vec};
use proptest::prelude::*;
use proptest::sample::select;
use uuid::Uuid;

/// The instant all generated times are relative to (2026-01-01T12:00:00Z).
pub fn epoch() -> DateTime<Utc> {
    DateTime::from_timestamp(1_767_268_800, 0).expect("valid epoch")
}

/// Any sync type.
pub fn sync_type() -> impl Strategy<Value = SyncType> {
    select(SyncType::ALL)
}

/// Any session status.
pub fn session_status() -> impl Strategy<Value = SessionStatus> {
    select(SessionStatus::ALL)
}

/// Any record status.
pub fn record_status() -> impl Strategy<Value = RecordStatus> {
    select(RecordStatus::ALL)
}

/// Account counts in a small range.
pub fn item_counts() -> impl Strategy<Value = ItemCounts> {
    (0u64..500, 0u64..50, 0u64..50, 0u64..50).prop_map(|(synced, created, updated, deleted)| ItemCounts {
        synced,
        created,
        updated,
        deleted,
    })
}

/// A coherent session with integer id `id`, created `offset_secs` after [`epoch`]:
/// counters never exceed the total, terminal sessions have every record finished and a
/// completion time, and a `completed` session has no failure.
pub fn session(id: i64, offset_secs: i64) -> impl Strategy<Value = SyncSession> {
    (
        sync_type(),
        session_status(),
        0u32..12,
        any::<u128>(),
        0i64..90,
        0i64..600,
        any::<bool>(),
    )
        .prop_map(
            move |(sync_type, status, total, uuid, start_delay, duration, with_user)| {
                let created_at = epoch() + Duration::seconds(offset_secs);
                let mut s = SyncSession::new_pending(
                    sync_type,
                    SyncCategory::Account,
                    total,
                    with_user.then(|| format!("user{}", id % 5)),
                    created_at,
                );
                s.id = id;
                s.session_id = SessionId(Uuid::from_u128(uuid));
                s.status = status;
                let third = total / 3;
                match status {
                    SessionStatus::Pending => {}
                    SessionStatus::Running | SessionStatus::Paused => {
                        s.successful_instances = third;
                        s.failed_instances = total / 4;
                    }
                    SessionStatus::Completed => s.successful_instances = total,
                    SessionStatus::Failed => {
                        let failed = third.max(1).min(total.max(1));
                        s.total_instances = total.max(1);
                        s.failed_instances = failed;
                        s.successful_instances = s.total_instances - failed;
                    }
                    SessionStatus::Cancelled => {
                        s.successful_instances = third;
                        s.cancelled_instances = total - third;
                    }
                }
                if status != SessionStatus::Pending {
                    s.started_at = Some(created_at + Duration::seconds(start_delay));
                }
                if status.is_terminal() {
                    s.completed_at = Some(created_at + Duration::seconds(start_delay + duration));
                }
                s.updated_at = s.completed_at.or(s.started_at).unwrap_or(created_at);
                s
            },
        )
}

/// Between `len.start` and `len.end` sessions with distinct ids, spread over a few minutes so
/// that task sessions share minutes, some share the same second, and all types and statuses
/// occur; each carries summed account counts.
pub fn history_sessions(len: std::ops::Range<usize>) -> impl Strategy<Value = Vec<SessionWithItems>> {
    vec((0i64..600, item_counts()), len).prop_flat_map(|specs| {
        specs
            .into_iter()
            .enumerate()
            .map(|(i, (offset, items))| {
                session(i as i64 + 1, offset).prop_map(move |session| SessionWithItems { session, items })
            })
            .collect::<Vec<_>>()
    })
}

/// Records for `sessions`: 0..4 each, over a pool of 6 instances (so instances repeat across
/// sessions), with distinct record ids and creation times at or after their session's.
pub fn records_for(sessions: Vec<SyncSession>) -> impl Strategy<Value = Vec<InstanceRecord>> {
    let per_session: Vec<_> = sessions
        .into_iter()
        .map(|s| {
            vec((1i64..7, record_status(), item_counts(), 0i64..3), 0..4).prop_map(move |rs| (s.clone(), rs))
        })
        .collect();
    per_session.prop_map(|all| {
        let mut out = Vec::new();
        for (s, rs) in all {
            for (instance_id, status, items, delay) in rs {
                let mut r = InstanceRecord::new_pending(
                    s.session_id,
                    instance_id,
                    format!("db-{}", 7 - instance_id),
                    s.sync_category,
                    s.created_at + Duration::seconds(delay),
                );
                r.id = out.len() as i64 + 1;
                r.status = status;
                if status == RecordStatus::Completed {
                    r.items = items;
                }
                if status == RecordStatus::Failed {
                    r.error_message = Some(format!("instance {instance_id} unreachable"));
                }
                out.push(r);
            }
        }
        out
    })
}

/// An account key of the given family, with names that need quoting.
pub fn account_key(mysql: bool) -> impl Strategy<Value = AccountKey> {
    let names = select(vec![
        "app", "App", "", "o'neil", "a@b", "x y", "ü.name", "`tick`", "PUBLIC", "pg_x",
    ]);
    let hosts = select(vec!["%", "localhost", "10.0.%", "", "127.0.0.1"]);
    (names, hosts).prop_map(move |(n, h)| {
        if mysql {
            AccountKey::mysql(n, h)
        } else {
            AccountKey::postgres(n)
        }
    })
}

/// A privilege fact from a small vocabulary.
pub fn privilege_fact() -> impl Strategy<Value = PrivilegeFact> {
    (
        select(vec![
            PrivilegeScope::Global,
            PrivilegeScope::Database,
            PrivilegeScope::Table,
            PrivilegeScope::Routine,
        ]),
        select(vec!["app_db", "app%", "other"]),
        select(vec!["SELECT", "INSERT", "EXECUTE", "CONNECT"]),
        any::<bool>(),
    )
        .prop_map(|(scope, obj, privilege, grantable)| {
            let object = if scope == PrivilegeScope::Global {
                vec![]
            } else {
                vec![obj.to_owned()]
            };
            PrivilegeFact::new(scope, object, privilege)
                .grantable(grantable)
                .pattern(obj.contains('%'))
        })
}

/// A snapshot with a few attributes, privileges and memberships.
pub fn account_snapshot() -> impl Strategy<Value = AccountSnapshot> {
    (
        select(vec![AccountKind::User, AccountKind::Role, AccountKind::Both]),
        any::<bool>(),
        proptest::option::of(0i64..3),
        btree_set(privilege_fact(), 0..4),
        btree_set(select(vec!["r1", "r2", "r3"]), 0..2),
    )
        .prop_map(|(kind, locked, lifetime, privileges, roles)| {
            let mut s = AccountSnapshot::new(kind)
                .with_attr(attr::LOCKED, AttrValue::Bool(locked))
                .with_attr(
                    attr::PASSWORD_LIFETIME,
                    lifetime.map_or(AttrValue::Null, AttrValue::Int),
                );
            s.privileges = privileges;
            s.memberships = roles
                .into_iter()
                .map(|r| Membership::new(AccountKey::mysql(r, "")))
                .collect();
            s
        })
}

/// A set of up to `max` accounts of one family.
pub fn account_set(mysql: bool, max: usize) -> impl Strategy<Value = AccountSet> {
    proptest::collection::btree_map(account_key(mysql), account_snapshot(), 0..max).prop_map(AccountSet)
}

/// A stored inventory: the accounts of a set, some marked removed.
pub fn inventory(mysql: bool, max: usize) -> impl Strategy<Value = Vec<InventoryAccount>> {
    account_set(mysql, max).prop_flat_map(|set| {
        let n = set.len();
        vec(any::<bool>(), n).prop_map(move |present| {
            set.iter()
                .zip(present)
                .map(|((key, snapshot), present)| InventoryAccount {
                    key: key.clone(),
                    present,
                    first_seen: epoch(),
                    last_seen: epoch(),
                    removed_at: (!present).then(epoch),
                    snapshot: snapshot.clone(),
                })
                .collect()
        })
    })
}
