//! The normalised snapshot of one account: attributes, privilege facts, memberships.
//!
//! Everything is kept in ordered collections so that two reads of an unchanged server give
//! equal snapshots (and equal JSON). Connectors fill it; the diff compares it.

use super::key::AccountKey;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// What an account is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountKind {
    /// A login account.
    User,
    /// A role (granted to others, not used to log in).
    Role,
    /// A user account that is also granted to other accounts.
    Both,
    /// A pseudo-grantee such as `PUBLIC`: holds facts, is neither user nor role.
    Public,
}

impl fmt::Display for AccountKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AccountKind::User => "user",
            AccountKind::Role => "role",
            AccountKind::Both => "both",
            AccountKind::Public => "public",
        })
    }
}

/// A typed attribute value. `Null`, `Int(0)` and `Text("never")` are different values
/// (e.g. a password lifetime that follows the server default, never expires, or is 0 days).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum AttrValue {
    /// SQL NULL / not set.
    Null,
    /// A flag.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string (also `infinity`, `-infinity`).
    Text(String),
    /// An ordered list (e.g. the auth methods of a MariaDB account, in order).
    List(Vec<String>),
    /// A point in time, in UTC.
    Time(DateTime<Utc>),
}

impl fmt::Display for AttrValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttrValue::Null => f.write_str("NULL"),
            AttrValue::Bool(b) => write!(f, "{b}"),
            AttrValue::Int(i) => write!(f, "{i}"),
            AttrValue::Text(s) => write!(f, "{s}"),
            AttrValue::List(l) => write!(f, "[{}]", l.join(", ")),
            AttrValue::Time(t) => write!(f, "{}", t.to_rfc3339()),
        }
    }
}

/// Well-known attribute names. Connectors may add others (prefix them with the server
/// family, e.g. `pg.rolreplication`, `mysql.max_connections`).
pub mod attr {
    /// Bool: the account can log in.
    pub const CAN_LOGIN: &str = "can_login";
    /// Bool: superuser (PostgreSQL `rolsuper`; MySQL: has `SUPER` or `ALL` globally).
    pub const SUPERUSER: &str = "superuser";
    /// Bool: the account is locked.
    pub const LOCKED: &str = "locked";
    /// Bool: the password is marked expired.
    pub const PASSWORD_EXPIRED: &str = "password_expired";
    /// Null (server default) / Int(0) (never) / Int(days).
    pub const PASSWORD_LIFETIME: &str = "password_lifetime";
    /// List: auth plugins / methods in order.
    pub const AUTH_METHODS: &str = "auth_methods";
    /// Int: connection limit (-1 unlimited on PostgreSQL).
    pub const CONNECTION_LIMIT: &str = "connection_limit";
    /// Null / Text("infinity") / Text("-infinity") / Time.
    pub const VALID_UNTIL: &str = "valid_until";
    /// Text: a keyed fingerprint of the stored credential; `Null` when unknown.
    pub const CREDENTIAL_FINGERPRINT: &str = "credential_fingerprint";
}

/// Where a privilege applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrivilegeScope {
    /// Server-wide (`*.*`).
    Global,
    /// A database (`db.*`; PostgreSQL CONNECT/CREATE/TEMPORARY). Object: `[db]`.
    Database,
    /// A PostgreSQL schema. Object: `[db, schema]`.
    Schema,
    /// A table. Object: `[db, table]` (PostgreSQL `[db, schema, table]`).
    Table,
    /// A column. Object: `[db, table, column]`.
    Column,
    /// A stored routine. Object: `[db, routine_type, name]` (type is part of the key).
    Routine,
    /// MySQL `PROXY ON user@host`. Object: `[user, host]`.
    Proxy,
    /// PostgreSQL default privileges. Object: `[db, owner, schema or "", object type]`.
    Default,
    /// MySQL 8 partial revoke: the privilege is *removed* on this database. Object: `[db]`.
    Restriction,
}

impl fmt::Display for PrivilegeScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = serde_json::to_value(self).ok();
        f.write_str(s.as_ref().and_then(|v| v.as_str()).unwrap_or("?"))
    }
}

/// One privilege held by an account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PrivilegeFact {
    /// Where it applies.
    pub scope: PrivilegeScope,
    /// The object path for the scope (exact names, as stored; see [`PrivilegeScope`]).
    pub object: Vec<String>,
    /// The privilege, upper case (`SELECT`, `CONNECT`, `SLAVE MONITOR`, `EXECUTE`...).
    pub privilege: String,
    /// WITH GRANT OPTION.
    pub grantable: bool,
    /// The object name is a wildcard pattern (MySQL database names with `%` or `_`).
    pub pattern: bool,
}

impl PrivilegeFact {
    /// A fact without grant option on a non-pattern object.
    pub fn new(scope: PrivilegeScope, object: Vec<String>, privilege: impl Into<String>) -> Self {
        PrivilegeFact {
            scope,
            object,
            privilege: privilege.into(),
            grantable: false,
            pattern: false,
        }
    }

    /// Sets the grant option.
    pub fn grantable(mut self, grantable: bool) -> Self {
        self.grantable = grantable;
        self
    }

    /// Marks the object as a wildcard pattern.
    pub fn pattern(mut self, pattern: bool) -> Self {
        self.pattern = pattern;
        self
    }
}

impl fmt::Display for PrivilegeFact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} on {} {}",
            self.privilege,
            self.scope,
            self.object.join(".")
        )?;
        if self.pattern {
            f.write_str(" (pattern)")?;
        }
        if self.grantable {
            f.write_str(" with grant option")?;
        }
        Ok(())
    }
}

/// A direct membership of the account (the member) in a role.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Membership {
    /// The role granted.
    pub role: AccountKey,
    /// WITH ADMIN OPTION.
    pub admin: bool,
    /// MySQL/MariaDB: it is a default role of the member.
    pub default_role: Option<bool>,
    /// PostgreSQL: INHERIT option (per grant on 16+, `rolinherit` before).
    pub inherit: Option<bool>,
    /// PostgreSQL 16+: SET option.
    pub set: Option<bool>,
    /// Who granted it, where the server records it (PostgreSQL 16+ keys edges by grantor).
    pub grantor: Option<String>,
}

impl Membership {
    /// A plain membership in `role`.
    pub fn new(role: AccountKey) -> Self {
        Membership {
            role,
            admin: false,
            default_role: None,
            inherit: None,
            set: None,
            grantor: None,
        }
    }
}

impl fmt::Display for Membership {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "member of {}", self.role)?;
        if self.admin {
            f.write_str(" with admin option")?;
        }
        if self.default_role == Some(true) {
            f.write_str(" (default)")?;
        }
        if let Some(g) = &self.grantor {
            write!(f, " granted by {g}")?;
        }
        Ok(())
    }
}

/// The normalised state of one account. Never holds a password or a hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSnapshot {
    /// User, role, both, or a pseudo-grantee.
    pub kind: AccountKind,
    /// An internal account of the server (`mysql.sys`, `mariadb.sys`...).
    pub system: bool,
    /// Named attributes ([`attr`] lists the common ones).
    pub attributes: BTreeMap<String, AttrValue>,
    /// Privilege facts.
    pub privileges: BTreeSet<PrivilegeFact>,
    /// Direct memberships of this account in roles.
    pub memberships: BTreeSet<Membership>,
}

impl AccountSnapshot {
    /// An empty snapshot of the given kind.
    pub fn new(kind: AccountKind) -> Self {
        AccountSnapshot {
            kind,
            system: false,
            attributes: BTreeMap::new(),
            privileges: BTreeSet::new(),
            memberships: BTreeSet::new(),
        }
    }

    /// Sets an attribute (builder style).
    pub fn with_attr(mut self, name: impl Into<String>, value: AttrValue) -> Self {
        self.attributes.insert(name.into(), value);
        self
    }

    /// Whether the account is a superuser according to its attributes.
    pub fn is_superuser(&self) -> bool {
        self.attributes.get(attr::SUPERUSER) == Some(&AttrValue::Bool(true))
    }
}

/// One account read from a server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Its identity.
    pub key: AccountKey,
    /// Its state.
    pub snapshot: AccountSnapshot,
}

/// The accounts read from one instance, keyed and ordered. Serialises as a list of
/// [`Account`] (JSON object keys must be strings).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<Account>", into = "Vec<Account>")]
pub struct AccountSet(pub BTreeMap<AccountKey, AccountSnapshot>);

impl AccountSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces an account.
    pub fn insert(&mut self, key: AccountKey, snapshot: AccountSnapshot) {
        self.0.insert(key, snapshot);
    }

    /// Number of accounts.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// No account.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The snapshot of `key`.
    pub fn get(&self, key: &AccountKey) -> Option<&AccountSnapshot> {
        self.0.get(key)
    }

    /// Mutable access to the snapshot of `key`.
    pub fn get_mut(&mut self, key: &AccountKey) -> Option<&mut AccountSnapshot> {
        self.0.get_mut(key)
    }

    /// Iterates in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&AccountKey, &AccountSnapshot)> {
        self.0.iter()
    }
}

impl From<Vec<Account>> for AccountSet {
    fn from(v: Vec<Account>) -> Self {
        AccountSet(v.into_iter().map(|a| (a.key, a.snapshot)).collect())
    }
}

impl From<AccountSet> for Vec<Account> {
    fn from(s: AccountSet) -> Self {
        s.0.into_iter()
            .map(|(key, snapshot)| Account { key, snapshot })
            .collect()
    }
}

impl FromIterator<(AccountKey, AccountSnapshot)> for AccountSet {
    fn from_iter<I: IntoIterator<Item = (AccountKey, AccountSnapshot)>>(iter: I) -> Self {
        AccountSet(iter.into_iter().collect())
    }
}

/// One row of an instance's stored inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryAccount {
    /// Its identity.
    pub key: AccountKey,
    /// False once the account disappeared (rows are never hard-deleted).
    pub present: bool,
    /// First sync that saw it.
    pub first_seen: DateTime<Utc>,
    /// Last sync that saw it.
    pub last_seen: DateTime<Utc>,
    /// When it was last found missing (cleared on reactivation).
    pub removed_at: Option<DateTime<Utc>>,
    /// The latest snapshot (for a removed account: the last one seen).
    pub snapshot: AccountSnapshot,
}

/// A keyed fingerprint of credential material (a password hash, raw bytes), safe to store:
/// it changes when the credential changes and reveals nothing else. 16 hex digits of a
/// BLAKE3 keyed hash under a key derived from a fixed context; never store the input.
///
/// The key is fixed (fingerprints must compare equal across runs and processes), so a
/// fingerprint is as guessable as its input: for an unsalted hash such as MySQL's
/// `mysql_native_password`, a dictionary attack on the fingerprint works as well as on the
/// hash itself. Protect the store like any inventory of credentials metadata.
pub fn credential_fingerprint(material: &[u8]) -> String {
    static KEY: std::sync::LazyLock<[u8; 32]> =
        std::sync::LazyLock::new(|| blake3::derive_key("account-sync 2026 credential fingerprint v1", b""));
    let hash = blake3::keyed_hash(&KEY, material);
    hash.to_hex()[..16].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_set_round_trips_through_json() {
        let mut set = AccountSet::new();
        let mut snap = AccountSnapshot::new(AccountKind::User)
            .with_attr(attr::PASSWORD_LIFETIME, AttrValue::Null)
            .with_attr(attr::VALID_UNTIL, AttrValue::Text("infinity".into()));
        snap.privileges.insert(
            PrivilegeFact::new(PrivilegeScope::Database, vec!["app\\_%".into()], "SELECT").pattern(true),
        );
        set.insert(AccountKey::mysql("", "localhost"), snap);
        let json = serde_json::to_string(&set).unwrap();
        let back: AccountSet = serde_json::from_str(&json).unwrap();
        assert_eq!(back, set);
        assert!(json.contains("\"type\":\"null\""), "{json}");
    }

    #[test]
    fn null_zero_and_never_are_distinct() {
        let v = [
            AttrValue::Null,
            AttrValue::Int(0),
            AttrValue::Text("never".into()),
        ];
        assert_ne!(v[0], v[1]);
        assert_ne!(v[1], v[2]);
    }

    #[test]
    fn fingerprint_changes_with_material_and_hides_it() {
        let a = credential_fingerprint(b"*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19");
        assert_eq!(a.len(), 16);
        assert_eq!(
            a,
            credential_fingerprint(b"*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19")
        );
        assert_ne!(
            a,
            credential_fingerprint(b"*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E1A")
        );
        assert!(!a.contains("2470"));
    }
}
