//! Configuration parsing: values, defaults and error positions.

use super::*;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new("conf/acct.toml"))
}

fn err(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

const GOOD: &str = r#"
[store]
url = "sqlite:///tmp/x.sqlite?mode=rwc"

[sync]
concurrency = 3
instance_timeout_secs = 20
time_zone = "Asia/Shanghai"

[filters.postgresql]
exclude = ["rdsadmin", { name = "monitor_*" }]

[filters.mysql]
keep_defaults = false
exclude = [{ name = "app?", host = "10.0.*" }]
exclude_system = true

[[instances]]
name = "pg"
db_type = "postgresql"
host = "127.0.0.1"
user = "postgres"
databases = ["test"]
password_env = "PG_PW"

[[instances]]
name = "maria"
db_type = "mysql"
host = "db.example"
port = 3307
user = "sync"
password_file = "secrets/maria"
active = false
"#;

#[test]
fn full_configuration_maps_to_core_types() {
    let c = parse(GOOD).unwrap();
    assert_eq!(c.store_url, "sqlite:///tmp/x.sqlite?mode=rwc");
    assert_eq!(c.sync.concurrency, 3);
    assert_eq!(c.sync.instance_timeout, Duration::from_secs(20));
    assert_eq!(c.sync.stale_lease, Duration::from_secs(900));
    assert_eq!(c.sync.time_zone, sync_core::chrono_tz::Asia::Shanghai);
    assert_eq!(
        c.sync.filters[&DbType::Postgresql].exclude,
        vec![
            AccountPattern::name("pg_*"),
            AccountPattern::name("rdsadmin"),
            AccountPattern::name("monitor_*")
        ]
    );
    let my = &c.sync.filters[&DbType::Mysql];
    assert_eq!(
        my.exclude,
        vec![AccountPattern {
            name: "app?".into(),
            host: Some("10.0.*".into())
        }]
    );
    assert!(my.exclude_system);
    assert_eq!(
        c.instances[0],
        NewInstance {
            name: "pg".into(),
            db_type: DbType::Postgresql,
            host: "127.0.0.1".into(),
            port: 5432,
            database: None,
            inspect_databases: vec!["test".into()],
            is_active: true,
            credential: CredentialRef {
                user: "postgres".into(),
                secret: SecretSource::Env { var: "PG_PW".into() }
            },
        }
    );
    assert_eq!(c.instances[1].port, 3307);
    assert!(!c.instances[1].is_active);
    assert_eq!(
        c.instances[1].credential.secret,
        SecretSource::File {
            path: PathBuf::from("conf/secrets/maria")
        }
    );
}

#[test]
fn empty_file_gives_defaults() {
    let c = parse("").unwrap();
    assert_eq!(c.store_url, DEFAULT_STORE_URL);
    assert_eq!(c.sync, SyncSettings::default());
    assert!(c.instances.is_empty());
}

#[test]
fn written_password_is_refused_without_echo() {
    let text = "[[instances]]\nname = \"a\"\ndb_type = \"mysql\"\nhost = \"h\"\nuser = \"u\"\npassword = \"Sup3r-S3cret\"\n";
    let e = err(text);
    assert!(
        e.starts_with("conf/acct.toml:6: instances[0].password: a password written"),
        "{e}"
    );
    assert!(!e.contains("Sup3r-S3cret"), "{e}");
}

#[test]
fn wrong_type_names_line_and_field() {
    let text = "[sync]\nconcurrency = 2\n\n[[instances]]\nname = \"a\"\ndb_type = \"mysql\"\nhost = \"h\"\nport = \"x\"\nuser = \"u\"\n";
    let e = err(text);
    assert!(
        e.starts_with("conf/acct.toml:8: instances[0].port: invalid type"),
        "{e}"
    );
}

#[test]
fn unknown_db_type_uses_core_message() {
    let text = "[[instances]]\nname = \"a\"\ndb_type = \"pg\"\nhost = \"h\"\nuser = \"u\"\n";
    assert_eq!(
        err(text),
        "conf/acct.toml:3: instances[0].db_type: unknown db type \"pg\"; allowed values: mysql, postgresql, \
         sqlserver, oracle"
    );
}

#[test]
fn missing_field_and_unknown_key() {
    let text = "[[instances]]\nname = \"a\"\ndb_type = \"mysql\"\nuser = \"u\"\n";
    let e = err(text);
    assert!(e.contains(": instances[0].host: missing field `host`"), "{e}");
    let text = "[[instances]]\nname = \"a\"\ndb_type = \"mysql\"\nhost = \"h\"\nuser = \"u\"\nhots = 1\n";
    let e = err(text);
    assert!(
        e.starts_with("conf/acct.toml:6: instances[0].hots: unknown field `hots`"),
        "{e}"
    );
}

#[test]
fn syntax_error_and_bad_values() {
    let e = err("[sync]\nconcurrency = \n");
    assert!(e.starts_with("conf/acct.toml:2: "), "{e}");
    assert_eq!(
        err("[sync]\n\nconcurrency = 0\n"),
        "conf/acct.toml:3: sync.concurrency: must be at least 1, got 0"
    );
    assert!(
        err("[sync]\ntime_zone = \"Mars/Olympus\"\n")
            .starts_with("conf/acct.toml:2: sync.time_zone: unknown time zone")
    );
    assert!(
        err("[filters.mssql]\nexclude = []\n")
            .starts_with("conf/acct.toml:1: filters.mssql: unknown db type")
    );
    let dup = "[[instances]]\nname = \"a\"\ndb_type = \"mysql\"\nhost = \"h\"\nuser = \"u\"\n\n[[instances]]\nname = \"a\"\ndb_type = \"mysql\"\nhost = \"h\"\nuser = \"u\"\n";
    assert_eq!(
        err(dup),
        "conf/acct.toml:8: instances[1].name: duplicate instance name \"a\""
    );
}

#[test]
fn the_local_example_configuration() {
    let c = Config::parse(
        include_str!("../../../examples/local.toml"),
        Path::new("examples/local.toml"),
    )
    .unwrap();
    assert_eq!(c.store_url, DEFAULT_STORE_URL);
    assert_eq!(c.sync.concurrency, 4);
    let summary: Vec<(&str, DbType, &str, u16, &str, &SecretSource)> = c
        .instances
        .iter()
        .map(|i| {
            (
                i.name.as_str(),
                i.db_type,
                i.host.as_str(),
                i.port,
                i.credential.user.as_str(),
                &i.credential.secret,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "local-postgres",
                DbType::Postgresql,
                "127.0.0.1",
                5432,
                "postgres",
                &SecretSource::None
            ),
            (
                "local-mariadb",
                DbType::Mysql,
                "127.0.0.1",
                3306,
                "root",
                &SecretSource::None
            ),
        ]
    );
    assert_eq!(c.instances[0].inspect_databases, ["test"]);
}

#[test]
fn missing_file() {
    let c = Config::load(Path::new("/nonexistent/acs.toml"), false).unwrap();
    assert_eq!(c, Config::default());
    let e = Config::load(Path::new("/nonexistent/acs.toml"), true).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("cannot read configuration file /nonexistent/acs.toml")
    );
}
