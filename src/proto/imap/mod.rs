//! IMAP4rev1 (RFC 3501) with the extensions a scriptable client needs: STARTTLS, SASL-IR,
//! LITERAL+/LITERAL-, UIDPLUS (UID EXPUNGE of exactly the named UIDs), MOVE, IDLE,
//! UTF8=ACCEPT. The syntax is in [`syntax`] (sans-IO), mailbox names in [`utf7`], the session
//! in [`client`], the mailbox operations here, and the incremental export in [`export`].
//! Reads use EXAMINE and BODY.PEEK, so no read sets `\Seen`.

pub mod client;
pub mod export;
pub mod syntax;
pub mod utf7;

pub use client::{Options, Peer, Session};

use serde::Serialize;

use crate::proto::pingpong::reply::clean;
use crate::{Error, ErrorKind};
use syntax::{Part, Response, Value};

/// One LIST entry.
#[derive(Debug, Clone, Serialize)]
pub struct ListEntry {
    /// As shown: UTF-8, control characters as `?`.
    pub mailbox: String,
    pub flags: Vec<String>,
    pub delimiter: Option<String>,
    /// As the server sent it, for commands on this mailbox.
    #[serde(skip)]
    pub wire: Vec<u8>,
}

impl ListEntry {
    pub fn selectable(&self) -> bool {
        !self.flags.iter().any(|f| {
            f.eq_ignore_ascii_case("\\Noselect") || f.eq_ignore_ascii_case("\\NonExistent")
        })
    }
}

/// STATUS of one mailbox (SPEC issue 15's JSON keys).
#[derive(Debug, Clone, Default, Serialize)]
pub struct MailboxStatus {
    pub mailbox: String,
    pub messages: Option<u64>,
    pub unseen: Option<u64>,
    pub uidnext: Option<u64>,
    pub uidvalidity: Option<u64>,
}

/// What SELECT/EXAMINE said.
#[derive(Debug, Clone, Default)]
pub struct Selected {
    pub exists: u64,
    pub uidvalidity: Option<u64>,
    pub uidnext: Option<u64>,
    pub read_only: bool,
}

/// One message's facts from `UID FETCH … (UID FLAGS INTERNALDATE RFC822.SIZE)`.
#[derive(Debug, Clone, Default)]
pub struct MessageInfo {
    pub seq: u64,
    pub uid: u32,
    pub flags: Vec<Value>,
    pub internal_date: Option<std::time::SystemTime>,
    pub size: Option<u64>,
}

fn text(t: &str) -> Part {
    Part::Text(t.to_owned())
}

fn protocol(what: &str) -> Error {
    Error::new(ErrorKind::Protocol, format!("malformed {what} response"))
}

impl Session {
    /// A mailbox name as the server wants it: UTF-8 when UTF8=ACCEPT is enabled, else
    /// modified UTF-7; quoted or a literal as needed.
    pub fn mailbox(&self, name: &str) -> Part {
        if self.utf8_enabled() {
            syntax::astring(name.as_bytes())
        } else {
            syntax::astring(utf7::encode(name).as_bytes())
        }
    }

    /// A mailbox name from the server, as shown: a modified UTF-7 run may encode control
    /// characters (`&ABs-` is ESC), which must not reach the terminal either.
    pub fn mailbox_name(&self, wire: &[u8]) -> String {
        if !self.utf8_enabled()
            && let Some(name) = utf7::decode(wire)
        {
            return clean(&name);
        }
        clean(&String::from_utf8_lossy(wire))
    }

    /// ENABLE UTF8=ACCEPT when offered (RFC 6855): names travel as UTF-8.
    pub fn enable_utf8(&mut self) -> Result<(), Error> {
        if self.has("UTF8=ACCEPT") && self.has("ENABLE") {
            let mut enabled = false;
            self.run_bounded("ENABLE", &[text("ENABLE UTF8=ACCEPT")], &mut |r| {
                if let Response::Data { name, values } = r
                    && name == "ENABLED"
                {
                    enabled |= values.iter().any(|v| v.is_atom("UTF8=ACCEPT"));
                }
                Ok(())
            })?;
            self.set_utf8(enabled);
        }
        Ok(())
    }

    pub fn list(&mut self, pattern: &str) -> Result<Vec<ListEntry>, Error> {
        let mut raw: Vec<(Vec<String>, Option<String>, Vec<u8>)> = Vec::new();
        let pat = self.mailbox(pattern);
        self.run(&[text("LIST \"\""), pat], &mut |r| {
            if let Response::Data { name, values } = r
                && name == "LIST"
            {
                let [flags, delim, mbox, ..] = values.as_slice() else {
                    return Err(protocol("LIST"));
                };
                let flags = flags
                    .as_list()
                    .ok_or_else(|| protocol("LIST"))?
                    .iter()
                    .filter_map(|f| f.as_bytes())
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect();
                let delim = delim.as_bytes().map(|d| clean(&String::from_utf8_lossy(d)));
                let wire = mbox.as_bytes().ok_or_else(|| protocol("LIST"))?.to_vec();
                raw.push((flags, delim, wire));
            }
            Ok(())
        })?;
        Ok(raw
            .into_iter()
            .map(|(flags, delimiter, wire)| ListEntry {
                mailbox: self.mailbox_name(&wire),
                flags,
                delimiter,
                wire,
            })
            .collect())
    }

    pub fn status(&mut self, mailbox: &str) -> Result<MailboxStatus, Error> {
        let wire = if self.utf8_enabled() {
            mailbox.as_bytes().to_vec()
        } else {
            utf7::encode(mailbox).into_bytes()
        };
        self.status_of(mailbox, &wire)
    }

    /// STATUS of a listed mailbox, by the name the server sent (what is shown may differ).
    pub fn status_listed(&mut self, entry: &ListEntry) -> Result<MailboxStatus, Error> {
        self.status_of(&entry.mailbox, &entry.wire)
    }

    /// The STATUS response for `wire` counts; one for another mailbox (unsolicited, or a
    /// server's mistake) is used only when none names this one.
    fn status_of(&mut self, mailbox: &str, wire: &[u8]) -> Result<MailboxStatus, Error> {
        let mut out = MailboxStatus {
            mailbox: mailbox.to_owned(),
            ..MailboxStatus::default()
        };
        let mut answers: Vec<(bool, Vec<Value>)> = Vec::new();
        let inbox = wire.eq_ignore_ascii_case(b"INBOX");
        self.run_bounded(
            "STATUS",
            &[
                text("STATUS"),
                syntax::astring(wire),
                text("(MESSAGES UNSEEN UIDNEXT UIDVALIDITY)"),
            ],
            &mut |r| {
                if let Response::Data { name, values } = r
                    && name == "STATUS"
                {
                    let named = values.first().and_then(Value::as_bytes);
                    let ours = named
                        .is_some_and(|n| n == wire || (inbox && n.eq_ignore_ascii_case(b"INBOX")));
                    let items = values
                        .get(1)
                        .and_then(Value::as_list)
                        .ok_or_else(|| protocol("STATUS"))?;
                    answers.push((ours, items.to_vec()));
                }
                Ok(())
            },
        )?;
        let chosen = answers
            .iter()
            .rposition(|(ours, _)| *ours)
            .or_else(|| answers.len().checked_sub(1));
        if let Some(i) = chosen {
            for pair in answers[i].1.chunks_exact(2) {
                let n = pair[1].as_number();
                match pair[0]
                    .as_bytes()
                    .map(|b| b.to_ascii_uppercase())
                    .as_deref()
                {
                    Some(b"MESSAGES") => out.messages = n,
                    Some(b"UNSEEN") => out.unseen = n,
                    Some(b"UIDNEXT") => out.uidnext = n,
                    Some(b"UIDVALIDITY") => out.uidvalidity = n,
                    _ => {}
                }
            }
        }
        Ok(out)
    }

    /// EXAMINE (read-only) or SELECT.
    pub fn select(&mut self, mailbox: &str, writable: bool) -> Result<Selected, Error> {
        let mut sel = Selected::default();
        let name = self.mailbox(mailbox);
        let verb = if writable { "SELECT" } else { "EXAMINE" };
        let done = self
            .run_bounded(verb, &[text(verb), name], &mut |r| {
                match r {
                    Response::Numbered { number, name, .. } if name == "EXISTS" => {
                        sel.exists = *number
                    }
                    Response::Status { code: Some(c), .. } => {
                        let n = syntax::code_args(c).first().and_then(|a| a.parse().ok());
                        match syntax::code_name(c).as_str() {
                            "UIDVALIDITY" => sel.uidvalidity = n,
                            "UIDNEXT" => sel.uidnext = n,
                            _ => {}
                        }
                    }
                    _ => {}
                }
                Ok(())
            })
            .map_err(|e| Error::new(e.kind(), format!("{verb} {mailbox}: {}", e.message())))?;
        sel.read_only = done
            .code
            .as_deref()
            .is_some_and(|c| syntax::code_name(c) == "READ-ONLY");
        Ok(sel)
    }

    /// UID SEARCH: the matching UIDs, ascending.
    pub fn search(&mut self, criteria: Vec<Part>, utf8: bool) -> Result<Vec<u32>, Error> {
        let mut parts = vec![text("UID SEARCH")];
        if utf8 && !self.utf8_enabled() {
            parts.push(text("CHARSET UTF-8"));
        }
        parts.extend(criteria);
        let mut uids = Vec::new();
        self.run(&parts, &mut |r| {
            if let Response::Data { name, values } = r
                && name == "SEARCH"
            {
                for v in values {
                    let n = v.as_number().and_then(|n| u32::try_from(n).ok());
                    uids.push(n.ok_or_else(|| protocol("SEARCH"))?);
                }
            }
            Ok(())
        })?;
        uids.sort_unstable();
        uids.dedup();
        Ok(uids)
    }

    /// The facts of the messages in `set` (a UID set).
    pub fn fetch_info(&mut self, set: &str) -> Result<Vec<MessageInfo>, Error> {
        let mut out = Vec::new();
        self.run(
            &[text(&format!(
                "UID FETCH {set} (UID FLAGS INTERNALDATE RFC822.SIZE)"
            ))],
            &mut |r| {
                if let Response::Numbered {
                    number,
                    name,
                    values,
                } = r
                    && name == "FETCH"
                {
                    let mut m = MessageInfo {
                        seq: *number,
                        ..MessageInfo::default()
                    };
                    let mut has_uid = false;
                    for (item, v) in syntax::fetch_items(values)? {
                        match item.as_str() {
                            "UID" => {
                                m.uid = v
                                    .as_number()
                                    .and_then(|n| u32::try_from(n).ok())
                                    .ok_or_else(|| protocol("FETCH UID"))?;
                                has_uid = true;
                            }
                            "FLAGS" => m.flags = v.as_list().unwrap_or_default().to_vec(),
                            "INTERNALDATE" => {
                                m.internal_date = v.as_bytes().and_then(syntax::internal_date)
                            }
                            "RFC822.SIZE" => m.size = v.as_number(),
                            _ => {}
                        }
                    }
                    // A FETCH without UID is an unsolicited flag update (RFC 3501 §7.4.2).
                    if has_uid {
                        out.push(m);
                    }
                }
                Ok(())
            },
        )?;
        out.sort_by_key(|m| m.uid);
        out.dedup_by_key(|m| m.uid);
        Ok(out)
    }

    /// UID STORE with `.SILENT`: `op` is `+FLAGS` or `-FLAGS`.
    pub fn store(&mut self, set: &str, op: &str, flags: &[String]) -> Result<(), Error> {
        self.run(
            &[text(&format!(
                "UID STORE {set} {op}.SILENT ({})",
                flags.join(" ")
            ))],
            &mut |_| Ok(()),
        )
        .map(|_| ())
    }

    /// UID COPY or UID MOVE; the COPYUID code when the server gives one.
    pub fn copy(&mut self, set: &str, dest: &str, moving: bool) -> Result<Option<String>, Error> {
        let verb = if moving { "UID MOVE" } else { "UID COPY" };
        let dest_part = self.mailbox(dest);
        let mut copyuid = None;
        let done = self.run(&[text(&format!("{verb} {set}")), dest_part], &mut |r| {
            // MOVE reports COPYUID in an untagged OK before the expunges (RFC 6851 §4.3).
            if let Response::Status { code: Some(c), .. } = r
                && syntax::code_name(c) == "COPYUID"
            {
                copyuid = Some(String::from_utf8_lossy(c).into_owned());
            }
            Ok(())
        })?;
        if let Some(c) = done.code.filter(|c| syntax::code_name(c) == "COPYUID") {
            copyuid = Some(String::from_utf8_lossy(&c).into_owned());
        }
        Ok(copyuid)
    }

    /// UID EXPUNGE (UIDPLUS): removes exactly `set`; returns how many were expunged.
    pub fn uid_expunge(&mut self, set: &str) -> Result<u64, Error> {
        if !self.has("UIDPLUS") {
            return Err(Error::new(
                ErrorKind::Refused,
                format!(
                    "{}: the server lacks UIDPLUS, so only a plain EXPUNGE could remove the \
                     messages, and it would also remove every other message marked \\Deleted: \
                     refused",
                    self.server()
                ),
            ));
        }
        let mut n = 0;
        self.run(&[text(&format!("UID EXPUNGE {set}"))], &mut |r| {
            if matches!(r, Response::Numbered { name, .. } if name == "EXPUNGE") {
                n += 1;
            }
            Ok(())
        })?;
        Ok(n)
    }
}
