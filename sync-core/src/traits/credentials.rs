//! Turning a credential reference into a secret.

use crate::domain::{CredentialRef, SecretSource};
use async_trait::async_trait;
use secrecy::SecretString;
use thiserror::Error;

/// Why a secret could not be obtained. Never contains the secret.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CredentialError {
    /// The environment variable is not set (or not UTF-8).
    #[error("environment variable {var} is not set")]
    MissingEnv {
        /// Variable name.
        var: String,
    },
    /// The secret file could not be read.
    #[error("cannot read secret file {path}: {reason}")]
    Unreadable {
        /// File path.
        path: String,
        /// The I/O error.
        reason: String,
    },
    /// This provider does not handle that kind of reference.
    #[error("no credential provider for {0}")]
    Unsupported(String),
}

/// Resolves a [`CredentialRef`] into the password (or `None` when it has none).
#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
#[async_trait]
pub trait CredentialProvider: Send + Sync {
    /// The secret for `credential`.
    async fn secret(&self, credential: &CredentialRef) -> Result<Option<SecretString>, CredentialError>;
}

/// Reads passwords from environment variables and files; refuses `External` references.
#[derive(Debug, Clone, Copy, Default)]
pub struct EnvCredentialProvider;

#[async_trait]
impl CredentialProvider for EnvCredentialProvider {
    async fn secret(&self, credential: &CredentialRef) -> Result<Option<SecretString>, CredentialError> {
        match &credential.secret {
            SecretSource::None => Ok(None),
            SecretSource::Env { var } => std::env::var(var)
                .map(|v| Some(SecretString::from(v)))
                .map_err(|_| CredentialError::MissingEnv { var: var.clone() }),
            SecretSource::File { path } => tokio::fs::read_to_string(path)
                .await
                .map(|v| Some(SecretString::from(v.trim_end_matches(['\r', '\n']).to_owned())))
                .map_err(|e| CredentialError::Unreadable {
                    path: path.display().to_string(),
                    reason: e.kind().to_string(),
                }),
            SecretSource::External { key } => {
                Err(CredentialError::Unsupported(format!("external key {key}")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[tokio::test]
    async fn env_file_and_none() {
        let p = EnvCredentialProvider;
        let none = CredentialRef {
            user: "u".into(),
            secret: SecretSource::None,
        };
        assert!(p.secret(&none).await.unwrap().is_none());
        let missing = CredentialRef {
            user: "u".into(),
            secret: SecretSource::Env {
                var: "ACCOUNT_SYNC_SURELY_UNSET_VAR".into(),
            },
        };
        assert_eq!(
            p.secret(&missing).await.unwrap_err().to_string(),
            "environment variable ACCOUNT_SYNC_SURELY_UNSET_VAR is not set"
        );
        let dir = std::env::temp_dir().join(format!("acs-cred-{}", std::process::id()));
        std::fs::write(&dir, "s3cr3t\n").unwrap();
        let file = CredentialRef {
            user: "u".into(),
            secret: SecretSource::File { path: dir.clone() },
        };
        let got = p.secret(&file).await.unwrap().unwrap();
        assert_eq!(got.expose_secret(), "s3cr3t");
        assert!(!format!("{got:?}").contains("s3cr3t"));
        std::fs::remove_file(dir).unwrap();
    }
}
