//! The enumerations of DOMAIN.md section 2, serialised as lower-case strings.

use crate::error::ParseEnumError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $kind:literal, { $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The lower-case string used in storage, JSON and the CLI.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = ParseEnumError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(ParseEnumError {
                        kind: $kind,
                        value: s.to_owned(),
                        allowed: [$($text),+].join(", "),
                    }),
                }
            }
        }
    };
}

string_enum!(
    /// How a session was started.
    SyncType, "sync type", {
        /// One instance, started by a person.
        ManualSingle => "manual_single",
        /// All active instances, started by a person.
        ManualBatch => "manual_batch",
        /// A task run by hand.
        ManualTask => "manual_task",
        /// A task run by a scheduler.
        ScheduledTask => "scheduled_task",
    }
);

impl SyncType {
    /// Task sessions are grouped by the UTC minute of their creation (and share the group).
    pub const fn is_task(self) -> bool {
        matches!(self, SyncType::ManualTask | SyncType::ScheduledTask)
    }
}

string_enum!(
    /// What kind of data a session synchronises. Only `account` is implemented.
    SyncCategory, "sync category", {
        /// Users, roles, attributes and privileges.
        Account => "account",
        /// Reserved: capacity figures.
        Capacity => "capacity",
        /// Reserved: configuration.
        Config => "config",
        /// Reserved: aggregation jobs.
        Aggregation => "aggregation",
        /// Reserved: anything else.
        Other => "other",
    }
);

string_enum!(
    /// Status of a sync session (see [`crate::domain::session`] for the state machine).
    SessionStatus, "session status", {
        /// Created, nothing started yet.
        Pending => "pending",
        /// At least one record started.
        Running => "running",
        /// No new instance starts until resumed.
        Paused => "paused",
        /// Every record completed (terminal).
        Completed => "completed",
        /// Every record terminal, at least one failed (terminal).
        Failed => "failed",
        /// Cancelled by a person (terminal).
        Cancelled => "cancelled",
    }
);

impl SessionStatus {
    /// `completed`, `failed` and `cancelled` are final.
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            SessionStatus::Completed | SessionStatus::Failed | SessionStatus::Cancelled
        )
    }
}

string_enum!(
    /// Status of one instance record (see [`crate::domain::record`] for the state machine).
    RecordStatus, "record status", {
        /// Waiting in the session's work queue.
        Pending => "pending",
        /// A worker is reading the instance.
        Running => "running",
        /// Read and stored (terminal).
        Completed => "completed",
        /// The read or the write failed (terminal).
        Failed => "failed",
        /// Never started: the session was cancelled (terminal).
        Cancelled => "cancelled",
    }
);

impl RecordStatus {
    /// `completed`, `failed` and `cancelled` are final.
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            RecordStatus::Completed | RecordStatus::Failed | RecordStatus::Cancelled
        )
    }
}

string_enum!(
    /// The kind of database server.
    DbType, "db type", {
        /// MySQL and MariaDB.
        Mysql => "mysql",
        /// PostgreSQL.
        Postgresql => "postgresql",
        /// Reserved.
        Sqlserver => "sqlserver",
        /// Reserved.
        Oracle => "oracle",
    }
);

string_enum!(
    /// The kinds of entries in the account change log.
    ChangeKind, "change kind", {
        /// A key never seen before.
        Added => "added",
        /// A key that had been removed and came back.
        Reactivated => "reactivated",
        /// A present key that is missing now.
        Removed => "removed",
        /// A present key whose snapshot changed.
        Modified => "modified",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_serde_names() {
        for t in SyncType::ALL {
            assert_eq!(t.as_str().parse::<SyncType>().unwrap(), *t);
            assert_eq!(serde_json::to_string(t).unwrap(), format!("\"{}\"", t.as_str()));
        }
        assert_eq!(
            serde_json::to_string(&SessionStatus::Cancelled).unwrap(),
            "\"cancelled\""
        );
        assert_eq!("postgresql".parse::<DbType>().unwrap(), DbType::Postgresql);
    }

    #[test]
    fn unknown_strings_name_the_allowed_values() {
        let err = "batch".parse::<SyncType>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown sync type \"batch\"; allowed values: manual_single, manual_batch, manual_task, scheduled_task"
        );
        let err = "Running".parse::<SessionStatus>().unwrap_err();
        assert!(
            err.to_string()
                .contains("allowed values: pending, running, paused"),
            "{err}"
        );
        assert!(serde_json::from_str::<RecordStatus>("\"done\"").is_err());
    }
}
