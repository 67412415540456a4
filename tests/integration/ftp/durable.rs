//! The mirror's durability order, read from the system calls netkit makes (strace -f -y):
//! each file's data fsynced before its rename, each directory fsynced once after the last
//! rename into it, and all of it before the first byte of the report on stdout; a big file's
//! writeback started as it arrives, so the fsync before its rename has little left to do.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::Path;
use std::process::Command;

use crate::util::ftpd::{Vsftpd, VsftpdMode};
use crate::util::netkit_path;

#[derive(Debug, PartialEq)]
enum Event {
    Fsync(String),
    Rename(String, String),
    Stdout,
}

/// Joins strace's `<unfinished ...>` / `<... NAME resumed>` halves (threads) into whole
/// calls, in the order they completed.
fn calls(log: &str) -> Vec<String> {
    let mut pending: HashMap<String, String> = HashMap::new();
    let mut out = Vec::new();
    for line in log.lines() {
        let Some((pid, rest)) = line.trim_start().split_once(' ') else {
            continue;
        };
        let rest = rest.trim_start();
        if let Some(head) = rest.strip_suffix("<unfinished ...>") {
            pending.insert(pid.to_owned(), head.to_owned());
        } else if rest.starts_with("<... ") {
            let tail = rest.split_once("resumed>").map_or("", |(_, t)| t);
            let head = pending.remove(pid).unwrap_or_default();
            out.push(format!("{head}{tail}"));
        } else {
            out.push(rest.to_owned());
        }
    }
    out
}

/// The quoted strings of a call, in order (strace's escapes left as they are).
fn quoted(call: &str) -> Vec<String> {
    call.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The path strace -y shows for a descriptor argument: `fsync(5</a/b.part>)`.
fn fd_path(call: &str) -> Option<String> {
    let start = call.find('<')? + 1;
    let end = start + call[start..].find('>')?;
    Some(call[start..end].to_owned())
}

fn events(log: &str) -> Vec<Event> {
    calls(log)
        .into_iter()
        .filter(|c| c.trim_end().ends_with("= 0") || c.starts_with("write(1<"))
        .filter_map(|c| {
            if c.starts_with("fsync(") || c.starts_with("fdatasync(") {
                fd_path(&c).map(Event::Fsync)
            } else if c.starts_with("rename") {
                let q = quoted(&c);
                (q.len() == 2).then(|| Event::Rename(q[0].clone(), q[1].clone()))
            } else if c.starts_with("write(1<") {
                Some(Event::Stdout)
            } else {
                None
            }
        })
        .collect()
}

fn fill(root: &Path) {
    for dir in ["a", "b", "b/c"] {
        fs::create_dir_all(root.join(dir)).expect("dir");
        for i in 0..20 {
            fs::write(root.join(format!("{dir}/f{i:02}")), format!("{dir} {i}\n")).expect("f");
        }
    }
    fs::write(root.join("top"), b"top\n").expect("top");
}

#[test]
fn a_mirror_fsyncs_each_file_then_each_directory_once_before_reporting() {
    let server = Vsftpd::start(VsftpdMode::Explicit, fill);
    let work = tempfile::tempdir().expect("tempdir");
    let mirror = work.path().join("new/mirror");
    let log = work.path().join("strace.log");
    let url = format!("ftp://127.0.0.1:{}/", server.port());
    for parallel in ["1", "3"] {
        let _ = fs::remove_dir_all(work.path().join("new"));
        let out = Command::new("strace")
            .args(["-f", "-y", "-qq", "-s", "256", "-o"])
            .arg(&log)
            .args([
                "-e",
                "trace=fsync,fdatasync,rename,renameat,renameat2,write",
            ])
            .arg(netkit_path())
            .args([
                "ftp", "get", "-r", "--json", "--tls", "none", "-P", parallel,
            ])
            .arg(&url)
            .arg(&mirror)
            .output()
            .expect("strace (scripts/test installs it)");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "-P {parallel}: {err}");
        let text = fs::read_to_string(&log).expect("strace log");
        let events = events(&text);
        let at = |e: &Event| events.iter().position(|x| x == e);
        let first_out = at(&Event::Stdout).expect("a report on stdout");
        let mut last_rename_into: BTreeMap<String, usize> = BTreeMap::new();
        let mut files = 0;
        for (i, e) in events.iter().enumerate() {
            if let Event::Rename(from, to) = e {
                files += 1;
                assert_eq!(from, &format!("{to}.part"), "{e:?}");
                let synced = at(&Event::Fsync(from.clone()))
                    .unwrap_or_else(|| panic!("-P {parallel}: {from} renamed, never fsynced"));
                assert!(synced < i, "-P {parallel}: {from} renamed before its fsync");
                let dir = Path::new(to)
                    .parent()
                    .expect("parent")
                    .display()
                    .to_string();
                last_rename_into.insert(dir, i);
            }
        }
        assert_eq!(
            files, 61,
            "-P {parallel}: every file renamed into place once"
        );
        for (dir, last) in &last_rename_into {
            let synced = events
                .iter()
                .enumerate()
                .any(|(i, e)| *e == Event::Fsync(dir.clone()) && i > *last && i < first_out);
            assert!(
                synced,
                "-P {parallel}: {dir} not fsynced between its last rename and the report"
            );
        }
        // Files: one fsync each. Directories: the four that hold files, plus the ones
        // that got a new directory (work/, new/, mirror/, mirror/b) — not one per file.
        let dir_syncs = events
            .iter()
            .filter(|e| matches!(e, Event::Fsync(p) if !p.ends_with(".part")))
            .count();
        assert!(
            dir_syncs <= 8,
            "-P {parallel}: {dir_syncs} directory fsyncs for 61 files in 4 directories"
        );
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(report.contains(r#""files":61"#), "-P {parallel}: {report}");
    }
}

#[test]
fn a_big_download_starts_writeback_as_it_goes_so_the_final_fsync_has_little_left() {
    const MIB: usize = 1 << 20;
    let server = Vsftpd::start(VsftpdMode::Explicit, |root| {
        fs::write(root.join("big"), vec![7u8; 40 * MIB]).expect("big");
    });
    let work = tempfile::tempdir().expect("tempdir");
    let file = work.path().join("big");
    let log = work.path().join("strace.log");
    let out = Command::new("strace")
        .args(["-f", "-qq", "-o"])
        .arg(&log)
        .args([
            "-e",
            "trace=sync_file_range,fsync,rename,renameat,renameat2",
        ])
        .arg(netkit_path())
        .args(["ftp", "get", "--tls", "none"])
        .arg(format!("ftp://127.0.0.1:{}/big", server.port()))
        .arg("-o")
        .arg(&file)
        .output()
        .expect("strace (scripts/test installs it)");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(fs::metadata(&file).expect("big").len(), 40 * MIB as u64);
    let calls = calls(&fs::read_to_string(&log).expect("strace log"));
    let ranges: Vec<(u64, u64)> = calls
        .iter()
        .filter(|c| c.starts_with("sync_file_range("))
        .map(|c| {
            let args: Vec<&str> = c["sync_file_range(".len()..].split(", ").collect();
            assert!(
                c.contains("SYNC_FILE_RANGE_WRITE") && !c.contains("WAIT"),
                "{c}"
            );
            (
                args[1].parse().expect("offset"),
                args[2].parse().expect("length"),
            )
        })
        .collect();
    // Contiguous from byte 0, well short of the end before the fsync.
    assert!(ranges.len() >= 4, "{ranges:?}");
    let mut next = 0;
    for (from, len) in &ranges {
        assert_eq!(*from, next, "{ranges:?}");
        next += len;
    }
    assert!(next >= 32 * MIB as u64, "{ranges:?}");
    let last_range = calls
        .iter()
        .rposition(|c| c.starts_with("sync_file_range("))
        .expect("a range");
    let fsync = calls
        .iter()
        .position(|c| c.starts_with("fsync("))
        .expect("an fsync");
    let rename = calls
        .iter()
        .position(|c| c.starts_with("rename"))
        .expect("a rename");
    assert!(last_range < fsync && fsync < rename, "{calls:?}");
}
