//! The account inventory of an instance and its change log.

use super::{table, time};
use sync_core::account::{AccountSnapshot, AttrValue, ChangeDetail, ChangeLogEntry, InventoryAccount, attr};
use sync_core::chrono_tz::Tz;

fn flag(s: &AccountSnapshot, name: &str) -> String {
    match s.attributes.get(name) {
        Some(AttrValue::Bool(true)) => "yes".into(),
        Some(AttrValue::Bool(false)) => "no".into(),
        Some(other) => other.to_string(),
        None => "-".into(),
    }
}

/// One row per account.
pub fn inventory(instance: &str, accounts: &[InventoryAccount], tz: Tz) -> String {
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
            a.key.to_string(),
            s.kind.to_string(),
            state,
            flag(s, attr::CAN_LOGIN),
            flag(s, attr::SUPERUSER),
            flag(s, attr::LOCKED),
            s.privileges.len().to_string(),
            s.memberships
                .iter()
                .map(|m| m.role.to_string())
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
/// `locked: false -> true`.
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
    lines
}

/// One row per change-log entry, newest first.
pub fn changes(instance: &str, entries: &[ChangeLogEntry], tz: Tz) -> String {
    let mut out = format!("{instance}: {} change(s)\n", entries.len());
    if entries.is_empty() {
        return out;
    }
    let mut t = table(&["Time", "Change", "Account", "Kind", "Detail", "Session"]);
    for e in entries {
        t.add_row(vec![
            time(Some(e.at), tz),
            e.kind.to_string(),
            e.key.to_string(),
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
    use sync_core::account::{AccountKey, AttributeChange, Membership, PrivilegeFact, PrivilegeScope};

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
