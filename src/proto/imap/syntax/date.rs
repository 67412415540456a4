//! IMAP's dates (RFC 3501 §9), sans-IO: `YYYY-MM-DD` as SEARCH's `d-Mon-yyyy`, and
//! INTERNALDATE's `dd-Mon-yyyy hh:mm:ss +zzzz` as a time.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `YYYY-MM-DD` → IMAP's `d-Mon-yyyy` (SEARCH SINCE/BEFORE).
pub fn search_date(text: &str) -> Option<String> {
    let mut parts = text.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (u32, usize, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1..=12).contains(&m) || !(1..=days_in_month(y, m)).contains(&d) {
        return None;
    }
    Some(format!("{d}-{}-{y}", MONTHS[m - 1]))
}

fn days_in_month(y: u32, m: usize) -> u32 {
    match m {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// INTERNALDATE (`"17-Jul-1996 02:44:25 -0700"`, day possibly space-padded) → time.
pub fn internal_date(text: &[u8]) -> Option<SystemTime> {
    let text = std::str::from_utf8(text).ok()?.trim();
    let (date, rest) = text.split_once(' ')?;
    let (time, zone) = rest.trim().split_once(' ')?;
    let mut dp = date.split('-');
    let d: i64 = dp.next()?.trim().parse().ok()?;
    let mon = dp.next()?;
    let y: i64 = dp.next()?.parse().ok()?;
    let m = MONTHS.iter().position(|x| x.eq_ignore_ascii_case(mon))? as i64 + 1;
    let mut tp = time.split(':');
    let (hh, mm, ss): (i64, i64, i64) = (
        tp.next()?.parse().ok()?,
        tp.next()?.parse().ok()?,
        tp.next()?.parse().ok()?,
    );
    if zone.len() != 5 || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let sign = match zone.as_bytes()[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let zh: i64 = zone.get(1..3)?.parse().ok()?;
    let zm: i64 = zone.get(3..5)?.parse().ok()?;
    let secs =
        days_from_civil(y, m, d) * 86_400 + hh * 3600 + mm * 60 + ss - sign * (zh * 3600 + zm * 60);
    Some(UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_dates_are_validated() {
        assert_eq!(search_date("2026-12-05").as_deref(), Some("5-Dec-2026"));
        assert_eq!(search_date("2024-02-29").as_deref(), Some("29-Feb-2024"));
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "26-12-05",
            "2026-1-5",
            "x",
            "2026-12-05-1",
        ] {
            assert_eq!(search_date(bad), None, "{bad}");
        }
    }
}
