//! A wrong password, live. The shared server on 127.0.0.1:5432 uses trust authentication
//! (it accepts any password), so this test starts a private, throw-away PostgreSQL cluster
//! with `scram-sha-256` authentication on a free port (`initdb` + `pg_ctl`, run as the
//! `postgres` OS user when the test runs as root), checks that a wrong password gives
//! `AuthFailed` (SQLSTATE 28P01) without the password and that the right one reads, then
//! stops the cluster and deletes its directory.
//!
//! Skipped, with a message, where no PostgreSQL server binaries are installed.
#![cfg(feature = "postgres")]

use secrecy::SecretString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use sync_connectors::postgres::PostgresConnector;
use sync_core::account::{AccountFilter, AccountKey, AttrValue, attr};
use sync_core::domain::DbType;
use sync_core::traits::{AccountConnector, ConnectTarget, ConnectorError};
use tokio_util::sync::CancellationToken;

const ADMIN: &str = "acspg_auth_admin";
const RIGHT: &str = "Right-Pw-7c1d!";
const WRONG: &str = "Wrong-Pw-93ab?";

/// The directory holding `initdb` and `pg_ctl`, if installed.
fn server_bin_dir() -> Option<PathBuf> {
    let out = Command::new("pg_config").arg("--bindir").output().ok()?;
    let dir = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    if dir.join("initdb").exists() {
        return Some(dir);
    }
    // Debian keeps the server binaries out of PATH.
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    found.sort();
    found.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

/// Runs a server binary, as the `postgres` OS user when we are root. Its output is kept
/// out of the test output and shown only when it fails.
fn run(bin: &Path, args: &[&str]) {
    let out = if is_root() {
        Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(bin)
            .args(args)
            .output()
    } else {
        Command::new(bin).args(args).output()
    }
    .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    assert!(
        out.status.success(),
        "{} {args:?} failed: {}\n{}{}",
        bin.display(),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A running private cluster; stopped and deleted on drop (also when a test panics).
struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
}

impl Cluster {
    fn start(bin: PathBuf) -> Cluster {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!("acspg_auth_{}_{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let pwfile = dir.join("pw");
        std::fs::write(&pwfile, format!("{RIGHT}\n")).unwrap();
        if is_root() {
            let st = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()
                .unwrap();
            assert!(st.success());
        }
        let data = dir.join("data");
        let cluster = Cluster { bin, dir, port };
        run(
            &cluster.bin.join("initdb"),
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                ADMIN,
                "--auth=scram-sha-256",
                &format!("--pwfile={}", pwfile.display()),
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        let opts = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            cluster.dir.display()
        );
        run(
            &cluster.bin.join("pg_ctl"),
            &[
                "-D",
                data.to_str().unwrap(),
                "-o",
                &opts,
                "-l",
                cluster.dir.join("log").to_str().unwrap(),
                "-w",
                "start",
            ],
        );
        cluster
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let args = ["-D", data.to_str().unwrap(), "-m", "immediate", "-w", "stop"];
        let _ = if is_root() {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(self.bin.join("pg_ctl"))
                .args(args)
                .output()
        } else {
            Command::new(self.bin.join("pg_ctl")).args(args).output()
        };
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn target(port: u16, password: &str) -> ConnectTarget {
    ConnectTarget {
        instance_name: "private-scram".into(),
        host: "127.0.0.1".into(),
        port,
        database: Some("postgres".into()),
        inspect_databases: vec![],
        user: ADMIN.into(),
        password: Some(SecretString::from(password.to_owned())),
        timeout: Duration::from_secs(20),
        filter: AccountFilter::default_for(DbType::Postgresql),
    }
}

#[tokio::test]
async fn wrong_password_is_auth_failed_and_the_right_one_reads() {
    let Some(bin) = server_bin_dir() else {
        eprintln!("skipping: no PostgreSQL server binaries (initdb) installed");
        return;
    };
    let cluster = Cluster::start(bin);
    let connector = PostgresConnector::new();

    let e = connector
        .read_accounts(&target(cluster.port, WRONG), &CancellationToken::new())
        .await
        .unwrap_err();
    let shown = format!("{e} / {e:?}");
    assert!(!shown.contains(WRONG) && !shown.contains(RIGHT), "{shown}");
    assert_eq!(
        e,
        ConnectorError::AuthFailed {
            user: ADMIN.into(),
            host: "127.0.0.1".into(),
            port: cluster.port
        }
    );

    let read = connector
        .read_accounts(&target(cluster.port, RIGHT), &CancellationToken::new())
        .await
        .unwrap();
    let admin = read.accounts.get(&AccountKey::postgres(ADMIN)).unwrap();
    assert_eq!(admin.attributes[attr::SUPERUSER], AttrValue::Bool(true));
    // A SCRAM verifier is set: a fingerprint, not the verifier.
    let AttrValue::Text(fp) = &admin.attributes[attr::CREDENTIAL_FINGERPRINT] else {
        panic!("{:?}", admin.attributes)
    };
    assert_eq!(fp.len(), 16);
    assert!(fp.chars().all(|c| c.is_ascii_hexdigit()), "{fp}");
    drop(cluster);
}
