//! Privilege names: `*_priv` columns, SET values and MariaDB's global `access` bitmask.
//!
//! Names are spelled as the server spells them in `SHOW GRANTS` and
//! `information_schema.USER_PRIVILEGES` (`SHOW DATABASES`, `REPLICATION SLAVE`,
//! `READ_ONLY ADMIN`, ...). The grant option is not a privilege: it is returned separately
//! so the caller can put it on the facts it covers.

use super::server::ServerInfo;

/// What one privilege column or SET element means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrivilegeName {
    /// WITH GRANT OPTION at that scope.
    GrantOption,
    /// A privilege (upper case).
    Privilege(String),
}

/// Maps a grant-table column name (`Select_priv`, `Create_tmp_table_priv`,
/// `Repl_slave_priv`...) to its privilege. `None` for columns that are not `*_priv` columns.
/// Unknown `*_priv` columns of newer servers map to their upper-cased stem with spaces.
pub fn privilege_of_column(column: &str) -> Option<PrivilegeName> {
    let stem = column
        .strip_suffix("_priv")
        .or_else(|| column.strip_suffix("_Priv"))?;
    let name = match stem.to_ascii_lowercase().as_str() {
        "grant" => return Some(PrivilegeName::GrantOption),
        "show_db" => "SHOW DATABASES",
        "create_tmp_table" => "CREATE TEMPORARY TABLES",
        "repl_slave" => "REPLICATION SLAVE",
        "repl_client" => "REPLICATION CLIENT",
        "create_routine" => "CREATE ROUTINE",
        "alter_routine" => "ALTER ROUTINE",
        "delete_history" => "DELETE HISTORY",
        "show_create_routine" => "SHOW CREATE ROUTINE",
        other => {
            return Some(PrivilegeName::Privilege(
                other.replace('_', " ").to_ascii_uppercase(),
            ));
        }
    };
    Some(PrivilegeName::Privilege(name.to_owned()))
}

/// Splits a SET value of `tables_priv.Table_priv`, `columns_priv.Column_priv` or
/// `procs_priv.Proc_priv` (`Select,Show view,Grant`) into privileges and the grant option.
/// MariaDB's `Delete versioning rows` element is the `DELETE HISTORY` privilege.
pub fn privileges_of_set(set: &str) -> (Vec<String>, bool) {
    let mut grant = false;
    let mut names = Vec::new();
    for element in set.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        if element.eq_ignore_ascii_case("grant") {
            grant = true;
        } else if element.eq_ignore_ascii_case("delete versioning rows") {
            names.push("DELETE HISTORY".to_owned());
        } else {
            names.push(element.to_ascii_uppercase());
        }
    }
    (names, grant)
}

/// MariaDB global privilege bits (`sql/privilege.h`), by bit number.
/// Bit 10 is the grant option.
pub const MARIADB_GLOBAL_BITS: [&str; 40] = [
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "CREATE",
    "DROP",
    "RELOAD",
    "SHUTDOWN",
    "PROCESS",
    "FILE",
    "GRANT OPTION",
    "REFERENCES",
    "INDEX",
    "ALTER",
    "SHOW DATABASES",
    "SUPER",
    "CREATE TEMPORARY TABLES",
    "LOCK TABLES",
    "EXECUTE",
    "REPLICATION SLAVE",
    "BINLOG MONITOR",
    "CREATE VIEW",
    "SHOW VIEW",
    "CREATE ROUTINE",
    "ALTER ROUTINE",
    "CREATE USER",
    "EVENT",
    "TRIGGER",
    "CREATE TABLESPACE",
    "DELETE HISTORY",
    "SET USER",
    "FEDERATED ADMIN",
    "CONNECTION ADMIN",
    "READ_ONLY ADMIN",
    "REPLICATION SLAVE ADMIN",
    "REPLICATION MASTER ADMIN",
    "BINLOG ADMIN",
    "BINLOG REPLAY",
    "SLAVE MONITOR",
    "SHOW CREATE ROUTINE",
];

const GRANT_BIT: u64 = 1 << 10;
const SUPER: u64 = 1 << 15;
const REPL_SLAVE: u64 = 1 << 19;
const BINLOG_MONITOR: u64 = 1 << 20;
const SET_USER: u64 = 1 << 30;
const FEDERATED_ADMIN: u64 = 1 << 31;
const CONNECTION_ADMIN: u64 = 1 << 32;
const READ_ONLY_ADMIN: u64 = 1 << 33;
const REPL_SLAVE_ADMIN: u64 = 1 << 34;
const REPL_MASTER_ADMIN: u64 = 1 << 35;
const BINLOG_ADMIN: u64 = 1 << 36;
const BINLOG_REPLAY: u64 = 1 << 37;
const SLAVE_MONITOR: u64 = 1 << 38;
const SHOW_CREATE_ROUTINE: u64 = 1 << 39;

/// Privileges split from SUPER in 10.5.2, granted on upgrade to holders of SUPER.
const SUPER_SPLIT_10_5_2: u64 = SET_USER
    | FEDERATED_ADMIN
    | CONNECTION_ADMIN
    | READ_ONLY_ADMIN
    | REPL_SLAVE_ADMIN
    | BINLOG_ADMIN
    | BINLOG_REPLAY;

/// All bits up to and including `last`.
const fn bits_through(last: u64) -> u64 {
    last | (last - 1)
}

/// The global privileges an account of a MariaDB 10.4+ server really holds, decoded from
/// `global_priv.Priv` `access` and `version_id` the way the server loads them
/// (`User_table_json::get_access`): rows written by older versions are upgraded
/// (SUPER split in 10.5.2, SLAVE MONITOR in 10.5.8, READ_ONLY ADMIN leaving SUPER in
/// 10.11), `access` = all ones means ALL PRIVILEGES, and a row with an impossible
/// `version_id` or unknown bits holds nothing (the server logs a warning and ignores it).
///
/// Returns the effective bitmask, or `Err` with the reason the server ignores the row.
pub fn mariadb_effective_access(access: u64, version_id: u64, server: &ServerInfo) -> Result<u64, String> {
    let show_create_routine = server.at_least(11, 3, 0);
    let all_known = if show_create_routine {
        bits_through(SHOW_CREATE_ROUTINE)
    } else {
        bits_through(SLAVE_MONITOR)
    };
    if access == u64::MAX {
        return Ok(all_known);
    }
    if version_id > 999_999 || (version_id > 0 && version_id < 100_400) {
        return Err(format!("version_id {version_id} is not a MariaDB 10.4+ version"));
    }
    let mut effective = access;
    let mask = if version_id >= 100_509 {
        if show_create_routine && version_id >= 110_300 {
            bits_through(SHOW_CREATE_ROUTINE)
        } else {
            bits_through(SLAVE_MONITOR)
        }
    } else if version_id >= 100_502 {
        if effective & REPL_SLAVE_ADMIN != 0 {
            effective |= SLAVE_MONITOR;
        }
        if version_id >= 100_508 {
            bits_through(SLAVE_MONITOR)
        } else {
            bits_through(BINLOG_REPLAY)
        }
    } else {
        if effective & SUPER != 0 {
            if effective & REPL_SLAVE != 0 {
                effective |= REPL_MASTER_ADMIN;
            }
            effective |= SUPER_SPLIT_10_5_2;
        }
        if effective & (BINLOG_MONITOR | REPL_SLAVE) != 0 {
            effective |= SLAVE_MONITOR;
        }
        // DELETE HISTORY (10.3.4) is the last bit known before 10.5.2.
        bits_through(1 << 29)
    };
    if server.at_least(10, 11, 0) && version_id < 101_100 && effective & SUPER != 0 {
        effective |= READ_ONLY_ADMIN;
    }
    if access & !mask != 0 {
        return Err(format!(
            "access {access:#x} has bits unknown to version_id {version_id} (mask {mask:#x})"
        ));
    }
    Ok(effective & all_known)
}

/// The privilege names of a bitmask (without the grant option) and whether the grant
/// option bit is set.
pub fn mariadb_bit_names(access: u64) -> (Vec<&'static str>, bool) {
    let names = MARIADB_GLOBAL_BITS
        .iter()
        .enumerate()
        .filter(|(bit, _)| *bit != 10 && access & (1u64 << bit) != 0)
        .map(|(_, name)| *name)
        .collect();
    (names, access & GRANT_BIT != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn maria() -> ServerInfo {
        ServerInfo::mariadb(10, 11, 19)
    }

    #[test]
    fn columns_map_to_server_spelling() {
        let p = |c: &str| privilege_of_column(c);
        assert_eq!(p("Grant_priv"), Some(PrivilegeName::GrantOption));
        assert_eq!(
            p("Create_tmp_table_priv"),
            Some(PrivilegeName::Privilege("CREATE TEMPORARY TABLES".into()))
        );
        assert_eq!(
            p("Show_db_priv"),
            Some(PrivilegeName::Privilege("SHOW DATABASES".into()))
        );
        assert_eq!(
            p("Show_view_priv"),
            Some(PrivilegeName::Privilege("SHOW VIEW".into()))
        );
        assert_eq!(
            p("Create_role_priv"),
            Some(PrivilegeName::Privilege("CREATE ROLE".into()))
        );
        assert_eq!(
            p("Repl_client_priv"),
            Some(PrivilegeName::Privilege("REPLICATION CLIENT".into()))
        );
        assert_eq!(
            p("Delete_history_priv"),
            Some(PrivilegeName::Privilege("DELETE HISTORY".into()))
        );
        assert_eq!(
            p("Some_future_priv"),
            Some(PrivilegeName::Privilege("SOME FUTURE".into()))
        );
        assert_eq!(p("Host"), None);
        assert_eq!(p("max_questions"), None);
    }

    #[test]
    fn set_values() {
        assert_eq!(
            privileges_of_set("Grant,Show view,Delete versioning rows"),
            (vec!["SHOW VIEW".to_owned(), "DELETE HISTORY".to_owned()], true)
        );
        assert_eq!(privileges_of_set(""), (vec![], false));
        assert_eq!(
            privileges_of_set("Execute,Alter Routine"),
            (vec!["EXECUTE".to_owned(), "ALTER ROUTINE".to_owned()], false)
        );
    }

    #[test]
    fn bitmask_upgrades_follow_the_server() {
        let names = |a: u64, v: u64| {
            let mut n = mariadb_bit_names(mariadb_effective_access(a, v, &maria()).unwrap()).0;
            n.sort();
            n
        };
        // SUPER written by 10.9: READ_ONLY ADMIN added on 10.11; not when written by 10.11.
        assert_eq!(names(SUPER, 100_900), ["READ_ONLY ADMIN", "SUPER"]);
        assert_eq!(names(SUPER, 101_100), ["SUPER"]);
        // 10.5.3 row with REPLICATION SLAVE ADMIN gains SLAVE MONITOR.
        assert_eq!(
            names(REPL_SLAVE_ADMIN, 100_503),
            ["REPLICATION SLAVE ADMIN", "SLAVE MONITOR"]
        );
        // Pre-10.5.2 REPLICATION CLIENT (now BINLOG MONITOR) gains SLAVE MONITOR.
        assert_eq!(
            names(BINLOG_MONITOR, 100_400),
            ["BINLOG MONITOR", "SLAVE MONITOR"]
        );
        assert_eq!(names(SUPER | REPL_SLAVE, 0).len(), 11);
        // All ones: ALL PRIVILEGES, grant option included.
        let all = mariadb_effective_access(u64::MAX, 0, &maria()).unwrap();
        assert_eq!(all, (1 << 39) - 1);
        assert!(mariadb_bit_names(all).1);
        // Bits unknown to the writer's version, or an impossible version: nothing.
        assert!(mariadb_effective_access(SHOW_CREATE_ROUTINE | 1, 101_100, &maria()).is_err());
        assert!(mariadb_effective_access(1, 100_300, &maria()).is_err());
        assert!(mariadb_effective_access(SLAVE_MONITOR, 100_502, &maria()).is_err());
        // 11.3+ knows SHOW CREATE ROUTINE.
        let m113 = ServerInfo::mariadb(11, 4, 2);
        assert_eq!(
            mariadb_effective_access(SHOW_CREATE_ROUTINE, 110_402, &m113),
            Ok(SHOW_CREATE_ROUTINE)
        );
    }
}
