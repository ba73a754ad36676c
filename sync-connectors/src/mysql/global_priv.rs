//! MariaDB's `mysql.global_priv.Priv` JSON document, read the way the server reads it.
//!
//! The server looks each key up with an expected JSON type and treats a key of another
//! type as missing (`get_int_value`, `get_bool_value`: only JSON `true` is true,
//! `get_str_value`). [`PrivDoc`] does the same in one pass, borrowing strings from the
//! document (no copy of the credential material unless it contains escapes).

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// One JSON value, kept only when it is a scalar.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar<'a> {
    /// `true` / `false`.
    Bool(bool),
    /// A non-negative integer.
    UInt(u64),
    /// A negative integer.
    Int(i64),
    /// A number with a fraction or exponent.
    Float(f64),
    /// A string.
    Str(Cow<'a, str>),
    /// `null`, an object or an array.
    Other,
}

impl<'a> Scalar<'a> {
    fn int(&self) -> Option<i64> {
        match self {
            Scalar::UInt(u) => i64::try_from(*u).ok(),
            Scalar::Int(i) => Some(*i),
            _ => None,
        }
    }
}

struct ScalarVisitor<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for ScalarVisitor<'a> {
    type Value = Scalar<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Scalar::UInt(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(if v >= 0 {
            Scalar::UInt(v as u64)
        } else {
            Scalar::Int(v)
        })
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Scalar::Float(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor(PhantomData))
    }
}

/// One entry of `auth_or`.
#[derive(Debug, Default, Deserialize)]
pub struct AuthEntry<'a> {
    /// `plugin` (an entry without it stands for the top-level plugin).
    #[serde(borrow, default)]
    pub plugin: Option<Scalar<'a>>,
    /// `authentication_string`.
    #[serde(borrow, default)]
    pub authentication_string: Option<Scalar<'a>>,
}

/// `auth_or` when it is an array (anything else: the server ignores it).
#[derive(Debug, Default)]
pub struct AuthOr<'a>(pub Option<Vec<AuthEntry<'a>>>);

impl<'de: 'a, 'a> Deserialize<'de> for AuthOr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = AuthOr<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(e) = seq.next_element::<Option<AuthEntryOrOther<'a>>>()? {
                    entries.push(e.map(|e| e.0).unwrap_or_default());
                }
                Ok(AuthOr(Some(entries)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                ScalarVisitor(PhantomData).visit_map(map).map(|_| AuthOr(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(AuthOr(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(AuthOr(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(AuthOr(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(AuthOr(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(AuthOr(None))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(AuthOr(None))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// An `auth_or` element: an object read as [`AuthEntry`], anything else as an empty entry.
struct AuthEntryOrOther<'a>(AuthEntry<'a>);

impl<'de: 'a, 'a> Deserialize<'de> for AuthEntryOrOther<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = AuthEntryOrOther<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entry = AuthEntry::default();
                while let Some(k) = map.next_key::<Cow<'_, str>>()? {
                    match k.as_ref() {
                        "plugin" => entry.plugin = Some(map.next_value()?),
                        "authentication_string" => entry.authentication_string = Some(map.next_value()?),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(AuthEntryOrOther(entry))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                ScalarVisitor(PhantomData)
                    .visit_seq(seq)
                    .map(|_| AuthEntryOrOther(AuthEntry::default()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(AuthEntryOrOther(AuthEntry::default()))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(AuthEntryOrOther(AuthEntry::default()))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(AuthEntryOrOther(AuthEntry::default()))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(AuthEntryOrOther(AuthEntry::default()))
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(AuthEntryOrOther(AuthEntry::default()))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// The keys of `Priv` this connector uses; unknown keys are skipped.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PrivDoc<'a> {
    /// Global privilege bitmask.
    #[serde(borrow)]
    pub access: Option<Scalar<'a>>,
    /// The server version that wrote the row.
    #[serde(borrow)]
    pub version_id: Option<Scalar<'a>>,
    /// A role (or MariaDB 10.11 `PUBLIC`).
    #[serde(borrow)]
    pub is_role: Option<Scalar<'a>>,
    /// The first (or only) authentication plugin.
    #[serde(borrow)]
    pub plugin: Option<Scalar<'a>>,
    /// Its credential material.
    #[serde(borrow)]
    pub authentication_string: Option<Scalar<'a>>,
    /// All methods, in order.
    #[serde(borrow)]
    pub auth_or: AuthOr<'a>,
    /// ACCOUNT LOCK.
    #[serde(borrow)]
    pub account_locked: Option<Scalar<'a>>,
    /// Unix time of the last password change; 0 = expired.
    #[serde(borrow)]
    pub password_last_changed: Option<Scalar<'a>>,
    /// Days; -1 or absent = server default.
    #[serde(borrow)]
    pub password_lifetime: Option<Scalar<'a>>,
    /// The default role's name.
    #[serde(borrow)]
    pub default_role: Option<Scalar<'a>>,
    /// MAX_QUERIES_PER_HOUR.
    #[serde(borrow)]
    pub max_questions: Option<Scalar<'a>>,
    /// MAX_UPDATES_PER_HOUR.
    #[serde(borrow)]
    pub max_updates: Option<Scalar<'a>>,
    /// MAX_CONNECTIONS_PER_HOUR.
    #[serde(borrow)]
    pub max_connections: Option<Scalar<'a>>,
    /// MAX_USER_CONNECTIONS.
    #[serde(borrow)]
    pub max_user_connections: Option<Scalar<'a>>,
    /// MAX_STATEMENT_TIME, seconds.
    #[serde(borrow)]
    pub max_statement_time: Option<Scalar<'a>>,
    /// REQUIRE type: 0 none, 1 SSL, 2 X509, 3 SPECIFIED.
    #[serde(borrow)]
    pub ssl_type: Option<Scalar<'a>>,
    /// REQUIRE CIPHER.
    #[serde(borrow)]
    pub ssl_cipher: Option<Scalar<'a>>,
    /// REQUIRE ISSUER.
    #[serde(borrow)]
    pub x509_issuer: Option<Scalar<'a>>,
    /// REQUIRE SUBJECT.
    #[serde(borrow)]
    pub x509_subject: Option<Scalar<'a>>,
}

/// `get_int_value(key, default)`.
pub fn int(v: &Option<Scalar<'_>>, default: i64) -> i64 {
    v.as_ref().and_then(Scalar::int).unwrap_or(default)
}

/// An unsigned number (`access`, `version_id`: `u64::MAX` is "all privileges").
pub fn uint(v: &Option<Scalar<'_>>) -> u64 {
    match v {
        Some(Scalar::UInt(u)) => *u,
        _ => 0,
    }
}

/// `get_bool_value`: only JSON `true` is true.
pub fn is_true(v: &Option<Scalar<'_>>) -> bool {
    matches!(v, Some(Scalar::Bool(true)))
}

/// `get_str_value`: the string, or `None` when absent or not a string.
pub fn string<'v>(v: &'v Option<Scalar<'_>>) -> Option<&'v str> {
    match v {
        Some(Scalar::Str(s)) => Some(s),
        _ => None,
    }
}

/// A number as `f64` (`max_statement_time`).
pub fn float(v: &Option<Scalar<'_>>) -> f64 {
    match v {
        Some(Scalar::Float(f)) => *f,
        Some(Scalar::UInt(u)) => *u as f64,
        Some(Scalar::Int(i)) => *i as f64,
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_the_server() {
        let doc: PrivDoc = serde_json::from_str(
            r#"{"access":18446744073709551615,"is_role":1,"account_locked":true,"plugin":"ed25519",
                "authentication_string":"a\"b","auth_or":[{"plugin":"unix_socket"},{},7,{"x":[1]}],
                "password_lifetime":-1,"max_statement_time":0.5,"ssl_type":"1","extra":{"k":[1,2]}}"#,
        )
        .unwrap();
        assert_eq!(uint(&doc.access), u64::MAX);
        assert!(!is_true(&doc.is_role), "only JSON true is true");
        assert!(is_true(&doc.account_locked));
        assert_eq!(string(&doc.plugin), Some("ed25519"));
        assert_eq!(string(&doc.authentication_string), Some("a\"b"));
        assert_eq!(int(&doc.password_lifetime, 0), -1);
        assert_eq!(int(&doc.password_last_changed, -1), -1);
        assert_eq!(float(&doc.max_statement_time), 0.5);
        assert_eq!(int(&doc.ssl_type, 0), 0, "a string is not a number");
        let entries = doc.auth_or.0.unwrap();
        assert_eq!(entries.len(), 4);
        assert_eq!(string(&entries[0].plugin), Some("unix_socket"));
        assert!(entries[1].plugin.is_none() && entries[2].plugin.is_none() && entries[3].plugin.is_none());

        let not_array: PrivDoc = serde_json::from_str(r#"{"auth_or":{"plugin":"x"}}"#).unwrap();
        assert!(not_array.auth_or.0.is_none());
        assert!(serde_json::from_str::<PrivDoc>("{not json").is_err());
    }
}
