//! Rows -> [`AccountSet`]: a pure function, no I/O, deterministic.
//!
//! Rules (MySQL and MariaDB):
//! - identity is `(User, Host)` exactly as stored;
//! - kind: MariaDB `is_role` -> role (MariaDB 10.11 `PUBLIC`@`''` -> [`AccountKind::Public`]);
//!   MySQL has no flag: an account granted to others (role edges, or named in
//!   `mandatory_roles`) is a role when it is locked and has no password, else *both*;
//!   anything else is a user (a locked user is still a user);
//! - the grant option is not a privilege: it sets `grantable` on the facts of its scope
//!   (the column facts of a table included); when it covers no fact (`GRANT USAGE ... WITH
//!   GRANT OPTION`) it is kept as a `GRANT OPTION` fact of that scope, so it is never lost;
//! - database names are kept as stored and marked `pattern` when they hold an unescaped
//!   `%` or `_`; routine objects are `[db, type, name]`; proxy objects `[user, host]`;
//! - memberships carry `default_role: Some(..)` on every edge; default roles that are not
//!   granted go to [`attrs::UNGRANTED_DEFAULT_ROLES`];
//! - credentials: only [`attr::CREDENTIAL_FINGERPRINT`] of the raw bytes, in method order;
//! - rows of privilege tables that name no existing account are ignored with a warning.

use super::attrs;
use super::draft::{Draft, privileges_of_columns, push_scope};
use super::mandatory::parse_mandatory_roles;
use super::mariadb_account::mariadb_draft;
use super::mysql_account::mysql_draft;
use super::privileges::privileges_of_set;
use super::rows::{AccountRows, CatalogRows};
use secrecy::{ExposeSecret, SecretSlice};
use std::collections::{BTreeMap, HashMap, HashSet};
use sync_core::account::{
    AccountKey, AccountKind, AccountSet, AttrValue, Membership, PrivilegeFact, PrivilegeScope, attr,
    credential_fingerprint, is_mysql_system_account,
};

/// The result of normalisation: the accounts and non-fatal findings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Normalised {
    /// Every account, keyed and sorted.
    pub accounts: AccountSet,
    /// Things worth telling but not failing for (ignored rows, the mandatory roles setting).
    pub warnings: Vec<String>,
}

/// The fingerprint of an account's credentials: `(plugin, raw authentication bytes)` per
/// authentication method, in order. Length-prefixed, so no two lists share material.
pub fn auth_fingerprint<'a>(methods: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> String {
    let mut material = Vec::new();
    for (plugin, auth) in methods {
        material.extend_from_slice(&(plugin.len() as u64).to_le_bytes());
        material.extend_from_slice(plugin.as_bytes());
        material.extend_from_slice(&(auth.len() as u64).to_le_bytes());
        material.extend_from_slice(auth);
    }
    let material = SecretSlice::from(material);
    credential_fingerprint(material.expose_secret())
}

/// Whether a `mysql.db` database name is a wildcard pattern: an unescaped `%` or `_`.
pub fn is_db_pattern(db: &str) -> bool {
    let mut chars = db.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '%' | '_' => return true,
            _ => {}
        }
    }
    false
}

/// Counts rows that name no existing account, per table.
#[derive(Default)]
struct Orphans(BTreeMap<&'static str, usize>);

impl Orphans {
    fn note(&mut self, table: &'static str) {
        *self.0.entry(table).or_default() += 1;
    }
}

/// The drafts of one read, found by `(user, host)` without allocating (hash lookups on
/// the row strings: 10k accounts share long name prefixes, which makes ordered-map
/// comparisons the dominant cost).
struct Drafts<'r> {
    list: Vec<(AccountKey, Draft)>,
    index: HashMap<(&'r str, &'r str), usize>,
}

impl<'r> Drafts<'r> {
    fn with_capacity(n: usize) -> Self {
        Drafts {
            list: Vec::with_capacity(n),
            index: HashMap::with_capacity(n),
        }
    }

    fn push(&mut self, user: &'r str, host: &'r str, draft: Draft) {
        self.index.insert((user, host), self.list.len());
        self.list.push((AccountKey::mysql(user, host), draft));
    }

    fn get_mut(&mut self, user: &str, host: &str) -> Option<&mut Draft> {
        let i = *self.index.get(&(user, host))?;
        Some(&mut self.list[i].1)
    }
}

/// Normalises the rows of one server into accounts.
pub fn normalise(rows: &CatalogRows) -> Normalised {
    let mut warnings = Vec::new();
    let mut drafts = Drafts::with_capacity(rows.accounts.len());
    match &rows.accounts {
        AccountRows::MariaDb(list) => {
            for r in list {
                drafts.push(&r.user, &r.host, mariadb_draft(r, &rows.server, &mut warnings));
            }
        }
        AccountRows::MySql(list) => {
            for r in list {
                drafts.push(&r.user, &r.host, mysql_draft(r, &mut warnings));
            }
        }
    }
    let mut orphans = Orphans::default();

    // Memberships.
    let mut granted: HashSet<(&str, &str)> = HashSet::new();
    for e in &rows.role_edges {
        granted.insert((&e.role_user, &e.role_host));
        match drafts.get_mut(&e.member_user, &e.member_host) {
            Some(d) => {
                let mut m = Membership::new(AccountKey::mysql(&e.role_user, &e.role_host));
                m.admin = e.admin;
                m.default_role = Some(false);
                d.snapshot.memberships.insert(m);
            }
            None => orphans.note("role grants"),
        }
    }
    for r in &rows.default_roles {
        match drafts.get_mut(&r.user, &r.host) {
            Some(d) => d
                .default_roles
                .push(AccountKey::mysql(&r.role_user, &r.role_host)),
            None => orphans.note("mysql.default_roles"),
        }
    }
    for (_, d) in drafts
        .list
        .iter_mut()
        .filter(|(_, d)| !d.default_roles.is_empty())
    {
        let mut ungranted = Vec::new();
        for role in std::mem::take(&mut d.default_roles) {
            let edge = d.snapshot.memberships.iter().find(|m| m.role == role).cloned();
            match edge {
                Some(mut m) => {
                    d.snapshot.memberships.remove(&m);
                    m.default_role = Some(true);
                    d.snapshot.memberships.insert(m);
                }
                None => ungranted.push(role.to_string()),
            }
        }
        if !ungranted.is_empty() {
            ungranted.sort();
            d.attr(attrs::UNGRANTED_DEFAULT_ROLES, AttrValue::List(ungranted));
        }
    }
    let mandatory = match rows.mandatory_roles.as_deref().filter(|v| !v.trim().is_empty()) {
        None => Vec::new(),
        Some(value) => parse_mandatory_roles(value).unwrap_or_else(|e| {
            warnings.push(format!("mandatory_roles cannot be parsed: {e}"));
            Vec::new()
        }),
    };
    if !mandatory.is_empty() {
        let shown: Vec<String> = mandatory
            .iter()
            .map(|(u, h)| AccountKey::mysql(u, h).to_string())
            .collect();
        warnings.push(format!(
            "mandatory_roles is set: every account implicitly holds {} (recorded on the roles as {})",
            shown.join(", "),
            attrs::MANDATORY_ROLE
        ));
    }
    for (u, h) in &mandatory {
        match drafts.get_mut(u, h) {
            Some(d) => {
                d.attr(attrs::MANDATORY_ROLE, AttrValue::Bool(true));
                granted.insert((u, h));
            }
            None => warnings.push(format!(
                "mandatory role {} does not exist",
                AccountKey::mysql(u, h)
            )),
        }
    }

    // Privileges of the other scopes.
    for r in &rows.db_privileges {
        let Some(d) = drafts.get_mut(&r.user, &r.host) else {
            orphans.note("mysql.db");
            continue;
        };
        let (names, grant) = privileges_of_columns(&r.privilege_columns);
        push_scope(
            &mut d.snapshot.privileges,
            PrivilegeScope::Database,
            std::slice::from_ref(&r.db),
            &names,
            grant,
            is_db_pattern(&r.db),
            false,
        );
    }
    // (user, host, db, table)
    type TableKey<'a> = (&'a str, &'a str, &'a str, &'a str);
    let table_grant: HashMap<TableKey, bool> = rows
        .table_privileges
        .iter()
        .map(|r| {
            (
                (r.user.as_str(), r.host.as_str(), r.db.as_str(), r.table.as_str()),
                privileges_of_set(&r.table_priv).1,
            )
        })
        .collect();
    let mut tables_with_columns: HashSet<TableKey> = HashSet::new();
    for r in &rows.column_privileges {
        let Some(d) = drafts.get_mut(&r.user, &r.host) else {
            orphans.note("mysql.columns_priv");
            continue;
        };
        let tkey = (r.user.as_str(), r.host.as_str(), r.db.as_str(), r.table.as_str());
        let grant = table_grant.get(&tkey).copied().unwrap_or(false);
        let (names, _) = privileges_of_set(&r.column_priv);
        let object = [r.db.clone(), r.table.clone(), r.column.clone()];
        push_scope(
            &mut d.snapshot.privileges,
            PrivilegeScope::Column,
            &object,
            &names,
            grant,
            false,
            true,
        );
        if !names.is_empty() {
            tables_with_columns.insert(tkey);
        }
    }
    for r in &rows.table_privileges {
        let Some(d) = drafts.get_mut(&r.user, &r.host) else {
            orphans.note("mysql.tables_priv");
            continue;
        };
        let tkey = (r.user.as_str(), r.host.as_str(), r.db.as_str(), r.table.as_str());
        let (names, grant) = privileges_of_set(&r.table_priv);
        push_scope(
            &mut d.snapshot.privileges,
            PrivilegeScope::Table,
            &[r.db.clone(), r.table.clone()],
            &names,
            grant,
            false,
            tables_with_columns.contains(&tkey),
        );
    }
    for r in &rows.routine_privileges {
        let Some(d) = drafts.get_mut(&r.user, &r.host) else {
            orphans.note("mysql.procs_priv");
            continue;
        };
        let (names, grant) = privileges_of_set(&r.proc_priv);
        push_scope(
            &mut d.snapshot.privileges,
            PrivilegeScope::Routine,
            &[r.db.clone(), r.routine_type.clone(), r.routine.clone()],
            &names,
            grant,
            false,
            false,
        );
    }
    for r in &rows.proxy_privileges {
        let Some(d) = drafts.get_mut(&r.user, &r.host) else {
            orphans.note("mysql.proxies_priv");
            continue;
        };
        d.snapshot.privileges.insert(
            PrivilegeFact::new(
                PrivilegeScope::Proxy,
                vec![r.proxied_user.clone(), r.proxied_host.clone()],
                "PROXY",
            )
            .grantable(r.with_grant),
        );
    }
    for r in &rows.global_grants {
        let Some(d) = drafts.get_mut(&r.user, &r.host) else {
            orphans.note("mysql.global_grants");
            continue;
        };
        d.snapshot.privileges.insert(
            PrivilegeFact::new(PrivilegeScope::Global, vec![], r.privilege.to_ascii_uppercase())
                .grantable(r.grantable),
        );
    }
    for (table, n) in &orphans.0 {
        warnings.push(format!(
            "{table}: {n} row(s) name accounts that do not exist; ignored"
        ));
    }

    // Kinds and derived attributes.
    let is_mysql = rows.server.flavor == super::ServerFlavor::MySql;
    let accounts: AccountSet = drafts
        .list
        .into_iter()
        .map(|(key, mut d)| {
            let is_granted = granted.contains(&(key.name(), key.host().unwrap_or_default()));
            // MySQL has no role flag: a granted account that cannot log in (locked, no
            // password) is a role.
            let mysql_role = is_mysql && d.locked && !d.has_password;
            let kind = if d.public {
                AccountKind::Public
            } else if d.is_role || (is_granted && mysql_role) {
                AccountKind::Role
            } else if is_granted {
                AccountKind::Both
            } else {
                AccountKind::User
            };
            d.snapshot.kind = kind;
            d.snapshot.system = is_mysql_system_account(&key);
            let can_login = matches!(kind, AccountKind::User | AccountKind::Both);
            d.attr(attr::CAN_LOGIN, AttrValue::Bool(can_login));
            d.attr(attr::SUPERUSER, AttrValue::Bool(d.superuser));
            (key, d.into_snapshot())
        })
        .collect();
    Normalised { accounts, warnings }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_respect_escapes() {
        assert!(is_db_pattern("app_db"));
        assert!(is_db_pattern("app\\_%"));
        assert!(!is_db_pattern("app\\_db"));
        assert!(!is_db_pattern("appdb"));
        assert!(is_db_pattern("a%"));
    }

    #[test]
    fn fingerprint_depends_on_order_and_bytes() {
        let a = auth_fingerprint([("unix_socket", &b""[..]), ("mysql_native_password", b"*AB")]);
        let b = auth_fingerprint([("mysql_native_password", &b"*AB"[..]), ("unix_socket", b"")]);
        let c = auth_fingerprint([("unix_socket", &b""[..]), ("mysql_native_password", b"*AC")]);
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.len(), 16);
        // Binary bytes (caching_sha2_password) are fine.
        let bin = auth_fingerprint([("caching_sha2_password", &[0x24u8, 0x41, 0x00, 0xff, 0xfe][..])]);
        assert_eq!(bin.len(), 16);
    }
}
