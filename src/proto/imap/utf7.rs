//! Modified UTF-7 for mailbox names (RFC 3501 §5.1.3): printable ASCII stands for itself
//! except `&`, written `&-`; anything else is UTF-16 in base64 (`,` for `/`, no padding)
//! between `&` and `-`. Names are shown as UTF-8 and sent in this form unless the server
//! accepts UTF-8 (RFC 6855 `UTF8=ACCEPT`).

use base64::Engine as _;
use base64::alphabet::Alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

fn engine() -> Option<GeneralPurpose> {
    let alphabet =
        Alphabet::new("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,").ok()?;
    Some(GeneralPurpose::new(
        &alphabet,
        GeneralPurposeConfig::new()
            .with_encode_padding(false)
            .with_decode_padding_mode(DecodePaddingMode::RequireNone)
            .with_decode_allow_trailing_bits(false),
    ))
}

/// UTF-8 → modified UTF-7.
pub fn encode(name: &str) -> String {
    let Some(b64) = engine() else {
        return name.to_owned();
    };
    let mut out = String::with_capacity(name.len() + 8);
    let mut pending: Vec<u16> = Vec::new();
    let flush = |pending: &mut Vec<u16>, out: &mut String| {
        if pending.is_empty() {
            return;
        }
        let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
        out.push('&');
        out.push_str(&b64.encode(bytes));
        out.push('-');
        pending.clear();
    };
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut pending, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut units = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut units));
        }
    }
    flush(&mut pending, &mut out);
    out
}

/// Modified UTF-7 → UTF-8; `None` when the bytes are not valid modified UTF-7 (the caller
/// then shows the name as the server sent it).
pub fn decode(wire: &[u8]) -> Option<String> {
    let b64 = engine()?;
    let mut out = String::with_capacity(wire.len());
    let mut i = 0;
    while i < wire.len() {
        let b = wire[i];
        if b == b'&' {
            let end = i + 1 + wire[i + 1..].iter().position(|&c| c == b'-')?;
            let run = &wire[i + 1..end];
            if run.is_empty() {
                out.push('&');
            } else {
                let bytes = b64.decode(run).ok()?;
                if bytes.len() % 2 != 0 {
                    return None;
                }
                let units: Vec<u16> = bytes
                    .chunks_exact(2)
                    .map(|p| u16::from_be_bytes([p[0], p[1]]))
                    .collect();
                let text = String::from_utf16(&units).ok()?;
                // A run must not encode what could be written directly (RFC 3501 §5.1.3).
                if text.chars().any(|c| (' '..='~').contains(&c)) {
                    return None;
                }
                out.push_str(&text);
            }
            i = end + 1;
        } else if (0x20..=0x7e).contains(&b) {
            out.push(b as char);
            i += 1;
        } else {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc_examples_and_the_test_folders() {
        assert_eq!(encode("Entwürfe"), "Entw&APw-rfe");
        assert_eq!(encode("日本"), "&ZeVnLA-");
        assert_eq!(encode("A&B"), "A&-B");
        assert_eq!(
            encode("~peter/mail/台北/日本語"),
            "~peter/mail/&U,BTFw-/&ZeVnLIqe-"
        );
        assert_eq!(
            decode(b"~peter/mail/&U,BTFw-/&ZeVnLIqe-").as_deref(),
            Some("~peter/mail/台北/日本語")
        );
        assert_eq!(decode(b"Entw&APw-rfe").as_deref(), Some("Entwürfe"));
        assert_eq!(decode(b"&-").as_deref(), Some("&"));
    }

    #[test]
    fn invalid_forms_are_refused() {
        for bad in [&b"&"[..], b"&AGE-", b"&APw", b"caf\xc3\xa9", b"&A-"] {
            assert_eq!(decode(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    proptest! {
        #[test]
        fn any_name_round_trips(name in "\\PC{0,24}") {
            let wire = encode(&name);
            prop_assert!(wire.bytes().all(|b| (0x20..=0x7e).contains(&b)));
            prop_assert_eq!(decode(wire.as_bytes()), Some(name));
        }

        #[test]
        fn decoding_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode(&bytes);
        }
    }
}
