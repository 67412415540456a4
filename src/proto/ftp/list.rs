//! Directory listings, sans-IO: MLSD facts (RFC 3659 §7), Unix `ls -l` and DOS/IIS `LIST`
//! lines, and MDTM/MLSD times (`YYYYMMDDHHMMSS[.sss]`, UTC). A LIST line that parses as
//! neither style is kept as a raw entry, never dropped.

use serde::Serialize;

use crate::proto::time::clock::days_from_civil;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    File,
    Dir,
    Link,
    /// A line no parser understood, or an MLSD type netkit does not know.
    Unknown,
}

/// One listing entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub kind: Kind,
    pub size: Option<u64>,
    /// Seconds since 1970, UTC (LIST times are the server's local time, read as UTC).
    pub modified: Option<i64>,
    pub perms: Option<String>,
    pub unique: Option<String>,
    /// A symlink's target (LIST `name -> target`).
    pub target: Option<String>,
    /// The line as received, for entries no parser understood.
    pub raw: Option<String>,
}

impl Entry {
    fn named(name: &str, kind: Kind) -> Entry {
        Entry {
            name: name.to_owned(),
            kind,
            size: None,
            modified: None,
            perms: None,
            unique: None,
            target: None,
            raw: None,
        }
    }
}

/// A name that may become one local path component as it is: not empty, not `.` or `..`,
/// no `/`, `\` or control character. A listing entry that fails is refused (it would
/// escape the directory it is mirrored into), not rewritten.
pub fn is_safe_component(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control())
}

/// `YYYYMMDDHHMMSS` with optional `.fraction` (MDTM, MLSD `modify`), as Unix seconds.
pub fn parse_time_val(text: &str) -> Option<i64> {
    let t = text.trim();
    let whole = t.split('.').next()?;
    if whole.len() != 14 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| whole[r].parse::<u32>().ok();
    let (y, mo, d, h, mi, s) = (
        n(0..4)?,
        n(4..6)?,
        n(6..8)?,
        n(8..10)?,
        n(10..12)?,
        n(12..14)?,
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(i64::from(y), mo, d);
    Some(days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s))
}

/// `YYYYMMDDHHMMSS` for MFMT.
pub fn format_time_val(secs: i64) -> String {
    let c = crate::proto::time::clock::utc(secs);
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// One MLSD line: `fact=value;…; name`. `None` for `cdir`/`pdir` entries and lines without
/// the space that separates facts from the name.
pub fn parse_mlsd_line(line: &str) -> Option<Entry> {
    let (facts, name) = line.split_once(' ')?;
    let mut entry = Entry::named(name, Kind::Unknown);
    for fact in facts.split(';').filter(|f| !f.is_empty()) {
        let Some((key, value)) = fact.split_once('=') else {
            continue;
        };
        match key.to_ascii_lowercase().as_str() {
            "type" => {
                entry.kind = match value.to_ascii_lowercase().as_str() {
                    "file" => Kind::File,
                    "dir" => Kind::Dir,
                    "cdir" | "pdir" => return None,
                    t if t.starts_with("os.unix=symlink") || t.starts_with("os.unix=slink") => {
                        Kind::Link
                    }
                    _ => Kind::Unknown,
                }
            }
            "size" => entry.size = value.parse().ok(),
            "modify" => entry.modified = parse_time_val(value),
            "perm" => entry.perms = Some(value.to_owned()),
            "unique" => entry.unique = Some(value.to_owned()),
            _ => {}
        }
    }
    Some(entry)
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// One LIST line, Unix or DOS style; `None` for `total N` and blank lines. `now` (Unix
/// seconds) picks the year of Unix dates that show a time instead (the last six months).
pub fn parse_list_line(line: &str, now: i64) -> Option<Entry> {
    let trimmed = line.trim_end_matches(['\r', '\n']);
    if trimmed.trim().is_empty() || trimmed.starts_with("total ") {
        return None;
    }
    Some(
        parse_unix(trimmed, now)
            .or_else(|| parse_dos(trimmed))
            .unwrap_or_else(|| {
                let mut e = Entry::named(trimmed, Kind::Unknown);
                e.raw = Some(trimmed.to_owned());
                e
            }),
    )
}

/// Splits off `n` whitespace-separated fields; the rest (the name, which may hold spaces)
/// starts after exactly one separator run.
fn fields(line: &str, n: usize) -> Option<(Vec<&str>, &str)> {
    let mut out = Vec::with_capacity(n);
    let mut rest = line;
    for _ in 0..n {
        rest = rest.trim_start_matches(' ');
        let end = rest.find(' ')?;
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    let rest = rest.strip_prefix(' ')?;
    // More than one space before the name is column padding, except in the name itself.
    Some((out, rest.trim_start_matches(' ')))
}

fn parse_unix(line: &str, now: i64) -> Option<Entry> {
    let perms = line.get(..10)?;
    let kind = match perms.as_bytes()[0] {
        b'-' => Kind::File,
        b'd' => Kind::Dir,
        b'l' => Kind::Link,
        b'b' | b'c' | b'p' | b's' => Kind::Unknown,
        _ => return None,
    };
    if !perms[1..].bytes().all(|b| b"rwxsStTl-".contains(&b)) {
        return None;
    }
    // perms links owner group size month day time|year name; some servers omit the group.
    for count in [8, 7] {
        let Some((f, name)) = fields(line, count) else {
            continue;
        };
        let (size, month, day, clock) = (f[count - 4], f[count - 3], f[count - 2], f[count - 1]);
        let Ok(size) = size.parse::<u64>() else {
            continue;
        };
        let Some(modified) = unix_date(month, day, clock, now) else {
            continue;
        };
        if name.is_empty() {
            return None;
        }
        let mut entry = Entry::named(name, kind);
        if kind == Kind::Link
            && let Some((n, target)) = name.split_once(" -> ")
        {
            entry.name = n.to_owned();
            entry.target = Some(target.to_owned());
        }
        entry.size = Some(size);
        entry.modified = Some(modified);
        entry.perms = Some(perms.to_owned());
        return Some(entry);
    }
    None
}

fn unix_date(month: &str, day: &str, clock: &str, now: i64) -> Option<i64> {
    let lower = month.to_ascii_lowercase();
    let m = MONTHS.iter().position(|&n| n == lower)? as u32 + 1;
    let d: u32 = day.parse().ok().filter(|d| (1..=31).contains(d))?;
    let (year, h, mi) = if let Some((h, mi)) = clock.split_once(':') {
        let h: u32 = h.parse().ok().filter(|h| *h < 24)?;
        let mi: u32 = mi.parse().ok().filter(|m| *m < 60)?;
        let this_year = crate::proto::time::clock::utc(now).year;
        // A date shown with a time is within the last six months: a date later than
        // tomorrow is last year's.
        let guess = days_from_civil(this_year, m, d) * 86_400;
        let year = if guess > now + 86_400 {
            this_year - 1
        } else {
            this_year
        };
        (year, h, mi)
    } else {
        let y: i64 = clock.parse().ok().filter(|y| (1900..=9999).contains(y))?;
        (y, 0, 0)
    };
    Some(days_from_civil(year, m, d) * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60)
}

/// `01-02-25  03:04PM  <DIR>  name` or `01-02-2025  15:04  1234 name` (IIS, DOS).
fn parse_dos(line: &str) -> Option<Entry> {
    let (f, name) = fields(line, 3)?;
    let (date, clock, what) = (f[0], f[1], f[2]);
    let parts: Vec<&str> = date.split(['-', '/']).collect();
    if parts.len() != 3 {
        return None;
    }
    let mo: u32 = parts[0].parse().ok().filter(|m| (1..=12).contains(m))?;
    let d: u32 = parts[1].parse().ok().filter(|d| (1..=31).contains(d))?;
    let y: i64 = parts[2].parse().ok()?;
    let y = match parts[2].len() {
        2 if y < 70 => 2000 + y,
        2 => 1900 + y,
        4 => y,
        _ => return None,
    };
    let upper = clock.to_ascii_uppercase();
    let (hm, pm) = if let Some(t) = upper.strip_suffix("PM") {
        (t, Some(true))
    } else if let Some(t) = upper.strip_suffix("AM") {
        (t, Some(false))
    } else {
        (upper.as_str(), None)
    };
    let (h, mi) = hm.split_once(':')?;
    let mut h: u32 = h.parse().ok()?;
    let mi: u32 = mi.parse().ok().filter(|m| *m < 60)?;
    match pm {
        Some(true) if h < 12 => h += 12,
        Some(false) if h == 12 => h = 0,
        _ => {}
    }
    if h > 23 || name.is_empty() {
        return None;
    }
    let mut entry;
    if what.eq_ignore_ascii_case("<DIR>") {
        entry = Entry::named(name, Kind::Dir);
    } else {
        entry = Entry::named(name, Kind::File);
        entry.size = Some(what.replace(',', "").parse().ok()?);
    }
    entry.modified =
        Some(days_from_civil(y, mo, d) * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60);
    Some(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // 2026-12-06T00:00:00Z
    const NOW: i64 = 1_796_515_200;

    #[test]
    fn mlsd_facts() {
        let e = parse_mlsd_line(
            "type=file;size=1234;modify=20250102030405.123;perm=adfr;unique=801U1; my file.txt",
        )
        .unwrap();
        assert_eq!(e.name, "my file.txt");
        assert_eq!(e.kind, Kind::File);
        assert_eq!(e.size, Some(1234));
        assert_eq!(e.modified, Some(1_735_787_045));
        assert_eq!(e.perms.as_deref(), Some("adfr"));
        assert_eq!(e.unique.as_deref(), Some("801U1"));
        assert!(parse_mlsd_line("type=cdir;modify=20250102030405; /home").is_none());
        assert_eq!(parse_mlsd_line("Type=DIR; sub").unwrap().kind, Kind::Dir);
    }

    #[test]
    fn unix_lines_with_spaces_links_and_years() {
        let e = parse_list_line(
            "-rw-r--r--    1 1000     1000         1234 Jan 02  2025 name with  spaces",
            NOW,
        )
        .unwrap();
        assert_eq!(e.name, "name with  spaces");
        assert_eq!(e.kind, Kind::File);
        assert_eq!(e.size, Some(1234));
        assert_eq!(e.modified, Some(1_735_776_000));
        let e = parse_list_line("drwxr-xr-x 2 ftp ftp 4096 Nov 30 13:45 sub", NOW).unwrap();
        assert_eq!((e.kind, e.name.as_str()), (Kind::Dir, "sub"));
        // 2026-11-30T13:45Z
        assert_eq!(e.modified, Some(1_796_046_300));
        // A December date shown with a time, seen on 6 Dec: this year only if not later.
        let e = parse_list_line("-rw-r--r-- 1 u g 1 Dec 25 10:00 x", NOW).unwrap();
        assert_eq!(
            crate::proto::time::clock::utc(e.modified.unwrap()).year,
            2025
        );
        let e = parse_list_line("lrwxrwxrwx 1 u g 7 Jan 01 2020 link -> target", NOW).unwrap();
        assert_eq!(
            (e.kind, e.name.as_str(), e.target.as_deref()),
            (Kind::Link, "link", Some("target"))
        );
        // No group column.
        let e = parse_list_line("-rw-r--r-- 1 owner 99 Jan 01 2020 f", NOW).unwrap();
        assert_eq!((e.name.as_str(), e.size), ("f", Some(99)));
        assert!(parse_list_line("total 12", NOW).is_none());
    }

    #[test]
    fn dos_lines() {
        let e =
            parse_list_line("01-02-25  03:04PM       <DIR>          Program Files", NOW).unwrap();
        assert_eq!((e.kind, e.name.as_str()), (Kind::Dir, "Program Files"));
        assert_eq!(e.modified, Some(1_735_830_240));
        let e = parse_list_line("12-31-1999  11:59  1,234 old.txt", NOW).unwrap();
        assert_eq!(
            (e.kind, e.size, e.name.as_str()),
            (Kind::File, Some(1234), "old.txt")
        );
    }

    #[test]
    fn unparsable_lines_are_kept_raw() {
        let e = parse_list_line("something odd here", NOW).unwrap();
        assert_eq!(e.kind, Kind::Unknown);
        assert_eq!(e.raw.as_deref(), Some("something odd here"));
    }

    #[test]
    fn hostile_names_are_not_safe_components() {
        for bad in ["", ".", "..", "../../x", "/etc/x", "a\\b", "x\ry", "tab\t"] {
            assert!(!is_safe_component(bad), "{bad:?}");
        }
        for good in ["file", ".bashrc", "name with spaces", "ünï"] {
            assert!(is_safe_component(good), "{good:?}");
        }
    }

    #[test]
    fn time_vals() {
        assert_eq!(parse_time_val("20250102030405"), Some(1_735_787_045));
        assert_eq!(format_time_val(1_735_787_045), "20250102030405");
        for bad in ["2025010203040", "20251302030405", "abcdefghijklmn", ""] {
            assert_eq!(parse_time_val(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn listing_parsers_never_panic(line in ".{0,120}") {
            let _ = parse_list_line(&line, NOW);
            let _ = parse_mlsd_line(&line);
            let _ = parse_time_val(&line);
        }

        #[test]
        fn unix_names_survive_parsing(name in "[a-zA-Z0-9._][a-zA-Z0-9 ._-]{0,30}[a-zA-Z0-9._]") {
            let line = format!("-rw-r--r-- 1 u g 5 Jan 01 2020 {name}");
            prop_assert_eq!(parse_list_line(&line, NOW).unwrap().name, name);
        }
    }
}
