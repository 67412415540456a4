//! The `-v` protocol transcript (SPEC §3): `> ` for what netkit sends, `< ` for what it
//! receives, on stderr; `-vv` adds a UTC timestamp. Secrets never reach it: callers pass the
//! redacted form (`PASS ***`), and server text is cleaned of control characters.

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

/// Where transcript lines go, and how much detail.
pub struct Transcript {
    level: u8,
    sink: Box<dyn Write + Send>,
    /// `--check`'s phase clock and notebook (off otherwise): it rides here because the
    /// transcript already goes wherever a session's lines and STARTTLS go.
    recorder: crate::probe::Recorder,
}

impl Transcript {
    /// Level 0 prints nothing, 1 lines, 2 lines with timestamps.
    pub fn stderr(level: u8) -> Self {
        Transcript {
            level,
            sink: Box::new(std::io::stderr()),
            recorder: crate::probe::Recorder::default(),
        }
    }

    /// A transcript into any writer (tests).
    pub fn to_writer(level: u8, sink: impl Write + Send + 'static) -> Self {
        Transcript {
            level,
            sink: Box::new(sink),
            recorder: crate::probe::Recorder::default(),
        }
    }

    pub fn off() -> Self {
        Self::to_writer(0, std::io::sink())
    }

    pub fn enabled(&self) -> bool {
        self.level > 0
    }

    /// Feeds `--check`'s recorder too: phases, server lines, the TLS facts.
    pub fn with_recorder(mut self, recorder: crate::probe::Recorder) -> Self {
        self.recorder = recorder;
        self
    }

    pub fn recorder(&self) -> &crate::probe::Recorder {
        &self.recorder
    }

    /// A probe phase begins (a no-op outside `--check`).
    pub fn phase(&mut self, phase: crate::probe::Phase) {
        self.recorder.phase(phase);
    }

    /// A TLS handshake finished on `stream` (recorded for `--check`).
    pub fn tls_established(&mut self, stream: &crate::net::Stream) {
        self.recorder.tls_established(stream);
    }

    pub fn sent(&mut self, line: &[u8]) {
        self.emit('>', line);
    }

    pub fn received(&mut self, line: &[u8]) {
        self.recorder.received(line);
        self.emit('<', line);
    }

    fn emit(&mut self, dir: char, line: &[u8]) {
        if self.level == 0 {
            return;
        }
        let mut text = String::with_capacity(line.len() + 16);
        if self.level >= 2 {
            text.push_str(&utc_clock());
            text.push(' ');
        }
        text.push(dir);
        text.push(' ');
        let line = String::from_utf8_lossy(line);
        // A server that echoes the password (`-ERR bad password …`) must not put it here.
        for c in crate::auth::secret::mask_secrets(&line).chars() {
            if c.is_control() && c != '\t' {
                text.push_str(&format!("\\x{:02x}", c as u32));
            } else {
                text.push(c);
            }
        }
        text.push('\n');
        // A transcript that cannot be written must not break the exchange.
        let _ = self.sink.write_all(text.as_bytes());
    }
}

/// `HH:MM:SS.mmm` in UTC.
fn utc_clock() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() % 86_400;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        now.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn directions_and_escapes() {
        let out = Shared::default();
        let mut t = Transcript::to_writer(1, out.clone());
        t.sent(b"EHLO me");
        t.received(b"220 \x1b[31mhi");
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text, "> EHLO me\n< 220 \\x1b[31mhi\n");
    }

    #[test]
    fn level_two_adds_a_timestamp() {
        let out = Shared::default();
        let mut t = Transcript::to_writer(2, out.clone());
        t.sent(b"QUIT");
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        assert!(
            text.ends_with(" > QUIT\n") && text.as_bytes()[2] == b':',
            "{text}"
        );
    }
}
