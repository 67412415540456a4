//! RFC 867 daytime: the line a server sends and the lines a client can read back.
//!
//! RFC 867 leaves the format open ("there is no specific syntax for the daytime"), so real
//! servers differ, and the parser accepts the shapes seen in the wild:
//! * ctime/asctime, `Tue Nov 24 18:09:22 2026` — Python's `time.ctime()`, the tutorial's
//!   server and netkit's default. It carries no zone: read as local time (`mktime`), as the
//!   server wrote it. date(1)'s `Tue Nov 24 18:09:22 UTC 2026` (a zone before the year) too.
//! * RFC 3339, `2026-11-24T18:09:22.123456Z` (fraction and numeric offsets allowed).
//! * RFC 822/2822, `Tue, 24 Nov 2026 18:09:22 +0000`, including xinetd's internal service,
//!   which sends `24 NOV 2026 18:09:22 UTC` (upper-case month, no weekday).
//! * NIST's `61003 26-11-24 18:09:22 00 0 0 50.0 UTC(NIST) *`.
//! * A bare Unix time, `1795544962` (netkit's `--format unix`).

use super::clock::{self, MONTHS, UnixTime, WEEKDAYS};

/// The daytime line formats a server can send (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// `Tue Nov 24 18:09:22 2026`, local time, as `time.ctime()`.
    #[default]
    Ctime,
    /// `2026-11-24T18:09:22.123456Z`, UTC with microseconds.
    Rfc3339,
    /// `1795544962`, whole seconds since 1970.
    Unix,
}

/// The daytime line for `now`, CRLF included (RFC 867 suggests one ASCII line).
pub fn format_line(now: UnixTime, format: Format) -> String {
    let mut line = match format {
        Format::Ctime => ctime(now.secs),
        Format::Rfc3339 => rfc3339(now, 6),
        Format::Unix => now.secs.to_string(),
    };
    line.push_str("\r\n");
    line
}

/// asctime's layout in the local zone: day of month padded with a space (`Nov  3`).
pub fn ctime(secs: i64) -> String {
    let c = clock::local(secs);
    format!(
        "{} {} {:2} {:02}:{:02}:{:02} {}",
        WEEKDAYS[c.weekday as usize % 7],
        MONTHS[(c.month as usize + 11) % 12],
        c.day,
        c.hour,
        c.minute,
        c.second,
        c.year
    )
}

/// RFC 3339 in UTC with `digits` (0–9) fractional digits: `2026-11-24T18:09:22.123Z`.
pub fn rfc3339(t: UnixTime, digits: u32) -> String {
    let c = clock::utc(t.secs);
    let mut s = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    );
    let digits = digits.min(9);
    if digits > 0 {
        let frac = t.nanos / 10u32.pow(9 - digits);
        s.push_str(&format!(".{frac:0width$}", width = digits as usize));
    }
    s.push('Z');
    s
}

/// A time read from a daytime line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parsed {
    pub time: UnixTime,
    /// The line carried sub-second digits; otherwise the true time lies in `[time, time+1)`.
    pub subsecond: bool,
    /// Which of the known shapes matched.
    pub shape: Shape,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Ctime,
    Rfc3339,
    Rfc822,
    Nist,
    Unix,
}

impl Shape {
    pub fn name(self) -> &'static str {
        match self {
            Shape::Ctime => "ctime",
            Shape::Rfc3339 => "rfc3339",
            Shape::Rfc822 => "rfc822",
            Shape::Nist => "nist",
            Shape::Unix => "unix",
        }
    }
}

/// Parses a daytime reply (trailing CR/LF/NUL/space ignored). `None`: no known shape.
pub fn parse(bytes: &[u8]) -> Option<Parsed> {
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\0');
    if text.is_empty() || text.len() > 200 {
        return None;
    }
    parse_unix(text)
        .or_else(|| parse_rfc3339(text))
        .or_else(|| parse_nist(text))
        .or_else(|| parse_ctime(text))
        .or_else(|| parse_rfc822(text))
}

fn parsed(secs: i64, nanos: u32, subsecond: bool, shape: Shape) -> Option<Parsed> {
    Some(Parsed {
        time: UnixTime { secs, nanos },
        subsecond,
        shape,
    })
}

fn parse_unix(text: &str) -> Option<Parsed> {
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    let digits = int.strip_prefix('-').unwrap_or(int);
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs: i64 = int.parse().ok()?;
    let (nanos, sub) = match frac {
        Some(f) => (fraction(f)?, true),
        None => (0, false),
    };
    if secs < 0 && nanos > 0 {
        return None;
    }
    parsed(secs, nanos, sub, Shape::Unix)
}

/// Decimal fraction digits to nanoseconds (extra digits beyond 9 are dropped).
fn fraction(f: &str) -> Option<u32> {
    if f.is_empty() || f.len() > 18 || !f.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut nanos = 0u32;
    for (i, b) in f.bytes().take(9).enumerate() {
        nanos += u32::from(b - b'0') * 10u32.pow(8 - i as u32);
    }
    Some(nanos)
}

fn num(s: &str, min: u32, max: u32) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = s.parse().ok()?;
    (min..=max).contains(&n).then_some(n)
}

fn date_ok(year: i64, month: u32, day: u32) -> bool {
    (1..=12).contains(&month) && day >= 1 && day <= clock::days_in_month(year, month)
}

/// `HH:MM:SS` (or `HH:MM` when `seconds_optional`); 60 seconds (a leap second) reads as 59.
fn hms(s: &str, seconds_optional: bool) -> Option<(u32, u32, u32)> {
    let mut parts = s.split(':');
    let h = num(parts.next()?, 0, 23)?;
    let m = num(parts.next()?, 0, 59)?;
    let sec = match parts.next() {
        Some(p) => num(p, 0, 60)?.min(59),
        None if seconds_optional => 0,
        None => return None,
    };
    parts.next().is_none().then_some((h, m, sec))
}

fn parse_rfc3339(text: &str) -> Option<Parsed> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let year = i64::from(num(text.get(0..4)?, 0, 9999)?);
    let month = num(text.get(5..7)?, 1, 12)?;
    let day = num(text.get(8..10)?, 1, 31)?;
    if !date_ok(year, month, day) {
        return None;
    }
    let rest = text.get(11..)?;
    let zone_at = rest.find(['Z', 'z', '+', '-'])?;
    let (clock_part, zone) = rest.split_at(zone_at);
    let (time_part, frac) = match clock_part.split_once('.') {
        Some((t, f)) => (t, Some(f)),
        None => (clock_part, None),
    };
    let (h, m, s) = hms(time_part, false)?;
    let offset = match zone {
        "Z" | "z" => 0,
        z => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let (oh, om) = z.get(1..)?.split_once(':')?;
            sign * i64::from(num(oh, 0, 23)? * 3600 + num(om, 0, 59)? * 60)
        }
    };
    let nanos = match frac {
        Some(f) => fraction(f)?,
        None => 0,
    };
    let secs = clock::to_unix(year, month, day, h, m, s, offset);
    parsed(secs, nanos, frac.is_some(), Shape::Rfc3339)
}

fn month_index(name: &str) -> Option<u32> {
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(name))
        .map(|i| i as u32 + 1)
}

fn is_weekday(name: &str) -> bool {
    let name = name.strip_suffix(',').unwrap_or(name);
    WEEKDAYS.iter().any(|d| d.eq_ignore_ascii_case(name))
}

/// Zone names of RFC 822 §5 and RFC 2822 §4.3, plus numeric offsets; `None` = unknown name.
fn zone_offset(zone: &str) -> Option<i64> {
    let hours = |h: i64| Some(h * 3600);
    match zone.to_ascii_uppercase().as_str() {
        "UT" | "UTC" | "GMT" | "Z" => Some(0),
        "EST" => hours(-5),
        "EDT" => hours(-4),
        "CST" => hours(-6),
        "CDT" => hours(-5),
        "MST" => hours(-7),
        "MDT" => hours(-6),
        "PST" => hours(-8),
        "PDT" => hours(-7),
        z if z.len() == 5 && (z.starts_with('+') || z.starts_with('-')) => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let h = i64::from(num(&z[1..3], 0, 23)?);
            let m = i64::from(num(&z[3..5], 0, 59)?);
            Some(sign * (h * 3600 + m * 60))
        }
        _ => None,
    }
}

/// `Www Mmm dD HH:MM:SS YYYY` and date(1)'s `Www Mmm dD HH:MM:SS ZONE YYYY`.
fn parse_ctime(text: &str) -> Option<Parsed> {
    let t: Vec<&str> = text.split_ascii_whitespace().collect();
    let (zone, year) = match t.len() {
        5 => (None, t[4]),
        6 => (Some(t[4]), t[5]),
        _ => return None,
    };
    if !is_weekday(t[0]) {
        return None;
    }
    let month = month_index(t[1])?;
    let day = num(t[2], 1, 31)?;
    let (h, m, s) = hms(t[3], false)?;
    let year = i64::from(num(year, 1000, 9999)?);
    if !date_ok(year, month, day) {
        return None;
    }
    // An unknown zone abbreviation (CET, AEST…) is the server's local zone: read it as ours.
    let secs = match zone.and_then(zone_offset) {
        Some(offset) => clock::to_unix(year, month, day, h, m, s, offset),
        None => clock::from_local(year, month, day, h, m, s)?,
    };
    parsed(secs, 0, false, Shape::Ctime)
}

/// RFC 2822 §3.3 `[Www,] DD Mmm YYYY HH:MM[:SS] ZONE`; two-digit years per §4.3.
fn parse_rfc822(text: &str) -> Option<Parsed> {
    let mut t: Vec<&str> = text.split_ascii_whitespace().collect();
    if t.first().is_some_and(|w| is_weekday(w)) {
        t.remove(0);
    }
    if t.len() != 5 {
        return None;
    }
    let day = num(t[0], 1, 31)?;
    let month = month_index(t[1])?;
    let year = match t[2].len() {
        2 => match num(t[2], 0, 99)? {
            y @ 0..=49 => 2000 + y,
            y => 1900 + y,
        },
        4 => num(t[2], 1000, 9999)?,
        _ => return None,
    };
    let year = i64::from(year);
    let (h, m, s) = hms(t[3], true)?;
    let offset = zone_offset(t[4]).or_else(|| {
        // RFC 2822 §4.3: military zones are unreliable; read them as -0000 (UTC).
        (t[4].len() == 1 && t[4].bytes().all(|b| b.is_ascii_alphabetic())).then_some(0)
    })?;
    if !date_ok(year, month, day) {
        return None;
    }
    parsed(
        clock::to_unix(year, month, day, h, m, s, offset),
        0,
        false,
        Shape::Rfc822,
    )
}

/// NIST ACTS: `JJJJJ YR-MO-DA HH:MM:SS TT L H msADV UTC(NIST) OTM`.
fn parse_nist(text: &str) -> Option<Parsed> {
    if !text.contains("UTC(NIST)") {
        return None;
    }
    let t: Vec<&str> = text.split_ascii_whitespace().collect();
    let date: Vec<&str> = t.get(1)?.split('-').collect();
    let [y, mo, d] = date.as_slice() else {
        return None;
    };
    let year = 2000 + i64::from(num(y, 0, 99)?);
    let month = num(mo, 1, 12)?;
    let day = num(d, 1, 31)?;
    let (h, m, s) = hms(t.get(2)?, false)?;
    if !date_ok(year, month, day) {
        return None;
    }
    parsed(
        clock::to_unix(year, month, day, h, m, s, 0),
        0,
        false,
        Shape::Nist,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // 2026-11-24 18:09:22 UTC
    const T: i64 = 1_795_543_762;

    fn secs(line: &str) -> Option<i64> {
        parse(line.as_bytes()).map(|p| p.time.secs)
    }

    #[test]
    fn every_known_shape_reads_the_same_instant() {
        assert_eq!(secs("2026-11-24T18:09:22Z\r\n"), Some(T));
        assert_eq!(secs("2026-11-24T19:09:22+01:00"), Some(T));
        assert_eq!(secs("Tue, 24 Nov 2026 18:09:22 +0000"), Some(T));
        assert_eq!(secs("Tue, 24 Nov 2026 13:09:22 EST"), Some(T));
        assert_eq!(secs("24 NOV 2026 18:09:22 UTC\r\n"), Some(T));
        assert_eq!(secs("24 Nov 26 18:09:22 GMT"), Some(T));
        assert_eq!(secs("Tue Nov 24 18:09:22 UTC 2026"), Some(T));
        assert_eq!(
            secs("61003 26-11-24 18:09:22 00 0 0 50.0 UTC(NIST) *"),
            Some(T)
        );
        assert_eq!(secs("1795543762\r\n"), Some(T));
    }

    #[test]
    fn ctime_is_local_time_both_ways() {
        let line = ctime(T);
        assert_eq!(line.len(), 24, "{line}");
        assert_eq!(secs(&line), Some(T));
        let p = parse(format_line(UnixTime::from_secs(T), Format::Ctime).as_bytes());
        assert_eq!(p.map(|p| p.shape), Some(Shape::Ctime));
    }

    #[test]
    fn fractions_are_kept() {
        let t = UnixTime {
            secs: T,
            nanos: 123_456_000,
        };
        let line = format_line(t, Format::Rfc3339);
        assert_eq!(line, "2026-11-24T18:09:22.123456Z\r\n");
        let p = parse(line.as_bytes()).unwrap();
        assert_eq!(p.time, t);
        assert!(p.subsecond);
    }

    #[test]
    fn non_times_are_refused() {
        for line in [
            "",
            "hello",
            "\u{0}\u{0}\u{0}\u{1}",
            "Tue Nov 31 18:09:22 2026",
            "2026-02-30T00:00:00Z",
            "24 Foo 2026 18:09:22 UTC",
            "25:00",
            "12:61:00",
        ] {
            assert_eq!(secs(line), None, "{line:?}");
        }
    }

    proptest! {
        #[test]
        fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let _ = parse(&bytes);
        }

        #[test]
        fn parse_never_panics_on_near_misses(s in "[0-9A-Za-z:,+ .TZ-]{0,40}") {
            let _ = parse(s.as_bytes());
        }

        #[test]
        fn every_format_round_trips(secs in 0i64..4_102_444_800, nanos in 0u32..1_000_000_000) {
            let t = UnixTime { secs, nanos };
            for f in [Format::Ctime, Format::Rfc3339, Format::Unix] {
                let p = parse(format_line(t, f).as_bytes());
                prop_assert!(p.is_some(), "{:?}", format_line(t, f));
                let got = p.map(|p| p.time.secs).unwrap_or_default();
                // ctime is local: a repeated DST hour may read as the other instant.
                let slack = if f == Format::Ctime { 3600 } else { 0 };
                prop_assert!((got - secs).abs() <= slack, "{:?} read as {}", f, got);
            }
        }
    }
}
