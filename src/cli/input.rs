//! Streaming stdin: line by line in constant memory, bytes as they are (not necessarily
//! UTF-8). A line longer than the cap is an error rather than unbounded memory.

use std::io::{self, BufRead, Read};

use crate::{Error, ErrorKind};

/// Calls `each` with every line of `reader` without its `\n` (a `\r` before it is kept: the
/// data is passed on byte-exact). Stops at the first error `each` returns.
pub fn for_each_line<R: Read, E: From<io::Error> + From<Error>>(
    reader: R,
    max_line: usize,
    mut each: impl FnMut(&[u8]) -> Result<(), E>,
) -> Result<(), E> {
    let mut reader = io::BufReader::with_capacity(64 * 1024, reader);
    let mut line = Vec::with_capacity(256);
    loop {
        line.clear();
        // `take` bounds memory: at most max_line + 1 bytes are buffered for one line.
        let limit = u64::try_from(max_line)
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        let n = (&mut reader).take(limit).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(());
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        } else if line.len() > max_line {
            return Err(Error::new(
                ErrorKind::Usage,
                format!("an input line is longer than {max_line} bytes"),
            )
            .into());
        }
        each(&line)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> Result<Vec<Vec<u8>>, anyhow::Error> {
        let mut out = Vec::new();
        for_each_line(input, max, |l| -> anyhow::Result<()> {
            out.push(l.to_vec());
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn splits_on_lf_and_keeps_other_bytes() {
        let got = lines(b"a b\r\n\xff\n\nlast", 100).unwrap();
        assert_eq!(
            got,
            vec![
                b"a b\r".to_vec(),
                b"\xff".to_vec(),
                vec![],
                b"last".to_vec()
            ]
        );
    }

    #[test]
    fn overlong_line_is_an_error_not_memory() {
        assert!(lines(b"0123456789\n", 5).is_err());
        assert!(lines(b"01234\n", 5).is_ok());
    }
}
