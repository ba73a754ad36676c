//! A custom front end: renders a history page and the batch details of its newest row as
//! Markdown, from the library's types alone (a web page, a chat-ops bot or a TUI would do the
//! same with their own markup).
//!
//! ```sh
//! cargo run --example custom_frontend
//! ```
//!
//! It first produces some history: one `manual_batch` sync of the servers of a development
//! machine (PostgreSQL 127.0.0.1:5432 user `postgres`, MariaDB 127.0.0.1:3306 user `root`,
//! no passwords) and one `manual_single` sync, on the in-memory store with the real
//! connectors. A server that is down shows up as a failed record with its reason.

use std::error::Error;
use std::fmt::Write;
use std::sync::Arc;
use std::time::Duration;
use sync_connectors::mysql::MysqlConnector;
use sync_connectors::postgres::PostgresConnector;
use sync_core::domain::{CredentialRef, DbType, NewInstance, SecretSource, SyncType};
use sync_core::history::{BatchDetails, GroupKey, HistoryPage, HistoryRequest, PageLink, PageRequest};
use sync_core::memory::MemoryStore;
use sync_core::service::{Caller, ServiceConfig, SyncService};
use sync_core::traits::{EnvCredentialProvider, InstanceStore};

/// A history page as a Markdown table with a pager line.
fn history_markdown(page: &HistoryPage) -> String {
    let mut md = String::from("## Sync history\n\n");
    md.push_str("| Created (UTC) | Kind | Types | Status | Instances ok / failed / total | Accounts +created ~updated -deleted (read) | Sessions |\n");
    md.push_str("|---|---|---|---|---|---|---|\n");
    for g in &page.items {
        let kind = match g.key {
            GroupKey::Batch(_) => "batch",
            GroupKey::Minute(_) => "tasks of one minute",
            GroupKey::Single(_) => "single",
        };
        let types: Vec<&str> = g.sync_types.iter().map(|t| t.as_str()).collect();
        let sessions: Vec<String> = g
            .session_ids
            .iter()
            .map(|s| format!("`{}`", &s.to_string()[..8]))
            .collect();
        let _ = writeln!(
            md,
            "| {} | {kind} | {} | **{}** | {} / {} / {} | +{} ~{} -{} ({}) | {} |",
            g.created_at.format("%Y-%m-%d %H:%M:%S"),
            types.join(", "),
            g.status,
            g.successful_instances,
            g.failed_instances,
            g.total_instances,
            g.items.created,
            g.items.updated,
            g.items.deleted,
            g.items.synced,
            sessions.join(" ")
        );
    }
    let strip: Vec<String> = page
        .strip
        .iter()
        .map(|l| match l {
            PageLink::Page(n) if *n == page.page => format!("**{n}**"),
            PageLink::Page(n) => n.to_string(),
            PageLink::Gap => "…".into(),
        })
        .collect();
    let _ = writeln!(
        md,
        "\n{} {} {} — {} group(s)",
        if page.has_prev { "«" } else { " " },
        strip.join(" "),
        if page.has_next { "»" } else { " " },
        page.total
    );
    md
}

/// Batch details as a Markdown list, failures with their reason.
fn batch_markdown(d: &BatchDetails) -> String {
    let mut md = format!(
        "## Batch details\n\n{} completed, {} failed — {} accounts read\n\n",
        d.completed, d.failed, d.items.synced
    );
    for r in &d.records {
        let _ = write!(md, "- **{}**: {}", r.instance_name, r.status);
        match &r.error_message {
            Some(e) => {
                let _ = writeln!(md, " — {e}");
            }
            None => {
                let _ = writeln!(
                    md,
                    " — {} read, +{} ~{} -{}",
                    r.items.synced, r.items.created, r.items.updated, r.items.deleted
                );
            }
        }
    }
    md
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let store = Arc::new(MemoryStore::new());
    let mut ids = Vec::new();
    for (name, db_type, port, user) in [
        ("local-postgres", DbType::Postgresql, 5432, "postgres"),
        ("local-mariadb", DbType::Mysql, 3306, "root"),
    ] {
        let inst = store
            .add_instance(NewInstance {
                name: name.into(),
                db_type,
                host: "127.0.0.1".into(),
                port,
                database: None,
                inspect_databases: vec![],
                is_active: true,
                credential: CredentialRef {
                    user: user.into(),
                    secret: SecretSource::None,
                },
            })
            .await?;
        ids.push(inst.id);
    }
    let service = SyncService::builder(store, Arc::new(EnvCredentialProvider))
        .connector(Arc::new(PostgresConnector::new()))
        .connector(Arc::new(MysqlConnector::new()))
        .config(ServiceConfig {
            instance_timeout: Duration::from_secs(30),
            ..ServiceConfig::default()
        })
        .build()?;
    let alice = Caller::operator("alice");
    service.sync_all(&alice, SyncType::ManualBatch).await?.await?;
    service.sync_instance(&alice, ids[0]).await?.await?;

    // What a front end does: ask for a page, render it, drill into a row.
    let request = HistoryRequest {
        page: PageRequest::new(1, 10)?,
        ..HistoryRequest::default()
    };
    let page = service.history(&Caller::viewer("bob"), &request).await?;
    print!("{}", history_markdown(&page));
    if let Some(newest) = page.items.first() {
        let details = service
            .batch_details(&Caller::viewer("bob"), &newest.session_ids)
            .await?;
        print!("\n{}", batch_markdown(&details));
    }
    Ok(())
}
