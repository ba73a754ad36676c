//! Connectors that read MySQL/MariaDB and PostgreSQL accounts.
#![warn(missing_docs)]

#[cfg(feature = "postgres")]
pub mod postgres;
