//! The `[store]` section: the URL, written (`url`) or read from an environment variable
//! (`url_env`), and the password inserted into it from the environment (`password_env`) or a
//! file (`password_file`), percent-encoded. A password written in `url` is refused, like a
//! password written for an instance.

use super::secrets::{read_password_file, resolve};
use super::{ConfigError, DEFAULT_STORE_URL, Doc};
use percent_encoding::NON_ALPHANUMERIC;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// Whether the URL has a `password` query parameter (any case): an inline password too.
fn query_password(url: &url::Url) -> bool {
    url.query_pairs().any(|(k, _)| k.eq_ignore_ascii_case("password"))
}

/// Whether `url` holds characters a well-formed (percent-encoded) URL does not: controls,
/// spaces, quotes, angle brackets, backslash, caret, backtick, braces, bar, a `#` (a store URL
/// has no fragment), or a `%` not followed by two hex digits. They are the mark of a password written without percent-encoding.
pub(super) fn suspicious(url: &str) -> bool {
    let bytes = url.as_bytes();
    url.char_indices().any(|(i, c)| {
        c.is_control()
            || c.is_whitespace()
            || "\"<>\\^`{|}#".contains(c)
            || (c == '%'
                && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)))
    })
}

/// The store URL, with its password when it has one. `Debug` masks the password; use
/// [`StoreUrl::expose`] only to open the store.
#[derive(Clone)]
pub struct StoreUrl(SecretString);

impl StoreUrl {
    /// Wraps a URL.
    pub fn new(url: impl Into<String>) -> Self {
        StoreUrl(SecretString::from(url.into()))
    }

    /// The URL, password included: for opening the store only, never for messages.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// The URL with any password (`user:password@`, `?password=`) replaced by `***`.
    pub fn redacted(&self) -> String {
        let Ok(mut u) = url::Url::parse(self.expose()) else {
            return "(unparsable URL)".to_owned();
        };
        if u.password().is_none() && !query_password(&u) {
            return self.expose().to_owned();
        }
        if u.password().is_some() {
            let _ = u.set_password(Some("***"));
        }
        if query_password(&u) {
            let pairs: Vec<(String, String)> = u
                .query_pairs()
                .map(|(k, v)| {
                    let v = if k.eq_ignore_ascii_case("password") {
                        "***".to_owned()
                    } else {
                        v.into_owned()
                    };
                    (k.into_owned(), v)
                })
                .collect();
            u.query_pairs_mut().clear().extend_pairs(pairs);
        }
        u.to_string()
    }
}

impl Default for StoreUrl {
    fn default() -> Self {
        StoreUrl::new(DEFAULT_STORE_URL)
    }
}

impl PartialEq for StoreUrl {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for StoreUrl {}

impl fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("StoreUrl").field(&self.redacted()).finish()
    }
}

/// `[store]` as written.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStore {
    url: Option<String>,
    url_env: Option<String>,
    password_env: Option<String>,
    password_file: Option<PathBuf>,
}

impl fmt::Debug for RawStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawStore")
            .field("url", &self.url.as_ref().map(|_| "…"))
            .field("url_env", &self.url_env)
            .field("password_env", &self.password_env)
            .field("password_file", &self.password_file)
            .finish()
    }
}

/// Where the store password comes from.
enum StoreSecret {
    Env(String),
    File(PathBuf),
}

const SCHEMES: &str = "expected sqlite://path?mode=rwc, postgres://user@host/db or mysql://user@host/db";

impl Doc<'_> {
    /// The store URL of `[store]`; `base` anchors a relative `password_file`.
    pub(super) fn store_url(&self, raw: RawStore, base: &Path) -> Result<StoreUrl, ConfigError> {
        // `from`: how messages name the URL (`the store URL`, `the URL from VAR`).
        let (url, field, written, from) = match (raw.url, raw.url_env) {
            (Some(_), Some(_)) => {
                return Err(self.at("store.url_env", "give either url or url_env, not both"));
            }
            (Some(url), None) => (url, "store.url", true, "the store URL".to_owned()),
            (None, Some(var)) if var.trim().is_empty() => {
                return Err(self.at("store.url_env", "the variable name must not be empty"));
            }
            (None, Some(var)) => match std::env::var(&var) {
                Ok(url) => (url, "store.url_env", false, format!("the URL from {var}")),
                Err(_) => {
                    return Err(self.at(
                        "store.url_env",
                        format!("environment variable {var} is not set (or not UTF-8)"),
                    ));
                }
            },
            (None, None) => (
                DEFAULT_STORE_URL.to_owned(),
                "store.url",
                true,
                "the store URL".to_owned(),
            ),
        };
        let secret = match (raw.password_env, raw.password_file) {
            (Some(_), Some(_)) => {
                return Err(self.at(
                    "store.password_file",
                    "give either password_env or password_file, not both",
                ));
            }
            (Some(var), None) => Some(("store.password_env", StoreSecret::Env(var))),
            (None, Some(path)) => Some(("store.password_file", StoreSecret::File(path))),
            (None, None) => None,
        };
        let secret_field = secret.as_ref().map(|(f, _)| *f);
        // Only a well-formed scheme is repeated in messages (never the rest of the URL).
        let scheme = url
            .split_once(':')
            .map(|(s, _)| s.to_ascii_lowercase())
            .filter(|s| {
                s.starts_with(|c: char| c.is_ascii_alphabetic())
                    && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            })
            .ok_or_else(|| self.at(field, format!("the store URL has no scheme: {SCHEMES}")))?;
        match scheme.as_str() {
            "sqlite" => {
                if let Some(f) = secret_field {
                    return Err(self.at(f, "an SQLite store has no password; remove this key"));
                }
                let rest = url["sqlite:".len()..].trim_start_matches("//");
                if rest.split('?').next().unwrap_or_default().is_empty() {
                    return Err(self.at(
                        field,
                        "an sqlite URL needs a path (sqlite://path?mode=rwc, or sqlite::memory:)",
                    ));
                }
                return Ok(StoreUrl::new(url));
            }
            "postgres" | "postgresql" | "mysql" | "mariadb" => {}
            other => {
                return Err(self.at(
                    field,
                    format!(
                        "unsupported store URL scheme {other:?}: {SCHEMES} (or postgresql://, mariadb://)"
                    ),
                ));
            }
        }
        // A password that is not percent-encoded can cut the URL anywhere: then the "host" may
        // be a piece of the password, so neither it nor the parser's view of it is repeated.
        let unparsable = || {
            self.at(
                field,
                format!(
                    "{from} does not parse; percent-encode the password (e.g. @ as %40, # as %23, % as %25)"
                ),
            )
        };
        if suspicious(&url) {
            return Err(unparsable());
        }
        let mut parsed = url::Url::parse(&url).map_err(|_| unparsable())?;
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(self.at(field, format!("the {scheme} URL has no host: {SCHEMES}")));
        }
        if parsed.password().is_some() || query_password(&parsed) {
            if written {
                return Err(self.at(
                    field,
                    "a password written in the configuration is refused; give it with password_env = \"VAR\" \
                     or password_file = \"path\" (inserted into the URL), or the whole URL with url_env = \"VAR\"",
                ));
            }
            if let Some(f) = secret_field {
                return Err(self.at(
                    f,
                    "the URL of url_env already holds a password (user:password@ or ?password=); remove this \
                     key or the password from the URL",
                ));
            }
            return Ok(StoreUrl::new(url));
        }
        let Some((secret_field, source)) = secret else {
            return Ok(StoreUrl::new(url));
        };
        if parsed.username().is_empty() {
            return Err(self.at(
                secret_field,
                format!("the store URL names no user to go with the password: write {scheme}://USER@host/db"),
            ));
        }
        let password = match source {
            StoreSecret::Env(var) if var.trim().is_empty() => {
                return Err(self.at(secret_field, "the variable name must not be empty"));
            }
            StoreSecret::Env(var) => std::env::var(&var).map(SecretString::from).map_err(|_| {
                self.at(
                    secret_field,
                    format!("environment variable {var} is not set (or not UTF-8)"),
                )
            })?,
            StoreSecret::File(path) => {
                read_password_file(&resolve(base, path)).map_err(|m| self.at(secret_field, m))?
            }
        };
        // Every byte but letters and digits is escaped (`%` too, which `set_password` keeps).
        let encoded = percent_encoding::utf8_percent_encode(password.expose_secret(), NON_ALPHANUMERIC);
        parsed
            .set_password(Some(&encoded.to_string()))
            .map_err(|_| self.at(secret_field, "this URL cannot hold a password"))?;
        Ok(StoreUrl::new(String::from(parsed)))
    }
}
