//! Every write to stdout goes through [`stdout`]: a reader that went away (a closed pipe,
//! `account-sync history | head -1`) ends the output quietly, and the command keeps its own
//! exit code; any other write error (a full disk) is an error of the command (exit 1).
//! Lines for the user on stderr go through [`stderr`], which never fails.

use crate::exit::CliError;
use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once stdout reported a broken pipe: later output is dropped.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `bytes` to stdout and flushes.
pub fn stdout(bytes: &[u8]) -> Result<(), CliError> {
    write_to(&mut std::io::stdout().lock(), bytes)
}

/// Writes to `sink` (stdout, or a test double) with the rules of [`stdout`].
fn write_to(sink: &mut impl Write, bytes: &[u8]) -> Result<(), CliError> {
    if CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    match sink.write_all(bytes).and_then(|()| sink.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => {
            CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(CliError::Output(format!("cannot write to stdout: {e}"))),
    }
}

/// Writes `text` to stderr, ignoring errors (there is nowhere left to report them).
pub fn stderr(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Failing(ErrorKind);

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(self.0.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn full_disk_is_an_error_and_a_closed_pipe_is_quiet() {
        let err = write_to(&mut Failing(ErrorKind::StorageFull), b"x").unwrap_err();
        assert_eq!(err.to_string(), "cannot write to stdout: no storage space");
        assert_eq!(err.code(), crate::exit::FAILED);
        let mut ok = Vec::new();
        write_to(&mut ok, b"table\n").unwrap();
        assert_eq!(ok, b"table\n");
        // (The broken-pipe flag is process-wide: this test sets it last.)
        write_to(&mut Failing(ErrorKind::BrokenPipe), b"x").unwrap();
        let mut after = Vec::new();
        write_to(&mut after, b"dropped").unwrap();
        assert!(after.is_empty());
    }
}
