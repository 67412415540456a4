//! The actions of `netkit imap` once the session is open: listing, status, search, get,
//! export, append, flags, copy/move, rm, idle and quote, each printing its own output.

use super::*;

pub(super) fn print_export(
    out: &mut Stdout,
    json: bool,
    url: &str,
    destination: String,
    report: &ExportReport,
    started: Instant,
) -> Result<(), Error> {
    if json {
        return write_out(out.json(&ExportJson {
            url,
            destination,
            report,
            seconds: started.elapsed().as_secs_f64(),
        }));
    }
    let mut line = format!(
        "{} of {} messages of {} saved to {destination} ({} bytes)",
        report.exported + report.recovered,
        report.listed,
        report.mailbox,
        report.bytes
    );
    for (n, what) in [
        (report.known, "already saved"),
        (report.vanished, "expunged meanwhile"),
    ] {
        if n > 0 {
            line.push_str(&format!(", {n} {what}"));
        }
    }
    write_out(out.line(&line))
}

pub(super) fn opt(n: Option<u64>) -> String {
    n.map_or_else(|| "-".to_owned(), |n| n.to_string())
}

pub(super) fn print_status(
    out: &mut Stdout,
    json: bool,
    st: &imap::MailboxStatus,
) -> Result<(), Error> {
    if json {
        write_out(out.json(st))
    } else {
        write_out(out.line(&format!(
            "{}\t{}\t{}\t{}\t{}",
            st.mailbox,
            opt(st.messages),
            opt(st.unseen),
            opt(st.uidnext),
            opt(st.uidvalidity)
        )))
    }
}

pub(super) fn ls(
    session: &mut Session,
    plan: &Plan,
    json: bool,
    out: &mut Stdout,
) -> Result<Outcome, Error> {
    let pattern = plan
        .rest
        .first()
        .cloned()
        .or_else(|| plan.mailbox.clone())
        .unwrap_or_else(|| "*".to_owned());
    let entries = session.list(&pattern)?;
    for e in entries {
        let st = if e.selectable() {
            session.status_listed(&e)?
        } else {
            imap::MailboxStatus {
                mailbox: e.mailbox.clone(),
                ..Default::default()
            }
        };
        print_status(out, json, &st)?;
    }
    Ok(Outcome::Success)
}

/// A user's SEARCH word: keys, numbers, sets and parentheses go as they are; anything else
/// (spaces, quotes, 8-bit) as a string, so no word can end the command or smuggle another.
pub(super) fn search_word(word: &str) -> Part {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| (0x21..0x7f).contains(&b) && !b"\"\\{}%".contains(&b));
    if plain {
        Part::Text(word.to_owned())
    } else {
        syntax::quoted_or_literal(word.as_bytes())
    }
}

pub(super) fn search(
    session: &mut Session,
    args: &Args,
    mailbox: &str,
    words: &[String],
    out: &mut Stdout,
) -> Result<Outcome, Error> {
    let mut criteria: Vec<Part> = words.iter().map(|w| search_word(w)).collect();
    let mut utf8 = words.iter().any(|w| !w.is_ascii());
    for (key, value) in [("FROM", &args.from), ("SUBJECT", &args.subject)] {
        if let Some(v) = value {
            criteria.push(Part::Text(key.to_owned()));
            criteria.push(syntax::quoted_or_literal(v.as_bytes()));
            utf8 |= !v.is_ascii();
        }
    }
    criteria.extend(search_dates(args)?);
    if args.unseen {
        criteria.push(Part::Text("UNSEEN".into()));
    }
    if criteria.is_empty() {
        criteria.push(Part::Text("ALL".into()));
    }
    session.select(mailbox, false)?;
    let uids = session.search(criteria, utf8)?;
    for uid in &uids {
        if args.client.output.json {
            write_out(out.json(&serde_json::json!({"mailbox": mailbox, "uid": uid})))?;
        } else {
            write_out(out.line(&uid.to_string()))?;
        }
    }
    Ok(Outcome::Success)
}

pub(super) fn section_of(args: &Args) -> Result<String, Error> {
    let Some(s) = &args.section else {
        return Ok(String::new());
    };
    let upper = s.to_ascii_uppercase();
    let ok = !upper.is_empty()
        && upper.len() < 100
        && upper.split('.').all(|p| {
            !p.is_empty()
                && (p.bytes().all(|b| b.is_ascii_digit())
                    || matches!(p, "HEADER" | "TEXT" | "MIME"))
        });
    if !ok {
        return Err(Error::usage(format!(
            "--section '{}': expected HEADER, TEXT, or a part number such as 1, 1.2, 1.2.MIME",
            clean_text(s)
        )));
    }
    Ok(upper)
}

pub(super) fn get(
    session: &mut Session,
    args: &Args,
    mailbox: &str,
    uid: &str,
    out: &mut Stdout,
) -> Result<Outcome, Error> {
    let uid = uid_of(uid)?;
    let section = section_of(args)?;
    session.select(mailbox, false)?;
    let command = Part::Text(format!("UID FETCH {uid} (UID BODY.PEEK[{section}])"));
    let want = format!("BODY[{section}]");
    let mut found = false;
    let mut fetch = |session: &mut Session, w: &mut dyn std::io::Write| {
        session.run_streaming(
            std::slice::from_ref(&command),
            &mut |_| Ok(()),
            &mut |start, literal| {
                let this_uid = start
                    .items
                    .iter()
                    .find(|(n, _)| n == "UID")
                    .and_then(|(_, v)| v.as_number());
                if start.item == want && this_uid == Some(u64::from(uid)) && !found {
                    found = true;
                    literal.copy_to(w)?;
                }
                Ok(())
            },
        )
    };
    let missing = || {
        Error::new(
            ErrorKind::Refused,
            format!("no message with UID {uid} in {mailbox}"),
        )
    };
    match &args.output {
        Some(path) if path.as_os_str() != "-" => {
            let mut file = Output::open(path, false)?;
            let r = fetch(session, &mut file);
            match r {
                Ok(_) if found => {
                    file.commit()?;
                }
                Ok(_) => {
                    file.discard();
                    return Err(missing());
                }
                Err(e) => {
                    file.discard();
                    return Err(e);
                }
            }
        }
        _ => {
            fetch(session, out)?;
            if !found {
                return Err(missing());
            }
        }
    }
    Ok(Outcome::Success)
}

/// Makes every line end CRLF (IMAP literals are RFC 5322 text): bare LF and bare CR each
/// become CRLF. `prev` carries the last byte across chunks; [`crlf_end`] closes the input.
pub(super) fn crlf_chunk(prev: &mut u8, input: &[u8], out: &mut Vec<u8>) {
    for &b in input {
        if b == b'\n' {
            if *prev != b'\r' {
                out.push(b'\r');
            }
        } else if *prev == b'\r' {
            out.push(b'\n');
        }
        out.push(b);
        *prev = b;
    }
}

pub(super) fn crlf_end(prev: u8, out: &mut Vec<u8>) {
    if prev == b'\r' {
        out.push(b'\n');
    }
}

/// Reads `path` in chunks through [`crlf_chunk`], handing each converted chunk to `each`.
/// Feeds `path` (`-`: the stdin spool, from its start) to `each` with CRLF line ends.
pub(super) fn crlf_file(
    path: &std::path::Path,
    stdin: Option<&std::fs::File>,
    each: &mut dyn FnMut(&[u8]) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut file = match stdin.filter(|_| path.as_os_str() == "-") {
        Some(spool) => {
            let mut f = spool
                .try_clone()
                .map_err(|e| crate::save::local("reading", path, &e))?;
            std::io::Seek::rewind(&mut f).map_err(|e| crate::save::local("reading", path, &e))?;
            f
        }
        None => std::fs::File::open(path).map_err(|e| crate::save::local("reading", path, &e))?,
    };
    let mut buf = vec![0u8; 64 * 1024];
    let mut out = Vec::with_capacity(130 * 1024);
    let mut prev = 0u8;
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| crate::save::local("reading", path, &e))?;
        out.clear();
        if n == 0 {
            crlf_end(prev, &mut out);
            return each(&out);
        }
        crlf_chunk(&mut prev, &buf[..n], &mut out);
        each(&out)?;
    }
}

pub(super) fn append(
    session: &mut Session,
    args: &Args,
    mailbox: &str,
    plan: &Plan,
    out: &mut Stdout,
) -> Result<Outcome, Error> {
    let flags = append_flags(args)?;
    let stdin = plan.stdin.as_ref();
    for f in &plan.rest {
        let path = std::path::Path::new(f);
        let mut size = 0u64;
        crlf_file(path, stdin, &mut |chunk| {
            size += chunk.len() as u64;
            Ok(())
        })?;
        if size == 0 {
            return Err(Error::usage(format!("{f}: empty: nothing to append")));
        }
        let name = session.mailbox(mailbox);
        let mut parts = vec![Part::Text("APPEND".into()), name];
        if !flags.is_empty() {
            parts.push(Part::Text(format!("({})", flags.join(" "))));
        }
        let done = session.run_with_literal(
            &parts,
            size,
            &mut |w| {
                crlf_file(path, stdin, &mut |chunk| {
                    w.write_all(chunk)
                        .map_err(crate::proto::pingpong::write_error)
                })
            },
            &mut |_| Ok(()),
        )?;
        let appenduid = done
            .code
            .as_deref()
            .filter(|c| syntax::code_name(c) == "APPENDUID")
            .map(syntax::code_args);
        let (uidvalidity, uid) = match appenduid.as_deref() {
            Some([v, u]) => (v.parse::<u64>().ok(), u.parse::<u64>().ok()),
            _ => (None, None),
        };
        if args.client.output.json {
            write_out(out.json(&serde_json::json!({
                "file": f, "mailbox": mailbox, "size": size, "uid": uid, "uidvalidity": uidvalidity
            })))?;
        } else if !args.client.output.quiet {
            let as_uid = uid.map(|u| format!(" as UID {u}")).unwrap_or_default();
            let shown = if f == "-" { "stdin" } else { f.as_str() };
            write_out(out.line(&format!("appended {shown} to {mailbox}{as_uid}")))?;
        }
    }
    Ok(Outcome::Success)
}

/// Splits operands into UIDs and the trailing words (flag ops, or the destination).
pub(super) fn uids_then(
    words: &[String],
    tail_is: &dyn Fn(&str) -> bool,
) -> Result<(Vec<u32>, Vec<String>), Error> {
    let split = words.iter().position(|w| tail_is(w)).unwrap_or(words.len());
    let uids = words[..split]
        .iter()
        .map(|w| uid_of(w))
        .collect::<Result<Vec<_>, _>>()?;
    if uids.is_empty() {
        return Err(Error::usage("no UIDs given"));
    }
    Ok((uids, words[split..].to_vec()))
}

pub(super) fn flag(
    session: &mut Session,
    mailbox: &str,
    words: &[String],
) -> Result<Outcome, Error> {
    let (uids, ops) = uids_then(words, &|w| w.starts_with('+') || w.starts_with('-'))?;
    let changes = flag_changes(&ops)?;
    session.select(mailbox, true)?;
    for set in syntax::uid_sets(&uids, 4000) {
        for (verb, flag) in &changes {
            session.store(&set, verb, std::slice::from_ref(flag))?;
        }
    }
    Ok(Outcome::Success)
}

pub(super) fn copy(
    session: &mut Session,
    args: &Args,
    mailbox: &str,
    words: &[String],
    out: &mut Stdout,
) -> Result<Outcome, Error> {
    let (uids, dest) = uids_then(&words[..words.len() - 1], &|_| false)
        .map(|(u, _)| (u, words[words.len() - 1].clone()))?;
    crate::proto::pingpong::check_argument("the destination mailbox", &dest)?;
    let moving = args.action == Action::Mv;
    session.select(mailbox, moving)?;
    let mut copyuids = Vec::new();
    for set in syntax::uid_sets(&uids, 4000) {
        if moving && session.has("MOVE") {
            copyuids.extend(session.copy(&set, &dest, true)?);
        } else {
            copyuids.extend(session.copy(&set, &dest, false)?);
            if moving {
                // Without MOVE: COPY, then \Deleted and UID EXPUNGE of exactly these UIDs.
                if !session.has("UIDPLUS") {
                    return Err(Error::new(
                        ErrorKind::Refused,
                        "the server offers neither MOVE nor UIDPLUS: the messages were copied, \
                         not removed (a plain EXPUNGE would also remove other messages marked \
                         \\Deleted)",
                    ));
                }
                session.store(&set, "+FLAGS", &["\\Deleted".to_owned()])?;
                session
                    .uid_expunge(&set)
                    .map_err(|e| left_deleted(&set, mailbox, e))?;
            }
        }
    }
    let verb = if moving { "moved" } else { "copied" };
    if args.client.output.json {
        write_out(out.json(&serde_json::json!({
            "action": verb, "from": mailbox, "to": dest, "uids": uids, "copyuid": copyuids
        })))?;
    } else if !args.client.output.quiet {
        write_out(out.line(&format!(
            "{verb} {} messages from {mailbox} to {dest}",
            uids.len()
        )))?;
    }
    Ok(Outcome::Success)
}

/// UID EXPUNGE failed after the STORE: the user must know what state the messages are in.
pub(super) fn left_deleted(set: &str, mailbox: &str, e: Error) -> Error {
    Error::new(
        e.kind(),
        format!(
            "{}; UIDs {set} in {mailbox} stay flagged \\Deleted, not expunged: the next \
             EXPUNGE by any client removes them (or unflag: imap flag URL BOX UID… -- -\\Deleted)",
            e.message()
        ),
    )
}

pub(super) fn rm(
    session: &mut Session,
    args: &Args,
    mailbox: &str,
    words: &[String],
    out: &mut Stdout,
) -> Result<Outcome, Error> {
    let (uids, extra) = uids_then(words, &|_| false)?;
    debug_assert!(extra.is_empty());
    if !session.has("UIDPLUS") {
        return Err(Error::new(
            ErrorKind::Refused,
            "the server lacks UIDPLUS, so only a plain EXPUNGE could remove the messages, and it \
             would also remove every other message marked \\Deleted: refused",
        ));
    }
    session.select(mailbox, true)?;
    let mut expunged = 0;
    for set in syntax::uid_sets(&uids, 4000) {
        session.store(&set, "+FLAGS", &["\\Deleted".to_owned()])?;
        expunged += session
            .uid_expunge(&set)
            .map_err(|e| left_deleted(&set, mailbox, e))?;
    }
    if args.client.output.json {
        write_out(
            out.json(&serde_json::json!({"mailbox": mailbox, "uids": uids, "expunged": expunged})),
        )?;
    } else if !args.client.output.quiet {
        write_out(out.line(&format!("expunged {expunged} messages from {mailbox}")))?;
    }
    Ok(Outcome::Success)
}

pub(super) fn idle(
    session: &mut Session,
    args: &Args,
    mailbox: &str,
    out: &mut Stdout,
) -> Result<Outcome, Error> {
    let sel = session.select(mailbox, false)?;
    let before = sel.exists;
    let wait = args
        .wait
        .unwrap_or(Duration::from_secs(u64::from(u32::MAX)));
    let mut now_exists = before;
    let woken = session.idle(
        wait,
        Duration::from_secs(29 * 60),
        args.client.net.timeout,
        &mut |r| match r {
            Response::Numbered { number, name, .. } if name == "EXISTS" => {
                let more = *number > now_exists;
                now_exists = *number;
                more
            }
            Response::Numbered { name, .. } if name == "EXPUNGE" => {
                now_exists = now_exists.saturating_sub(1);
                false
            }
            _ => false,
        },
    )?;
    if !woken {
        return Ok(Outcome::Exit(ErrorKind::Refused));
    }
    if args.client.output.json {
        write_out(out.json(&serde_json::json!({
            "event": "exists", "mailbox": mailbox, "messages": now_exists, "before": before
        })))?;
    } else {
        write_out(out.line(&format!("{mailbox}: {now_exists} messages (was {before})")))?;
    }
    Ok(Outcome::Success)
}

pub(super) fn quote(
    session: &mut Session,
    words: &[String],
    out: &mut Stdout,
) -> Result<Outcome, Error> {
    let command = words.join(" ");
    crate::proto::pingpong::check_argument("the command", &command)?;
    let first = words[0].to_ascii_uppercase();
    if matches!(
        first.as_str(),
        "IDLE" | "STARTTLS" | "AUTHENTICATE" | "LOGOUT" | "COMPRESS"
    ) {
        return Err(Error::usage(format!(
            "quote {first}: not as a raw command (use the idle action, or --tls)"
        )));
    }
    session
        .run_raw(&command, &mut |r| {
            for line in String::from_utf8_lossy(r).split("\r\n") {
                write_out(out.line(&clean_text(line)))?;
            }
            Ok(())
        })
        .map(|_| Outcome::Success)
}
