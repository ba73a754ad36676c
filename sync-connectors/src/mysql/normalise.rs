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
use super::global_priv::{self as gp, PrivDoc};
use super::mandatory::parse_mandatory_roles;
use super::privileges::{
    PrivilegeName, mariadb_bit_names, mariadb_effective_access, privilege_of_column, privileges_of_set,
};
use super::rows::{AccountRows, CatalogRows, GlobalPrivRow, MysqlUserRow};
use super::server::ServerInfo;
use chrono::DateTime;
use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretSlice};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use sync_core::account::{
    AccountKey, AccountKind, AccountSet, AccountSnapshot, AttrValue, Membership, PrivilegeFact,
    PrivilegeScope, attr, credential_fingerprint, is_mysql_system_account,
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

/// One account while it is being assembled.
struct Draft {
    snapshot: AccountSnapshot,
    /// MariaDB `is_role`.
    is_role: bool,
    /// MariaDB 10.11 `PUBLIC` pseudo-grantee.
    public: bool,
    locked: bool,
    has_password: bool,
    superuser: bool,
    default_roles: Vec<AccountKey>,
    /// Attributes, collected unsorted and turned into the snapshot's map at the end (a
    /// bulk build from a sorted list; the last value of a name wins).
    attributes: Vec<(&'static str, AttrValue)>,
}

impl Draft {
    fn new() -> Self {
        Draft {
            snapshot: AccountSnapshot::new(AccountKind::User),
            is_role: false,
            public: false,
            locked: false,
            has_password: false,
            superuser: false,
            default_roles: Vec::new(),
            attributes: Vec::with_capacity(24),
        }
    }

    fn attr(&mut self, name: &'static str, value: AttrValue) {
        self.attributes.push((name, value));
    }

    /// A server-specific limit: recorded only when set (0 is the server default).
    fn limit(&mut self, name: &'static str, value: i64) {
        if value != 0 {
            self.attr(name, AttrValue::Int(value));
        }
    }

    /// A server-specific requirement: recorded only when set (empty is the default).
    fn requirement(&mut self, name: &'static str, value: &str) {
        if !value.is_empty() {
            self.attr(name, AttrValue::Text(value.to_owned()));
        }
    }

    /// The finished snapshot.
    fn into_snapshot(self) -> AccountSnapshot {
        let mut snapshot = self.snapshot;
        let mut attributes = self.attributes;
        attributes.sort_by_key(|(name, _)| *name);
        snapshot.attributes = attributes.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        snapshot
    }
}

/// Adds the facts of one scope: `names` with `grantable = grant`; a lone grant option
/// becomes a `GRANT OPTION` fact.
fn push_scope<S: AsRef<str>>(
    facts: &mut BTreeSet<PrivilegeFact>,
    scope: PrivilegeScope,
    object: &[String],
    names: &[S],
    grant: bool,
    pattern: bool,
    covered_elsewhere: bool,
) {
    for name in names {
        facts.insert(
            PrivilegeFact::new(scope, object.to_vec(), name.as_ref())
                .grantable(grant)
                .pattern(pattern),
        );
    }
    if grant && names.is_empty() && !covered_elsewhere {
        facts.insert(
            PrivilegeFact::new(scope, object.to_vec(), "GRANT OPTION")
                .grantable(true)
                .pattern(pattern),
        );
    }
}

/// Splits `*_priv` column names into privileges and the grant option.
fn privileges_of_columns(columns: &[String]) -> (Vec<String>, bool) {
    let mut grant = false;
    let mut names = Vec::new();
    for c in columns {
        match privilege_of_column(c) {
            Some(PrivilegeName::GrantOption) => grant = true,
            Some(PrivilegeName::Privilege(p)) => names.push(p),
            None => {}
        }
    }
    (names, grant)
}

fn time_attr(unix: i64) -> AttrValue {
    match DateTime::from_timestamp(unix, 0) {
        Some(t) if unix > 0 => AttrValue::Time(t),
        _ => AttrValue::Null,
    }
}

fn mariadb_draft(row: &GlobalPrivRow, server: &ServerInfo, warnings: &mut Vec<String>) -> Draft {
    let mut d = Draft::new();
    let mut doc: PrivDoc = serde_json::from_str(row.priv_json.expose_secret()).unwrap_or_else(|e| {
        warnings.push(format!(
            "mysql.global_priv: Priv of {} is not valid JSON ({e}); read as empty",
            AccountKey::mysql(&row.user, &row.host)
        ));
        PrivDoc::default()
    });

    d.is_role = gp::is_true(&doc.is_role);
    d.public = d.is_role && row.host.is_empty() && row.user == "PUBLIC" && server.at_least(10, 11, 0);

    let (access, version_id) = (gp::uint(&doc.access), gp::uint(&doc.version_id));
    let effective = mariadb_effective_access(access, version_id, server).unwrap_or_else(|why| {
        warnings.push(format!(
            "mysql.global_priv: global privileges of {} are ignored by the server: {why}",
            AccountKey::mysql(&row.user, &row.host)
        ));
        0
    });
    let (names, grant) = mariadb_bit_names(effective);
    d.superuser = names.contains(&"SUPER");
    push_scope(
        &mut d.snapshot.privileges,
        PrivilegeScope::Global,
        &[],
        &names,
        grant,
        false,
        false,
    );

    if let Some(role) = gp::string(&doc.default_role).filter(|r| !r.is_empty()) {
        d.default_roles.push(AccountKey::mysql(role, ""));
    }
    if d.is_role {
        scrub(&mut doc);
        return d;
    }

    // Authentication methods, in order (the server's `get_auth`): `auth_or` lists them;
    // an entry without `plugin` stands for the top-level plugin/authentication_string.
    let top = match (gp::string(&doc.plugin), gp::string(&doc.authentication_string)) {
        (Some(p), Some(a)) => Some((if p.is_empty() { "mysql_native_password" } else { p }, a)),
        _ => None,
    };
    let methods: Vec<(&str, &str)> = match &doc.auth_or.0 {
        None => top.into_iter().collect(),
        Some(list) => list
            .iter()
            .filter_map(|m| match gp::string(&m.plugin) {
                Some(p) => Some((p, gp::string(&m.authentication_string).unwrap_or(""))),
                None => top,
            })
            .collect(),
    };
    d.has_password = methods.iter().any(|(_, a)| !a.is_empty());
    d.attr(
        attr::AUTH_METHODS,
        AttrValue::List(methods.iter().map(|(p, _)| (*p).to_owned()).collect()),
    );
    d.attr(
        attr::CREDENTIAL_FINGERPRINT,
        AttrValue::Text(auth_fingerprint(methods.iter().map(|(p, a)| (*p, a.as_bytes())))),
    );
    drop(methods);

    d.locked = gp::is_true(&doc.account_locked);
    let last_changed = gp::int(&doc.password_last_changed, -1);
    d.attr(attr::LOCKED, AttrValue::Bool(d.locked));
    d.attr(attr::PASSWORD_EXPIRED, AttrValue::Bool(last_changed == 0));
    d.attr(attrs::PASSWORD_LAST_CHANGED, time_attr(last_changed));
    d.attr(
        attr::PASSWORD_LIFETIME,
        match gp::int(&doc.password_lifetime, -1) {
            n if n < 0 => AttrValue::Null,
            n => AttrValue::Int(n),
        },
    );
    d.attr(
        attr::CONNECTION_LIMIT,
        AttrValue::Int(gp::int(&doc.max_user_connections, 0)),
    );
    d.limit(attrs::MAX_QUESTIONS, gp::int(&doc.max_questions, 0));
    d.limit(attrs::MAX_UPDATES, gp::int(&doc.max_updates, 0));
    d.limit(attrs::MAX_CONNECTIONS, gp::int(&doc.max_connections, 0));
    let statement_time = gp::float(&doc.max_statement_time);
    if statement_time != 0.0 {
        d.attr(
            attrs::MAX_STATEMENT_TIME,
            AttrValue::Text(format!("{statement_time:.6}")),
        );
    }
    let ssl_type = match gp::int(&doc.ssl_type, 0) {
        1 => "ANY",
        2 => "X509",
        3 => "SPECIFIED",
        _ => "",
    };
    d.requirement(attrs::SSL_TYPE, ssl_type);
    d.requirement(attrs::SSL_CIPHER, gp::string(&doc.ssl_cipher).unwrap_or(""));
    d.requirement(attrs::X509_ISSUER, gp::string(&doc.x509_issuer).unwrap_or(""));
    d.requirement(attrs::X509_SUBJECT, gp::string(&doc.x509_subject).unwrap_or(""));
    scrub(&mut doc);
    d
}

/// Zeroes the credential strings the parser had to copy (those with JSON escapes; the
/// others borrow from the row's secret buffer, which zeroes itself).
fn scrub(doc: &mut PrivDoc<'_>) {
    fn zero(v: &mut Option<gp::Scalar<'_>>) {
        if let Some(gp::Scalar::Str(Cow::Owned(s))) = v {
            s.zeroize();
        }
    }
    zero(&mut doc.authentication_string);
    for entry in doc.auth_or.0.iter_mut().flatten() {
        zero(&mut entry.authentication_string);
    }
}

fn opt_int_attr(v: Option<i64>) -> AttrValue {
    v.map_or(AttrValue::Null, AttrValue::Int)
}

fn mysql_draft(row: &MysqlUserRow, warnings: &mut Vec<String>) -> Draft {
    let key = AccountKey::mysql(&row.user, &row.host);
    let mut d = Draft::new();
    let (names, grant) = privileges_of_columns(&row.privilege_columns);
    d.superuser = names.iter().any(|n| n == "SUPER");
    push_scope(
        &mut d.snapshot.privileges,
        PrivilegeScope::Global,
        &[],
        &names,
        grant,
        false,
        false,
    );

    let attributes: Map<String, Value> = match &row.user_attributes {
        None => Map::new(),
        Some(json) => match serde_json::from_str::<Value>(json.expose_secret()) {
            Ok(Value::Object(m)) => m,
            Ok(Value::Null) => Map::new(),
            Ok(_) | Err(_) => {
                warnings.push(format!(
                    "mysql.user: User_attributes of {key} is not a JSON object; ignored"
                ));
                Map::new()
            }
        },
    };

    // Authentication: the plugin, then any further factors (8.0.27+ multi-factor).
    let mut methods: Vec<(String, SecretSlice<u8>)> = vec![(
        row.plugin.clone(),
        SecretSlice::from(row.authentication_string.expose_secret().to_vec()),
    )];
    if let Some(factors) = attributes
        .get("multi_factor_authentication")
        .and_then(Value::as_array)
    {
        for f in factors {
            let plugin = f.get("plugin").and_then(Value::as_str).unwrap_or("").to_owned();
            let auth = f
                .get("authentication_string")
                .and_then(Value::as_str)
                .unwrap_or("");
            methods.push((plugin, SecretSlice::from(auth.as_bytes().to_vec())));
        }
    }
    d.has_password = !row.authentication_string.expose_secret().is_empty();
    d.attr(
        attr::AUTH_METHODS,
        AttrValue::List(methods.iter().map(|(p, _)| p.clone()).collect()),
    );
    d.attr(
        attr::CREDENTIAL_FINGERPRINT,
        AttrValue::Text(auth_fingerprint(
            methods.iter().map(|(p, a)| (p.as_str(), a.expose_secret())),
        )),
    );
    drop(methods);

    d.locked = row.account_locked;
    d.attr(attr::LOCKED, AttrValue::Bool(row.account_locked));
    d.attr(attr::PASSWORD_EXPIRED, AttrValue::Bool(row.password_expired));
    d.attr(
        attrs::PASSWORD_LAST_CHANGED,
        row.password_last_changed.map_or(AttrValue::Null, AttrValue::Time),
    );
    d.attr(attr::PASSWORD_LIFETIME, opt_int_attr(row.password_lifetime));
    if let Some(n) = row.password_reuse_history {
        d.attr(attrs::PASSWORD_HISTORY, AttrValue::Int(n));
    }
    if let Some(n) = row.password_reuse_time {
        d.attr(attrs::PASSWORD_REUSE_TIME, AttrValue::Int(n));
    }
    if let Some(b) = row.password_require_current {
        d.attr(attrs::PASSWORD_REQUIRE_CURRENT, AttrValue::Bool(b));
    }
    d.attr(attr::CONNECTION_LIMIT, AttrValue::Int(row.max_user_connections));
    d.limit(attrs::MAX_QUESTIONS, row.max_questions);
    d.limit(attrs::MAX_UPDATES, row.max_updates);
    d.limit(attrs::MAX_CONNECTIONS, row.max_connections);
    d.requirement(attrs::SSL_TYPE, &row.ssl_type);
    d.requirement(attrs::SSL_CIPHER, &row.ssl_cipher);
    d.requirement(attrs::X509_ISSUER, &row.x509_issuer);
    d.requirement(attrs::X509_SUBJECT, &row.x509_subject);

    let locking = attributes.get("Password_locking").and_then(Value::as_object);
    let locking_int = |k: &str| {
        locking
            .and_then(|m| m.get(k))
            .and_then(Value::as_i64)
            .unwrap_or(0)
    };
    d.limit(attrs::FAILED_LOGIN_ATTEMPTS, locking_int("failed_login_attempts"));
    d.limit(attrs::PASSWORD_LOCK_TIME, locking_int("password_lock_time_days"));
    if let Some(meta) = attributes.get("metadata") {
        d.attr(attrs::METADATA, AttrValue::Text(meta.to_string()));
    }

    // Partial revokes (partial_revokes=ON): privileges removed on one database.
    if let Some(list) = attributes.get("Restrictions").and_then(Value::as_array) {
        for r in list {
            let db = r.get("Database").and_then(Value::as_str).unwrap_or("");
            for p in r
                .get("Privileges")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(p) = p.as_str() {
                    d.snapshot.privileges.insert(PrivilegeFact::new(
                        PrivilegeScope::Restriction,
                        vec![db.to_owned()],
                        p.to_ascii_uppercase(),
                    ));
                }
            }
        }
    }
    d
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
