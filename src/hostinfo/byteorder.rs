//! `--byteorder N`: what `htons`/`ntohs` (16 bits) and `htonl`/`ntohl` (32 bits) make of N on
//! this host (POSIX `<arpa/inet.h>`). On a little-endian host they swap the bytes, on a
//! big-endian one they are the identity; `to_be` is exactly that function, and since a byte
//! swap is its own inverse, hton and ntoh give the same value.

use crate::Error;
use crate::error::Result;

/// N and its conversions. `sixteen` is `None` when N does not fit in 16 bits (htons would
/// silently drop the high bits, which is never what the user meant to see).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteOrder {
    pub value: u32,
    pub sixteen: Option<u16>,
    pub thirty_two: u32,
    pub little_endian: bool,
}

/// Parses N: decimal or `0x` hex, at most 32 bits; anything else is a usage error.
pub fn parse_value(text: &str) -> Result<u32> {
    let t = text.trim().replace('_', "");
    let parsed = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) if !hex.is_empty() => u64::from_str_radix(hex, 16),
        Some(_) => "".parse::<u64>(),
        None => t.parse::<u64>(),
    };
    let value = parsed.map_err(|_| {
        Error::usage(format!(
            "--byteorder '{text}': expected a number, decimal or 0x hex (e.g. 258, 0x0102)"
        ))
    })?;
    u32::try_from(value).map_err(|_| {
        Error::usage(format!(
            "--byteorder '{text}': more than 32 bits; htonl takes values up to 4294967295 (0xffffffff)"
        ))
    })
}

/// The conversions of `value` on this host.
pub fn convert(value: u32) -> ByteOrder {
    ByteOrder {
        value,
        sixteen: u16::try_from(value).ok().map(u16::to_be),
        thirty_two: value.to_be(),
        little_endian: cfg!(target_endian = "little"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_endian = "little")]
    fn spec_examples_on_little_endian() {
        let b = convert(parse_value("258").unwrap());
        assert_eq!(b.sixteen, Some(513));
        assert_eq!(b.thirty_two, 33_619_968);
        assert_eq!(b.thirty_two, 0x0201_0000);
    }

    #[test]
    fn hex_and_limits() {
        assert_eq!(parse_value("0x0102").unwrap(), 258);
        assert_eq!(parse_value("0XFFFFFFFF").unwrap(), u32::MAX);
        assert!(parse_value("4294967296").is_err());
        assert!(parse_value("0x").is_err());
        assert!(parse_value("-1").is_err());
        assert!(parse_value("ten").is_err());
        assert_eq!(convert(65_536).sixteen, None);
        assert!(convert(65_535).sixteen.is_some());
    }

    #[test]
    fn conversion_is_its_own_inverse() {
        for v in [0u32, 1, 258, 0xdead_beef, u32::MAX] {
            assert_eq!(u32::from_be(convert(v).thirty_two), v);
        }
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics(s in "\\PC*") {
            let _ = parse_value(&s);
        }

        #[test]
        fn any_u32_round_trips(v: u32) {
            proptest::prop_assert_eq!(parse_value(&v.to_string()).unwrap(), v);
            proptest::prop_assert_eq!(parse_value(&format!("{v:#x}")).unwrap(), v);
        }
    }
}
