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
use std::collections::{BTreeMap, BTreeSet};
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
        }
    }

    fn attr(&mut self, name: &str, value: AttrValue) {
        self.snapshot.attributes.insert(name.to_owned(), value);
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

fn int_or(obj: &Map<String, Value>, key: &str, default: i64) -> i64 {
    obj.get(key).and_then(Value::as_i64).unwrap_or(default)
}

fn str_or<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    obj.get(key).and_then(Value::as_str)
}

fn time_attr(unix: i64) -> AttrValue {
    match DateTime::from_timestamp(unix, 0) {
        Some(t) if unix > 0 => AttrValue::Time(t),
        _ => AttrValue::Null,
    }
}

fn mariadb_draft(row: &GlobalPrivRow, server: &ServerInfo, warnings: &mut Vec<String>) -> Draft {
    let key = AccountKey::mysql(&row.user, &row.host);
    let mut d = Draft::new();
    let parsed: Value = match serde_json::from_str(row.priv_json.expose_secret()) {
        Ok(v) => v,
        Err(e) => {
            warnings.push(format!(
                "mysql.global_priv: Priv of {key} is not valid JSON ({e}); read as empty"
            ));
            Value::Object(Map::new())
        }
    };
    let empty = Map::new();
    let obj = parsed.as_object().unwrap_or(&empty);

    d.is_role = obj.get("is_role") == Some(&Value::Bool(true));
    d.public = d.is_role && row.host.is_empty() && row.user == "PUBLIC" && server.at_least(10, 11, 0);

    let access = obj.get("access").and_then(Value::as_u64).unwrap_or(0);
    let version_id = obj.get("version_id").and_then(Value::as_u64).unwrap_or(0);
    let effective = mariadb_effective_access(access, version_id, server).unwrap_or_else(|why| {
        warnings.push(format!(
            "mysql.global_priv: global privileges of {key} are ignored by the server: {why}"
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

    if let Some(role) = str_or(obj, "default_role").filter(|r| !r.is_empty()) {
        d.default_roles.push(AccountKey::mysql(role, ""));
    }
    if d.is_role {
        scrub(parsed);
        return d;
    }

    // Authentication methods, in order (the server's `get_auth`): `auth_or` lists them;
    // an entry without `plugin` stands for the top-level plugin/authentication_string.
    let top = match (str_or(obj, "plugin"), str_or(obj, "authentication_string")) {
        (Some(p), Some(a)) => Some((if p.is_empty() { "mysql_native_password" } else { p }, a)),
        _ => None,
    };
    let methods: Vec<(&str, &str)> = match obj.get("auth_or").and_then(Value::as_array) {
        None => top.into_iter().collect(),
        Some(list) => list
            .iter()
            .filter_map(|m| match m.get("plugin").and_then(Value::as_str) {
                Some(p) => Some((
                    p,
                    m.get("authentication_string")
                        .and_then(Value::as_str)
                        .unwrap_or(""),
                )),
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

    d.locked = obj.get("account_locked") == Some(&Value::Bool(true));
    let last_changed = int_or(obj, "password_last_changed", -1);
    d.attr(attr::LOCKED, AttrValue::Bool(d.locked));
    d.attr(attr::PASSWORD_EXPIRED, AttrValue::Bool(last_changed == 0));
    d.attr(attrs::PASSWORD_LAST_CHANGED, time_attr(last_changed));
    d.attr(
        attr::PASSWORD_LIFETIME,
        match int_or(obj, "password_lifetime", -1) {
            n if n < 0 => AttrValue::Null,
            n => AttrValue::Int(n),
        },
    );
    d.attr(
        attr::CONNECTION_LIMIT,
        AttrValue::Int(int_or(obj, "max_user_connections", 0)),
    );
    d.attr(
        attrs::MAX_QUESTIONS,
        AttrValue::Int(int_or(obj, "max_questions", 0)),
    );
    d.attr(attrs::MAX_UPDATES, AttrValue::Int(int_or(obj, "max_updates", 0)));
    d.attr(
        attrs::MAX_CONNECTIONS,
        AttrValue::Int(int_or(obj, "max_connections", 0)),
    );
    let statement_time = obj
        .get("max_statement_time")
        .and_then(Value::as_f64)
        .unwrap_or(0.0);
    d.attr(
        attrs::MAX_STATEMENT_TIME,
        AttrValue::Text(format!("{statement_time:.6}")),
    );
    let ssl_type = match int_or(obj, "ssl_type", 0) {
        1 => "ANY",
        2 => "X509",
        3 => "SPECIFIED",
        _ => "",
    };
    d.attr(attrs::SSL_TYPE, AttrValue::Text(ssl_type.to_owned()));
    for (name, json_key) in [
        (attrs::SSL_CIPHER, "ssl_cipher"),
        (attrs::X509_ISSUER, "x509_issuer"),
        (attrs::X509_SUBJECT, "x509_subject"),
    ] {
        d.attr(
            name,
            AttrValue::Text(str_or(obj, json_key).unwrap_or("").to_owned()),
        );
    }
    scrub(parsed);
    d
}

/// Zeroes every `authentication_string` of a parsed `Priv` document before it is freed.
fn scrub(mut value: Value) {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for (k, v) in m.iter_mut() {
                    match v {
                        Value::String(s) if k == "authentication_string" => s.zeroize(),
                        other => walk(other),
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut value);
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
    d.attr(attrs::PASSWORD_HISTORY, opt_int_attr(row.password_reuse_history));
    d.attr(attrs::PASSWORD_REUSE_TIME, opt_int_attr(row.password_reuse_time));
    d.attr(
        attrs::PASSWORD_REQUIRE_CURRENT,
        row.password_require_current
            .map_or(AttrValue::Null, AttrValue::Bool),
    );
    d.attr(attr::CONNECTION_LIMIT, AttrValue::Int(row.max_user_connections));
    d.attr(attrs::MAX_QUESTIONS, AttrValue::Int(row.max_questions));
    d.attr(attrs::MAX_UPDATES, AttrValue::Int(row.max_updates));
    d.attr(attrs::MAX_CONNECTIONS, AttrValue::Int(row.max_connections));
    d.attr(attrs::SSL_TYPE, AttrValue::Text(row.ssl_type.clone()));
    d.attr(attrs::SSL_CIPHER, AttrValue::Text(row.ssl_cipher.clone()));
    d.attr(attrs::X509_ISSUER, AttrValue::Text(row.x509_issuer.clone()));
    d.attr(attrs::X509_SUBJECT, AttrValue::Text(row.x509_subject.clone()));

    let locking = attributes.get("Password_locking").and_then(Value::as_object);
    let locking_int = |k: &str| {
        locking
            .and_then(|m| m.get(k))
            .and_then(Value::as_i64)
            .unwrap_or(0)
    };
    d.attr(
        attrs::FAILED_LOGIN_ATTEMPTS,
        AttrValue::Int(locking_int("failed_login_attempts")),
    );
    d.attr(
        attrs::PASSWORD_LOCK_TIME,
        AttrValue::Int(locking_int("password_lock_time_days")),
    );
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

/// Normalises the rows of one server into accounts.
pub fn normalise(rows: &CatalogRows) -> Normalised {
    let mut warnings = Vec::new();
    let mut drafts: BTreeMap<AccountKey, Draft> = BTreeMap::new();
    match &rows.accounts {
        AccountRows::MariaDb(list) => {
            for r in list {
                drafts.insert(
                    AccountKey::mysql(&r.user, &r.host),
                    mariadb_draft(r, &rows.server, &mut warnings),
                );
            }
        }
        AccountRows::MySql(list) => {
            for r in list {
                drafts.insert(AccountKey::mysql(&r.user, &r.host), mysql_draft(r, &mut warnings));
            }
        }
    }
    let mut orphans = Orphans::default();

    // Memberships.
    let mut granted: BTreeSet<AccountKey> = BTreeSet::new();
    for e in &rows.role_edges {
        let role = AccountKey::mysql(&e.role_user, &e.role_host);
        granted.insert(role.clone());
        match drafts.get_mut(&AccountKey::mysql(&e.member_user, &e.member_host)) {
            Some(d) => {
                let mut m = Membership::new(role);
                m.admin = e.admin;
                m.default_role = Some(false);
                d.snapshot.memberships.insert(m);
            }
            None => orphans.note("role grants"),
        }
    }
    for r in &rows.default_roles {
        match drafts.get_mut(&AccountKey::mysql(&r.user, &r.host)) {
            Some(d) => d
                .default_roles
                .push(AccountKey::mysql(&r.role_user, &r.role_host)),
            None => orphans.note("mysql.default_roles"),
        }
    }
    for d in drafts.values_mut() {
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
    if let Some(value) = rows.mandatory_roles.as_deref().filter(|v| !v.trim().is_empty()) {
        match parse_mandatory_roles(value) {
            Ok(list) => {
                let shown: Vec<String> = list
                    .iter()
                    .map(|(u, h)| AccountKey::mysql(u, h).to_string())
                    .collect();
                warnings.push(format!(
                    "mandatory_roles is set: every account implicitly holds {} (recorded on the roles as {})",
                    shown.join(", "),
                    attrs::MANDATORY_ROLE
                ));
                for (u, h) in list {
                    let key = AccountKey::mysql(&u, &h);
                    match drafts.get_mut(&key) {
                        Some(d) => {
                            d.attr(attrs::MANDATORY_ROLE, AttrValue::Bool(true));
                            granted.insert(key);
                        }
                        None => warnings.push(format!("mandatory role {key} does not exist")),
                    }
                }
            }
            Err(e) => warnings.push(format!("mandatory_roles cannot be parsed: {e}")),
        }
    }

    // Privileges of the other scopes.
    for r in &rows.db_privileges {
        let Some(d) = drafts.get_mut(&AccountKey::mysql(&r.user, &r.host)) else {
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
    type TableKey = (AccountKey, String, String);
    let mut table_grant: BTreeMap<TableKey, bool> = BTreeMap::new();
    let mut tables_with_columns: BTreeSet<TableKey> = BTreeSet::new();
    for r in &rows.table_privileges {
        let (_, grant) = privileges_of_set(&r.table_priv);
        table_grant.insert(
            (AccountKey::mysql(&r.user, &r.host), r.db.clone(), r.table.clone()),
            grant,
        );
    }
    for r in &rows.column_privileges {
        let key = AccountKey::mysql(&r.user, &r.host);
        let tkey = (key.clone(), r.db.clone(), r.table.clone());
        let Some(d) = drafts.get_mut(&key) else {
            orphans.note("mysql.columns_priv");
            continue;
        };
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
        let key = AccountKey::mysql(&r.user, &r.host);
        let tkey = (key.clone(), r.db.clone(), r.table.clone());
        let Some(d) = drafts.get_mut(&key) else {
            orphans.note("mysql.tables_priv");
            continue;
        };
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
        let Some(d) = drafts.get_mut(&AccountKey::mysql(&r.user, &r.host)) else {
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
        let Some(d) = drafts.get_mut(&AccountKey::mysql(&r.user, &r.host)) else {
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
        let Some(d) = drafts.get_mut(&AccountKey::mysql(&r.user, &r.host)) else {
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
    let mut accounts = AccountSet::new();
    for (key, mut d) in drafts {
        let is_granted = granted.contains(&key);
        // MySQL has no role flag: a granted account that cannot log in (locked, no
        // password) is a role.
        let mysql_role = rows.server.flavor == super::ServerFlavor::MySql && d.locked && !d.has_password;
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
        accounts.insert(key, d.snapshot);
    }
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
