//! `instances list|add|remove|update|import`.

use super::Ctx;
use crate::cli::{AddInstanceArgs, InstancesCommand, UpdateInstanceArgs};
use crate::config::check_instance;
use crate::exit::{CliError, FAILED, OK};
use crate::render::{self, printable};
use chrono::Utc;
use serde::Serialize;
use sync_core::domain::{CredentialRef, DbType, Instance, NewInstance, SecretSource};
use sync_core::service::ServiceError;
use sync_core::traits::{InstanceListFilter, StoreError};

fn store_err(e: sync_core::traits::StoreError) -> CliError {
    CliError::Service(ServiceError::from(e))
}

/// A store error of `add` / `update`: a name already registered is a usage error (exit 2).
fn write_err(name: &str, e: StoreError) -> CliError {
    match e {
        StoreError::Conflict(_) => CliError::Usage(format!(
            "an instance named {} is already registered; choose another name (see `account-sync instances \
             list`)",
            printable(name)
        )),
        other => store_err(other),
    }
}

/// The settings of `instances add` / `instances update` pass the checks of the configuration
/// ([`check_instance`]); a problem names the option (`rename`: `--rename` instead of
/// `--name`). Exit 2.
fn checked(new: NewInstance, rename: bool) -> Result<NewInstance, CliError> {
    check_instance(&new).map_err(|p| {
        let option = match p.field {
            "name" if rename => "rename".to_owned(),
            field => field.replace('_', "-"),
        };
        CliError::Usage(format!("--{option}: {}", p.message))
    })?;
    Ok(new)
}

/// Runs an `instances` subcommand.
pub async fn run(ctx: &Ctx, cmd: InstancesCommand) -> Result<u8, CliError> {
    match cmd {
        InstancesCommand::List { all } => {
            let filter = InstanceListFilter {
                include_inactive: true,
                include_deleted: all,
            };
            let list = ctx.service.instances(&ctx.caller, filter).await?;
            ctx.out(&if ctx.json {
                render::json(&list) + "\n"
            } else {
                render::instances::instances(&list, ctx.tz())
            })?;
        }
        InstancesCommand::Add(args) => {
            let new = checked(new_instance(args)?, false)?;
            let name = new.name.clone();
            let added = ctx
                .store()
                .add_instance(new)
                .await
                .map_err(|e| write_err(&name, e))?;
            ctx.out(&if ctx.json {
                render::json(&added) + "\n"
            } else {
                format!(
                    "Registered instance {} (id {}).\n",
                    printable(&added.name),
                    added.id
                )
            })?;
        }
        InstancesCommand::Remove { name } => {
            let inst = ctx.instance(&name).await?;
            ctx.store()
                .delete_instance(inst.id, Utc::now())
                .await
                .map_err(store_err)?;
            if !ctx.json {
                ctx.out(&format!(
                    "Removed instance {} (id {}); its history stays.\n",
                    printable(&inst.name),
                    inst.id
                ))?;
            }
        }
        InstancesCommand::Update(args) => {
            let name = args.name.clone();
            let stored = ctx.instance(&name).await?;
            let rename = args.rename.is_some();
            let wanted = checked(updated_settings(&stored, args)?, rename)?;
            let changed = differences(&stored, &wanted);
            let instance = if changed.is_empty() {
                stored
            } else {
                let name = wanted.name.clone();
                ctx.store()
                    .update_instance(stored.id, wanted)
                    .await
                    .map_err(|e| write_err(&name, e))?
            };
            ctx.out(&if ctx.json {
                render::json(&instance) + "\n"
            } else if changed.is_empty() {
                format!(
                    "Instance {} (id {}) unchanged: it already has these settings.\n",
                    printable(&instance.name),
                    instance.id
                )
            } else {
                format!(
                    "Updated instance {} (id {}): {} changed; its inventory and history stay.\n",
                    printable(&instance.name),
                    instance.id,
                    changed.join(", ")
                )
            })?;
        }
        InstancesCommand::Import { update, replace } => {
            let mode = if replace {
                OnChange::Replace
            } else if update {
                OnChange::Update
            } else {
                OnChange::Report
            };
            let report = import(ctx, mode).await?;
            ctx.out(&if ctx.json {
                render::json(&report) + "\n"
            } else {
                render_import(&report)
            })?;
            let refused = report
                .iter()
                .filter(|l| l.action == "differs" && l.differs.contains(&"db_type"))
                .map(|l| printable(&l.name))
                .collect::<Vec<_>>();
            if mode == OnChange::Update && !refused.is_empty() {
                crate::output::stderr(&format!(
                    "error: not updated, their db_type changed: {} (use `instances import --replace`)\n",
                    refused.join(", ")
                ));
                return Ok(FAILED);
            }
        }
    }
    Ok(OK)
}

fn secret_source(env: Option<String>, file: Option<std::path::PathBuf>) -> Option<SecretSource> {
    match (env, file) {
        (Some(var), _) => Some(SecretSource::Env { var }),
        (None, Some(path)) => Some(SecretSource::File {
            path: std::path::absolute(&path).unwrap_or(path),
        }),
        (None, None) => None,
    }
}

fn new_instance(a: AddInstanceArgs) -> Result<NewInstance, CliError> {
    let port = match (a.port, a.db_type) {
        (Some(p), _) => p,
        (None, DbType::Mysql) => 3306,
        (None, DbType::Postgresql) => 5432,
        (None, other) => {
            return Err(CliError::Usage(format!(
                "{other} is reserved: no connector reads it yet (use mysql or postgresql)"
            )));
        }
    };
    let secret = secret_source(a.password_env, a.password_file).unwrap_or(SecretSource::None);
    Ok(NewInstance {
        name: a.name,
        db_type: a.db_type,
        host: a.host,
        port,
        database: a.database,
        inspect_databases: a.databases,
        is_active: !a.inactive,
        credential: CredentialRef { user: a.user, secret },
    })
}

/// The settings of `stored` with the options of `instances update` applied.
fn updated_settings(stored: &Instance, a: UpdateInstanceArgs) -> Result<NewInstance, CliError> {
    let given = a.rename.is_some()
        || a.host.is_some()
        || a.port.is_some()
        || a.user.is_some()
        || a.database.is_some()
        || a.no_database
        || a.databases.is_some()
        || a.no_databases
        || a.password_env.is_some()
        || a.password_file.is_some()
        || a.no_password
        || a.active
        || a.inactive;
    if !given {
        return Err(CliError::Usage(
            "nothing to update: give at least one of --rename, --host, --port, --user, --database, \
             --no-database, --databases, --no-databases, --password-env, --password-file, \
             --no-password, --active, --inactive"
                .into(),
        ));
    }
    let mut new = stored.settings();
    if let Some(name) = a.rename {
        new.name = name;
    }
    if let Some(host) = a.host {
        new.host = host;
    }
    if let Some(port) = a.port {
        new.port = port;
    }
    if let Some(user) = a.user {
        new.credential.user = user;
    }
    if a.no_database {
        new.database = None;
    } else if let Some(database) = a.database {
        new.database = Some(database);
    }
    if a.no_databases {
        new.inspect_databases = Vec::new();
    } else if let Some(databases) = a.databases {
        new.inspect_databases = databases;
    }
    if a.no_password {
        new.credential.secret = SecretSource::None;
    } else if let Some(secret) = secret_source(a.password_env, a.password_file) {
        new.credential.secret = secret;
    }
    if a.active || a.inactive {
        new.is_active = a.active;
    }
    Ok(new)
}

/// What `import` does with a registered instance whose settings differ from the
/// configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnChange {
    /// Report it (`differs`); nothing is written.
    Report,
    /// Update it in place (`updated`); a `db_type` change is only reported.
    Update,
    /// As `Update`; a `db_type` change removes it and registers a new one (`replaced`).
    Replace,
}

/// What `import` did with one configured instance.
#[derive(Debug, Clone, Serialize)]
pub struct ImportLine {
    /// Instance name.
    pub name: String,
    /// `added`, `unchanged`, `activated`, `deactivated`, `updated`, `replaced` or `differs`.
    pub action: &'static str,
    /// Store id after the import.
    pub id: i64,
    /// For `replaced`: the id of the removed registration (its history stays under it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_id: Option<i64>,
    /// For `updated`, `replaced` and `differs`: the settings in which the configuration
    /// differed from the registration (`updated`: the ones changed in place).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub differs: Vec<&'static str>,
}

/// The settings in which `wanted` differs from `stored`, in a fixed order; `active` last.
fn differences(stored: &Instance, wanted: &NewInstance) -> Vec<&'static str> {
    let mut d = Vec::new();
    if stored.name != wanted.name {
        d.push("name");
    }
    if stored.db_type != wanted.db_type {
        d.push("db_type");
    }
    if stored.host != wanted.host {
        d.push("host");
    }
    if stored.port != wanted.port {
        d.push("port");
    }
    if stored.database != wanted.database {
        d.push("database");
    }
    if stored.inspect_databases != wanted.inspect_databases {
        d.push("databases");
    }
    if stored.credential.user != wanted.credential.user {
        d.push("user");
    }
    if stored.credential.secret != wanted.credential.secret {
        d.push("password source");
    }
    if stored.is_active != wanted.is_active {
        d.push("active");
    }
    d
}

/// Registers the configuration's instances: adds the new ones and applies `active`. One whose
/// connection settings changed is reported (`differs`), or with [`OnChange::Update`] updated
/// in place (`updated`: same id, inventory and history). A `db_type` change cannot be
/// updated in place: it is reported, or with [`OnChange::Replace`] the old registration is
/// removed and a new one added (`replaced`).
pub async fn import(ctx: &Ctx, mode: OnChange) -> Result<Vec<ImportLine>, CliError> {
    if ctx.config.instances.is_empty() {
        return Err(CliError::Usage(format!(
            "the configuration ({}) declares no [[instances]] to import; pass --config FILE (e.g. \
             --config examples/local.toml) or write {} (see examples/local.toml)",
            ctx.config.describe(),
            crate::config::DEFAULT_CONFIG_FILE
        )));
    }
    let store = ctx.store();
    let mut report = Vec::new();
    for wanted in &ctx.config.instances {
        let line = |name: String, action, id, differs| ImportLine {
            name,
            action,
            id,
            previous_id: None,
            differs,
        };
        let Some(stored) = store.find_instance(&wanted.name).await.map_err(store_err)? else {
            let added = store.add_instance(wanted.clone()).await.map_err(store_err)?;
            report.push(line(added.name, "added", added.id, vec![]));
            continue;
        };
        let diff = differences(&stored, wanted);
        let family_changed = diff.contains(&"db_type");
        let settings_changed = diff.iter().any(|f| *f != "active");
        let next = match (mode, family_changed, settings_changed) {
            (_, _, false) if diff.is_empty() => line(stored.name, "unchanged", stored.id, vec![]),
            (_, _, false) => {
                store
                    .set_instance_active(stored.id, wanted.is_active)
                    .await
                    .map_err(store_err)?;
                let action = if wanted.is_active {
                    "activated"
                } else {
                    "deactivated"
                };
                line(stored.name, action, stored.id, vec![])
            }
            (OnChange::Replace, true, _) => {
                store
                    .delete_instance(stored.id, Utc::now())
                    .await
                    .map_err(store_err)?;
                let added = store.add_instance(wanted.clone()).await.map_err(store_err)?;
                ImportLine {
                    previous_id: Some(stored.id),
                    ..line(added.name, "replaced", added.id, diff)
                }
            }
            (OnChange::Update | OnChange::Replace, false, _) => {
                let updated = store
                    .update_instance(stored.id, wanted.clone())
                    .await
                    .map_err(store_err)?;
                line(updated.name, "updated", updated.id, diff)
            }
            (OnChange::Report | OnChange::Update, _, _) => line(stored.name, "differs", stored.id, diff),
        };
        report.push(next);
    }
    Ok(report)
}

/// The import report as text.
pub fn render_import(report: &[ImportLine]) -> String {
    let mut out = String::new();
    for l in report {
        out.push_str(&format!("{:<12} {} (id {})", l.action, printable(&l.name), l.id));
        match (l.action, l.previous_id) {
            ("replaced", Some(old)) => out.push_str(&format!(
                " — {} changed; replaces id {old}, removed (its history stays)",
                l.differs.join(", ")
            )),
            ("updated", _) => out.push_str(&format!(" — changed {}", l.differs.join(", "))),
            ("differs", _) => out.push_str(&format!(" — differs in {}", l.differs.join(", "))),
            _ => {}
        }
        out.push('\n');
    }
    let differing = || report.iter().filter(|l| l.action == "differs");
    if differing().any(|l| !l.differs.contains(&"db_type")) {
        out.push_str(
            "Instances marked `differs` keep their registered settings; `instances import --update` \
             changes them in place (same id; inventory and history kept).\n",
        );
    }
    if differing().any(|l| l.differs.contains(&"db_type")) {
        out.push_str(
            "A changed db_type cannot be updated in place: `instances import --replace` removes the \
             instance and registers a new one (a new id; its inventory starts afresh).\n",
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_report_escapes_names() {
        let report = [ImportLine {
            name: "pg\nadded       forged (id 9)".into(),
            action: "unchanged",
            id: 1,
            previous_id: None,
            differs: vec![],
        }];
        assert_eq!(
            render_import(&report),
            "unchanged    pg\\nadded       forged (id 9) (id 1)\n"
        );
    }

    #[test]
    fn option_problems_name_the_option() {
        let new = NewInstance {
            name: String::new(),
            db_type: DbType::Mysql,
            host: "h".into(),
            port: 3306,
            database: None,
            inspect_databases: vec![],
            is_active: true,
            credential: CredentialRef {
                user: "u".into(),
                secret: SecretSource::Env { var: " ".into() },
            },
        };
        let msg = |new: NewInstance, rename| checked(new, rename).unwrap_err().to_string();
        assert_eq!(
            msg(new.clone(), true),
            "--rename: the instance name must not be empty"
        );
        assert_eq!(
            msg(new.clone(), false),
            "--name: the instance name must not be empty"
        );
        assert_eq!(
            msg(
                NewInstance {
                    name: "x".into(),
                    ..new
                },
                false
            ),
            "--password-env: the variable name must not be empty"
        );
    }
}
