//! An account while it is being assembled from rows, and the helpers that fill it.

use super::privileges::{PrivilegeName, privilege_of_column};
use chrono::DateTime;
use std::collections::BTreeSet;
use sync_core::account::{
    AccountKey, AccountKind, AccountSnapshot, AttrValue, PrivilegeFact, PrivilegeScope,
};

/// One account while it is being assembled.
pub(super) struct Draft {
    pub(super) snapshot: AccountSnapshot,
    /// MariaDB `is_role`.
    pub(super) is_role: bool,
    /// MariaDB 10.11 `PUBLIC` pseudo-grantee.
    pub(super) public: bool,
    pub(super) locked: bool,
    pub(super) has_password: bool,
    pub(super) superuser: bool,
    pub(super) default_roles: Vec<AccountKey>,
    /// Attributes, collected unsorted and turned into the snapshot's map at the end (a
    /// bulk build from a sorted list; the last value of a name wins).
    pub(super) attributes: Vec<(&'static str, AttrValue)>,
}

impl Draft {
    pub(super) fn new() -> Self {
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

    pub(super) fn attr(&mut self, name: &'static str, value: AttrValue) {
        self.attributes.push((name, value));
    }

    /// A server-specific limit: recorded only when set (0 is the server default).
    pub(super) fn limit(&mut self, name: &'static str, value: i64) {
        if value != 0 {
            self.attr(name, AttrValue::Int(value));
        }
    }

    /// A server-specific requirement: recorded only when set (empty is the default).
    pub(super) fn requirement(&mut self, name: &'static str, value: &str) {
        if !value.is_empty() {
            self.attr(name, AttrValue::Text(value.to_owned()));
        }
    }

    /// The finished snapshot.
    pub(super) fn into_snapshot(self) -> AccountSnapshot {
        let mut snapshot = self.snapshot;
        let mut attributes = self.attributes;
        attributes.sort_by_key(|(name, _)| *name);
        snapshot.attributes = attributes.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        snapshot
    }
}

/// Adds the facts of one scope: `names` with `grantable = grant`; a lone grant option
/// becomes a `GRANT OPTION` fact.
pub(super) fn push_scope<S: AsRef<str>>(
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
pub(super) fn privileges_of_columns(columns: &[String]) -> (Vec<String>, bool) {
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

pub(super) fn time_attr(unix: i64) -> AttrValue {
    match DateTime::from_timestamp(unix, 0) {
        Some(t) if unix > 0 => AttrValue::Time(t),
        _ => AttrValue::Null,
    }
}

pub(super) fn opt_int_attr(v: Option<i64>) -> AttrValue {
    v.map_or(AttrValue::Null, AttrValue::Int)
}
