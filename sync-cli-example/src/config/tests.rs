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
    assert_eq!(c.store_url.expose(), "sqlite:///tmp/x.sqlite?mode=rwc");
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
            path: std::env::current_dir().unwrap().join("conf/secrets/maria")
        }
    );
}

#[test]
fn empty_file_gives_defaults() {
    let c = parse("").unwrap();
    assert_eq!(c.store_url.expose(), DEFAULT_STORE_URL);
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
        "conf/acct.toml:3: instances[0].db_type: unknown db type \"pg\"; allowed values: mysql, postgresql"
    );
    let text = "[[instances]]\nname = \"a\"\ndb_type = \"oracle\"\nhost = \"h\"\nuser = \"u\"\n";
    assert_eq!(
        err(text),
        "conf/acct.toml:3: instances[0].db_type: oracle is reserved: no connector reads it yet (use mysql or \
         postgresql)"
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
    assert_eq!(
        err("[filters.mssql]\nexclude = []\n"),
        "conf/acct.toml:1: filters.mssql: unknown db type \"mssql\"; allowed values: mysql, postgresql"
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
    assert_eq!(c.store_url.expose(), DEFAULT_STORE_URL);
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

#[test]
fn store_url_with_a_written_password_is_refused() {
    let e = err("[store]\nurl = \"postgres://sync:Sup3r-S3cret@db/acs\"\n");
    assert_eq!(
        e,
        "conf/acct.toml:2: store.url: a password written in the configuration is refused; give it with \
         password_env = \"VAR\" or password_file = \"path\" (inserted into the URL), or the whole URL with \
         url_env = \"VAR\""
    );
    assert!(!e.contains("Sup3r-S3cret"));
}

#[test]
fn store_url_with_a_query_password_is_refused() {
    let e = err("[store]\nurl = \"postgres://u@h/db?sslmode=disable&PassWord=simple\"\n");
    assert_eq!(
        e,
        "conf/acct.toml:2: store.url: a password written in the configuration is refused; give it with \
         password_env = \"VAR\" or password_file = \"path\" (inserted into the URL), or the whole URL with \
         url_env = \"VAR\""
    );
    assert!(!e.contains("simple"));
    // SAFETY: a variable only this test reads.
    unsafe { std::env::set_var("ACSCLI3_QUERY_PW_URL", "postgres://u@h/db?password=simple") };
    let e = err("[store]\nurl_env = \"ACSCLI3_QUERY_PW_URL\"\npassword_env = \"ACSCLI3_UNSET\"\n");
    assert_eq!(
        e,
        "conf/acct.toml:3: store.password_env: the URL of url_env already holds a password (user:password@ or \
         ?password=); remove this key or the password from the URL"
    );
    let c = Config::parse(
        "[store]\nurl_env = \"ACSCLI3_QUERY_PW_URL\"\n",
        Path::new("c.toml"),
    )
    .unwrap();
    assert_eq!(
        format!("{:?}", c.store_url),
        "StoreUrl(\"postgres://u@h/db?password=***\")"
    );
}

#[test]
fn unencoded_password_in_url_env_does_not_echo_the_host() {
    // SAFETY: a variable only this test reads.
    unsafe {
        std::env::set_var(
            "ACSCLI3_BROKEN_URL",
            "postgres://postgres:Sup3r\"s@cret:/?#%@127.0.0.1:5499/db",
        )
    };
    let e = err("[store]\nurl_env = \"ACSCLI3_BROKEN_URL\"\n");
    assert_eq!(
        e,
        "conf/acct.toml:2: store.url_env: the URL from ACSCLI3_BROKEN_URL does not parse; percent-encode the \
         password (e.g. @ as %40, # as %23, % as %25)"
    );
    assert!(!e.contains("cret") && !e.contains("Sup3r"), "{e}");
    for url in ["mysql://u:p w@h/db", "mysql://u:50%@h/db", "mysql://u:a#b@h/db"] {
        assert!(super::store::suspicious(url), "{url}");
    }
    assert!(!super::store::suspicious(
        "mysql://u:p%40w%23@h:3306/db?ssl-mode=disabled"
    ));
}

#[test]
fn store_url_errors_name_the_line_and_field() {
    assert_eq!(
        err("[store]\n\nurl = \"redis://h/0\"\n"),
        "conf/acct.toml:3: store.url: unsupported store URL scheme \"redis\": expected sqlite://path?mode=rwc, \
         postgres://user@host/db or mysql://user@host/db (or postgresql://, mariadb://)"
    );
    assert_eq!(
        err("[store]\nurl = \"account-sync.sqlite\"\n"),
        "conf/acct.toml:2: store.url: the store URL has no scheme: expected sqlite://path?mode=rwc, \
         postgres://user@host/db or mysql://user@host/db"
    );
    assert_eq!(
        err("[store]\nurl = \"sqlite://?mode=rwc\"\n"),
        "conf/acct.toml:2: store.url: an sqlite URL needs a path (sqlite://path?mode=rwc, or sqlite::memory:)"
    );
    assert_eq!(
        err("[store]\nurl = \"mysql://sync@db:99999/acs\"\n"),
        "conf/acct.toml:2: store.url: the store URL does not parse; percent-encode the password (e.g. @ as %40, \
         # as %23, % as %25)"
    );
    assert_eq!(
        err("[store]\nurl = \"sqlite://a.sqlite\"\nurl_env = \"X\"\n"),
        "conf/acct.toml:3: store.url_env: give either url or url_env, not both"
    );
    assert_eq!(
        err("[store]\nurl_env = \"ACSCLI_SURELY_UNSET_STORE_URL\"\n"),
        "conf/acct.toml:2: store.url_env: environment variable ACSCLI_SURELY_UNSET_STORE_URL is not set (or \
         not UTF-8)"
    );
    assert_eq!(
        err("[store]\nurl = \"sqlite://a.sqlite\"\npassword_env = \"X\"\n"),
        "conf/acct.toml:3: store.password_env: an SQLite store has no password; remove this key"
    );
    assert_eq!(
        err("[store]\nurl = \"postgres://db/acs\"\npassword_env = \"X\"\n"),
        "conf/acct.toml:3: store.password_env: the store URL names no user to go with the password: write \
         postgres://USER@host/db"
    );
    assert_eq!(
        err("[store]\nurl = \"postgres://u@db/acs\"\npassword_env = \"X\"\npassword_file = \"f\"\n"),
        "conf/acct.toml:4: store.password_file: give either password_env or password_file, not both"
    );
    assert_eq!(
        err("[store]\nurl = \"postgres://u@db/acs\"\npassword_env = \"ACSCLI_SURELY_UNSET_STORE_PW\"\n"),
        "conf/acct.toml:3: store.password_env: environment variable ACSCLI_SURELY_UNSET_STORE_PW is not set (or \
         not UTF-8)"
    );
}

#[test]
fn store_password_file_is_percent_encoded_into_the_url() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = std::fs::canonicalize(tmp.path()).unwrap();
    std::fs::write(dir.join("store.pw"), "p@ss:w/rd%#1 é\n").unwrap();
    let conf = dir.join("acct.toml");
    let text = "[store]\nurl = \"mysql://sync@db.example:3307/acs\"\npassword_file = \"store.pw\"\n";
    let c = Config::parse(text, &conf).unwrap();
    assert_eq!(
        c.store_url.expose(),
        "mysql://sync:p%40ss%3Aw%2Frd%25%231%20%C3%A9@db.example:3307/acs"
    );
    let debug = format!("{c:?}");
    assert!(
        debug.contains("StoreUrl(\"mysql://sync:***@db.example:3307/acs\")"),
        "{debug}"
    );
    assert!(!debug.contains("p%40ss") && !debug.contains("p@ss"), "{debug}");
    // Missing file: the error names the resolved (absolute) path, not a content.
    let text = "[store]\nurl = \"mysql://sync@db/acs\"\npassword_file = \"none.pw\"\n";
    assert_eq!(
        Config::parse(text, &conf).unwrap_err().to_string(),
        format!(
            "{}:3: store.password_file: cannot read password file {}: entity not found",
            conf.display(),
            dir.join("none.pw").display()
        )
    );
}

#[test]
fn relative_password_file_is_absolute_under_the_configuration_directory() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("sub")).unwrap();
    let conf = tmp.path().join("sub/../sub/f.toml");
    let text = "[[instances]]\nname = \"a\"\ndb_type = \"mysql\"\nhost = \"h\"\nuser = \"u\"\npassword_file = \"pw.txt\"\n";
    let c = Config::parse(text, &conf).unwrap();
    assert_eq!(
        c.instances[0].credential.secret,
        SecretSource::File {
            path: std::fs::canonicalize(tmp.path().join("sub"))
                .unwrap()
                .join("pw.txt")
        }
    );
}

#[test]
fn fingerprint_key_comes_from_the_environment() {
    assert_eq!(
        err("[sync]\nfingerprint_key_env = \"ACS_CLI_TEST_UNSET_FP_KEY\"\n"),
        "conf/acct.toml:2: sync.fingerprint_key_env: the environment variable \
         \"ACS_CLI_TEST_UNSET_FP_KEY\" is not set or empty"
    );
    // SAFETY: a variable only this test reads.
    unsafe { std::env::set_var("ACS_CLI_TEST_FP_KEY", "deployment secret") };
    let config = parse("[sync]\nfingerprint_key_env = \"ACS_CLI_TEST_FP_KEY\"\n").unwrap();
    assert_eq!(
        config.sync.fingerprint_key,
        Some(FingerprintKey::from_secret(&SecretString::from(
            "deployment secret"
        )))
    );
    assert!(!format!("{config:?}").contains("deployment secret"));
    assert_eq!(parse("").unwrap().sync.fingerprint_key, None);
}
