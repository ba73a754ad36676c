//! The registered instances.

use super::{printable, table, time};
use sync_core::chrono_tz::Tz;
use sync_core::domain::Instance;

/// One row per instance; the credential column shows where the password comes from, never
/// the password.
pub fn instances(list: &[Instance], tz: Tz) -> String {
    if list.is_empty() {
        return "No instances registered (account-sync instances import, or instances add).\n".to_owned();
    }
    let mut t = table(&[
        "Id",
        "Name",
        "Type",
        "Address",
        "Database",
        "Login",
        "State",
        "Syncs",
        "Last synced",
        "Server version",
    ]);
    for i in list {
        let state = if i.deleted_at.is_some() {
            "removed"
        } else if i.is_active {
            "active"
        } else {
            "inactive"
        };
        let mut dbs: Vec<String> = i.database.iter().cloned().collect();
        dbs.extend(i.inspect_databases.iter().map(|d| format!("+{d}")));
        t.add_row(vec![
            i.id.to_string(),
            printable(&i.name),
            i.db_type.to_string(),
            printable(&format!("{}:{}", i.host, i.port)),
            if dbs.is_empty() {
                "-".into()
            } else {
                printable(&dbs.join(" "))
            },
            printable(&i.credential.to_string()),
            state.to_owned(),
            i.sync_count.to_string(),
            time(i.last_synced_at, tz),
            printable(i.server_version.as_deref().unwrap_or("-")),
        ]);
    }
    format!("{t}\n")
}
