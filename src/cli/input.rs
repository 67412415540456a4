//! Streaming input, the same in every command: `-` is stdin wherever a file is read, and
//! line input goes line by line in constant memory, bytes as they are (not necessarily
//! UTF-8). A line longer than the cap is one bad item, not the end of the stream: it is
//! skipped to its end and reported, and the lines after it are processed (SPEC §8).

use std::fs::File;
use std::io::{self, BufRead, Read};
use std::path::Path;

use crate::{Error, ErrorKind};

/// One input line, or the report that it was too long (its bytes are skipped, not held).
#[derive(Debug)]
pub enum Line<'a> {
    Text(&'a [u8]),
    TooLong { number: u64, max: usize },
}

impl Line<'_> {
    /// The error a too-long line is, for the per-item report.
    pub fn too_long_error(number: u64, max: usize) -> Error {
        Error::new(
            ErrorKind::Usage,
            format!("line {number}: longer than {max} bytes: skipped"),
        )
    }
}

/// Calls `each` with every line of `reader` without its `\n` (a `\r` before it is kept: the
/// data is passed on byte-exact). Stops at the first error `each` returns or a read error.
pub fn for_each_line<R: Read, E: From<io::Error>>(
    reader: R,
    max_line: usize,
    mut each: impl FnMut(Line<'_>) -> Result<(), E>,
) -> Result<(), E> {
    let mut reader = io::BufReader::with_capacity(64 * 1024, reader);
    let mut line = Vec::with_capacity(256);
    let limit = u64::try_from(max_line)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut number = 0u64;
    loop {
        line.clear();
        // `take` bounds memory: at most max_line + 1 bytes are buffered for one line.
        let n = (&mut reader).take(limit).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(());
        }
        number += 1;
        if line.last() == Some(&b'\n') {
            line.pop();
        } else if line.len() > max_line {
            skip_past_newline(&mut reader)?;
            each(Line::TooLong {
                number,
                max: max_line,
            })?;
            continue;
        }
        each(Line::Text(&line))?;
    }
}

/// Discards input up to and including the next `\n` (or EOF), without holding it.
fn skip_past_newline(reader: &mut impl BufRead) -> io::Result<()> {
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(());
        }
        if let Some(pos) = memchr::memchr(b'\n', buf) {
            reader.consume(pos + 1);
            return Ok(());
        }
        let len = buf.len();
        reader.consume(len);
    }
}

/// A file argument opened for reading, `-` meaning stdin (SPEC: the same in every command).
pub fn open(path: &Path) -> io::Result<Box<dyn Read>> {
    if path.as_os_str() == "-" {
        Ok(Box::new(io::stdin().lock()))
    } else {
        Ok(Box::new(File::open(path)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> Vec<Result<Vec<u8>, u64>> {
        let mut out = Vec::new();
        for_each_line(input, max, |l| -> io::Result<()> {
            out.push(match l {
                Line::Text(t) => Ok(t.to_vec()),
                Line::TooLong { number, .. } => Err(number),
            });
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn splits_on_lf_and_keeps_other_bytes() {
        let got = lines(b"a b\r\n\xff\n\nlast", 100);
        assert_eq!(
            got,
            vec![
                Ok(b"a b\r".to_vec()),
                Ok(b"\xff".to_vec()),
                Ok(vec![]),
                Ok(b"last".to_vec())
            ]
        );
    }

    #[test]
    fn an_overlong_line_is_reported_and_the_stream_goes_on() {
        let mut input = b"ok1\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', 200_000));
        input.extend_from_slice(b"\nok3\n");
        assert_eq!(
            lines(&input, 1000),
            vec![Ok(b"ok1".to_vec()), Err(2), Ok(b"ok3".to_vec())]
        );
        assert_eq!(lines(b"01234\n", 5), vec![Ok(b"01234".to_vec())]);
        assert_eq!(lines(b"012345", 5), vec![Err(1)]);
    }
}
