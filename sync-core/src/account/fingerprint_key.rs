//! [`FingerprintKey`]: a deployment's secret key for credential fingerprints.
//!
//! Connectors fingerprint credential material with [`credential_fingerprint`], whose key is
//! fixed so that fingerprints compare equal across runs. Fixed-key fingerprints of unsalted
//! hashes (MySQL's `mysql_native_password`) can be attacked with a dictionary by whoever
//! reads the store, and equal passwords give equal fingerprints on every deployment. With a
//! [`FingerprintKey`] in the service configuration
//! ([`ServiceConfig::fingerprint_key`](crate::service::ServiceConfig::fingerprint_key)),
//! every fingerprint is hashed again under the deployment's key before it is diffed and
//! stored: without that key, a stored fingerprint cannot be tested against a guess.
//!
//! Changing the key changes every stored fingerprint once: the next sync reports the
//! `credential_fingerprint` attribute of every account that has one as modified (on MySQL and
//! MariaDB every account has one, even with an empty authentication string).
//!
//! [`credential_fingerprint`]: super::credential_fingerprint

use super::snapshot::{AccountSet, AttrValue, attr};
use secrecy::{ExposeSecret, SecretString};
use std::fmt;

/// The fingerprint text of an account without a credential; kept as is.
const NO_CREDENTIAL: &str = "none";

/// A secret key that re-keys credential fingerprints (see the module docs). Its `Debug`
/// never shows the key.
#[derive(Clone, PartialEq, Eq)]
pub struct FingerprintKey([u8; 32]);

impl FingerprintKey {
    /// Derives the key from a secret string (any length; a long random one is best). The
    /// same secret always gives the same key.
    pub fn from_secret(secret: &SecretString) -> Self {
        FingerprintKey(blake3::derive_key(
            "account-sync 2026 deployment fingerprint key v1",
            secret.expose_secret().as_bytes(),
        ))
    }

    /// The fingerprint `fingerprint` re-keyed under this key (16 hex digits).
    pub fn rekey(&self, fingerprint: &str) -> String {
        blake3::keyed_hash(&self.0, fingerprint.as_bytes()).to_hex()[..16].to_owned()
    }

    /// Re-keys the `credential_fingerprint` attribute of every account of `set`. Unknown
    /// (`Null`) and "no credential" (`none`) values stay as they are.
    pub fn rekey_set(&self, set: &mut AccountSet) {
        for snapshot in set.0.values_mut() {
            if let Some(AttrValue::Text(fp)) = snapshot.attributes.get_mut(attr::CREDENTIAL_FINGERPRINT)
                && fp != NO_CREDENTIAL
            {
                *fp = self.rekey(fp);
            }
        }
    }
}

impl fmt::Debug for FingerprintKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FingerprintKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{AccountKey, AccountKind, AccountSnapshot, credential_fingerprint};

    fn set_with(fp: AttrValue) -> AccountSet {
        let mut set = AccountSet::new();
        set.insert(
            AccountKey::postgres("app"),
            AccountSnapshot::new(AccountKind::User).with_attr(attr::CREDENTIAL_FINGERPRINT, fp),
        );
        set
    }

    fn fp_of(set: &AccountSet) -> &AttrValue {
        &set.0[&AccountKey::postgres("app")].attributes[attr::CREDENTIAL_FINGERPRINT]
    }

    #[test]
    fn rekeyed_fingerprints_depend_on_the_key_and_stay_stable() {
        let fixed = credential_fingerprint(b"SCRAM-SHA-256$4096:salt$stored:server");
        let a = FingerprintKey::from_secret(&SecretString::from("deployment-a"));
        let b = FingerprintKey::from_secret(&SecretString::from("deployment-b"));
        assert_eq!(a.rekey(&fixed), a.rekey(&fixed));
        assert_ne!(a.rekey(&fixed), b.rekey(&fixed));
        assert_ne!(a.rekey(&fixed), fixed);
        assert_eq!(a.rekey(&fixed).len(), 16);
        assert!(a.rekey(&fixed).chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn rekey_set_leaves_unknown_and_none_alone() {
        let key = FingerprintKey::from_secret(&SecretString::from("k"));
        let mut set = set_with(AttrValue::Text("0123456789abcdef".into()));
        key.rekey_set(&mut set);
        assert_eq!(fp_of(&set), &AttrValue::Text(key.rekey("0123456789abcdef")));
        for kept in [AttrValue::Null, AttrValue::Text("none".into())] {
            let mut set = set_with(kept.clone());
            key.rekey_set(&mut set);
            assert_eq!(fp_of(&set), &kept);
        }
    }

    #[test]
    fn debug_hides_the_key() {
        let key = FingerprintKey::from_secret(&SecretString::from("topsecret"));
        assert_eq!(format!("{key:?}"), "FingerprintKey(<redacted>)");
    }
}
