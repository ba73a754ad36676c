//! The durable store on SeaORM 2 (SQLite, PostgreSQL, MySQL/MariaDB). Filled by the store issue.
