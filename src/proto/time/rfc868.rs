//! RFC 868 time: four bytes, big-endian seconds since 1900-01-01 00:00 UTC.
//!
//! 32 bits run out on 2036-02-07 06:28:16 UTC. RFC 868 does not say what comes next; the
//! accepted reading (RFC 4330 §3, used by rdate and xinetd alike) is that the value wraps:
//! a value with the top bit set is 1968–2036 (era 0), one with it clear is 2036–2104 (era 1).
//! Encoding takes the seconds modulo 2^32, decoding applies that rule, so the pair stays
//! correct until 2104 without looking at the local clock.

use super::clock::UnixTime;

/// Seconds from 1900-01-01 to 1970-01-01.
pub const UNIX_EPOCH_IN_1900: i64 = 2_208_988_800;

/// Exactly this many bytes make a time reply.
pub const REPLY_LEN: usize = 4;

/// The 32-bit 1900-epoch seconds of a Unix time (modulo 2^32: the RFC 868 wrap).
pub fn seconds_1900(secs: i64) -> u32 {
    (secs + UNIX_EPOCH_IN_1900).rem_euclid(1 << 32) as u32
}

/// Unix seconds of a 32-bit 1900-epoch value, with the era rule above.
pub fn unix_from_1900(value: u32) -> i64 {
    let base = if value & 0x8000_0000 != 0 {
        0
    } else {
        1i64 << 32
    };
    i64::from(value) + base - UNIX_EPOCH_IN_1900
}

pub fn encode(now: UnixTime) -> [u8; REPLY_LEN] {
    seconds_1900(now.secs).to_be_bytes()
}

/// The Unix seconds of a time reply; `None` unless it is exactly four bytes.
pub fn decode(reply: &[u8]) -> Option<i64> {
    let bytes: [u8; REPLY_LEN] = reply.try_into().ok()?;
    Some(unix_from_1900(u32::from_be_bytes(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_values() {
        assert_eq!(seconds_1900(0), 2_208_988_800);
        // 2036-02-07 06:28:16 UTC is the wrap: 0 again, and decodes past 2036.
        let wrap = (1i64 << 32) - UNIX_EPOCH_IN_1900;
        assert_eq!(seconds_1900(wrap), 0);
        assert_eq!(decode(&[0, 0, 0, 0]), Some(wrap));
        assert_eq!(decode(&[0, 0, 0, 1]), Some(wrap + 1));
        assert_eq!(decode(&[0xff, 0xff, 0xff, 0xff]), Some(wrap - 1));
    }

    #[test]
    fn only_four_bytes_are_a_reply() {
        assert_eq!(decode(b"Tue"), None);
        assert_eq!(decode(b"Tue Nov 24 18:09:22 2026\r\n"), None);
        assert_eq!(decode(b""), None);
    }

    proptest! {
        #[test]
        fn round_trips_from_1968_to_2104(secs in -61_000_000i64..4_200_000_000) {
            prop_assert_eq!(decode(&encode(UnixTime::from_secs(secs))), Some(secs));
        }

        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..16)) {
            let _ = decode(&bytes);
        }
    }
}
