//! Password files: where a relative path points, a warning when others can read one, and the
//! CLI's credential provider (the core's environment/file provider plus that warning).

use async_trait::async_trait;
use secrecy::SecretString;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use sync_core::domain::{CredentialRef, SecretSource};
use sync_core::traits::{CredentialError, CredentialProvider, EnvCredentialProvider};

/// The directory of the configuration file `config`, absolute and canonical (symbolic links
/// resolved) when it exists, so that a `password_file` resolved against it stays right from
/// any working directory.
pub fn config_dir(config: &Path) -> PathBuf {
    let dir = match config.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::canonicalize(dir)
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf())
}

/// `path` when absolute, else `path` under `base`.
pub fn resolve(base: &Path, path: PathBuf) -> PathBuf {
    if path.is_absolute() { path } else { base.join(path) }
}

/// The permission bits of `path` when the file is readable by its group or by others
/// (Unix); `None` when it is private, missing, or the platform has no such bits.
pub fn shared_mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o044 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// The warning for a password file readable by group or others, if it is.
pub fn shared_warning(path: &Path) -> Option<String> {
    shared_mode(path).map(|mode| {
        format!(
            "password file {} is readable by group or others (mode {mode:03o}); restrict it with `chmod 600 {}`",
            path.display(),
            path.display()
        )
    })
}

/// Logs [`shared_warning`] (once per file and process); never fails.
pub fn warn_if_shared(path: &Path) {
    static WARNED: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());
    if let Some(w) = shared_warning(path) {
        let first = WARNED
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_path_buf());
        if first {
            tracing::warn!("{w}");
        }
    }
}

/// Reads a password file: its content without the trailing line break. The error names the
/// file and the I/O error kind, never the content.
pub fn read_password_file(path: &Path) -> Result<SecretString, String> {
    warn_if_shared(path);
    std::fs::read_to_string(path)
        .map(|v| SecretString::from(v.trim_end_matches(['\r', '\n']).to_owned()))
        .map_err(|e| format!("cannot read password file {}: {}", path.display(), e.kind()))
}

/// The credential provider of the CLI: passwords from environment variables and files
/// ([`EnvCredentialProvider`]), with a warning when a password file is readable by group or
/// others.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckedCredentialProvider;

#[async_trait]
impl CredentialProvider for CheckedCredentialProvider {
    async fn secret(&self, credential: &CredentialRef) -> Result<Option<SecretString>, CredentialError> {
        if let SecretSource::File { path } = &credential.secret {
            warn_if_shared(path);
        }
        EnvCredentialProvider.secret(credential).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_dir_is_canonical() {
        let tmp = tempfile::tempdir().unwrap();
        let sub = tmp.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let indirect = tmp.path().join("sub/../sub/f.toml");
        let dir = config_dir(&indirect);
        assert_eq!(dir, std::fs::canonicalize(&sub).unwrap());
        assert!(dir.is_absolute());
        assert_eq!(
            resolve(&dir, "pw.txt".into()),
            std::fs::canonicalize(&sub).unwrap().join("pw.txt")
        );
        assert_eq!(resolve(&dir, "/etc/pw".into()), PathBuf::from("/etc/pw"));
        // A directory that does not exist is made absolute all the same.
        let missing = config_dir(Path::new("no-such-dir/f.toml"));
        assert_eq!(missing, std::env::current_dir().unwrap().join("no-such-dir"));
        assert_eq!(
            config_dir(Path::new("f.toml")),
            std::fs::canonicalize(".").unwrap()
        );
    }

    #[cfg(unix)]
    #[test]
    fn group_or_world_readable_files_are_flagged() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let pw = tmp.path().join("pw.txt");
        std::fs::write(&pw, "s3cret\n").unwrap();
        let chmod = |mode| std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(mode)).unwrap();
        chmod(0o600);
        assert_eq!(shared_mode(&pw), None);
        assert_eq!(shared_warning(&pw), None);
        chmod(0o640);
        assert_eq!(shared_mode(&pw), Some(0o640));
        chmod(0o604);
        assert_eq!(shared_mode(&pw), Some(0o604));
        chmod(0o644);
        let w = shared_warning(&pw).unwrap();
        assert_eq!(
            w,
            format!(
                "password file {0} is readable by group or others (mode 644); restrict it with `chmod 600 {0}`",
                pw.display()
            )
        );
        assert!(!w.contains("s3cret"));
        use secrecy::ExposeSecret;
        assert_eq!(read_password_file(&pw).unwrap().expose_secret(), "s3cret");
        let e = read_password_file(&tmp.path().join("none")).unwrap_err();
        assert_eq!(
            e,
            format!(
                "cannot read password file {}: entity not found",
                tmp.path().join("none").display()
            )
        );
        assert_eq!(shared_mode(&tmp.path().join("none")), None);
    }
}
