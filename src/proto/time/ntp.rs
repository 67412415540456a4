//! SNTP (RFC 4330) packets: the 48-byte header both ways, timestamps, the server's reply to
//! a client request, and the client's sanity checks and offset/delay formulas.
//!
//! * §3: 64-bit timestamps (32.32 fixed point since 1900) wrap in 2036 like RFC 868's; era 0
//!   has the top bit set. Offsets and delays are computed from wrapping differences, which
//!   stay right across the wrap.
//! * §4/§5: a client sends mode 3 with its transmit time; a server answers mode 4, copies the
//!   version and poll, puts the request's transmit timestamp in originate, and fills receive
//!   and transmit. Only mode-3 requests are answered, so two servers cannot loop.
//! * §5 client checks: mode must be 4, originate must equal what we sent (an echoed request,
//!   mode 3 with originate 0, fails both), transmit non-zero, stratum 0 is a kiss-o'-death
//!   whose reference identifier holds an ASCII code (§8), stratum above 15 is unsynchronised.
//! * Extension fields and a MAC after the 48 bytes are ignored.

use super::clock::UnixTime;
use super::rfc868::{UNIX_EPOCH_IN_1900, unix_from_1900};

pub const HEADER_LEN: usize = 48;
pub const MODE_CLIENT: u8 = 3;
pub const MODE_SERVER: u8 = 4;
pub const LEAP_UNSYNCHRONISED: u8 = 3;

/// An NTP timestamp: seconds since 1900 in the high 32 bits, the binary fraction below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Timestamp(pub u64);

impl Timestamp {
    pub fn from_unix(t: UnixTime) -> Self {
        let secs = (t.secs + UNIX_EPOCH_IN_1900).rem_euclid(1 << 32) as u64;
        let frac = (u64::from(t.nanos) << 32) / 1_000_000_000;
        Timestamp(secs << 32 | frac)
    }

    pub fn to_unix(self) -> UnixTime {
        let secs = unix_from_1900((self.0 >> 32) as u32);
        let nanos = ((self.0 & 0xffff_ffff) * 1_000_000_000) >> 32;
        UnixTime {
            secs,
            nanos: nanos as u32,
        }
    }

    pub fn now() -> Self {
        Timestamp::from_unix(UnixTime::now())
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// `self - earlier` in seconds, era-safe for differences under 68 years.
    pub fn minus(self, earlier: Timestamp) -> f64 {
        self.0.wrapping_sub(earlier.0) as i64 as f64 / 4_294_967_296.0
    }
}

/// The fixed NTP header (RFC 4330 §4, figure 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Packet {
    pub leap: u8,
    pub version: u8,
    pub mode: u8,
    pub stratum: u8,
    pub poll: i8,
    pub precision: i8,
    /// 16.16 fixed-point seconds.
    pub root_delay: u32,
    pub root_dispersion: u32,
    pub reference_id: [u8; 4],
    pub reference: Timestamp,
    pub originate: Timestamp,
    pub receive: Timestamp,
    pub transmit: Timestamp,
}

impl Packet {
    /// One transcript line: every header field, timestamps as NTP seconds.fraction.
    pub fn describe(&self) -> String {
        let ts = |t: Timestamp| {
            format!(
                "{}.{:09}",
                t.0 >> 32,
                ((t.0 & 0xffff_ffff) * 1_000_000_000) >> 32
            )
        };
        format!(
            "NTP v{} mode {} leap {} stratum {} poll {} precision {} root_delay {:.6} \
             root_dispersion {:.6} refid {} reference {} originate {} receive {} transmit {}",
            self.version,
            self.mode,
            self.leap,
            self.stratum,
            self.poll,
            self.precision,
            f64::from(self.root_delay) / 65_536.0,
            f64::from(self.root_dispersion) / 65_536.0,
            reference_id_text(self.stratum, self.reference_id),
            ts(self.reference),
            ts(self.originate),
            ts(self.receive),
            ts(self.transmit),
        )
    }

    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let mut b = [0u8; HEADER_LEN];
        b[0] = (self.leap & 3) << 6 | (self.version & 7) << 3 | (self.mode & 7);
        b[1] = self.stratum;
        b[2] = self.poll as u8;
        b[3] = self.precision as u8;
        b[4..8].copy_from_slice(&self.root_delay.to_be_bytes());
        b[8..12].copy_from_slice(&self.root_dispersion.to_be_bytes());
        b[12..16].copy_from_slice(&self.reference_id);
        b[16..24].copy_from_slice(&self.reference.0.to_be_bytes());
        b[24..32].copy_from_slice(&self.originate.0.to_be_bytes());
        b[32..40].copy_from_slice(&self.receive.0.to_be_bytes());
        b[40..48].copy_from_slice(&self.transmit.0.to_be_bytes());
        b
    }

    /// The header of a datagram; `None` when it is shorter than 48 bytes.
    pub fn decode(bytes: &[u8]) -> Option<Packet> {
        let b: &[u8; HEADER_LEN] = bytes.get(..HEADER_LEN)?.try_into().ok()?;
        let u32_at = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let ts_at = |i: usize| Timestamp(u64::from(u32_at(i)) << 32 | u64::from(u32_at(i + 4)));
        Some(Packet {
            leap: b[0] >> 6,
            version: (b[0] >> 3) & 7,
            mode: b[0] & 7,
            stratum: b[1],
            poll: b[2] as i8,
            precision: b[3] as i8,
            root_delay: u32_at(4),
            root_dispersion: u32_at(8),
            reference_id: [b[12], b[13], b[14], b[15]],
            reference: ts_at(16),
            originate: ts_at(24),
            receive: ts_at(32),
            transmit: ts_at(40),
        })
    }

    /// A client request (RFC 4330 §5): version 4, mode 3, our send time as transmit.
    pub fn request(transmit: Timestamp) -> Packet {
        Packet {
            version: 4,
            mode: MODE_CLIENT,
            transmit,
            ..Packet::default()
        }
    }
}

/// What a server puts in its replies.
#[derive(Debug, Clone, Copy)]
pub struct ServerState {
    pub stratum: u8,
    pub leap: u8,
    pub precision: i8,
    pub reference_id: [u8; 4],
    /// When the clock was last set (netkit: when the server started).
    pub reference: Timestamp,
}

/// The server's answer to a request datagram, or `None` when it must not be answered: too
/// short, not mode 3 (replies, broadcasts and control messages — no loops), version 0 or > 4.
pub fn reply(
    request: &[u8],
    state: &ServerState,
    received: Timestamp,
    transmit: Timestamp,
) -> Option<[u8; HEADER_LEN]> {
    let req = Packet::decode(request)?;
    if req.mode != MODE_CLIENT || !(1..=4).contains(&req.version) {
        return None;
    }
    Some(
        Packet {
            leap: state.leap,
            version: req.version,
            mode: MODE_SERVER,
            stratum: state.stratum,
            poll: req.poll,
            precision: state.precision,
            root_delay: 0,
            root_dispersion: 0,
            reference_id: state.reference_id,
            reference: state.reference,
            originate: req.transmit,
            receive: received,
            transmit,
        }
        .encode(),
    )
}

/// Why a reply was refused (RFC 4330 §5 sanity checks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    Short(usize),
    Mode(u8),
    Version(u8),
    Originate,
    ZeroTransmit,
    /// Stratum 0: the ASCII kiss code from the reference identifier (`RATE`, `DENY`…).
    Kiss(String),
    Unsynchronised(u8),
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Invalid::Short(n) => write!(f, "reply is {n} bytes, an NTP header is 48"),
            Invalid::Mode(m) => write!(f, "reply has mode {m}, a server reply is mode 4"),
            Invalid::Version(v) => write!(f, "reply has NTP version {v}"),
            Invalid::Originate => f.write_str(
                "reply's originate timestamp is not our request's transmit time \
                 (a stale, echoed or forged reply)",
            ),
            Invalid::ZeroTransmit => f.write_str("reply's transmit timestamp is zero"),
            Invalid::Kiss(code) => write!(f, "kiss-o'-death {code}"),
            Invalid::Unsynchronised(s) => write!(f, "server is unsynchronised (stratum {s})"),
        }
    }
}

/// One checked exchange: the reply and RFC 4330 §5's offset and round-trip delay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub reply: Packet,
    /// Server clock minus local clock, seconds.
    pub offset: f64,
    pub delay: f64,
    /// The local time the reply arrived (T4).
    pub arrived: Timestamp,
}

impl Sample {
    /// The server's time when the reply arrived: T4 + offset.
    pub fn server_time(&self) -> UnixTime {
        UnixTime::from_f64(self.arrived.to_unix().as_f64() + self.offset)
    }
}

/// Checks a reply to a request sent at `sent` (T1) that arrived at `arrived` (T4).
pub fn check(bytes: &[u8], sent: Timestamp, arrived: Timestamp) -> Result<Sample, Invalid> {
    let p = Packet::decode(bytes).ok_or(Invalid::Short(bytes.len()))?;
    if p.mode != MODE_SERVER {
        return Err(Invalid::Mode(p.mode));
    }
    if !(1..=4).contains(&p.version) {
        return Err(Invalid::Version(p.version));
    }
    if p.originate != sent {
        return Err(Invalid::Originate);
    }
    if p.stratum == 0 {
        return Err(Invalid::Kiss(kiss_code(p.reference_id)));
    }
    if p.transmit.is_zero() {
        return Err(Invalid::ZeroTransmit);
    }
    if p.stratum > 15 {
        return Err(Invalid::Unsynchronised(p.stratum));
    }
    // RFC 4330 §5: offset = ((T2 - T1) + (T3 - T4)) / 2, delay = (T4 - T1) - (T3 - T2).
    let offset = (p.receive.minus(sent) + p.transmit.minus(arrived)) / 2.0;
    let delay = arrived.minus(sent) - p.transmit.minus(p.receive);
    Ok(Sample {
        reply: p,
        offset,
        delay,
        arrived,
    })
}

/// A kiss code as printable ASCII (RFC 4330 §8); other bytes in hex.
pub fn kiss_code(id: [u8; 4]) -> String {
    let text: String = id
        .iter()
        .take_while(|b| **b != 0)
        .map(|&b| char::from(b))
        .collect();
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_graphic()) {
        text
    } else {
        format!("0x{:08X}", u32::from_be_bytes(id))
    }
}

/// The reference identifier as RFC 4330 §4 reads it: ASCII for stratum 1 (and 0), an IPv4
/// address as a dotted quad above; anything unprintable in hex.
pub fn reference_id_text(stratum: u8, id: [u8; 4]) -> String {
    // Above stratum 1 the field is an address; four capital letters (`LOCL`) are the one
    // text convention servers still use there, so they are shown as text.
    if stratum <= 1 || id.iter().all(|b| b.is_ascii_uppercase()) {
        kiss_code(id)
    } else {
        format!("{}.{}.{}.{}", id[0], id[1], id[2], id[3])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn state() -> ServerState {
        ServerState {
            stratum: 10,
            leap: 0,
            precision: -20,
            reference_id: *b"LOCL",
            reference: Timestamp(1 << 63),
        }
    }

    #[test]
    fn server_reply_passes_the_client_checks() {
        let t1 = Timestamp::now();
        let req = Packet::request(t1).encode();
        let t2 = Timestamp(t1.0 + (1 << 32)); // server one second ahead
        let rep = reply(&req, &state(), t2, t2).unwrap();
        let s = check(&rep, t1, t1).unwrap();
        assert_eq!(s.reply.mode, MODE_SERVER);
        assert_eq!(s.reply.version, 4);
        assert_eq!(s.reply.stratum, 10);
        assert!((s.offset - 1.0).abs() < 1e-6, "{}", s.offset);
        assert!(s.delay.abs() < 1e-6);
        assert_eq!(reference_id_text(10, s.reply.reference_id), "LOCL");
    }

    #[test]
    fn version_is_echoed_and_only_requests_are_answered() {
        let mut req = Packet::request(Timestamp(5));
        req.version = 3;
        let rep =
            Packet::decode(&reply(&req.encode(), &state(), Timestamp(6), Timestamp(7)).unwrap());
        assert_eq!(
            rep.map(|p| (p.version, p.originate)),
            Some((3, Timestamp(5)))
        );
        for mode in [0, 1, 2, 4, 5, 6, 7] {
            let mut p = Packet::request(Timestamp(5));
            p.mode = mode;
            assert!(reply(&p.encode(), &state(), Timestamp(6), Timestamp(7)).is_none());
        }
        assert!(reply(&[0x23; 47], &state(), Timestamp(6), Timestamp(7)).is_none());
    }

    #[test]
    fn bad_replies_are_refused_with_the_reason() {
        let t1 = Timestamp(0xE000_0000_0000_0000);
        let good = Packet::decode(&reply(&Packet::request(t1).encode(), &state(), t1, t1).unwrap())
            .unwrap();
        let echoed = Packet::request(t1).encode();
        assert_eq!(check(&echoed, t1, t1), Err(Invalid::Mode(3)));
        let mut p = good;
        p.originate = Timestamp(1);
        assert_eq!(check(&p.encode(), t1, t1), Err(Invalid::Originate));
        let mut p = good;
        p.stratum = 0;
        p.reference_id = *b"RATE";
        assert_eq!(
            check(&p.encode(), t1, t1),
            Err(Invalid::Kiss("RATE".into()))
        );
        let mut p = good;
        p.transmit = Timestamp(0);
        assert_eq!(check(&p.encode(), t1, t1), Err(Invalid::ZeroTransmit));
        assert_eq!(check(&[0; 12], t1, t1), Err(Invalid::Short(12)));
        let mut p = good;
        p.leap = LEAP_UNSYNCHRONISED;
        assert_eq!(check(&p.encode(), t1, t1).map(|s| s.reply.leap), Ok(3));
    }

    #[test]
    fn reference_ids_read_as_rfc_4330_says() {
        assert_eq!(reference_id_text(1, *b"GPS\0"), "GPS");
        assert_eq!(reference_id_text(8, [0x7f, 0x7f, 1, 1]), "127.127.1.1");
        assert_eq!(reference_id_text(2, [192, 0, 2, 1]), "192.0.2.1");
    }

    #[test]
    fn offsets_survive_the_2036_wrap() {
        let before = Timestamp(0xFFFF_FFFF_0000_0000); // one second before the wrap
        let after = Timestamp(0x0000_0001_0000_0000); // one second after
        assert!((after.minus(before) - 2.0).abs() < 1e-9);
        let t = after.to_unix();
        assert_eq!(t.secs, (1i64 << 32) - UNIX_EPOCH_IN_1900 + 1);
    }

    proptest! {
        #[test]
        fn header_round_trips(bytes in proptest::array::uniform32(any::<u8>()), tail in proptest::array::uniform16(any::<u8>())) {
            let mut b = [0u8; 48];
            b[..32].copy_from_slice(&bytes);
            b[32..].copy_from_slice(&tail);
            let p = Packet::decode(&b).unwrap();
            prop_assert_eq!(p.encode(), b);
        }

        #[test]
        fn decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
            let _ = Packet::decode(&bytes);
            let _ = check(&bytes, Timestamp(1), Timestamp(2));
            let _ = reply(&bytes, &state(), Timestamp(1), Timestamp(2));
        }

        #[test]
        fn timestamps_round_trip(secs in -61_000_000i64..4_200_000_000, nanos in 0u32..1_000_000_000) {
            let t = UnixTime { secs, nanos };
            let back = Timestamp::from_unix(t).to_unix();
            prop_assert_eq!(back.secs, secs);
            prop_assert!((i64::from(back.nanos) - i64::from(nanos)).abs() <= 1);
        }
    }
}
