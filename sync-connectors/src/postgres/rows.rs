//! Plain catalog rows: what the bulk queries return, before normalisation.
//!
//! These structs hold exactly what the server said (no interpretation), so that
//! [`normalise`](super::normalise::normalise) can be tested over rows recorded from, or
//! constructed for, servers that are not available here (PostgreSQL 16+, older versions,
//! forks). They never hold a password or a password hash: the password column is turned into
//! a [`Credential`] fingerprint while it is read.

use chrono::{DateTime, Utc};

/// A catalog column that may not exist on every server version or fork.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Column<T> {
    /// The server has no such column: the attribute is left out of the snapshot.
    #[default]
    Absent,
    /// The column exists and is SQL NULL.
    Null,
    /// The column's value.
    Value(T),
}

impl<T> Column<T> {
    /// `Absent` when the column does not exist, else `Null` or `Value`.
    pub fn from_read(present: bool, value: Option<T>) -> Self {
        match (present, value) {
            (false, _) => Column::Absent,
            (true, None) => Column::Null,
            (true, Some(v)) => Column::Value(v),
        }
    }

    /// The value, if the column exists and is not NULL.
    pub fn value(&self) -> Option<&T> {
        match self {
            Column::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// A non-NULL `rolvaliduntil`. `infinity` and `-infinity` are kept apart from timestamps so
/// that decoding never fails on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidUntil {
    /// `infinity`.
    Infinity,
    /// `-infinity`.
    NegInfinity,
    /// A finite point in time (UTC).
    At(DateTime<Utc>),
}

/// What is known about a role's stored password.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Credential {
    /// `pg_authid` could not be read (the sync user is not a superuser).
    #[default]
    Unknown,
    /// `pg_authid.rolpassword` is NULL.
    NoPassword,
    /// [`sync_core::account::credential_fingerprint`] of the `rolpassword` bytes.
    Fingerprint(String),
}

/// Who an ACL entry grants to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grantee {
    /// The pseudo-role PUBLIC (grantee oid 0).
    Public,
    /// A role, by exact name.
    Role(String),
}

/// One row of `pg_roles` (only the allow-listed `rol*` columns this server has).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoleRow {
    /// `rolname`, exact.
    pub name: String,
    /// `rolsuper`.
    pub superuser: Column<bool>,
    /// `rolinherit`.
    pub inherit: Column<bool>,
    /// `rolcreaterole`.
    pub create_role: Column<bool>,
    /// `rolcreatedb`.
    pub create_db: Column<bool>,
    /// `rolcanlogin`.
    pub can_login: Column<bool>,
    /// `rolreplication` (PostgreSQL 9.1+).
    pub replication: Column<bool>,
    /// `rolbypassrls` (PostgreSQL 9.5+).
    pub bypass_rls: Column<bool>,
    /// `rolconnlimit` (-1 = unlimited).
    pub connection_limit: Column<i32>,
    /// `rolvaliduntil`.
    pub valid_until: Column<ValidUntil>,
    /// `rolconfig` (role-wide settings, `name=value`, as stored).
    pub config: Column<Vec<String>>,
    /// From `pg_authid`, when readable.
    pub credential: Credential,
}

impl RoleRow {
    /// A row with only a name (every column absent); for building recorded rows.
    pub fn named(name: impl Into<String>) -> Self {
        RoleRow {
            name: name.into(),
            ..RoleRow::default()
        }
    }
}

/// One row of `pg_auth_members`: `member` is a direct member of `role`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembershipRow {
    /// The role granted (`roleid`).
    pub role: String,
    /// The member (`member`).
    pub member: String,
    /// The grantor's name; read on PostgreSQL 16+ only (older servers do not track it
    /// reliably: the oid may dangle after the grantor is dropped).
    pub grantor: Option<String>,
    /// `admin_option`.
    pub admin: bool,
    /// `inherit_option` (PostgreSQL 16+; `None` before: the member's `rolinherit` applies).
    pub inherit: Option<bool>,
    /// `set_option` (PostgreSQL 16+).
    pub set: Option<bool>,
}

/// One `aclexplode` entry of a database ACL (`NULL` expanded with `acldefault('d', datdba)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseAclRow {
    /// `datname`.
    pub database: String,
    /// The grantee.
    pub grantee: Grantee,
    /// `CONNECT`, `CREATE` or `TEMPORARY`.
    pub privilege: String,
    /// WITH GRANT OPTION.
    pub grantable: bool,
}

/// One `aclexplode` entry of a schema ACL (`NULL` expanded with `acldefault('n', nspowner)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaAclRow {
    /// `nspname`.
    pub schema: String,
    /// The grantee.
    pub grantee: Grantee,
    /// `USAGE` or `CREATE`.
    pub privilege: String,
    /// WITH GRANT OPTION.
    pub grantable: bool,
}

/// One entry of a `pg_default_acl` slot, or of the built-in default of a global slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultAclRow {
    /// `defaclrole`: whose future objects the slot applies to.
    pub owner: String,
    /// `defaclnamespace`: `None` for the global slot.
    pub schema: Option<String>,
    /// `defaclobjtype` (`r` tables, `S` sequences, `f` functions, `T` types, `n` schemas,
    /// `L` large objects on PostgreSQL 18+).
    pub object_type: String,
    /// `false`: an entry stored in `defaclacl`; `true`: an entry of the built-in default
    /// (`acldefault`) the global slot replaces.
    pub builtin: bool,
    /// The grantee.
    pub grantee: Grantee,
    /// The privilege (`SELECT`, `EXECUTE`...).
    pub privilege: String,
    /// WITH GRANT OPTION.
    pub grantable: bool,
}

/// The per-database rows of one inspected database.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InspectedDatabase {
    /// The database name.
    pub name: String,
    /// Its schemas' ACL entries.
    pub schema_acl: Vec<SchemaAclRow>,
    /// Its default-privilege entries.
    pub default_acl: Vec<DefaultAclRow>,
}

/// What the server reports about itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServerInfo {
    /// `PostgreSQL <server_version>`.
    pub version: String,
    /// `server_version_num` (e.g. 150020).
    pub version_num: i32,
    /// The database of the main connection.
    pub database: String,
}

/// Everything one read fetched: the input of [`normalise`](super::normalise::normalise).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CatalogRows {
    /// The server.
    pub server: ServerInfo,
    /// `pg_roles`, every role (the filter is applied after normalisation).
    pub roles: Vec<RoleRow>,
    /// `pg_auth_members`.
    pub memberships: Vec<MembershipRow>,
    /// Database ACL entries of every database in `pg_database`.
    pub database_acl: Vec<DatabaseAclRow>,
    /// The inspected databases (schema and default privileges).
    pub inspected: Vec<InspectedDatabase>,
    /// Non-fatal problems (a database that could not be inspected...).
    pub warnings: Vec<String>,
}
