//! MariaDB 10.4+ accounts: one `mysql.global_priv` row -> a draft (attributes, global
//! privileges from the `access` bitmask, default role).

use super::attrs;
use super::draft::{Draft, push_scope, time_attr};
use super::global_priv::{self as gp, PrivDoc};
use super::normalise::auth_fingerprint;
use super::privileges::{mariadb_bit_names, mariadb_effective_access};
use super::rows::GlobalPrivRow;
use super::server::ServerInfo;
use secrecy::ExposeSecret;
use secrecy::zeroize::Zeroize;
use std::borrow::Cow;
use sync_core::account::{AccountKey, AttrValue, PrivilegeScope, attr};

pub(super) fn mariadb_draft(row: &GlobalPrivRow, server: &ServerInfo, warnings: &mut Vec<String>) -> Draft {
    let mut d = Draft::new();
    let mut doc: PrivDoc = serde_json::from_str(row.priv_json.expose_secret()).unwrap_or_else(|e| {
        warnings.push(format!(
            "mysql.global_priv: Priv of {} is not valid JSON ({e}); read as empty",
            AccountKey::mysql(&row.user, &row.host)
        ));
        PrivDoc::default()
    });

    d.is_role = gp::is_true(&doc.is_role);
    d.public = d.is_role && row.host.is_empty() && row.user == "PUBLIC" && server.at_least(10, 11, 0);

    let (access, version_id) = (gp::uint(&doc.access), gp::uint(&doc.version_id));
    let effective = mariadb_effective_access(access, version_id, server).unwrap_or_else(|why| {
        warnings.push(format!(
            "mysql.global_priv: global privileges of {} are ignored by the server: {why}",
            AccountKey::mysql(&row.user, &row.host)
        ));
        0
    });
    let (names, grant) = mariadb_bit_names(effective);
    d.superuser = names.contains(&"SUPER");
    push_scope(
        &mut d.snapshot.privileges,
        PrivilegeScope::Global,
        &[],
        &names,
        grant,
        false,
        false,
    );

    if let Some(role) = gp::string(&doc.default_role).filter(|r| !r.is_empty()) {
        d.default_roles.push(AccountKey::mysql(role, ""));
    }
    if d.is_role {
        scrub(&mut doc);
        return d;
    }

    // Authentication methods, in order (the server's `get_auth`): `auth_or` lists them;
    // an entry without `plugin` stands for the top-level plugin/authentication_string.
    let top = match (gp::string(&doc.plugin), gp::string(&doc.authentication_string)) {
        (Some(p), Some(a)) => Some((if p.is_empty() { "mysql_native_password" } else { p }, a)),
        _ => None,
    };
    let methods: Vec<(&str, &str)> = match &doc.auth_or.0 {
        None => top.into_iter().collect(),
        Some(list) => list
            .iter()
            .filter_map(|m| match gp::string(&m.plugin) {
                Some(p) => Some((p, gp::string(&m.authentication_string).unwrap_or(""))),
                None => top,
            })
            .collect(),
    };
    d.has_password = methods.iter().any(|(_, a)| !a.is_empty());
    d.attr(
        attr::AUTH_METHODS,
        AttrValue::List(methods.iter().map(|(p, _)| (*p).to_owned()).collect()),
    );
    d.attr(
        attr::CREDENTIAL_FINGERPRINT,
        AttrValue::Text(auth_fingerprint(methods.iter().map(|(p, a)| (*p, a.as_bytes())))),
    );
    drop(methods);

    d.locked = gp::is_true(&doc.account_locked);
    let last_changed = gp::int(&doc.password_last_changed, -1);
    d.attr(attr::LOCKED, AttrValue::Bool(d.locked));
    d.attr(attr::PASSWORD_EXPIRED, AttrValue::Bool(last_changed == 0));
    d.attr(attrs::PASSWORD_LAST_CHANGED, time_attr(last_changed));
    d.attr(
        attr::PASSWORD_LIFETIME,
        match gp::int(&doc.password_lifetime, -1) {
            n if n < 0 => AttrValue::Null,
            n => AttrValue::Int(n),
        },
    );
    d.attr(
        attr::CONNECTION_LIMIT,
        AttrValue::Int(gp::int(&doc.max_user_connections, 0)),
    );
    d.limit(attrs::MAX_QUESTIONS, gp::int(&doc.max_questions, 0));
    d.limit(attrs::MAX_UPDATES, gp::int(&doc.max_updates, 0));
    d.limit(attrs::MAX_CONNECTIONS, gp::int(&doc.max_connections, 0));
    let statement_time = gp::float(&doc.max_statement_time);
    if statement_time != 0.0 {
        d.attr(
            attrs::MAX_STATEMENT_TIME,
            AttrValue::Text(format!("{statement_time:.6}")),
        );
    }
    let ssl_type = match gp::int(&doc.ssl_type, 0) {
        1 => "ANY",
        2 => "X509",
        3 => "SPECIFIED",
        _ => "",
    };
    d.requirement(attrs::SSL_TYPE, ssl_type);
    d.requirement(attrs::SSL_CIPHER, gp::string(&doc.ssl_cipher).unwrap_or(""));
    d.requirement(attrs::X509_ISSUER, gp::string(&doc.x509_issuer).unwrap_or(""));
    d.requirement(attrs::X509_SUBJECT, gp::string(&doc.x509_subject).unwrap_or(""));
    scrub(&mut doc);
    d
}

/// Zeroes the credential strings the parser had to copy (those with JSON escapes; the
/// others borrow from the row's secret buffer, which zeroes itself).
fn scrub(doc: &mut PrivDoc<'_>) {
    fn zero(v: &mut Option<gp::Scalar<'_>>) {
        if let Some(gp::Scalar::Str(Cow::Owned(s))) = v {
            s.zeroize();
        }
    }
    zero(&mut doc.authentication_string);
    for entry in doc.auth_or.0.iter_mut().flatten() {
        zero(&mut entry.authentication_string);
    }
}
