//! Normalisation over recorded catalog rows: PostgreSQL 16+ memberships, version-dependent
//! columns, later predefined roles and default-privilege types, and the PUBLIC, password and
//! valid-until representations. No server needed (this machine runs PostgreSQL 15 only).
#![cfg(feature = "postgres")]

use chrono::{TimeZone, Utc};
use std::collections::BTreeSet;
use sync_connectors::postgres::catalog::membership_sql;
use sync_connectors::postgres::normalise::{NO_PASSWORD, REVOKED_PREFIX, default_object_type};
use sync_connectors::postgres::roles::role_select_sql;
use sync_connectors::postgres::rows::{
    CatalogRows, Column, Credential, DatabaseAclRow, DefaultAclRow, Grantee, InspectedDatabase,
    MembershipRow, RoleRow, ServerInfo, ValidUntil,
};
use sync_connectors::postgres::{normalise, public_key};
use sync_core::account::{
    AccountFilter, AccountKey, AccountKind, AttrValue, Membership, PrivilegeFact, PrivilegeScope, apply_diff,
    attr, diff_accounts,
};
use sync_core::domain::DbType;

fn pg_filter() -> AccountFilter {
    AccountFilter::default_for(DbType::Postgresql)
}

/// A PostgreSQL 16/17 role row (every current column present).
fn role(name: &str, login: bool) -> RoleRow {
    RoleRow {
        name: name.into(),
        superuser: Column::Value(false),
        inherit: Column::Value(true),
        create_role: Column::Value(false),
        create_db: Column::Value(false),
        can_login: Column::Value(login),
        replication: Column::Value(false),
        bypass_rls: Column::Value(false),
        connection_limit: Column::Value(-1),
        valid_until: Column::Null,
        config: Column::Null,
        credential: Credential::Unknown,
    }
}

fn server(version_num: i32) -> ServerInfo {
    ServerInfo {
        version: format!("PostgreSQL {}.{}", version_num / 10_000, version_num % 100),
        version_num,
        database: "app".into(),
    }
}

fn edge(role: &str, member: &str, grantor: &str, admin: bool, inherit: bool, set: bool) -> MembershipRow {
    MembershipRow {
        role: role.into(),
        member: member.into(),
        grantor: Some(grantor.into()),
        admin,
        inherit: Some(inherit),
        set: Some(set),
    }
}

fn membership(
    role: &str,
    admin: bool,
    inherit: Option<bool>,
    set: Option<bool>,
    grantor: Option<&str>,
) -> Membership {
    Membership {
        role: AccountKey::postgres(role),
        admin,
        default_role: None,
        inherit,
        set,
        grantor: grantor.map(String::from),
    }
}

/// The inventory after a first sync of `set`.
fn inventory_of(set: &sync_core::account::AccountSet) -> Vec<sync_core::account::InventoryAccount> {
    let mut inv = Vec::new();
    let first = diff_accounts(&inv, set);
    apply_diff(&mut inv, &first, Utc::now());
    inv
}

fn key(name: &str) -> AccountKey {
    AccountKey::postgres(name)
}

#[test]
fn pg16_one_pair_with_several_grantors_keeps_one_edge_per_grantor() {
    // Recorded from a PostgreSQL 16 server:
    //   GRANT app_role TO app_user WITH INHERIT TRUE, SET FALSE;                -- by postgres
    //   SET ROLE app_admin; GRANT app_role TO app_user WITH ADMIN TRUE, INHERIT FALSE, SET TRUE;
    let mut app_user = role("app_user", true);
    app_user.inherit = Column::Value(false); // rolinherit only sets the default for new grants
    let rows = CatalogRows {
        server: server(160_004),
        roles: vec![
            role("postgres", true),
            role("app_admin", true),
            role("app_role", false),
            app_user,
        ],
        memberships: vec![
            edge("app_role", "app_user", "postgres", false, true, false),
            edge("app_role", "app_user", "app_admin", true, false, true),
            edge("app_role", "app_admin", "postgres", true, true, true),
        ],
        ..Default::default()
    };
    let set = normalise(&rows, &pg_filter());
    let user = set.get(&key("app_user")).unwrap();
    let expected: BTreeSet<Membership> = [
        membership("app_role", false, Some(true), Some(false), Some("postgres")),
        membership("app_role", true, Some(false), Some(true), Some("app_admin")),
    ]
    .into_iter()
    .collect();
    assert_eq!(user.memberships, expected);
    assert_eq!(user.kind, AccountKind::User);
    assert_eq!(user.attributes["pg.inherit"], AttrValue::Bool(false));
    assert_eq!(set.get(&key("app_role")).unwrap().kind, AccountKind::Role);

    // Dropping one grantor's row is exactly one revoked membership.
    let mut later = rows.clone();
    later.memberships.remove(1);
    let inv = inventory_of(&set);
    let diff = diff_accounts(&inv, &normalise(&later, &pg_filter()));
    assert_eq!(diff.changes.len(), 1);
    assert_eq!(diff.changes[0].key, key("app_user"));
    assert_eq!(
        diff.changes[0].detail.memberships_revoked,
        vec![membership(
            "app_role",
            true,
            Some(false),
            Some(true),
            Some("app_admin")
        )]
    );
    assert!(diff.changes[0].detail.memberships_granted.is_empty());
}

#[test]
fn pg16_createrole_auto_admin_membership_is_a_stable_fact() {
    // PostgreSQL 16: `CREATE ROLE report_role` run by CREATEROLE user creator gives creator an
    // admin membership, granted by the bootstrap superuser, with INHERIT FALSE, SET FALSE.
    let mut creator = role("creator", true);
    creator.create_role = Column::Value(true);
    let rows = CatalogRows {
        server: server(170_002),
        roles: vec![
            role("postgres", true),
            creator,
            role("report_role", false),
            role("report_login", true),
        ],
        memberships: vec![
            edge("report_role", "creator", "postgres", true, false, false),
            edge("report_login", "creator", "postgres", true, false, false),
        ],
        ..Default::default()
    };
    let set = normalise(&rows, &pg_filter());
    let c = set.get(&key("creator")).unwrap();
    assert_eq!(
        c.memberships,
        [
            membership("report_login", true, Some(false), Some(false), Some("postgres")),
            membership("report_role", true, Some(false), Some(false), Some("postgres")),
        ]
        .into_iter()
        .collect()
    );
    assert_eq!(c.attributes["pg.createrole"], AttrValue::Bool(true));
    assert_eq!(set.get(&key("report_role")).unwrap().kind, AccountKind::Role);
    // A login role granted (even automatically) to another role is both.
    assert_eq!(set.get(&key("report_login")).unwrap().kind, AccountKind::Both);

    // Not drift: the next read of the same rows changes nothing.
    let inv = inventory_of(&set);
    assert!(diff_accounts(&inv, &normalise(&rows, &pg_filter())).is_empty());
}

#[test]
fn before_16_inherit_comes_from_the_member_and_set_and_grantor_are_unknown() {
    let mut noinherit = role("noinherit_user", true);
    noinherit.inherit = Column::Value(false);
    let pre16 = |role: &str, member: &str, admin| MembershipRow {
        role: role.into(),
        member: member.into(),
        grantor: None,
        admin,
        inherit: None,
        set: None,
    };
    let rows = CatalogRows {
        server: server(150_020),
        roles: vec![role("grp", false), noinherit, role("plain", true)],
        memberships: vec![pre16("grp", "noinherit_user", true), pre16("grp", "plain", false)],
        ..Default::default()
    };
    let set = normalise(&rows, &pg_filter());
    assert_eq!(
        set.get(&key("noinherit_user")).unwrap().memberships,
        [membership("grp", true, Some(false), None, None)]
            .into_iter()
            .collect()
    );
    assert_eq!(
        set.get(&key("plain")).unwrap().memberships,
        [membership("grp", false, Some(true), None, None)]
            .into_iter()
            .collect()
    );
    // The SQL for such a server does not ask for columns it does not have.
    let cols: BTreeSet<String> = ["roleid", "member", "grantor", "admin_option"]
        .map(String::from)
        .into();
    let sql = membership_sql(&cols, 150_020);
    assert!(
        !sql.contains("am.inherit_option") && !sql.contains("am.set_option"),
        "{sql}"
    );
}

#[test]
fn version_dependent_role_columns_are_left_out_when_absent() {
    // A 9.4 server has no rolbypassrls; a 9.0 server also no rolreplication; a fork adds
    // columns of its own (ignored).
    let cols94: BTreeSet<String> = [
        "rolname",
        "rolsuper",
        "rolinherit",
        "rolcreaterole",
        "rolcreatedb",
        "rolcatupdate",
        "rolcanlogin",
        "rolreplication",
        "rolconnlimit",
        "rolpassword",
        "rolvaliduntil",
        "rolconfig",
        "oid",
        "rolresqueue",
    ]
    .map(String::from)
    .into();
    let sql = role_select_sql(&cols94);
    assert!(!sql.contains("rolbypassrls") && !sql.contains("rolresqueue") && !sql.contains("rolpassword"));
    assert!(sql.contains("r.rolreplication"), "{sql}");

    let mut old = role("old_user", true);
    old.bypass_rls = Column::Absent;
    old.replication = Column::Absent;
    let rows = CatalogRows {
        server: server(90_024),
        roles: vec![old],
        ..Default::default()
    };
    let set = normalise(&rows, &pg_filter());
    let names: Vec<&str> = set
        .get(&key("old_user"))
        .unwrap()
        .attributes
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        names,
        vec![
            "can_login",
            "connection_limit",
            "credential_fingerprint",
            "pg.config",
            "pg.createdb",
            "pg.createrole",
            "pg.inherit",
            "superuser",
            "valid_until"
        ]
    );
    // Only name known (a minimal fork): still an account, a role that cannot log in.
    let bare = CatalogRows {
        roles: vec![RoleRow::named("bare")],
        ..Default::default()
    };
    let set = normalise(&bare, &pg_filter());
    let b = set.get(&key("bare")).unwrap();
    assert_eq!(b.kind, AccountKind::Role);
    assert_eq!(b.attributes.len(), 1, "{:?}", b.attributes);
}

#[test]
fn an_upgrade_that_adds_predefined_roles_reports_nothing() {
    let mut mon = MembershipRow {
        role: "pg_monitor".into(),
        member: "watcher".into(),
        grantor: None,
        admin: false,
        inherit: None,
        set: None,
    };
    let pg15 = CatalogRows {
        server: server(150_020),
        roles: vec![
            role("postgres", true),
            role("pg_monitor", false),
            role("pg_read_all_data", false),
            role("watcher", true),
            role("pgbouncer", true),
        ],
        memberships: vec![mon.clone()],
        ..Default::default()
    };
    let set15 = normalise(&pg15, &pg_filter());
    assert_eq!(
        set15.iter().map(|(k, _)| k.name().to_owned()).collect::<Vec<_>>(),
        vec!["", "pgbouncer", "postgres", "watcher"],
        "pg_* excluded, pgbouncer and postgres kept, PUBLIC present"
    );
    let watcher = set15.get(&key("watcher")).unwrap();
    assert_eq!(
        watcher.memberships,
        [membership("pg_monitor", false, Some(true), None, None)]
            .into_iter()
            .collect()
    );

    // After pg_upgrade to 17: new predefined roles, membership rows in the 16+ shape.
    let mut pg17 = pg15.clone();
    pg17.server = server(170_002);
    for r in [
        "pg_maintain",
        "pg_use_reserved_connections",
        "pg_create_subscription",
        "pg_checkpoint",
    ] {
        pg17.roles.push(role(r, false));
    }
    mon.grantor = Some("postgres".into());
    mon.inherit = Some(true);
    mon.set = Some(true);
    pg17.memberships = vec![
        mon,
        edge(
            "pg_read_all_settings",
            "pg_monitor",
            "postgres",
            false,
            true,
            true,
        ),
    ];
    let set17 = normalise(&pg17, &pg_filter());
    let inv = inventory_of(&set15);
    let diff = diff_accounts(&inv, &set17);
    assert_eq!((diff.summary.added, diff.summary.removed), (0, 0));
    // The only change is the membership gaining its 16+ facts (grantor, set).
    assert_eq!(diff.changes.len(), 1);
    assert_eq!(diff.changes[0].key, key("watcher"));
}

fn default_row(
    owner: &str,
    schema: Option<&str>,
    ty: &str,
    builtin: bool,
    grantee: Grantee,
    p: &str,
    g: bool,
) -> DefaultAclRow {
    DefaultAclRow {
        owner: owner.into(),
        schema: schema.map(String::from),
        object_type: ty.into(),
        builtin,
        grantee,
        privilege: p.into(),
        grantable: g,
    }
}

#[test]
fn global_default_slots_report_only_deviations_from_the_built_in_default() {
    use Grantee::{Public, Role};
    let o = || Role("app_owner".into());
    // PostgreSQL 17 adds MAINTAIN to the table default; 18 adds large objects.
    let tables17 = [
        "INSERT",
        "SELECT",
        "UPDATE",
        "DELETE",
        "TRUNCATE",
        "REFERENCES",
        "TRIGGER",
        "MAINTAIN",
    ];
    let mut default_acl = Vec::new();
    for builtin in [false, true] {
        for p in tables17 {
            default_acl.push(default_row("app_owner", None, "r", builtin, o(), p, false));
        }
    }
    // ALTER DEFAULT PRIVILEGES FOR ROLE app_owner GRANT SELECT ON TABLES TO app_reader
    default_acl.push(default_row(
        "app_owner",
        None,
        "r",
        false,
        Role("app_reader".into()),
        "SELECT",
        false,
    ));
    // ALTER DEFAULT PRIVILEGES FOR ROLE app_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC
    default_acl.push(default_row("app_owner", None, "f", false, o(), "EXECUTE", false));
    default_acl.push(default_row("app_owner", None, "f", true, o(), "EXECUTE", false));
    default_acl.push(default_row(
        "app_owner",
        None,
        "f",
        true,
        Public,
        "EXECUTE",
        false,
    ));
    // ... IN SCHEMA app GRANT ALL ON SEQUENCES TO app_reader (a schema slot adds).
    for p in ["SELECT", "UPDATE", "USAGE"] {
        default_acl.push(default_row(
            "app_owner",
            Some("app"),
            "S",
            false,
            Role("app_reader".into()),
            p,
            false,
        ));
    }
    // PostgreSQL 18: ... GRANT SELECT ON LARGE OBJECTS TO app_reader WITH GRANT OPTION.
    for p in ["SELECT", "UPDATE"] {
        default_acl.push(default_row("app_owner", None, "L", false, o(), p, false));
        default_acl.push(default_row("app_owner", None, "L", true, o(), p, false));
    }
    default_acl.push(default_row(
        "app_owner",
        None,
        "L",
        false,
        Role("app_reader".into()),
        "SELECT",
        true,
    ));

    let rows = CatalogRows {
        server: server(180_000),
        roles: vec![role("app_owner", false), role("app_reader", false)],
        inspected: vec![InspectedDatabase {
            name: "app".into(),
            schema_acl: vec![],
            default_acl,
        }],
        ..Default::default()
    };
    let set = normalise(&rows, &pg_filter());
    let obj = |schema: &str, ty: &str| vec!["app".into(), "app_owner".into(), schema.into(), ty.into()];
    let f = |o: Vec<String>, p: &str, g: bool| PrivilegeFact::new(PrivilegeScope::Default, o, p).grantable(g);
    assert!(
        set.get(&key("app_owner")).unwrap().privileges.is_empty(),
        "the owner's built-in rights are not facts"
    );
    assert_eq!(
        set.get(&key("app_reader")).unwrap().privileges,
        [
            f(obj("", "TABLES"), "SELECT", false),
            f(obj("", "LARGE OBJECTS"), "SELECT", true),
            f(obj("app", "SEQUENCES"), "SELECT", false),
            f(obj("app", "SEQUENCES"), "UPDATE", false),
            f(obj("app", "SEQUENCES"), "USAGE", false),
        ]
        .into_iter()
        .collect()
    );
    assert_eq!(
        set.get(&public_key()).unwrap().privileges,
        [f(
            obj("", "FUNCTIONS"),
            &format!("{REVOKED_PREFIX}EXECUTE"),
            false
        )]
        .into_iter()
        .collect()
    );
    assert_eq!(default_object_type("n"), "SCHEMAS");
    assert_eq!(default_object_type("T"), "TYPES");
    assert_eq!(default_object_type("x"), "x");
}

#[test]
fn public_never_collides_with_a_role_named_public() {
    let rows = CatalogRows {
        server: server(160_000),
        roles: vec![role("PUBLIC", true), role("owner", false)],
        database_acl: vec![
            DatabaseAclRow {
                database: "app".into(),
                grantee: Grantee::Public,
                privilege: "CONNECT".into(),
                grantable: false,
            },
            DatabaseAclRow {
                database: "app".into(),
                grantee: Grantee::Role("PUBLIC".into()),
                privilege: "CREATE".into(),
                grantable: false,
            },
        ],
        ..Default::default()
    };
    let set = normalise(&rows, &pg_filter());
    let public = set.get(&public_key()).unwrap();
    assert_eq!(public_key(), AccountKey::postgres(""));
    assert_eq!(public.kind, AccountKind::Public);
    assert!(public.attributes.is_empty());
    assert_eq!(
        public.privileges,
        [PrivilegeFact::new(
            PrivilegeScope::Database,
            vec!["app".into()],
            "CONNECT"
        )]
        .into_iter()
        .collect()
    );
    let real = set.get(&key("PUBLIC")).unwrap();
    assert_eq!(real.kind, AccountKind::User);
    assert_eq!(
        real.privileges,
        [PrivilegeFact::new(
            PrivilegeScope::Database,
            vec!["app".into()],
            "CREATE"
        )]
        .into_iter()
        .collect()
    );
}

#[test]
fn grants_from_several_grantors_collapse_into_one_fact() {
    let acl = |grantable| DatabaseAclRow {
        database: "app".into(),
        grantee: Grantee::Role("u".into()),
        privilege: "CONNECT".into(),
        grantable,
    };
    let rows = CatalogRows {
        roles: vec![role("u", true)],
        database_acl: vec![acl(false), acl(true), acl(false)],
        ..Default::default()
    };
    let set = normalise(&rows, &pg_filter());
    assert_eq!(
        set.get(&key("u")).unwrap().privileges,
        [PrivilegeFact::new(PrivilegeScope::Database, vec!["app".into()], "CONNECT").grantable(true)]
            .into_iter()
            .collect()
    );
}

#[test]
fn valid_until_and_credentials_have_distinct_values() {
    let ts = Utc.with_ymd_and_hms(2031, 2, 3, 2, 5, 6).unwrap();
    let mk = |name: &str, vu: Column<ValidUntil>, cred: Credential| RoleRow {
        valid_until: vu,
        credential: cred,
        ..role(name, true)
    };
    let rows = CatalogRows {
        roles: vec![
            mk("a", Column::Null, Credential::Unknown),
            mk("b", Column::Value(ValidUntil::Infinity), Credential::NoPassword),
            mk(
                "c",
                Column::Value(ValidUntil::NegInfinity),
                Credential::Fingerprint("0123456789abcdef".into()),
            ),
            mk("d", Column::Value(ValidUntil::At(ts)), Credential::Unknown),
        ],
        ..Default::default()
    };
    let set = normalise(&rows, &pg_filter());
    let get = |n: &str, a: &str| set.get(&key(n)).unwrap().attributes[a].clone();
    assert_eq!(get("a", attr::VALID_UNTIL), AttrValue::Null);
    assert_eq!(get("b", attr::VALID_UNTIL), AttrValue::Text("infinity".into()));
    assert_eq!(get("c", attr::VALID_UNTIL), AttrValue::Text("-infinity".into()));
    assert_eq!(get("d", attr::VALID_UNTIL), AttrValue::Time(ts));
    assert_eq!(get("a", attr::CREDENTIAL_FINGERPRINT), AttrValue::Null);
    assert_eq!(
        get("b", attr::CREDENTIAL_FINGERPRINT),
        AttrValue::Text(NO_PASSWORD.into())
    );
    assert_eq!(
        get("c", attr::CREDENTIAL_FINGERPRINT),
        AttrValue::Text("0123456789abcdef".into())
    );
}
