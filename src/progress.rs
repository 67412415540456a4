//! Transfer progress on stderr, the one helper fetch, ftp, pop and imap share: a bar with
//! bytes, rate and ETA when the length is known, a spinner when it is not, one line per
//! transfer when several run at once, and nothing at all unless stderr is a terminal and
//! neither `-q` nor `--no-progress` was given (so logs and pipes never see escape codes).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Whether bars are drawn at all, decided once per run. The default draws none.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    multi: Option<MultiProgress>,
}

/// One transfer's bar; a no-op when progress is off.
#[derive(Debug)]
pub struct Bar {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Progress on when stderr is a terminal and the user did not turn it off.
    pub fn for_stderr(quiet: bool, no_progress: bool) -> Progress {
        let on = !quiet && !no_progress && std::io::stderr().is_terminal();
        Progress {
            multi: on.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr())),
        }
    }

    pub fn off() -> Progress {
        Progress { multi: None }
    }

    pub fn is_on(&self) -> bool {
        self.multi.is_some()
    }

    /// A bar for one transfer named `label`, `total` bytes long when known.
    pub fn bar(&self, label: &str, total: Option<u64>, start: u64) -> Bar {
        let Some(multi) = &self.multi else {
            return Bar { bar: None };
        };
        let bar = match total {
            Some(len) => ProgressBar::new(len).with_style(
                ProgressStyle::with_template(
                    "{prefix} {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            ),
            None => ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{prefix} {spinner} {bytes} {bytes_per_sec}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            ),
        };
        let bar = multi.add(bar.with_prefix(label.to_owned()).with_position(start));
        if total.is_none() {
            bar.enable_steady_tick(Duration::from_millis(120));
        }
        Bar { bar: Some(bar) }
    }
}

/// A writer that advances a bar by what it writes (an upload through a protocol encoder).
pub struct Counting<'a, W> {
    pub inner: W,
    pub bar: &'a Bar,
}

impl<W: std::io::Write> std::io::Write for Counting<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bar.advance(n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl Bar {
    pub fn advance(&self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
        }
    }

    /// The total, once the response says it.
    pub fn set_length(&self, total: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(total);
        }
    }

    /// Back to `position` (a retry that restarts, or a resume that starts mid-file).
    pub fn set_position(&self, position: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(position);
        }
    }

    /// Removes the bar from the terminal: the command's own line says how it ended.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar
            && !bar.is_finished()
        {
            bar.finish_and_clear();
        }
    }
}
