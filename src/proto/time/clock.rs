//! Wall-clock arithmetic without a date crate: Unix time split into civil UTC fields (Howard
//! Hinnant's `days_from_civil`/`civil_from_days`, proleptic Gregorian), the local zone through
//! libc's `localtime_r`/`mktime` (so `TZ` and `/etc/localtime` behave as they do for C
//! programs and Python's `time.ctime()`), and the kernel's synchronisation status
//! (`adjtimex`, read-only) for the NTP leap indicator.
//!
//! Weighed for issue 20 and not taken: `jiff` (its system zone for these same conversions
//! made the release binary 6,332,872 bytes, +367,984, past the 6 MiB goal) and `time`
//! (+32,616 bytes, but its local offset is refused in a process with more than one thread,
//! as timeserver is, so the ctime line could not be written in local time).

use std::time::{SystemTime, UNIX_EPOCH};

/// A Unix time with nanoseconds: seconds may be negative (before 1970); `nanos` < 1e9.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime {
    pub secs: i64,
    pub nanos: u32,
}

impl UnixTime {
    pub const fn from_secs(secs: i64) -> Self {
        UnixTime { secs, nanos: 0 }
    }

    /// The system clock now. A clock before 1970 reads as negative seconds.
    pub fn now() -> Self {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => UnixTime {
                secs: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                nanos: d.subsec_nanos(),
            },
            Err(e) => {
                let d = e.duration();
                let secs = -i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
                match d.subsec_nanos() {
                    0 => UnixTime::from_secs(secs),
                    n => UnixTime {
                        secs: secs - 1,
                        nanos: 1_000_000_000 - n,
                    },
                }
            }
        }
    }

    /// Seconds as a float (for offsets; the f64 keeps sub-microsecond precision today).
    pub fn as_f64(self) -> f64 {
        self.secs as f64 + f64::from(self.nanos) / 1e9
    }

    pub fn from_f64(secs: f64) -> Self {
        let whole = secs.floor();
        let nanos = ((secs - whole) * 1e9).round().clamp(0.0, 999_999_999.0) as u32;
        UnixTime {
            secs: whole as i64,
            nanos,
        }
    }
}

/// Broken-down civil time. `offset` is the zone's offset from UTC in seconds (0 for UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    /// 1–12
    pub month: u32,
    /// 1–31
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// 0 = Sunday
    pub weekday: u32,
    pub offset: i32,
}

pub const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
pub const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01: (year, month, day).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// UTC fields of a Unix time.
pub fn utc(secs: i64) -> Civil {
    civil_at(secs, 0)
}

fn civil_at(secs: i64, offset: i32) -> Civil {
    let local = secs + i64::from(offset);
    let days = local.div_euclid(86_400);
    let rem = local.rem_euclid(86_400) as u32;
    let (year, month, day) = civil_from_days(days);
    Civil {
        year,
        month,
        day,
        hour: rem / 3600,
        minute: rem / 60 % 60,
        second: rem % 60,
        weekday: (days + 4).rem_euclid(7) as u32,
        offset,
    }
}

/// Unix seconds of civil fields taken as UTC, minus `offset` (a zone east of UTC is ahead).
pub fn to_unix(year: i64, month: u32, day: u32, h: u32, m: u32, s: u32, offset: i64) -> i64 {
    days_from_civil(year, month, day) * 86_400 + i64::from(h * 3600 + m * 60 + s) - offset
}

/// Local fields of a Unix time, through `localtime_r` (TZ, /etc/localtime). Falls back to
/// UTC when libc cannot represent the time.
pub fn local(secs: i64) -> Civil {
    // time_t is 64-bit on every platform netkit builds for.
    let t: libc::time_t = secs;
    // SAFETY: `tm` is plain old data; localtime_r only writes into it and returns NULL on
    // failure, which we check.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
    if !ok {
        return utc(secs);
    }
    let offset = i32::try_from(tm.tm_gmtoff).unwrap_or(0);
    civil_at(secs, offset)
}

/// Unix seconds of a local wall-clock time, through `mktime` (DST decided by the zone rules,
/// as for a ctime line that carries no zone). `None` when the fields are not a valid time.
pub fn from_local(year: i64, month: u32, day: u32, h: u32, m: u32, s: u32) -> Option<i64> {
    // SAFETY: as above; mktime reads and normalises `tm`, -1 with errno means failure.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    tm.tm_year = i32::try_from(year - 1900).ok()?;
    tm.tm_mon = i32::try_from(month).ok()? - 1;
    tm.tm_mday = i32::try_from(day).ok()?;
    tm.tm_hour = i32::try_from(h).ok()?;
    tm.tm_min = i32::try_from(m).ok()?;
    tm.tm_sec = i32::try_from(s).ok()?;
    tm.tm_isdst = -1;
    let t = unsafe { libc::mktime(&mut tm) };
    if t == -1 && !(year == 1969 && month == 12 && day == 31) {
        return None;
    }
    Some(t)
}

/// True when the kernel says the system clock is not synchronised (`adjtimex` returns
/// `TIME_ERROR` or sets `STA_UNSYNC`): the NTP leap indicator must then be 3 (RFC 4330 §5).
pub fn kernel_unsynchronised() -> bool {
    // SAFETY: modes = 0 makes adjtimex read-only; timex is plain old data.
    let mut tx: libc::timex = unsafe { std::mem::zeroed() };
    let state = unsafe { libc::adjtimex(&mut tx) };
    state == libc::TIME_ERROR || state < 0 || tx.status & libc::STA_UNSYNC != 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        let c = utc(1_795_544_962); // 2026-11-24 18:29:22 UTC, a Tuesday
        assert_eq!((c.year, c.month, c.day), (2026, 11, 24));
        assert_eq!((c.hour, c.minute, c.second, c.weekday), (18, 29, 22, 2));
        assert_eq!(utc(-1).year, 1969);
    }

    #[test]
    fn now_is_after_2020() {
        assert!(UnixTime::now().secs > 1_577_836_800);
    }

    proptest! {
        #[test]
        fn civil_round_trips(days in -1_000_000i64..1_000_000) {
            let (y, m, d) = civil_from_days(days);
            prop_assert!((1..=12).contains(&m));
            prop_assert!(d >= 1 && d <= days_in_month(y, m));
            prop_assert_eq!(days_from_civil(y, m, d), days);
        }

        #[test]
        fn local_and_from_local_agree(secs in 0i64..4_000_000_000) {
            let c = local(secs);
            // Ambiguous wall times (the repeated DST hour) may map to either instant.
            let back = from_local(c.year, c.month, c.day, c.hour, c.minute, c.second);
            prop_assert!(back.is_some_and(|b| (b - secs).abs() <= 3600));
        }
    }
}
