//! Connectors that read MySQL/MariaDB and PostgreSQL accounts. Filled by the connector issues.
