//! `instances list|add|remove|import`.

use super::Ctx;
use crate::cli::{AddInstanceArgs, InstancesCommand};
use crate::exit::{CliError, OK};
use crate::render;
use chrono::Utc;
use serde::Serialize;
use sync_core::domain::{CredentialRef, DbType, Instance, NewInstance, SecretSource};
use sync_core::service::ServiceError;
use sync_core::traits::InstanceListFilter;

fn store_err(e: sync_core::traits::StoreError) -> CliError {
    CliError::Service(ServiceError::from(e))
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
            });
        }
        InstancesCommand::Add(args) => {
            let added = ctx
                .store()
                .add_instance(new_instance(args)?)
                .await
                .map_err(store_err)?;
            ctx.out(&if ctx.json {
                render::json(&added) + "\n"
            } else {
                format!("Registered instance {} (id {}).\n", added.name, added.id)
            });
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
                    inst.name, inst.id
                ));
            }
        }
        InstancesCommand::Import { replace } => {
            let report = import(ctx, replace).await?;
            ctx.out(&if ctx.json {
                render::json(&report) + "\n"
            } else {
                render_import(&report)
            });
        }
    }
    Ok(OK)
}

fn new_instance(a: AddInstanceArgs) -> Result<NewInstance, CliError> {
    let port = match (a.port, a.db_type) {
        (Some(0), _) => return Err(CliError::Usage("--port 0 is not a server port".into())),
        (Some(p), _) => p,
        (None, DbType::Mysql) => 3306,
        (None, DbType::Postgresql) => 5432,
        (None, other) => {
            return Err(CliError::Usage(format!(
                "{other} is reserved: no connector reads it yet (use mysql or postgresql)"
            )));
        }
    };
    if a.db_type != DbType::Postgresql && !a.databases.is_empty() {
        return Err(CliError::Usage(
            "--databases applies to PostgreSQL instances only".into(),
        ));
    }
    let secret = match (a.password_env, a.password_file) {
        (Some(var), _) => SecretSource::Env { var },
        (None, Some(path)) => SecretSource::File {
            path: std::path::absolute(&path).unwrap_or(path),
        },
        (None, None) => SecretSource::None,
    };
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

/// What `import` did with one configured instance.
#[derive(Debug, Clone, Serialize)]
pub struct ImportLine {
    /// Instance name.
    pub name: String,
    /// `added`, `unchanged`, `activated`, `deactivated`, `replaced` or `differs`.
    pub action: &'static str,
    /// Store id after the import.
    pub id: i64,
    /// For `differs`: the fields that differ from the configuration.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub differs: Vec<&'static str>,
}

fn differences(stored: &Instance, wanted: &NewInstance) -> Vec<&'static str> {
    let mut d = Vec::new();
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
    if stored.credential != wanted.credential {
        d.push("credential");
    }
    d
}

/// Registers the configuration's instances: adds the new ones, applies `active`, and for one
/// whose connection settings changed either reports it (`differs`) or, with `replace`,
/// removes the old registration and adds the new one.
pub async fn import(ctx: &Ctx, replace: bool) -> Result<Vec<ImportLine>, CliError> {
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
        let line = match store.find_instance(&wanted.name).await.map_err(store_err)? {
            None => {
                let added = store.add_instance(wanted.clone()).await.map_err(store_err)?;
                ImportLine {
                    name: added.name,
                    action: "added",
                    id: added.id,
                    differs: vec![],
                }
            }
            Some(stored) => {
                let diff = differences(&stored, wanted);
                if !diff.is_empty() && replace {
                    store
                        .delete_instance(stored.id, Utc::now())
                        .await
                        .map_err(store_err)?;
                    let added = store.add_instance(wanted.clone()).await.map_err(store_err)?;
                    ImportLine {
                        name: added.name,
                        action: "replaced",
                        id: added.id,
                        differs: diff,
                    }
                } else if !diff.is_empty() {
                    ImportLine {
                        name: stored.name,
                        action: "differs",
                        id: stored.id,
                        differs: diff,
                    }
                } else if stored.is_active != wanted.is_active {
                    store
                        .set_instance_active(stored.id, wanted.is_active)
                        .await
                        .map_err(store_err)?;
                    ImportLine {
                        name: stored.name,
                        action: if wanted.is_active {
                            "activated"
                        } else {
                            "deactivated"
                        },
                        id: stored.id,
                        differs: vec![],
                    }
                } else {
                    ImportLine {
                        name: stored.name,
                        action: "unchanged",
                        id: stored.id,
                        differs: vec![],
                    }
                }
            }
        };
        report.push(line);
    }
    Ok(report)
}

/// The import report as text.
pub fn render_import(report: &[ImportLine]) -> String {
    let mut out = String::new();
    for l in report {
        out.push_str(&format!("{:<12} {} (id {})", l.action, l.name, l.id));
        if !l.differs.is_empty() {
            out.push_str(&format!(" — differs in {}", l.differs.join(", ")));
        }
        out.push('\n');
    }
    if report.iter().any(|l| l.action == "differs") {
        out.push_str(
            "Instances marked `differs` keep their registered settings; `instances import --replace` \
             re-registers them (their inventory starts afresh).\n",
        );
    }
    out
}
