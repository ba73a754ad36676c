//! The command line (clap derive). Enumerations are parsed with the core's `FromStr`, so an
//! invalid value gets the core's message naming the allowed values.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;
use sync_core::chrono_tz::Tz;
use sync_core::domain::{DbType, SessionId, SessionStatus, SyncType};

const EXIT_CODES: &str = "\
Quick start (the servers of examples/local.toml):
  account-sync --config examples/local.toml run       register, sync all, show the history
  account-sync --config examples/local.toml history   the history again

Exit codes:
  0  everything worked
  1  at least one instance failed, the session did not complete (cancelled, paused), or the store failed
  2  usage or configuration error

Logs go to stderr (default level warn; set RUST_LOG=info or debug for more).";

/// Inventory the accounts of your MySQL/MariaDB and PostgreSQL servers, sync them, and browse
/// the history of the runs.
#[derive(Debug, Parser)]
#[command(name = "account-sync", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// Configuration file [default: account-sync.toml, used only if it exists].
    #[arg(long, global = true, env = "ACCOUNT_SYNC_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Print JSON (the library's types) instead of tables.
    #[arg(long, global = true)]
    pub json: bool,

    /// Who is calling, recorded as `created_by` of the sessions started [default: $USER].
    #[arg(long, global = true, value_name = "ID")]
    pub user: Option<String>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The main job: register the configuration's instances, sync them all, show the history.
    Run {
        /// Sync type of the session: manual_batch, manual_task or scheduled_task.
        #[arg(long = "type", default_value = "manual_batch", value_name = "TYPE")]
        sync_type: SyncType,
    },
    /// Registered instances.
    #[command(subcommand)]
    Instances(InstancesCommand),
    /// Sync every active instance in one session (with a progress bar; Ctrl-C cancels).
    SyncAll {
        /// manual_batch, manual_task or scheduled_task.
        #[arg(long = "type", default_value = "manual_batch", value_name = "TYPE")]
        sync_type: SyncType,
    },
    /// Sync one instance (a manual_single session).
    Sync {
        /// Instance name.
        instance: String,
    },
    /// Sync one instance again, or re-run the failed instances of a session.
    #[command(group = clap::ArgGroup::new("what").required(true).args(["instance", "failed"]))]
    Retry {
        /// Instance name.
        instance: Option<String>,
        /// Re-run the failed instances of this session (in a new session of the same type).
        #[arg(long, value_name = "SESSION")]
        failed: Option<SessionId>,
    },
    /// The history of sync runs, grouped and paginated.
    History(HistoryArgs),
    /// One session with all its instance records.
    Details {
        /// Session id (UUID).
        session: SessionId,
    },
    /// The records of a set of sessions (a history row's sessions), one per instance.
    BatchDetails {
        /// Session ids (UUIDs).
        #[arg(required = true, num_args = 1.., value_name = "SESSION")]
        ids: Vec<SessionId>,
        /// Only the instances that failed.
        #[arg(long)]
        failed_only: bool,
    },
    /// The account inventory of an instance.
    Accounts {
        /// Instance name.
        instance: String,
        /// Also list accounts that disappeared.
        #[arg(long)]
        include_removed: bool,
    },
    /// The account change log of an instance, newest first.
    Changes {
        /// Instance name.
        instance: String,
        /// Only changes at or after this time (RFC 3339, `YYYY-MM-DD` or `YYYY-MM-DD HH:MM[:SS]`
        /// in the configured time zone).
        #[arg(long, value_name = "TIME")]
        since: Option<TimeArg>,
        /// At most this many changes.
        #[arg(long, value_name = "N")]
        limit: Option<u32>,
    },
    /// Export the history (every page): one row per history group.
    Export {
        /// csv or json.
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Write to this file instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Which sessions.
        #[command(flatten)]
        filter: HistoryFilterArgs,
    },
    /// Cancel a session: pending instances are cancelled, running ones told to stop.
    Cancel {
        /// Session id (UUID).
        session: SessionId,
    },
    /// Pause a session: no new instance starts.
    Pause {
        /// Session id (UUID).
        session: SessionId,
    },
    /// Resume a paused (or interrupted) session: runs its pending instances.
    Resume {
        /// Session id (UUID).
        session: SessionId,
    },
    /// Fail the records left running by a process that died (once their lease has ended), and
    /// close their sessions; list the records still running under their lease.
    Recover {
        /// Fail the records running longer than this instead of the configured lease
        /// (`stale_lease_secs`), e.g. after the process was killed: seconds (`90`) or a
        /// duration (`90s`, `15m`, `1h30m`); must exceed the instance timeout.
        #[arg(long, value_name = "DURATION")]
        older_than: Option<DurationArg>,
    },
}

/// `instances` subcommands.
#[derive(Debug, Subcommand)]
pub enum InstancesCommand {
    /// List registered instances.
    List {
        /// Also inactive and removed instances.
        #[arg(long)]
        all: bool,
    },
    /// Register an instance.
    Add(AddInstanceArgs),
    /// Remove an instance (soft delete: it is never synced again, its history stays).
    Remove {
        /// Instance name.
        name: String,
    },
    /// Change the settings of a registered instance in place (same id; its inventory and
    /// history stay).
    Update(UpdateInstanceArgs),
    /// Register the configuration's instances (and apply their `active` flag). Instances whose
    /// settings differ are only reported unless `--update` or `--replace` is given.
    Import {
        /// Update in place the instances whose host, port, database(s), user, password source
        /// or `active` flag changed in the configuration (same id, inventory and history).
        #[arg(long)]
        update: bool,
        /// As `--update`; an instance whose `db_type` changed, which cannot be updated in
        /// place, is removed and registered anew (a new id, a fresh inventory).
        #[arg(long)]
        replace: bool,
    },
}

/// Arguments of `instances add`. There is no password option: give an environment variable
/// or a file.
#[derive(Debug, Args)]
pub struct AddInstanceArgs {
    /// Unique name.
    #[arg(long)]
    pub name: String,
    /// mysql or postgresql.
    #[arg(long, value_name = "TYPE", value_parser = crate::config::supported_db_type)]
    pub db_type: DbType,
    /// Host name or address.
    #[arg(long)]
    pub host: String,
    /// Port [default: 3306 for mysql, 5432 for postgresql].
    #[arg(long)]
    pub port: Option<u16>,
    /// Login of the sync user.
    #[arg(long)]
    pub user: String,
    /// Database to connect to.
    #[arg(long)]
    pub database: Option<String>,
    /// PostgreSQL: further databases to inspect (comma separated).
    #[arg(long, value_delimiter = ',')]
    pub databases: Vec<String>,
    /// Environment variable holding the password.
    #[arg(long, value_name = "VAR", conflicts_with = "password_file")]
    pub password_env: Option<String>,
    /// File holding the password.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Register it inactive (left out of sync-all).
    #[arg(long)]
    pub inactive: bool,
}

/// Arguments of `instances update`: only the settings given change. The server family
/// cannot change (remove the instance and add a new one).
#[derive(Debug, Args)]
pub struct UpdateInstanceArgs {
    /// The registered instance.
    pub name: String,
    /// New name.
    #[arg(long, value_name = "NAME")]
    pub rename: Option<String>,
    /// Host name or address.
    #[arg(long)]
    pub host: Option<String>,
    /// Port.
    #[arg(long)]
    pub port: Option<u16>,
    /// Login of the sync user.
    #[arg(long)]
    pub user: Option<String>,
    /// Database to connect to.
    #[arg(long, conflicts_with = "no_database")]
    pub database: Option<String>,
    /// Connect without a database.
    #[arg(long)]
    pub no_database: bool,
    /// PostgreSQL: further databases to inspect (comma separated), replacing the list.
    #[arg(long, value_delimiter = ',', conflicts_with = "no_databases")]
    pub databases: Option<Vec<String>>,
    /// PostgreSQL: inspect no further database.
    #[arg(long)]
    pub no_databases: bool,
    /// Environment variable holding the password.
    #[arg(long, value_name = "VAR", conflicts_with_all = ["password_file", "no_password"])]
    pub password_env: Option<String>,
    /// File holding the password.
    #[arg(long, value_name = "FILE", conflicts_with = "no_password")]
    pub password_file: Option<PathBuf>,
    /// No password (trust or socket authentication).
    #[arg(long)]
    pub no_password: bool,
    /// Include it in sync-all.
    #[arg(long, conflicts_with = "inactive")]
    pub active: bool,
    /// Leave it out of sync-all.
    #[arg(long)]
    pub inactive: bool,
}

/// `history` arguments.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Which sessions.
    #[command(flatten)]
    pub filter: HistoryFilterArgs,
    /// Page number, from 1.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true)]
    pub page: i64,
    /// Groups per page (1..=200).
    #[arg(long, default_value_t = 20, allow_negative_numbers = true)]
    pub per_page: i64,
}

/// The history filters shared by `history` and `export`.
#[derive(Debug, Clone, Args)]
pub struct HistoryFilterArgs {
    /// Only sessions of this sync type: manual_single, manual_batch, manual_task, scheduled_task.
    #[arg(long = "type", value_name = "TYPE")]
    pub sync_type: Option<SyncType>,
    /// Only sessions in this status: pending, running, paused, completed, failed, cancelled.
    #[arg(long, value_name = "STATUS")]
    pub status: Option<SessionStatus>,
    /// Time range on the session creation time ("today" starts at midnight in the configured
    /// time zone).
    #[arg(long, value_enum, default_value_t = RangeArg::All, conflicts_with_all = ["since", "until"])]
    pub range: RangeArg,
    /// Sessions created at or after this time.
    #[arg(long, value_name = "TIME")]
    pub since: Option<TimeArg>,
    /// Sessions created before this time.
    #[arg(long, value_name = "TIME")]
    pub until: Option<TimeArg>,
}

/// The `--range` presets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RangeArg {
    /// Since midnight today.
    Today,
    /// The last 7 days.
    Week,
    /// The last 30 days.
    Month,
    /// No bound.
    All,
}

/// `export --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One row per history group, with a header line.
    Csv,
    /// A JSON array of history groups.
    Json,
}

/// A point in time given on the command line: an RFC 3339 instant, or a date / date-time in
/// the configured time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeArg {
    /// With an offset: an exact instant.
    Instant(DateTime<Utc>),
    /// A local date-time.
    Local(NaiveDateTime),
    /// A local date (its midnight).
    Date(NaiveDate),
}

/// A duration given on the command line: whole seconds (`90`) or numbers with units `d`,
/// `h`, `m`, `s` (`90s`, `15m`, `1h30m`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DurationArg(pub Duration);

/// Why a `DURATION` argument is not understood.
#[derive(Debug, thiserror::Error)]
#[error("invalid duration {0:?}: use seconds (90) or a duration such as 90s, 15m, 1h30m")]
pub struct DurationArgError(String);

impl FromStr for DurationArg {
    type Err = DurationArgError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || DurationArgError(s.to_owned());
        let t = s.trim();
        if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            return t
                .parse()
                .map(|n| DurationArg(Duration::from_secs(n)))
                .map_err(|_| bad());
        }
        let (mut total, mut number, mut seen) = (0u64, String::new(), false);
        for c in t.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let unit = match c {
                'd' => 86_400,
                'h' => 3_600,
                'm' => 60,
                's' => 1,
                _ => return Err(bad()),
            };
            let n: u64 = number.parse().map_err(|_| bad())?;
            total = n
                .checked_mul(unit)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(bad)?;
            number.clear();
            seen = true;
        }
        if !seen || !number.is_empty() {
            return Err(bad());
        }
        Ok(DurationArg(Duration::from_secs(total)))
    }
}

impl std::fmt::Display for DurationArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}s", self.0.as_secs())
    }
}

/// Why a `TIME` argument is not understood.
#[derive(Debug, thiserror::Error)]
#[error(
    "invalid time {0:?}: use RFC 3339 (2026-03-10T12:00:00Z), a date (2026-03-10) or a local date-time \
     (2026-03-10 12:00)"
)]
pub struct TimeArgError(String);

impl FromStr for TimeArg {
    type Err = TimeArgError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Ok(TimeArg::Instant(t.with_timezone(&Utc)));
        }
        for fmt in [
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
        ] {
            if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
                return Ok(TimeArg::Local(t));
            }
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(TimeArg::Date)
            .map_err(|_| TimeArgError(s.to_owned()))
    }
}

impl TimeArg {
    /// The instant, local values read in `tz` (the earliest one when a local time is
    /// ambiguous; an error when it does not exist).
    pub fn resolve(self, tz: Tz) -> Result<DateTime<Utc>, String> {
        let local = match self {
            TimeArg::Instant(t) => return Ok(t),
            TimeArg::Local(t) => t,
            TimeArg::Date(d) => d.and_time(chrono::NaiveTime::MIN),
        };
        tz.from_local_datetime(&local)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| format!("{local} does not exist in time zone {tz} (a daylight-saving gap)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use clap::error::ErrorKind;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("account-sync").chain(args.iter().copied()))
    }

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn enum_values_use_core_messages() {
        let e = parse(&["sync-all", "--type", "batch"]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ValueValidation);
        assert!(
            e.to_string().contains(
                "unknown sync type \"batch\"; allowed values: manual_single, manual_batch, manual_task, \
                 scheduled_task"
            ),
            "{e}"
        );
        let e = parse(&["history", "--status", "done"]).unwrap_err();
        assert!(e.to_string().contains("unknown session status \"done\""), "{e}");
        let e = parse(&["details", "nope"]).unwrap_err();
        assert!(
            e.to_string()
                .contains("invalid session id \"nope\": expected a UUID"),
            "{e}"
        );
    }

    #[test]
    fn defaults_and_globals() {
        let cli = parse(&["history", "--json", "--range", "week"]).unwrap();
        assert!(cli.json);
        let Command::History(h) = cli.command else {
            panic!()
        };
        assert_eq!((h.page, h.per_page), (1, 20));
        assert_eq!(h.filter.range, RangeArg::Week);
        let cli = parse(&["sync-all"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::SyncAll {
                sync_type: SyncType::ManualBatch
            }
        ));
        assert!(parse(&["history", "--range", "week", "--since", "2026-01-01"]).is_err());
        assert!(parse(&["retry"]).is_err());
        let id = "0b7e3a52-4a43-4c8e-9d43-53b4a1f2d7a1";
        let cli = parse(&["retry", "--failed", id]).unwrap();
        assert!(
            matches!(cli.command, Command::Retry { instance: None, failed: Some(s) } if s.to_string() == id)
        );
        assert!(
            parse(&["history", "--page", "0"]).is_ok(),
            "validated by the core, not clap"
        );
    }

    #[test]
    fn add_refuses_db_types_without_a_connector() {
        let e = parse(&[
            "instances",
            "add",
            "--name",
            "x",
            "--db-type",
            "oracle",
            "--host",
            "h",
        ])
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ValueValidation);
        assert!(e.to_string().contains("oracle is reserved"), "{e}");
        let e = parse(&[
            "instances",
            "add",
            "--name",
            "x",
            "--db-type",
            "foo",
            "--host",
            "h",
        ])
        .unwrap_err();
        assert!(e.to_string().contains("allowed values: mysql, postgresql"), "{e}");
    }

    #[test]
    fn instances_import_and_update_arguments() {
        let cli = parse(&["instances", "import", "--update"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Instances(InstancesCommand::Import {
                update: true,
                replace: false
            })
        ));
        let cli = parse(&[
            "instances",
            "update",
            "pg",
            "--port",
            "5433",
            "--databases",
            "a,b",
            "--inactive",
        ])
        .unwrap();
        let Command::Instances(InstancesCommand::Update(u)) = cli.command else {
            panic!()
        };
        assert_eq!(
            (u.name.as_str(), u.port, u.databases, u.active, u.inactive, u.host),
            (
                "pg",
                Some(5433),
                Some(vec!["a".to_owned(), "b".to_owned()]),
                false,
                true,
                None
            )
        );
        for conflict in [
            &["instances", "update", "pg", "--active", "--inactive"][..],
            &[
                "instances",
                "update",
                "pg",
                "--password-env",
                "X",
                "--no-password",
            ],
            &["instances", "update", "pg", "--database", "d", "--no-database"],
        ] {
            assert_eq!(
                parse(conflict).unwrap_err().kind(),
                ErrorKind::ArgumentConflict,
                "{conflict:?}"
            );
        }
    }

    #[test]
    fn duration_arguments() {
        let d = |s: &str| s.parse::<DurationArg>().map(|d| d.0.as_secs());
        assert_eq!(d("90").unwrap(), 90);
        assert_eq!(d("90s").unwrap(), 90);
        assert_eq!(d("15m").unwrap(), 900);
        assert_eq!(d("1h30m").unwrap(), 5400);
        assert_eq!(d("1d").unwrap(), 86_400);
        for bad in ["", "m", "1.5h", "10x", "1h30", "-5", "99999999999999999999"] {
            assert!(d(bad).is_err(), "{bad}");
        }
        assert_eq!(
            d("10x").unwrap_err().to_string(),
            "invalid duration \"10x\": use seconds (90) or a duration such as 90s, 15m, 1h30m"
        );
        assert_eq!(DurationArg(Duration::from_secs(61)).to_string(), "61s");
        let cli = parse(&["recover", "--older-than", "2m"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Recover { older_than: Some(DurationArg(d)) } if d == Duration::from_secs(120)
        ));
        assert!(matches!(
            parse(&["recover"]).unwrap().command,
            Command::Recover { older_than: None }
        ));
    }

    #[test]
    fn time_arguments() {
        let paris = sync_core::chrono_tz::Europe::Paris;
        let t: TimeArg = "2026-03-10".parse().unwrap();
        assert_eq!(
            t.resolve(paris).unwrap().to_rfc3339(),
            "2026-03-09T23:00:00+00:00"
        );
        let t: TimeArg = "2026-07-10 12:30".parse().unwrap();
        assert_eq!(
            t.resolve(paris).unwrap().to_rfc3339(),
            "2026-07-10T10:30:00+00:00"
        );
        let t: TimeArg = "2026-07-10T12:30:00+02:00".parse().unwrap();
        assert_eq!(
            t.resolve(Tz::UTC).unwrap().to_rfc3339(),
            "2026-07-10T10:30:00+00:00"
        );
        let gap: TimeArg = "2026-03-29 02:30".parse().unwrap();
        assert!(gap.resolve(paris).unwrap_err().contains("does not exist"));
        assert!("yesterday".parse::<TimeArg>().is_err());
    }
}
