//! The store's test suite, run against SQLite, PostgreSQL and MariaDB (each test in its own
//! database; see `common`).

#[path = "../common/mod.rs"]
mod common;

mod concurrency;
mod fixtures;
mod history;
mod instances;
mod inventory;
mod open;
mod retention;
mod sessions;
mod transaction;
