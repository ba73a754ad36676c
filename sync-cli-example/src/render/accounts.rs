//! The account inventory of an instance and its change log. Account names, object names and
//! attribute values come from the servers: they are shown through [`printable`].

use super::{printable, table, time};
use sync_core::account::{
    AccountKey, AccountSnapshot, AttrValue, ChangeDetail, ChangeLogEntry, InventoryAccount, attr,
};
use sync_core::chrono_tz::Tz;

/// An account for a table: PostgreSQL's `PUBLIC` pseudo-role (the core's empty role name,
/// `AccountKey::postgres("")`) as `PUBLIC` without quotes (a real role named "PUBLIC" shows
/// quoted), every other key as the core displays it (`'user'@'host'`, `"role"`), escaped.
pub fn account_key(key: &AccountKey) -> String {
    match key {
        AccountKey::Postgres { role } if role.is_empty() => "PUBLIC".to_owned(),
        other => printable(&other.to_string()),
    }
}

fn flag(s: &AccountSnapshot, name: &str) -> String {
    match s.attributes.get(name) {
        Some(AttrValue::Bool(true)) => "yes".into(),
        Some(AttrValue::Bool(false)) => "no".into(),
        Some(other) => printable(&other.to_string()),
        None => "-".into(),
    }
}

/// One row per account.
pub fn inventory(instance: &str, accounts: &[InventoryAccount], tz: Tz) -> String {
    let instance = printable(instance);
    let present = accounts.iter().filter(|a| a.present).count();
    let mut out = format!(
        "{instance}: {present} present account(s), {} removed shown\n",
        accounts.len() - present
    );
    if accounts.is_empty() {
        return out;
    }
    let mut t = table(&[
        "Account",
        "Kind",
        "State",
        "Login",
        "Superuser",
        "Locked",
        "Privileges",
        "Member of",
        "First seen",
        "Last seen",
    ]);
    for a in accounts {
        let s = &a.snapshot;
        let state = match (a.present, s.system) {
            (false, _) => format!("removed {}", time(a.removed_at, tz)),
            (true, true) => "present (system)".into(),
            (true, false) => "present".into(),
        };
        t.add_row(vec![
            account_key(&a.key),
            s.kind.to_string(),
            state,
            flag(s, attr::CAN_LOGIN),
            flag(s, attr::SUPERUSER),
            flag(s, attr::LOCKED),
            s.privileges.len().to_string(),
            s.memberships
                .iter()
                .map(|m| account_key(&m.role))
                .collect::<Vec<_>>()
                .join("\n"),
            time(Some(a.first_seen), tz),
            time(Some(a.last_seen), tz),
        ]);
    }
    out.push_str(&format!("{t}\n"));
    out
}

/// The facts of a change, one per line: `+ SELECT on database app`, `- member of "r"`,
/// `locked: false -> true`; each line escaped with [`printable`].
pub fn detail_lines(d: &ChangeDetail) -> Vec<String> {
    let mut lines = Vec::new();
    lines.extend(d.privileges_granted.iter().map(|p| format!("+ {p}")));
    lines.extend(d.privileges_revoked.iter().map(|p| format!("- {p}")));
    lines.extend(d.memberships_granted.iter().map(|m| format!("+ {m}")));
    lines.extend(d.memberships_revoked.iter().map(|m| format!("- {m}")));
    let show = |v: &Option<AttrValue>| v.as_ref().map_or("(absent)".to_owned(), |v| v.to_string());
    lines.extend(
        d.attributes
            .iter()
            .map(|a| format!("{}: {} -> {}", a.name, show(&a.before), show(&a.after))),
    );
    lines.iter().map(|l| printable(l)).collect()
}

/// One row per change-log entry, newest first. `limit` is the `--limit` given: when the
/// entries fill it, older changes may exist and the heading says so.
pub fn changes(instance: &str, entries: &[ChangeLogEntry], tz: Tz, limit: Option<u32>) -> String {
    let instance = printable(instance);
    let n = entries.len();
    let mut out = match limit {
        Some(l) if n > 0 && n as u64 >= u64::from(l) => {
            format!("{instance}: newest {n} change(s) shown (--limit {l}; older ones may exist)\n")
        }
        _ => format!("{instance}: {n} change(s)\n"),
    };
    if entries.is_empty() {
        return out;
    }
    let mut t = table(&["Time", "Change", "Account", "Kind", "Detail", "Session"]);
    for e in entries {
        t.add_row(vec![
            time(Some(e.at), tz),
            e.kind.to_string(),
            account_key(&e.key),
            e.account_kind.to_string(),
            detail_lines(&e.detail).join("\n"),
            e.session_id.to_string(),
        ]);
    }
    out.push_str(&format!("{t}\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use sync_core::account::{AccountKind, AttributeChange, Membership, PrivilegeFact, PrivilegeScope};
    use sync_core::domain::{ChangeKind, SessionId};

    fn at() -> DateTime<Utc> {
        "2026-03-10T03:30:00Z".parse().unwrap()
    }

    fn account(key: AccountKey, kind: AccountKind) -> InventoryAccount {
        let mut snapshot = AccountSnapshot::new(kind);
        snapshot
            .memberships
            .insert(Membership::new(AccountKey::postgres("team\nx")));
        InventoryAccount {
            key,
            present: true,
            first_seen: at(),
            last_seen: at(),
            removed_at: None,
            snapshot,
        }
    }

    fn change(key: AccountKey) -> ChangeLogEntry {
        ChangeLogEntry {
            id: 1,
            instance_id: 1,
            key,
            kind: ChangeKind::Added,
            account_kind: AccountKind::Role,
            session_id: SessionId::new(),
            at: at(),
            detail: ChangeDetail {
                privileges_granted: vec![PrivilegeFact::new(
                    PrivilegeScope::Database,
                    vec!["app\rdb".into()],
                    "CONNECT",
                )],
                ..ChangeDetail::default()
            },
        }
    }

    /// No line of the output starts with the text after the control character.
    fn no_forged_line(out: &str) {
        for line in out.lines() {
            assert!(
                !line.trim_start_matches(['│', ' ']).starts_with("fake line"),
                "{out}"
            );
        }
    }

    #[test]
    fn server_names_are_escaped_and_public_is_named() {
        assert_eq!(account_key(&AccountKey::postgres("")), "PUBLIC");
        assert_eq!(account_key(&AccountKey::postgres("PUBLIC")), "\"PUBLIC\"");
        assert_eq!(
            account_key(&AccountKey::postgres("x\nfake line")),
            "\"x\\nfake line\""
        );
        assert_eq!(
            account_key(&AccountKey::mysql("u\u{1b}[2J", "%")),
            "'u\\u{1b}[2J'@'%'"
        );
        let list = [
            account(AccountKey::postgres("x\nfake line"), AccountKind::Role),
            account(AccountKey::postgres(""), AccountKind::Public),
        ];
        let out = inventory("pg", &list, Tz::UTC);
        assert!(out.contains("\"x\\nfake line\""), "{out}");
        assert!(out.contains("\"team\\nx\""), "{out}");
        assert!(out.contains("│ PUBLIC "), "{out}");
        assert!(!out.contains("\"\""), "{out}");
        no_forged_line(&out);
        let out = changes(
            "pg",
            &[change(AccountKey::postgres("x\nfake line"))],
            Tz::UTC,
            None,
        );
        assert!(out.starts_with("pg: 1 change(s)\n"), "{out}");
        assert!(out.contains("\"x\\nfake line\""), "{out}");
        assert!(out.contains("+ CONNECT on database app\\rdb"), "{out}");
        no_forged_line(&out);
    }

    #[test]
    fn changes_heading_follows_the_limit() {
        let two = [
            change(AccountKey::postgres("a")),
            change(AccountKey::postgres("b")),
        ];
        let head = |limit| {
            changes("pg", &two, Tz::UTC, limit)
                .lines()
                .next()
                .unwrap()
                .to_owned()
        };
        assert_eq!(head(None), "pg: 2 change(s)");
        assert_eq!(head(Some(5)), "pg: 2 change(s)");
        assert_eq!(
            head(Some(2)),
            "pg: newest 2 change(s) shown (--limit 2; older ones may exist)"
        );
        assert_eq!(changes("pg", &[], Tz::UTC, Some(0)), "pg: 0 change(s)\n");
    }

    #[test]
    fn change_detail_lines() {
        let d = ChangeDetail {
            privileges_granted: vec![PrivilegeFact::new(
                PrivilegeScope::Database,
                vec!["app".into()],
                "SELECT",
            )],
            privileges_revoked: vec![],
            memberships_granted: vec![Membership::new(AccountKey::postgres("readers"))],
            memberships_revoked: vec![],
            attributes: vec![AttributeChange {
                name: "locked".into(),
                before: Some(AttrValue::Bool(false)),
                after: Some(AttrValue::Bool(true)),
            }],
        };
        let lines = detail_lines(&d);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], "+ SELECT on database app");
        assert!(lines[1].starts_with("+ member of "), "{}", lines[1]);
        assert_eq!(lines[2], "locked: false -> true");
    }
}
