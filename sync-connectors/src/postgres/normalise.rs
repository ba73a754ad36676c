//! Catalog rows -> [`AccountSet`]: a pure function, tested over recorded rows.
//!
//! Representation choices (also in the crate docs):
//! - **PUBLIC** is the pseudo-account [`public_key()`] = `AccountKey::postgres("")` with
//!   [`AccountKind::Public`]. No role can be named `""` (PostgreSQL rejects zero-length
//!   identifiers), so it never collides with a real role, not even one named `PUBLIC`. It is
//!   always present, so revoking everything from PUBLIC modifies it instead of removing it.
//! - **credential_fingerprint**: `Text(<16 hex digits>)` when a password is set,
//!   `Text("none")` when `rolpassword` is NULL, `Null` when unknown (`pg_authid` not readable).
//! - **valid_until**: `Null`, `Text("infinity")`, `Text("-infinity")` or `Time` (UTC).
//! - **kind**: `rolcanlogin` -> `User`; not -> `Role`; a login role granted to another role
//!   -> `Both`.
//! - **memberships** are facts of the member, including memberships in `pg_*` roles (which
//!   are themselves filtered out by default). `inherit` is the grant's `inherit_option` on
//!   PostgreSQL 16+, else the member's `rolinherit`; `set` and `grantor` are PostgreSQL 16+
//!   only. One (role, member) pair with several grantors gives several memberships.
//! - **privileges** with several grantors collapse into one fact per (scope, object,
//!   privilege), grantable if any grant is.
//! - **default privileges**: object `[db, owner, schema or "", object type]` with the type as
//!   in `ALTER DEFAULT PRIVILEGES` (`TABLES`, `SEQUENCES`, `FUNCTIONS`, `TYPES`, `SCHEMAS`,
//!   `LARGE OBJECTS`). A schema slot adds to the defaults: each entry is a fact. A global
//!   slot *replaces* the built-in default: entries beyond the built-in default are facts, and
//!   each built-in entry it removes is a fact `REVOKED <privilege>` of that grantee (e.g.
//!   PUBLIC `REVOKED EXECUTE` on `[db, owner, "", FUNCTIONS]`). So a missing slot, like a NULL
//!   ACL, means "built-in defaults", and the owner's implicit rights never appear as added.

use super::rows::{
    CatalogRows, Column, Credential, DefaultAclRow, Grantee, MembershipRow, RoleRow, ValidUntil,
};
use std::collections::{BTreeMap, BTreeSet};
use sync_core::account::{
    AccountFilter, AccountKey, AccountKind, AccountSet, AccountSnapshot, AttrValue, Membership,
    PrivilegeFact, PrivilegeScope, attr,
};

/// The name of the PUBLIC pseudo-account: empty, which no role can have.
pub const PUBLIC_NAME: &str = "";

/// `pg.inherit`: `rolinherit`.
pub const ATTR_INHERIT: &str = "pg.inherit";
/// `pg.createrole`: `rolcreaterole`.
pub const ATTR_CREATEROLE: &str = "pg.createrole";
/// `pg.createdb`: `rolcreatedb`.
pub const ATTR_CREATEDB: &str = "pg.createdb";
/// `pg.replication`: `rolreplication`.
pub const ATTR_REPLICATION: &str = "pg.replication";
/// `pg.bypassrls`: `rolbypassrls`.
pub const ATTR_BYPASSRLS: &str = "pg.bypassrls";
/// `pg.config`: `rolconfig`, a list of `name=value` as stored (`Null` when none).
pub const ATTR_CONFIG: &str = "pg.config";
/// The `credential_fingerprint` value when the role has no password.
pub const NO_PASSWORD: &str = "none";
/// Prefix of a default-privilege fact that a global slot removed from the built-in default.
pub const REVOKED_PREFIX: &str = "REVOKED ";

/// The key of the PUBLIC pseudo-account.
pub fn public_key() -> AccountKey {
    AccountKey::postgres(PUBLIC_NAME)
}

/// The `ALTER DEFAULT PRIVILEGES` name of a `pg_default_acl.defaclobjtype` code (unknown
/// codes are kept as they are).
pub fn default_object_type(code: &str) -> &str {
    match code {
        "r" => "TABLES",
        "S" => "SEQUENCES",
        "f" => "FUNCTIONS",
        "T" => "TYPES",
        "n" => "SCHEMAS",
        "L" => "LARGE OBJECTS",
        other => other,
    }
}

fn bool_attr(c: &Column<bool>) -> Option<AttrValue> {
    match c {
        Column::Absent => None,
        Column::Null => Some(AttrValue::Null),
        Column::Value(b) => Some(AttrValue::Bool(*b)),
    }
}

fn role_attributes(role: &RoleRow) -> BTreeMap<String, AttrValue> {
    let mut a = BTreeMap::new();
    let mut put = |name: &str, v: Option<AttrValue>| {
        if let Some(v) = v {
            a.insert(name.to_owned(), v);
        }
    };
    put(attr::CAN_LOGIN, bool_attr(&role.can_login));
    put(attr::SUPERUSER, bool_attr(&role.superuser));
    put(ATTR_INHERIT, bool_attr(&role.inherit));
    put(ATTR_CREATEROLE, bool_attr(&role.create_role));
    put(ATTR_CREATEDB, bool_attr(&role.create_db));
    put(ATTR_REPLICATION, bool_attr(&role.replication));
    put(ATTR_BYPASSRLS, bool_attr(&role.bypass_rls));
    put(
        attr::CONNECTION_LIMIT,
        match &role.connection_limit {
            Column::Absent => None,
            Column::Null => Some(AttrValue::Null),
            Column::Value(n) => Some(AttrValue::Int(i64::from(*n))),
        },
    );
    put(
        attr::VALID_UNTIL,
        match &role.valid_until {
            Column::Absent => None,
            Column::Null => Some(AttrValue::Null),
            Column::Value(ValidUntil::Infinity) => Some(AttrValue::Text("infinity".into())),
            Column::Value(ValidUntil::NegInfinity) => Some(AttrValue::Text("-infinity".into())),
            Column::Value(ValidUntil::At(t)) => Some(AttrValue::Time(*t)),
        },
    );
    put(
        ATTR_CONFIG,
        match &role.config {
            Column::Absent => None,
            Column::Null => Some(AttrValue::Null),
            Column::Value(v) => Some(AttrValue::List(v.clone())),
        },
    );
    put(
        attr::CREDENTIAL_FINGERPRINT,
        Some(match &role.credential {
            Credential::Unknown => AttrValue::Null,
            Credential::NoPassword => AttrValue::Text(NO_PASSWORD.into()),
            Credential::Fingerprint(f) => AttrValue::Text(f.clone()),
        }),
    );
    a
}

fn membership(row: &MembershipRow, member: &RoleRow) -> Membership {
    Membership {
        role: AccountKey::postgres(row.role.clone()),
        admin: row.admin,
        default_role: None,
        inherit: row.inherit.or_else(|| member.inherit.value().copied()),
        set: row.set,
        grantor: row.grantor.clone(),
    }
}

fn grantee_key(g: &Grantee) -> AccountKey {
    match g {
        Grantee::Public => public_key(),
        Grantee::Role(name) => AccountKey::postgres(name.clone()),
    }
}

/// Privilege facts being collected: (holder, scope, object, privilege) -> grantable.
type Facts = BTreeMap<(AccountKey, PrivilegeScope, Vec<String>, String), bool>;

fn add_fact(
    facts: &mut Facts,
    g: &Grantee,
    scope: PrivilegeScope,
    object: Vec<String>,
    privilege: &str,
    grantable: bool,
) {
    let slot = facts
        .entry((grantee_key(g), scope, object, privilege.to_owned()))
        .or_insert(false);
    *slot |= grantable;
}

fn add_default_facts(facts: &mut Facts, db: &str, rows: &[DefaultAclRow]) {
    // Group by slot: (owner, schema, object type).
    let mut slots: BTreeMap<(&str, Option<&str>, &str), Vec<&DefaultAclRow>> = BTreeMap::new();
    for r in rows {
        slots
            .entry((r.owner.as_str(), r.schema.as_deref(), r.object_type.as_str()))
            .or_default()
            .push(r);
    }
    for ((owner, schema, objtype), entries) in slots {
        let object = vec![
            db.to_owned(),
            owner.to_owned(),
            schema.unwrap_or("").to_owned(),
            default_object_type(objtype).to_owned(),
        ];
        let stored: Vec<&&DefaultAclRow> = entries.iter().filter(|e| !e.builtin).collect();
        if schema.is_some() {
            for e in stored {
                add_fact(
                    facts,
                    &e.grantee,
                    PrivilegeScope::Default,
                    object.clone(),
                    &e.privilege,
                    e.grantable,
                );
            }
            continue;
        }
        let builtin: Vec<&&DefaultAclRow> = entries.iter().filter(|e| e.builtin).collect();
        for e in &stored {
            let is_builtin = builtin
                .iter()
                .any(|b| b.grantee == e.grantee && b.privilege == e.privilege && b.grantable == e.grantable);
            if !is_builtin {
                add_fact(
                    facts,
                    &e.grantee,
                    PrivilegeScope::Default,
                    object.clone(),
                    &e.privilege,
                    e.grantable,
                );
            }
        }
        for b in &builtin {
            let kept = stored
                .iter()
                .any(|e| e.grantee == b.grantee && e.privilege == b.privilege);
            if !kept {
                let privilege = format!("{REVOKED_PREFIX}{}", b.privilege);
                add_fact(
                    facts,
                    &b.grantee,
                    PrivilegeScope::Default,
                    object.clone(),
                    &privilege,
                    false,
                );
            }
        }
    }
}

/// Normalises the catalog rows of one read into accounts, then applies `filter`.
pub fn normalise(rows: &CatalogRows, filter: &AccountFilter) -> AccountSet {
    let by_name: BTreeMap<&str, &RoleRow> = rows.roles.iter().map(|r| (r.name.as_str(), r)).collect();
    let granted: BTreeSet<&str> = rows.memberships.iter().map(|m| m.role.as_str()).collect();

    let mut set = AccountSet::new();
    for role in &rows.roles {
        let can_login = role.can_login.value().copied().unwrap_or(false);
        let kind = match (can_login, granted.contains(role.name.as_str())) {
            (false, _) => AccountKind::Role,
            (true, false) => AccountKind::User,
            (true, true) => AccountKind::Both,
        };
        let mut snap = AccountSnapshot::new(kind);
        snap.attributes = role_attributes(role);
        set.insert(AccountKey::postgres(role.name.clone()), snap);
    }
    set.insert(public_key(), AccountSnapshot::new(AccountKind::Public));

    for m in &rows.memberships {
        let Some(member) = by_name.get(m.member.as_str()) else {
            continue;
        };
        if let Some(snap) = set.get_mut(&AccountKey::postgres(m.member.clone())) {
            snap.memberships.insert(membership(m, member));
        }
    }

    let mut facts = Facts::new();
    for r in &rows.database_acl {
        add_fact(
            &mut facts,
            &r.grantee,
            PrivilegeScope::Database,
            vec![r.database.clone()],
            &r.privilege,
            r.grantable,
        );
    }
    for db in &rows.inspected {
        for r in &db.schema_acl {
            add_fact(
                &mut facts,
                &r.grantee,
                PrivilegeScope::Schema,
                vec![db.name.clone(), r.schema.clone()],
                &r.privilege,
                r.grantable,
            );
        }
        add_default_facts(&mut facts, &db.name, &db.default_acl);
    }
    for ((key, scope, object, privilege), grantable) in facts {
        if let Some(snap) = set.get_mut(&key) {
            snap.privileges
                .insert(PrivilegeFact::new(scope, object, privilege).grantable(grantable));
        }
    }

    filter.apply(&mut set);
    set
}
