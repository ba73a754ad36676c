//! The checks every instance passes before it is registered, whether it comes from the
//! configuration (`instances import`, `run`) or from `instances add` / `instances update`.

use crate::render::needs_escape;
use sync_core::domain::{DbType, NewInstance, SecretSource};

/// A setting that cannot be registered: which one (the configuration key: `name`, `host`,
/// `port`, `user`, `db_type`, `databases`, `password_env`, `password_file`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceProblem {
    /// The configuration key of the setting.
    pub field: &'static str,
    /// What is wrong (names escaped, never a secret).
    pub message: String,
}

fn problem(field: &'static str, message: impl Into<String>) -> Result<(), InstanceProblem> {
    Err(InstanceProblem {
        field,
        message: message.into(),
    })
}

/// Checks the settings of an instance: a name that is not empty, has no leading or trailing
/// whitespace and no control or invisible characters; a host and a user that are not empty;
/// a server port; a family a connector reads; `databases` only for PostgreSQL; a password
/// variable or file that is named.
pub fn check_instance(new: &NewInstance) -> Result<(), InstanceProblem> {
    let name = &new.name;
    if name.trim().is_empty() {
        return problem("name", "the instance name must not be empty");
    }
    if name.chars().any(needs_escape) {
        return problem(
            "name",
            format!(
                "the instance name \"{}\" contains control or invisible characters",
                crate::render::printable(name)
            ),
        );
    }
    if name.trim() != name {
        return problem(
            "name",
            format!("the instance name {name:?} must not begin or end with whitespace"),
        );
    }
    if !matches!(new.db_type, DbType::Mysql | DbType::Postgresql) {
        return problem(
            "db_type",
            format!(
                "{} is reserved: no connector reads it yet (use mysql or postgresql)",
                new.db_type
            ),
        );
    }
    if new.host.trim().is_empty() {
        return problem("host", "the host must not be empty");
    }
    if new.port == 0 {
        return problem("port", "port 0 is not a server port");
    }
    if new.credential.user.trim().is_empty() {
        return problem("user", "the user must not be empty");
    }
    if new.db_type != DbType::Postgresql && !new.inspect_databases.is_empty() {
        return problem(
            "databases",
            "databases (further databases to inspect) applies to PostgreSQL instances only",
        );
    }
    match &new.credential.secret {
        SecretSource::Env { var } if var.trim().is_empty() => {
            problem("password_env", "the variable name must not be empty")
        }
        SecretSource::File { path } if path.as_os_str().is_empty() => {
            problem("password_file", "the file name must not be empty")
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sync_core::domain::CredentialRef;

    fn pg() -> NewInstance {
        NewInstance {
            name: "pg".into(),
            db_type: DbType::Postgresql,
            host: "127.0.0.1".into(),
            port: 5432,
            database: None,
            inspect_databases: vec![],
            is_active: true,
            credential: CredentialRef {
                user: "postgres".into(),
                secret: SecretSource::None,
            },
        }
    }

    fn field_of(change: impl FnOnce(&mut NewInstance)) -> (&'static str, String) {
        let mut new = pg();
        change(&mut new);
        let p = check_instance(&new).unwrap_err();
        (p.field, p.message)
    }

    #[test]
    fn each_setting_is_checked() {
        assert_eq!(check_instance(&pg()), Ok(()));
        assert_eq!(
            field_of(|n| n.name = " ".into()),
            ("name", "the instance name must not be empty".into())
        );
        assert_eq!(
            field_of(|n| n.name = " pg".into()),
            (
                "name",
                "the instance name \" pg\" must not begin or end with whitespace".into()
            )
        );
        assert_eq!(
            field_of(|n| n.name = "pg\nfake".into()),
            (
                "name",
                "the instance name \"pg\\nfake\" contains control or invisible characters".into()
            )
        );
        assert_eq!(field_of(|n| n.name = "a\u{200b}b".into()).0, "name");
        assert_eq!(
            field_of(|n| n.host = "".into()),
            ("host", "the host must not be empty".into())
        );
        assert_eq!(
            field_of(|n| n.credential.user = "  ".into()),
            ("user", "the user must not be empty".into())
        );
        assert_eq!(field_of(|n| n.port = 0).0, "port");
        assert_eq!(
            field_of(|n| {
                n.db_type = DbType::Mysql;
                n.inspect_databases = vec!["app".into()];
            })
            .0,
            "databases"
        );
        assert_eq!(
            field_of(|n| n.credential.secret = SecretSource::Env { var: "".into() }),
            ("password_env", "the variable name must not be empty".into())
        );
    }
}
