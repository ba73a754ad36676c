//! Typed errors of the domain rules.

use thiserror::Error;

/// A string that is not one of an enumeration's allowed values.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown {kind} {value:?}; allowed values: {allowed}")]
pub struct ParseEnumError {
    /// The enumeration, e.g. `sync type`.
    pub kind: &'static str,
    /// The rejected input.
    pub value: String,
    /// The allowed values, comma separated.
    pub allowed: String,
}

/// A status change that the session or record state machine does not allow.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("illegal {entity} transition from {from} to {to}: {reason}")]
pub struct TransitionError {
    /// `session` or `record`.
    pub entity: &'static str,
    /// The current status.
    pub from: String,
    /// The requested status.
    pub to: String,
    /// Why it is refused and what is allowed from `from`.
    pub reason: String,
}

/// Invalid input to a history query or a details request.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QueryError {
    /// Page numbers start at 1.
    #[error("invalid page {0}: pages are numbered from 1")]
    InvalidPage(i64),
    /// per_page outside the allowed bounds.
    #[error("invalid per_page {value}: allowed {min}..={max}")]
    InvalidPerPage {
        /// The rejected value.
        value: i64,
        /// Smallest allowed.
        min: u32,
        /// Largest allowed.
        max: u32,
    },
    /// An explicit time range whose start is after its end.
    #[error("invalid time range: since {since} is after until {until}")]
    InvalidRange {
        /// Start of the range (RFC 3339).
        since: String,
        /// End of the range (RFC 3339).
        until: String,
    },
    /// A details request without any session id.
    #[error("no session ids given: a details request needs at least one session id")]
    EmptyIds,
    /// Session ids that do not exist.
    #[error("session(s) not found: {}", .0.join(", "))]
    NotFound(Vec<String>),
    /// An unparsable session id.
    #[error("invalid session id {0:?}: expected a UUID")]
    InvalidSessionId(String),
}
