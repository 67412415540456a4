//! A password or token. It cannot be printed by accident: `Debug` and `Display` show
//! `(redacted)`, and the bytes are overwritten when it is dropped. A server can still echo
//! it back (`-ERR bad password hunter2`, `530 …`): every secret made here is remembered by
//! length and SHA-256 (never the text), and [`mask_secrets`] replaces it with `***` in any
//! text a user will see — the `-v` transcript, error and warning lines, JSON reports.

use std::borrow::Cow;
use std::fmt;
use std::sync::Mutex;

/// Shorter secrets are not masked in other text: `***` for every `ab` would garble it.
const MIN_MASKED: usize = 4;

struct Known {
    len: usize,
    first: u8,
    digest: [u8; 32],
}

static KNOWN: Mutex<Vec<Known>> = Mutex::new(Vec::new());

fn digest(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref());
    out
}

fn remember(value: &str) {
    let bytes = value.as_bytes();
    if bytes.len() < MIN_MASKED {
        return;
    }
    let known = Known {
        len: bytes.len(),
        first: bytes[0],
        digest: digest(bytes),
    };
    if let Ok(mut all) = KNOWN.lock()
        && !all
            .iter()
            .any(|k| k.len == known.len && k.digest == known.digest)
    {
        all.push(known);
        // Longest first, so a secret that holds another is masked whole.
        all.sort_by_key(|k| std::cmp::Reverse(k.len));
    }
}

/// `text` with every secret this process holds (or held) replaced by `***`.
pub fn mask_secrets(text: &str) -> Cow<'_, str> {
    let Ok(all) = KNOWN.lock() else {
        return Cow::Borrowed(text);
    };
    if all.is_empty() || text.len() < MIN_MASKED {
        return Cow::Borrowed(text);
    }
    let mut current: Cow<'_, str> = Cow::Borrowed(text);
    for k in all.iter() {
        let t = current.as_ref();
        let bytes = t.as_bytes();
        let mut out = String::new();
        let (mut copied, mut i) = (0, 0);
        while i + k.len <= bytes.len() {
            if bytes[i] == k.first
                && t.is_char_boundary(i)
                && t.is_char_boundary(i + k.len)
                && digest(&bytes[i..i + k.len]) == k.digest
            {
                out.push_str(&t[copied..i]);
                out.push_str("***");
                i += k.len;
                copied = i;
            } else {
                i += 1;
            }
        }
        if copied > 0 {
            out.push_str(&t[copied..]);
            current = Cow::Owned(out);
        }
    }
    current
}

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        remember(&value);
        Secret(value)
    }

    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // Best effort: clear the heap copy so it does not linger in freed memory.
        let mut bytes = std::mem::take(&mut self.0).into_bytes();
        for b in bytes.iter_mut() {
            // SAFETY: `b` is a valid, aligned, exclusive reference to a u8. The volatile
            // write keeps the optimiser from removing the clearing as a dead store.
            unsafe { std::ptr::write_volatile(b, 0) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_its_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s} {s:?}"), "(redacted) (redacted)");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some((redacted))");
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn secrets_echoed_back_are_masked_wherever_they_appear() {
        let _s = Secret::new("Top/Se@cr\u{e9}t");
        assert_eq!(
            mask_secrets("-ERR bad password Top/Se@cr\u{e9}t, Top/Se@cr\u{e9}t!"),
            "-ERR bad password ***, ***!"
        );
        assert_eq!(mask_secrets("nothing here"), "nothing here");
        // Too short to mask without garbling other text.
        let _t = Secret::new("ab");
        assert_eq!(mask_secrets("abab"), "abab");
    }

    proptest::proptest! {
        #[test]
        fn a_masked_text_never_holds_the_secret(
            secret in "[a-zé/@:%]{4,12}", before in ".{0,20}", after in ".{0,20}"
        ) {
            let _s = Secret::new(secret.clone());
            let text = format!("{before}{secret}{after}");
            let masked = mask_secrets(&text);
            proptest::prop_assert!(!masked.contains(&secret), "{masked}");
        }
    }
}
