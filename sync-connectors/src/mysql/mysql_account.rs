//! MySQL accounts: one `mysql.user` row -> a draft (attributes, static global
//! privileges, partial revokes, multi-factor methods).

use super::attrs;
use super::draft::{Draft, opt_int_attr, privileges_of_columns, push_scope};
use super::normalise::auth_fingerprint;
use super::rows::MysqlUserRow;
use secrecy::{ExposeSecret, SecretSlice};
use serde_json::{Map, Value};
use sync_core::account::{AccountKey, AttrValue, PrivilegeFact, PrivilegeScope, attr};

pub(super) fn mysql_draft(row: &MysqlUserRow, warnings: &mut Vec<String>) -> Draft {
    let key = AccountKey::mysql(&row.user, &row.host);
    let mut d = Draft::new();
    let (names, grant) = privileges_of_columns(&row.privilege_columns);
    d.superuser = names.iter().any(|n| n == "SUPER");
    push_scope(
        &mut d.snapshot.privileges,
        PrivilegeScope::Global,
        &[],
        &names,
        grant,
        false,
        false,
    );

    let attributes: Map<String, Value> = match &row.user_attributes {
        None => Map::new(),
        Some(json) => match serde_json::from_str::<Value>(json.expose_secret()) {
            Ok(Value::Object(m)) => m,
            Ok(Value::Null) => Map::new(),
            Ok(_) | Err(_) => {
                warnings.push(format!(
                    "mysql.user: User_attributes of {key} is not a JSON object; ignored"
                ));
                Map::new()
            }
        },
    };

    // Authentication: the plugin, then any further factors (8.0.27+ multi-factor).
    let mut methods: Vec<(String, SecretSlice<u8>)> = vec![(
        row.plugin.clone(),
        SecretSlice::from(row.authentication_string.expose_secret().to_vec()),
    )];
    if let Some(factors) = attributes
        .get("multi_factor_authentication")
        .and_then(Value::as_array)
    {
        for f in factors {
            let plugin = f.get("plugin").and_then(Value::as_str).unwrap_or("").to_owned();
            let auth = f
                .get("authentication_string")
                .and_then(Value::as_str)
                .unwrap_or("");
            methods.push((plugin, SecretSlice::from(auth.as_bytes().to_vec())));
        }
    }
    d.has_password = !row.authentication_string.expose_secret().is_empty();
    d.attr(
        attr::AUTH_METHODS,
        AttrValue::List(methods.iter().map(|(p, _)| p.clone()).collect()),
    );
    d.attr(
        attr::CREDENTIAL_FINGERPRINT,
        AttrValue::Text(auth_fingerprint(
            methods.iter().map(|(p, a)| (p.as_str(), a.expose_secret())),
        )),
    );
    drop(methods);

    d.locked = row.account_locked;
    d.attr(attr::LOCKED, AttrValue::Bool(row.account_locked));
    d.attr(attr::PASSWORD_EXPIRED, AttrValue::Bool(row.password_expired));
    d.attr(
        attrs::PASSWORD_LAST_CHANGED,
        row.password_last_changed.map_or(AttrValue::Null, AttrValue::Time),
    );
    d.attr(attr::PASSWORD_LIFETIME, opt_int_attr(row.password_lifetime));
    if let Some(n) = row.password_reuse_history {
        d.attr(attrs::PASSWORD_HISTORY, AttrValue::Int(n));
    }
    if let Some(n) = row.password_reuse_time {
        d.attr(attrs::PASSWORD_REUSE_TIME, AttrValue::Int(n));
    }
    if let Some(b) = row.password_require_current {
        d.attr(attrs::PASSWORD_REQUIRE_CURRENT, AttrValue::Bool(b));
    }
    d.attr(attr::CONNECTION_LIMIT, AttrValue::Int(row.max_user_connections));
    d.limit(attrs::MAX_QUESTIONS, row.max_questions);
    d.limit(attrs::MAX_UPDATES, row.max_updates);
    d.limit(attrs::MAX_CONNECTIONS, row.max_connections);
    d.requirement(attrs::SSL_TYPE, &row.ssl_type);
    d.requirement(attrs::SSL_CIPHER, &row.ssl_cipher);
    d.requirement(attrs::X509_ISSUER, &row.x509_issuer);
    d.requirement(attrs::X509_SUBJECT, &row.x509_subject);

    let locking = attributes.get("Password_locking").and_then(Value::as_object);
    let locking_int = |k: &str| {
        locking
            .and_then(|m| m.get(k))
            .and_then(Value::as_i64)
            .unwrap_or(0)
    };
    d.limit(attrs::FAILED_LOGIN_ATTEMPTS, locking_int("failed_login_attempts"));
    d.limit(attrs::PASSWORD_LOCK_TIME, locking_int("password_lock_time_days"));
    if let Some(meta) = attributes.get("metadata") {
        d.attr(attrs::METADATA, AttrValue::Text(meta.to_string()));
    }

    // Partial revokes (partial_revokes=ON): privileges removed on one database.
    if let Some(list) = attributes.get("Restrictions").and_then(Value::as_array) {
        for r in list {
            let db = r.get("Database").and_then(Value::as_str).unwrap_or("");
            for p in r
                .get("Privileges")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(p) = p.as_str() {
                    d.snapshot.privileges.insert(PrivilegeFact::new(
                        PrivilegeScope::Restriction,
                        vec![db.to_owned()],
                        p.to_ascii_uppercase(),
                    ));
                }
            }
        }
    }
    d
}
