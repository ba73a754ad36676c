//! The progress bar of a sync run, and the log writer that keeps log lines from tearing it.
//!
//! While a bar is shown, every log line is written with the bar suspended (cleared, line
//! written, bar redrawn). Per-instance result lines go above the bar with `println`. When
//! stderr is not a terminal the bar is hidden and the result lines are plain stderr lines.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::Write;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;
use tracing_subscriber::fmt::MakeWriter;

/// The bar being shown, if any (read by the log writer).
static ACTIVE: Mutex<Option<ProgressBar>> = Mutex::new(None);

fn active() -> Option<ProgressBar> {
    ACTIVE.lock().unwrap_or_else(PoisonError::into_inner).clone()
}

fn set_active(bar: Option<ProgressBar>) {
    *ACTIVE.lock().unwrap_or_else(PoisonError::into_inner) = bar;
}

/// Writes one log event to stderr, suspending the active bar around it.
fn emit(bytes: &[u8]) {
    let write = || {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(bytes);
        let _ = err.flush();
    };
    match active() {
        Some(bar) if !bar.is_hidden() => bar.suspend(write),
        _ => write(),
    }
}

/// Writes a line to stderr, above the active bar if one is shown.
pub fn line(text: &str) {
    emit(format!("{text}\n").as_bytes());
}

/// A buffer for one log event, written out (bar-aware) when dropped.
#[derive(Debug, Default)]
pub struct LogWriter {
    buf: Vec<u8>,
}

impl Write for LogWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LogWriter {
    fn drop(&mut self) {
        if !self.buf.is_empty() {
            emit(&self.buf);
        }
    }
}

/// The `tracing_subscriber` writer factory: one [`LogWriter`] per event.
#[derive(Debug, Clone, Copy, Default)]
pub struct BarAwareStderr;

impl<'a> MakeWriter<'a> for BarAwareStderr {
    type Writer = LogWriter;
    fn make_writer(&'a self) -> LogWriter {
        LogWriter::default()
    }
}

/// The bar of one sync run.
#[derive(Debug)]
pub struct SyncProgress {
    bar: ProgressBar,
}

impl SyncProgress {
    /// Shows a bar of `total` instances on stderr (hidden when stderr is not a terminal).
    pub fn start(total: u64) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30.cyan/blue} {pos}/{len} instances {msg}",
            )
            .expect("static template")
            .progress_chars("=> "),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        set_active(Some(bar.clone()));
        SyncProgress { bar }
    }

    /// Sets the number of instances (known once the run reports its start).
    pub fn set_total(&self, total: u64) {
        self.bar.set_length(total);
    }

    /// One instance finished.
    pub fn inc(&self) {
        self.bar.inc(1);
    }

    /// The text after the counter (e.g. the instances in flight).
    pub fn message(&self, msg: String) {
        self.bar.set_message(msg);
    }

    /// A line above the bar (plain stderr when the bar is hidden).
    pub fn println(&self, line: &str) {
        if self.bar.is_hidden() {
            self::line(line);
        } else {
            self.bar.println(line);
        }
    }
}

impl Drop for SyncProgress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
        set_active(None);
    }
}
