//! Normalisation over recorded catalog rows: MySQL 8 features this machine cannot run
//! (dynamic privileges, partial revokes, role_edges/default_roles, mandatory roles,
//! binary caching_sha2 hashes, role detection) and MariaDB JSON corner cases.
#![cfg(feature = "mysql")]

use chrono::{TimeZone, Utc};
use secrecy::{SecretSlice, SecretString};
use std::collections::BTreeSet;
use sync_connectors::mysql::rows::{
    AccountRows, ColumnPrivRow, DbPrivRow, DefaultRoleRow, GlobalGrantRow, GlobalPrivRow, MysqlUserRow,
    RoleEdgeRow, RoutinePrivRow, TablePrivRow,
};
use sync_connectors::mysql::{CatalogRows, ServerInfo, attrs, auth_fingerprint, normalise};
use sync_core::account::{
    AccountKey, AccountKind, AccountSnapshot, AttrValue, InventoryAccount, Membership, PrivilegeFact,
    PrivilegeScope, apply_diff, attr, diff_accounts,
};
use sync_core::domain::ChangeKind;

fn key(u: &str, h: &str) -> AccountKey {
    AccountKey::mysql(u, h)
}

/// A `caching_sha2_password` hash as MySQL 8 stores it: `$A$005$`, 20 salt bytes, then
/// the digest — arbitrary bytes, not valid UTF-8.
fn sha2_hash(seed: u8) -> Vec<u8> {
    let mut h = b"$A$005$".to_vec();
    h.extend((0u8..63).map(|i| i.wrapping_mul(37).wrapping_add(seed) | 0x80));
    h.push(0x00);
    h.push(0xff);
    h
}

fn user(u: &str, h: &str) -> MysqlUserRow {
    MysqlUserRow::new(u, h)
}

/// An account as `CREATE ROLE` makes it on MySQL 8: locked, expired, no password.
fn created_role(u: &str) -> MysqlUserRow {
    let mut r = user(u, "%");
    r.account_locked = true;
    r.password_expired = true;
    r
}

fn with_password(mut r: MysqlUserRow, seed: u8) -> MysqlUserRow {
    r.authentication_string = SecretSlice::from(sha2_hash(seed));
    r
}

fn edge(role: (&str, &str), member: (&str, &str), admin: bool) -> RoleEdgeRow {
    RoleEdgeRow {
        role_user: role.0.into(),
        role_host: role.1.into(),
        member_user: member.0.into(),
        member_host: member.1.into(),
        admin,
    }
}

fn fact(scope: PrivilegeScope, object: &[&str], p: &str) -> PrivilegeFact {
    PrivilegeFact::new(scope, object.iter().map(|s| (*s).to_owned()).collect(), p)
}

/// The attributes every MySQL 8 account gets, for an account with MySQL's defaults.
fn mysql_attrs(methods: &[(&str, &[u8])], locked: bool, expired: bool) -> AccountSnapshot {
    AccountSnapshot::new(AccountKind::User)
        .with_attr(
            attr::AUTH_METHODS,
            AttrValue::List(methods.iter().map(|(p, _)| (*p).to_owned()).collect()),
        )
        .with_attr(attr::CAN_LOGIN, AttrValue::Bool(true))
        .with_attr(attr::CONNECTION_LIMIT, AttrValue::Int(0))
        .with_attr(
            attr::CREDENTIAL_FINGERPRINT,
            AttrValue::Text(auth_fingerprint(methods.iter().copied())),
        )
        .with_attr(attr::LOCKED, AttrValue::Bool(locked))
        .with_attr(attr::PASSWORD_EXPIRED, AttrValue::Bool(expired))
        .with_attr(attr::PASSWORD_LIFETIME, AttrValue::Null)
        .with_attr(attr::SUPERUSER, AttrValue::Bool(false))
        .with_attr(attrs::PASSWORD_LAST_CHANGED, AttrValue::Null)
}

const SHA2: &str = "caching_sha2_password";

/// A recorded MySQL 8.0.36 server.
fn mysql8() -> CatalogRows {
    let mut rows = CatalogRows::empty(ServerInfo::mysql(8, 0, 36));

    let mut app_user = with_password(user("app_user", "localhost"), 1);
    app_user.password_last_changed = Some(Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap());
    app_user.password_lifetime = Some(90);
    let mut backup = with_password(user("backup", "localhost"), 2);
    backup.privilege_columns = vec!["Select_priv".into(), "Reload_priv".into()];
    let mut partial = with_password(user("partial", "%"), 3);
    partial.privilege_columns = vec!["Select_priv".into(), "Insert_priv".into(), "Grant_priv".into()];
    partial.password_lifetime = Some(0);
    partial.user_attributes = Some(SecretString::from(
        r#"{"Restrictions": [{"Database": "mysql", "Privileges": ["SELECT", "INSERT"]},
                             {"Database": "secret_db", "Privileges": ["SELECT"]}],
            "Password_locking": {"failed_login_attempts": 3, "password_lock_time_days": 2},
            "metadata": {"team": "dba", "comment": "partial revokes"}}"#
            .to_owned(),
    ));
    let mut mfa = with_password(user("mfa", "%"), 4);
    mfa.user_attributes = Some(SecretString::from(
        r#"{"multi_factor_authentication": [{"plugin": "authentication_fido", "passwordless": 0,
             "authentication_string": "fido-device-blob", "requires_registration": 0}]}"#
            .to_owned(),
    ));
    let mut sys = user("mysql.sys", "localhost");
    sys.account_locked = true;
    let svc = with_password(user("svc", "%"), 5); // has a password, granted to others -> both
    let unlocked_role = user("open_role", "%"); // no password but not locked, granted -> both
    let mut locked_user = with_password(user("locked_user", "%"), 6); // locked with password, not granted
    locked_user.account_locked = true;

    let mut limited = with_password(user("limited", "%"), 7);
    limited.max_questions = 100;
    limited.max_user_connections = 5;
    limited.ssl_type = "X509".into();
    limited.x509_subject = "/CN=app".into();
    limited.password_reuse_history = Some(5);
    limited.password_reuse_time = Some(30);
    limited.password_require_current = Some(true);

    rows.accounts = AccountRows::MySql(vec![
        limited,
        created_role("app_admin"),
        created_role("app_ops"),
        created_role("mand_role"),
        created_role("lonely_role"), // created by CREATE ROLE, never granted: a locked user
        app_user,
        backup,
        partial,
        mfa,
        sys,
        svc,
        unlocked_role,
        locked_user,
    ]);
    rows.role_edges = vec![
        edge(("app_admin", "%"), ("app_user", "localhost"), false),
        edge(("app_admin", "%"), ("app_ops", "%"), true),
        edge(("app_ops", "%"), ("app_user", "localhost"), false),
        edge(("svc", "%"), ("app_user", "localhost"), false),
        edge(("open_role", "%"), ("backup", "localhost"), false),
        edge(("app_admin", "%"), ("gone", "%"), false), // grantee dropped behind the server's back
    ];
    rows.default_roles = vec![
        DefaultRoleRow {
            user: "app_user".into(),
            host: "localhost".into(),
            role_user: "app_admin".into(),
            role_host: "%".into(),
        },
        DefaultRoleRow {
            user: "app_user".into(),
            host: "localhost".into(),
            role_user: "mand_role".into(),
            role_host: "%".into(),
        },
    ];
    rows.global_grants = vec![
        GlobalGrantRow {
            user: "backup".into(),
            host: "localhost".into(),
            privilege: "BACKUP_ADMIN".into(),
            grantable: true,
        },
        GlobalGrantRow {
            user: "backup".into(),
            host: "localhost".into(),
            privilege: "SYSTEM_VARIABLES_ADMIN".into(),
            grantable: false,
        },
    ];
    rows.mandatory_roles = Some("`mand_role`@`%`,missing_role".into());
    rows.db_privileges = vec![DbPrivRow {
        host: "%".into(),
        user: "app_admin".into(),
        db: "app\\_%".into(),
        privilege_columns: vec!["Select_priv".into(), "Grant_priv".into()],
    }];
    rows.table_privileges = vec![TablePrivRow {
        host: "%".into(),
        user: "app_ops".into(),
        db: "app_db".into(),
        table: "orders".into(),
        table_priv: "Select,Insert".into(),
    }];
    rows.column_privileges = vec![ColumnPrivRow {
        host: "%".into(),
        user: "app_ops".into(),
        db: "app_db".into(),
        table: "customers".into(),
        column: "email".into(),
        column_priv: "Select".into(),
    }];
    rows.routine_privileges = vec![
        RoutinePrivRow {
            host: "%".into(),
            user: "app_ops".into(),
            db: "app_db".into(),
            routine_type: "PROCEDURE".into(),
            routine: "p1".into(),
            proc_priv: "Execute,Grant".into(),
        },
        RoutinePrivRow {
            host: "%".into(),
            user: "app_ops".into(),
            db: "app_db".into(),
            routine_type: "FUNCTION".into(),
            routine: "p1".into(),
            proc_priv: "Execute".into(),
        },
    ];
    rows
}

#[test]
fn mysql8_snapshots_are_exact() {
    let n = normalise(&mysql8());
    let a = &n.accounts;

    // A role: locked, no password, granted -> role; its db privilege with grant option on a pattern.
    let mut admin =
        mysql_attrs(&[(SHA2, b"")], true, true).with_attr(attr::CAN_LOGIN, AttrValue::Bool(false));
    admin.kind = AccountKind::Role;
    admin.privileges.insert(
        fact(PrivilegeScope::Database, &["app\\_%"], "SELECT")
            .grantable(true)
            .pattern(true),
    );
    assert_eq!(a.get(&key("app_admin", "%")), Some(&admin));

    // A role that is itself a member (admin option), with table, column and routine facts.
    let mut ops = mysql_attrs(&[(SHA2, b"")], true, true).with_attr(attr::CAN_LOGIN, AttrValue::Bool(false));
    ops.kind = AccountKind::Role;
    let mut m = Membership::new(key("app_admin", "%"));
    m.admin = true;
    m.default_role = Some(false);
    ops.memberships.insert(m);
    ops.privileges.extend([
        fact(PrivilegeScope::Table, &["app_db", "orders"], "SELECT"),
        fact(PrivilegeScope::Table, &["app_db", "orders"], "INSERT"),
        fact(
            PrivilegeScope::Column,
            &["app_db", "customers", "email"],
            "SELECT",
        ),
        fact(PrivilegeScope::Routine, &["app_db", "PROCEDURE", "p1"], "EXECUTE").grantable(true),
        fact(PrivilegeScope::Routine, &["app_db", "FUNCTION", "p1"], "EXECUTE"),
    ]);
    assert_eq!(a.get(&key("app_ops", "%")), Some(&ops));

    // The user: memberships from role_edges, default from default_roles, the mandatory
    // role named as a default without a grant, binary hash fingerprinted.
    let hash = sha2_hash(1);
    let mut app_user = mysql_attrs(&[(SHA2, &hash)], false, false)
        .with_attr(attr::PASSWORD_LIFETIME, AttrValue::Int(90))
        .with_attr(
            attrs::PASSWORD_LAST_CHANGED,
            AttrValue::Time(Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap()),
        )
        .with_attr(
            attrs::UNGRANTED_DEFAULT_ROLES,
            AttrValue::List(vec!["'mand_role'@'%'".into()]),
        );
    for (role, default) in [("app_admin", true), ("app_ops", false), ("svc", false)] {
        let mut m = Membership::new(key(role, "%"));
        m.default_role = Some(default);
        app_user.memberships.insert(m);
    }
    assert_eq!(a.get(&key("app_user", "localhost")), Some(&app_user));

    // Dynamic privileges with their own grant option next to static ones.
    let b = a.get(&key("backup", "localhost")).unwrap();
    assert_eq!(
        b.privileges,
        BTreeSet::from([
            fact(PrivilegeScope::Global, &[], "SELECT"),
            fact(PrivilegeScope::Global, &[], "RELOAD"),
            fact(PrivilegeScope::Global, &[], "BACKUP_ADMIN").grantable(true),
            fact(PrivilegeScope::Global, &[], "SYSTEM_VARIABLES_ADMIN"),
        ])
    );

    // Partial revokes are restriction facts; locking and metadata are attributes.
    let p = a.get(&key("partial", "%")).unwrap();
    assert_eq!(
        p.privileges,
        BTreeSet::from([
            fact(PrivilegeScope::Global, &[], "SELECT").grantable(true),
            fact(PrivilegeScope::Global, &[], "INSERT").grantable(true),
            fact(PrivilegeScope::Restriction, &["mysql"], "SELECT"),
            fact(PrivilegeScope::Restriction, &["mysql"], "INSERT"),
            fact(PrivilegeScope::Restriction, &["secret_db"], "SELECT"),
        ])
    );
    assert_eq!(p.attributes[attr::PASSWORD_LIFETIME], AttrValue::Int(0));
    assert_eq!(p.attributes[attrs::FAILED_LOGIN_ATTEMPTS], AttrValue::Int(3));
    assert_eq!(p.attributes[attrs::PASSWORD_LOCK_TIME], AttrValue::Int(2));
    assert_eq!(
        p.attributes[attrs::METADATA],
        AttrValue::Text(r#"{"comment":"partial revokes","team":"dba"}"#.into())
    );

    // Multi-factor: every method, in order, in the list and the fingerprint.
    let hash4 = sha2_hash(4);
    let mfa = a.get(&key("mfa", "%")).unwrap();
    assert_eq!(
        mfa.attributes[attr::AUTH_METHODS],
        AttrValue::List(vec![SHA2.into(), "authentication_fido".into()])
    );
    assert_eq!(
        mfa.attributes[attr::CREDENTIAL_FINGERPRINT],
        AttrValue::Text(auth_fingerprint([
            (SHA2, hash4.as_slice()),
            ("authentication_fido", b"fido-device-blob".as_slice())
        ]))
    );

    // Limits and requirements appear when set.
    let hash7 = sha2_hash(7);
    let limited = mysql_attrs(&[(SHA2, &hash7)], false, false)
        .with_attr(attr::CONNECTION_LIMIT, AttrValue::Int(5))
        .with_attr(attrs::MAX_QUESTIONS, AttrValue::Int(100))
        .with_attr(attrs::SSL_TYPE, AttrValue::Text("X509".into()))
        .with_attr(attrs::X509_SUBJECT, AttrValue::Text("/CN=app".into()))
        .with_attr(attrs::PASSWORD_HISTORY, AttrValue::Int(5))
        .with_attr(attrs::PASSWORD_REUSE_TIME, AttrValue::Int(30))
        .with_attr(attrs::PASSWORD_REQUIRE_CURRENT, AttrValue::Bool(true));
    assert_eq!(a.get(&key("limited", "%")), Some(&limited));

    // Internal accounts.
    assert!(a.get(&key("mysql.sys", "localhost")).unwrap().system);
    assert_eq!(a.iter().filter(|(_, s)| s.system).count(), 1);

    // The dangling edge is reported, not invented into an account.
    assert!(a.get(&key("gone", "%")).is_none());
    assert!(
        n.warnings
            .iter()
            .any(|w| w == "role grants: 1 row(s) name accounts that do not exist; ignored")
    );
}

#[test]
fn mysql8_role_detection() {
    let n = normalise(&mysql8());
    let kind = |u: &str, h: &str| n.accounts.get(&key(u, h)).unwrap().kind;
    // Locked without password and granted: role.
    assert_eq!(kind("app_admin", "%"), AccountKind::Role);
    assert_eq!(kind("app_ops", "%"), AccountKind::Role);
    // Locked without password, not granted, but mandatory: role.
    assert_eq!(kind("mand_role", "%"), AccountKind::Role);
    // Locked without password and never granted: a (locked) user, not a role.
    assert_eq!(kind("lonely_role", "%"), AccountKind::User);
    // A locked user with a password is a user.
    assert_eq!(kind("locked_user", "%"), AccountKind::User);
    // Granted to others but able to log in: both.
    assert_eq!(kind("svc", "%"), AccountKind::Both);
    assert_eq!(kind("open_role", "%"), AccountKind::Both);
    assert_eq!(kind("app_user", "localhost"), AccountKind::User);
    let can_login = |u: &str| n.accounts.get(&key(u, "%")).unwrap().attributes[attr::CAN_LOGIN].clone();
    assert_eq!(can_login("svc"), AttrValue::Bool(true));
    assert_eq!(can_login("app_admin"), AttrValue::Bool(false));
    let roles = n
        .accounts
        .iter()
        .filter(|(_, s)| s.kind == AccountKind::Role)
        .count();
    let users = n
        .accounts
        .iter()
        .filter(|(_, s)| s.kind == AccountKind::User)
        .count();
    assert_eq!((roles, users), (3, 8));
}

#[test]
fn mandatory_roles_are_one_setting_not_n_modified_accounts() {
    let first = normalise(&mysql8());
    assert_eq!(
        first.accounts.get(&key("mand_role", "%")).unwrap().attributes[attrs::MANDATORY_ROLE],
        AttrValue::Bool(true)
    );
    assert!(
        first
            .warnings
            .iter()
            .any(|w| w.starts_with("mandatory_roles is set"))
    );
    assert!(
        first
            .warnings
            .iter()
            .any(|w| w == "mandatory role 'missing_role'@'%' does not exist")
    );
    // No account got a membership for it.
    assert!(
        first
            .accounts
            .iter()
            .all(|(_, s)| s.memberships.iter().all(|m| m.role != key("mand_role", "%")))
    );

    let mut inv: Vec<InventoryAccount> = Vec::new();
    apply_diff(&mut inv, &diff_accounts(&[], &first.accounts), Utc::now());

    // The variable now names another role: only the two roles change.
    let mut rows = mysql8();
    rows.mandatory_roles = Some("lonely_role".into());
    let second = normalise(&rows);
    let d = diff_accounts(&inv, &second.accounts);
    let changed: Vec<(AccountKey, ChangeKind)> = d.changes.iter().map(|c| (c.key.clone(), c.kind)).collect();
    assert_eq!(
        changed,
        vec![
            (key("lonely_role", "%"), ChangeKind::Modified),
            (key("mand_role", "%"), ChangeKind::Modified),
        ]
    );
    assert_eq!(d.summary.unchanged, first.accounts.len() as u64 - 2);
    // lonely_role became a role (mandatory), mand_role a locked user.
    assert_eq!(
        second.accounts.get(&key("lonely_role", "%")).unwrap().kind,
        AccountKind::Role
    );
    assert_eq!(
        second.accounts.get(&key("mand_role", "%")).unwrap().kind,
        AccountKind::User
    );
}

#[test]
fn binary_hashes_are_fingerprinted_never_kept() {
    let rows = mysql8();
    let debug = format!("{rows:?}");
    assert!(debug.contains("[REDACTED]"));
    assert!(!debug.contains("fido-device-blob"));
    let n = normalise(&rows);
    let json = serde_json::to_string(&n.accounts).unwrap();
    assert!(!json.contains("fido-device-blob"));
    assert!(!json.contains("$A$005$"));

    // One byte of the hash changes: only the fingerprint of that account changes.
    let mut changed = mysql8();
    if let AccountRows::MySql(list) = &mut changed.accounts {
        let u = list.iter_mut().find(|r| r.user == "app_user").unwrap();
        let mut h = sha2_hash(1);
        h[40] ^= 1;
        u.authentication_string = SecretSlice::from(h);
    }
    let m = normalise(&changed);
    let mut inv = Vec::new();
    apply_diff(&mut inv, &diff_accounts(&[], &n.accounts), Utc::now());
    let d = diff_accounts(&inv, &m.accounts);
    assert_eq!(d.changes.len(), 1);
    assert_eq!(d.changes[0].key, key("app_user", "localhost"));
    let names: Vec<&str> = d.changes[0]
        .detail
        .attributes
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, [attr::CREDENTIAL_FINGERPRINT]);
}

#[test]
fn normalising_is_deterministic() {
    let a = normalise(&mysql8());
    let mut rows = mysql8();
    rows.role_edges.reverse();
    rows.default_roles.reverse();
    rows.global_grants.reverse();
    rows.routine_privileges.reverse();
    if let AccountRows::MySql(list) = &mut rows.accounts {
        list.reverse();
    }
    let b = normalise(&rows);
    assert_eq!(a, b);
    assert_eq!(
        serde_json::to_string(&a.accounts).unwrap(),
        serde_json::to_string(&b.accounts).unwrap()
    );
}

// ---------------------------------------------------------------- MariaDB JSON corner cases

fn maria(rows: Vec<GlobalPrivRow>) -> CatalogRows {
    let mut c = CatalogRows::empty(ServerInfo::mariadb(10, 11, 19));
    c.accounts = AccountRows::MariaDb(rows);
    c
}

#[test]
fn mariadb_auth_or_keeps_every_method_in_order() {
    let n = normalise(&maria(vec![GlobalPrivRow::new(
        "sso",
        "%",
        r#"{"access":0,"version_id":101119,"plugin":"mysql_native_password",
            "authentication_string":"*AAAA","auth_or":[{"plugin":"ed25519","authentication_string":"ZZZ"},
            {},{"plugin":"unix_socket"}],"password_lifetime":-1,"account_locked":false,
            "password_last_changed":1700000000,"max_user_connections":7,"max_statement_time":1.5,"ssl_type":1}"#,
    )]));
    let s = n.accounts.get(&key("sso", "%")).unwrap();
    assert_eq!(
        s.attributes[attr::AUTH_METHODS],
        AttrValue::List(vec![
            "ed25519".into(),
            "mysql_native_password".into(),
            "unix_socket".into()
        ])
    );
    assert_eq!(
        s.attributes[attr::CREDENTIAL_FINGERPRINT],
        AttrValue::Text(auth_fingerprint([
            ("ed25519", b"ZZZ".as_slice()),
            ("mysql_native_password", b"*AAAA".as_slice()),
            ("unix_socket", b"".as_slice())
        ]))
    );
    assert_eq!(s.attributes[attr::PASSWORD_LIFETIME], AttrValue::Null);
    assert_eq!(s.attributes[attr::CONNECTION_LIMIT], AttrValue::Int(7));
    assert_eq!(
        s.attributes[attrs::MAX_STATEMENT_TIME],
        AttrValue::Text("1.500000".into())
    );
    assert_eq!(s.attributes[attrs::SSL_TYPE], AttrValue::Text("ANY".into()));
    assert_eq!(
        s.attributes[attrs::PASSWORD_LAST_CHANGED],
        AttrValue::Time(Utc.timestamp_opt(1_700_000_000, 0).unwrap())
    );
}

#[test]
fn mariadb_public_only_from_10_11_and_dangling_default_role() {
    let rows = || {
        vec![
            GlobalPrivRow::new("PUBLIC", "", r#"{"access":0,"version_id":101119,"is_role":true}"#),
            GlobalPrivRow::new(
                "u",
                "%",
                r#"{"access":0,"plugin":"mysql_native_password","authentication_string":"","default_role":"old_role"}"#,
            ),
            GlobalPrivRow::new("broken", "%", "{not json"),
        ]
    };
    let n = normalise(&maria(rows()));
    assert_eq!(
        n.accounts.get(&key("PUBLIC", "")).unwrap().kind,
        AccountKind::Public
    );
    let u = n.accounts.get(&key("u", "%")).unwrap();
    assert_eq!(
        u.attributes[attrs::UNGRANTED_DEFAULT_ROLES],
        AttrValue::List(vec!["'old_role'@''".into()])
    );
    assert!(u.memberships.is_empty());
    // A row the server could not parse is kept (never dropped: that would read as "removed").
    assert!(n.accounts.get(&key("broken", "%")).is_some());
    assert!(
        n.warnings
            .iter()
            .any(|w| w.contains("'broken'@'%'") && w.contains("not valid JSON"))
    );
    // Before 10.11 there is no PUBLIC pseudo-grantee: a role of that name is a role.
    let mut old = maria(rows());
    old.server = ServerInfo::mariadb(10, 6, 18);
    assert_eq!(
        normalise(&old).accounts.get(&key("PUBLIC", "")).unwrap().kind,
        AccountKind::Role
    );
}
