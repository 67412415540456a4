//! The actions of `netkit nntp` once the session is open: listing groups, overviews,
//! headers, articles, posting, DATE and NEWNEWS, each printing its own output.

use super::*;

/// What the actions share.
pub(super) struct Cx<'a> {
    pub(super) args: &'a Args,
    pub(super) plan: &'a Plan,
    pub(super) out: &'a mut Stdout,
    pub(super) json: bool,
    pub(super) server: &'a str,
}

impl Cx<'_> {
    fn usage_if(&self, bad: bool, text: &str) -> Result<(), Error> {
        if bad { Err(Error::usage(text)) } else { Ok(()) }
    }

    fn warn(&self, text: &str) {
        if !self.args.client.output.quiet {
            warn_as("nntp", self.json, text);
        }
    }
}

/// Server text for a terminal: control characters shown, tabs (our separator) as spaces.
pub(super) fn field(text: &str) -> String {
    clean_text(&text.replace('\t', " "))
}

pub(super) fn groups(session: &mut Session, cx: &mut Cx) -> Result<Outcome, Error> {
    cx.usage_if(cx.plan.rest.len() > 1, "groups takes URL [WILDMAT]")?;
    let wildmat = cx.plan.rest.first().cloned().or(cx.plan.group.clone());
    let wildmat = wildmat.as_deref();
    let descriptions = session.list_newsgroups(wildmat)?.unwrap_or_default();
    let (json, out) = (cx.json, &mut *cx.out);
    session.list_active(wildmat, |g| {
        let description = descriptions.get(&g.name).map(String::as_str);
        if json {
            write_out(out.json(&GroupJson {
                group: &g.name,
                first: g.first,
                last: g.last,
                status: &g.status,
                description,
            }))
        } else {
            write_out(out.line(&format!(
                "{}\t{}\t{}\t{}\t{}",
                field(&g.name),
                g.first,
                g.last,
                field(&g.status),
                field(description.unwrap_or(""))
            )))
        }
    })?;
    Ok(Outcome::Success)
}

pub(super) fn newgroups(session: &mut Session, cx: &mut Cx, since: i64) -> Result<Outcome, Error> {
    cx.usage_if(!cx.plan.rest.is_empty(), "newgroups takes URL --since TIME")?;
    let (json, out) = (cx.json, &mut *cx.out);
    session.newgroups(since, |g| {
        if json {
            write_out(out.json(&GroupJson {
                group: &g.name,
                first: g.first,
                last: g.last,
                status: &g.status,
                description: None,
            }))
        } else {
            write_out(out.line(&format!(
                "{}\t{}\t{}\t{}",
                field(&g.name),
                g.first,
                g.last,
                field(&g.status)
            )))
        }
    })?;
    Ok(Outcome::Success)
}

pub(super) fn group(session: &mut Session, cx: &mut Cx) -> Result<Outcome, Error> {
    cx.usage_if(!cx.plan.rest.is_empty(), "group takes URL/GROUP only")?;
    let name = needs_group(cx.plan, "group")?;
    let info = session.group(&name)?;
    if cx.json {
        write_out(cx.out.json(&info))?;
    } else {
        write_out(cx.out.line(&format!(
            "{} {} {} {}",
            field(&info.group),
            info.count,
            info.first,
            info.last
        )))?;
    }
    Ok(Outcome::Success)
}

pub(super) fn over(
    session: &mut Session,
    cx: &mut Cx,
    mut state: Option<Newsrc>,
) -> Result<Outcome, Error> {
    cx.usage_if(cx.plan.rest.len() > 1, "over takes URL/GROUP [RANGE]")?;
    cx.usage_if(
        state.is_some() && !cx.plan.rest.is_empty(),
        "over --new takes no RANGE: it starts after the last article listed",
    )?;
    let name = needs_group(cx.plan, "over")?;
    let given = cx.plan.rest.first().map(|r| Range::parse(r)).transpose()?;
    let info = session.group(&name)?;
    let mark = state.as_ref().and_then(|s| s.high(cx.server, &name));
    let range = match (given, mark) {
        (Some(r), _) => Some(r),
        (None, Some(high)) if high > info.last => {
            // The server's numbers went down (a rebuilt spool): list the group again.
            cx.warn(&format!(
                "{name}: the server's last article is {} but {high} was listed before; \
                 listing the whole group",
                info.last
            ));
            Some(Range::from(info.first.max(1)))
        }
        (None, Some(high)) if high == info.last => None,
        (None, Some(high)) => Some(Range::from(high + 1)),
        (None, None) if info.count == 0 && info.last < info.first => None,
        (None, None) => Some(Range::from(info.first.max(1))),
    };
    let mut seen = 0u64;
    let mut bad = 0u64;
    if let Some(range) = range {
        let (json, out) = (cx.json, &mut *cx.out);
        let quiet = cx.args.client.output.quiet;
        session.over(range, |line| {
            let o = match line {
                Ok(o) => o,
                Err(e) => {
                    bad += 1;
                    if !quiet {
                        warn_as("nntp", json, &format!("skipped: {}", e.message()));
                    }
                    return Ok(());
                }
            };
            seen = seen.max(o.number);
            if json {
                write_out(out.json(&o))
            } else {
                write_out(out.line(&format!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    o.number,
                    field(&o.subject),
                    field(&o.from),
                    field(&o.date),
                    field(&o.message_id),
                    field(&o.references)
                )))
            }
        })?;
    }
    if let Some(state) = state.as_mut() {
        // The output reaches stdout before the mark moves (module comment of newsrc).
        write_out(cx.out.flush())?;
        let high = seen.max(info.last).max(mark.unwrap_or(0));
        state.set(cx.server, &name, high);
        state.save()?;
    }
    Ok(if bad > 0 {
        Outcome::Exit(ErrorKind::Partial)
    } else {
        Outcome::Success
    })
}

pub(super) fn hdr(session: &mut Session, cx: &mut Cx) -> Result<Outcome, Error> {
    cx.usage_if(
        cx.plan.rest.is_empty() || cx.plan.rest.len() > 2,
        "hdr takes URL/GROUP HEADER [RANGE]",
    )?;
    let name = needs_group(cx.plan, "hdr")?;
    let header = cx.plan.rest[0].clone();
    let given = cx.plan.rest.get(1).map(|r| Range::parse(r)).transpose()?;
    let info = session.group(&name)?;
    let range = match given {
        Some(r) => r,
        None if info.count == 0 && info.last < info.first => return Ok(Outcome::Success),
        None => Range::from(info.first.max(1)),
    };
    let (json, out) = (cx.json, &mut *cx.out);
    session.hdr(&header, range, |n, value| {
        if json {
            write_out(out.json(&serde_json::json!({"number": n, "header": header, "value": value})))
        } else {
            write_out(out.line(&format!("{n}\t{}", field(&value))))
        }
    })?;
    Ok(Outcome::Success)
}

/// The articles named by the operands: numbers, ranges (expanded within the group) or
/// message-ids. `explicit` is false for numbers that come from a range (gaps are normal).
pub(super) fn selection(cx: &Cx, info_last: Option<u64>) -> Result<Vec<(Which, bool)>, Error> {
    let mut out = Vec::new();
    if let Some(id) = &cx.plan.url_id {
        out.push((Which::Id(id.clone()), true));
    }
    for op in &cx.plan.rest {
        if op.starts_with('<') {
            nntp::check_message_id(op)?;
            out.push((Which::Id(op.clone()), true));
            continue;
        }
        let r = Range::parse(op)?;
        if r.single {
            out.push((Which::Number(r.first), true));
            continue;
        }
        let last = r.last.or(info_last).unwrap_or(0);
        if last >= r.first && last - r.first >= MAX_ARTICLES {
            return Err(Error::usage(format!(
                "{op}: more than {MAX_ARTICLES} articles in one run"
            )));
        }
        for n in r.first..=last {
            out.push((Which::Number(n), false));
        }
    }
    Ok(out)
}

pub(super) fn articles(session: &mut Session, cx: &mut Cx, part: Part) -> Result<Outcome, Error> {
    let what = action_name(cx.args.action);
    let has_numbers = cx.plan.rest.iter().any(|o| !o.starts_with('<'));
    cx.usage_if(
        cx.plan.rest.is_empty() && cx.plan.url_id.is_none(),
        &format!("{what} takes URL/GROUP N|RANGE… or URL <message-id>"),
    )?;
    let info = if has_numbers {
        let name = needs_group(cx.plan, &what)?;
        Some(session.group(&name)?)
    } else {
        None
    };
    let wanted = selection(cx, info.as_ref().map(|i| i.last))?;
    let several = wanted.len() > 1 || wanted.iter().any(|(_, explicit)| !explicit);
    cx.usage_if(
        several && part != Part::Stat && cx.args.output_dir.is_none() && !cx.json,
        &format!("{what} of several articles needs --output-dir DIR (or --json)"),
    )?;
    cx.usage_if(
        several && cx.args.output.is_some(),
        "-o FILE takes one article; use --output-dir DIR",
    )?;
    if let Some(dir) = &cx.args.output_dir {
        std::fs::create_dir_all(dir).map_err(|e| crate::save::local("creating", dir, &e))?;
    }
    let mut missing = 0usize;
    let mut got = 0usize;
    let mut last_missing: Option<Error> = None;
    let mut queued = 0usize;
    let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
    for i in 0..wanted.len() {
        // Keep up to WINDOW commands in flight ahead of the answer being read.
        while queued < wanted.len() && queued < i + WINDOW {
            session.queue_article(part, &wanted[queued].0)?;
            queued += 1;
        }
        session.flush()?;
        let (which, explicit) = &wanted[i];
        buf.clear();
        let found = session.read_article(part, which, |line| {
            buf.extend_from_slice(line);
            buf.push(b'\n');
            Ok(())
        })?;
        let Some(found) = found else {
            if *explicit {
                missing += 1;
                last_missing = Some(Error::new(
                    ErrorKind::Refused,
                    format!(
                        "{}: no article {} here (430/423)",
                        cx.server,
                        clean_text(&match which {
                            Which::Number(n) => n.to_string(),
                            Which::Id(id) => id.clone(),
                        })
                    ),
                ));
                if several {
                    cx.warn(last_missing.as_ref().map_or("", |e| e.message()));
                }
            }
            continue;
        };
        got += 1;
        emit_article(cx, part, &found, &buf)?;
    }
    match (got, missing) {
        (_, 0) => Ok(Outcome::Success),
        (0, _) if !several || wanted.iter().all(|(_, e)| *e) => {
            Err(last_missing.unwrap_or_else(|| Error::new(ErrorKind::Refused, "no such article")))
        }
        _ => Ok(Outcome::Exit(ErrorKind::Partial)),
    }
}

/// A file name for an article saved under --output-dir: its number, or a message-id made
/// safe (no `/`, no dot files, no control characters).
pub(super) fn file_name(found: &Found) -> String {
    if found.number > 0 {
        return found.number.to_string();
    }
    let name: String = found
        .message_id
        .trim_matches(['<', '>'])
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "@.-_+=".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("id_{}", name.trim_start_matches('.'))
}

pub(super) fn emit_article(
    cx: &mut Cx,
    part: Part,
    found: &Found,
    text: &[u8],
) -> Result<(), Error> {
    if part == Part::Stat {
        return if cx.json {
            write_out(cx.out.json(&ArticleJson {
                number: found.number,
                message_id: &found.message_id,
                article: None,
            }))
        } else {
            write_out(
                cx.out
                    .line(&format!("{} {}", found.number, field(&found.message_id))),
            )
        };
    }
    let to_file = match (&cx.args.output, &cx.args.output_dir) {
        (Some(p), _) if p.as_os_str() != "-" => Some(p.clone()),
        (_, Some(dir)) => Some(dir.join(file_name(found))),
        _ => None,
    };
    if let Some(path) = to_file {
        let mut file = Output::open(&path, false)?;
        file.write_all(text)?;
        file.commit()?;
        if cx.json {
            write_out(cx.out.json(&serde_json::json!({
                "number": found.number,
                "message_id": found.message_id,
                "file": path.display().to_string(),
                "size": text.len(),
            })))?;
        }
        return Ok(());
    }
    if cx.json {
        write_out(cx.out.json(&ArticleJson {
            number: found.number,
            message_id: &found.message_id,
            article: Some(&String::from_utf8_lossy(text)),
        }))
    } else {
        write_out(cx.out.write_all(text))
    }
}

/// A raw or composed article, read and checked before connecting.
pub(super) struct Article {
    pub(super) prefix: Vec<u8>,
    pub(super) body: Vec<u8>,
    pub(super) message_id: String,
    pub(super) newsgroups: String,
}

/// The most bytes of one article (far above any server's limit, INN's is 1 MB by default).
pub(super) const MAX_ARTICLE: u64 = 64 << 20;

pub(super) fn outgoing(
    args: &Args,
    plan: &Plan,
    deadline: net::Deadline,
) -> Result<Article, Error> {
    let bounds = crate::local::Bounds {
        max_bytes: Some(MAX_ARTICLE),
        deadline: deadline.instant(),
    };
    let groups = match (&args.newsgroups, &plan.group) {
        (Some(n), _) => {
            compose::check_header_value("--newsgroups", n)?;
            Some(n.clone())
        }
        (None, g) => g.clone(),
    };
    let read_file = |path: &std::path::Path, what: &str| -> Result<Vec<u8>, Error> {
        if path.as_os_str() == "-" {
            return crate::local::read_all(&mut std::io::stdin().lock(), bounds, what);
        }
        let mut f = std::fs::File::open(path).map_err(|e| {
            Error::usage(format!(
                "{}: {}",
                path.display(),
                crate::error::io_words(&e)
            ))
        })?;
        crate::local::read_all(&mut f, bounds, what)
    };
    if composing(args) {
        cx_usage(
            !plan.rest.is_empty(),
            "post composes from flags or sends FILE, not both",
        )?;
        let from = args
            .from
            .clone()
            .ok_or_else(|| Error::usage("--from is needed to compose an article"))?;
        let groups = groups
            .ok_or_else(|| Error::usage("post needs a group: nntp://host/GROUP or --newsgroups"))?;
        let body = match &args.body_file {
            Some(path) => {
                let what = format!("--body-file {}", path.display());
                let bytes = read_file(path, &what)?;
                Some(
                    String::from_utf8(bytes)
                        .map_err(|_| Error::usage(format!("{what}: not UTF-8 text")))?,
                )
            }
            None => args.body.clone(),
        };
        let mut headers = vec![("Newsgroups".to_owned(), groups.clone())];
        for h in &args.header {
            headers.push(compose::parse_header(h)?);
        }
        let domain = nntp::domain_of(&from).unwrap_or_else(|| "netkit.invalid".to_owned());
        let message_id = message::new_message_id(&domain);
        let now = UnixTime::now().secs;
        let draft = Draft {
            from,
            subject: args.subject.clone(),
            body,
            bounds,
            headers,
            message_id: message_id.clone(),
            date_unix: now,
            ..Draft::default()
        };
        // No attachments here: the composed article is the skeleton alone, small and in
        // memory, so reading it whole (within the raw-article cap) is cheap.
        let mut article = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(compose::compose(&draft)?, MAX_ARTICLE + 1),
            &mut article,
        )
        .map_err(|e| Error::new(ErrorKind::LocalIo, format!("composing: {e}")))?;
        if article.len() as u64 > MAX_ARTICLE {
            return Err(Error::usage(format!(
                "the composed article is over {MAX_ARTICLE} bytes"
            )));
        }
        return Ok(Article {
            prefix: Vec::new(),
            body: article,
            message_id,
            newsgroups: groups,
        });
    }
    cx_usage(plan.rest.len() > 1, "post takes URL [FILE|-]")?;
    let body = match plan.rest.first().map(String::as_str) {
        Some("-") | None => {
            if std::io::stdin().is_terminal() {
                return Err(Error::usage(
                    "post: give FILE, pipe the article on stdin, or compose with --from/--subject/--body",
                ));
            }
            read_file(std::path::Path::new("-"), "stdin")?
        }
        Some(path) => read_file(std::path::Path::new(path), path)?,
    };
    let raw = post::prepare_raw(
        &body,
        groups.as_deref(),
        message::new_message_id,
        message::date_now,
    )?;
    Ok(Article {
        prefix: raw.prefix,
        body,
        message_id: raw.message_id,
        newsgroups: raw.newsgroups,
    })
}

pub(super) fn cx_usage(bad: bool, text: &str) -> Result<(), Error> {
    if bad { Err(Error::usage(text)) } else { Ok(()) }
}

pub(super) fn post_article(
    session: &mut Session,
    cx: &mut Cx,
    a: Article,
) -> Result<Outcome, Error> {
    let size = (a.prefix.len() + a.body.len()) as u64;
    let reply = session.post(|w| {
        w.write_all(&a.prefix)
            .and_then(|()| w.write_all(&a.body))
            .map_err(crate::proto::pingpong::write_error)?;
        Ok(size)
    })?;
    if cx.json {
        write_out(cx.out.json(&PostJson {
            server: cx.server,
            message_id: &a.message_id,
            newsgroups: &a.newsgroups,
            size,
            reply: &reply,
        }))?;
    } else if !cx.args.client.output.quiet {
        write_out(cx.out.line(&format!(
            "posted {} to {}",
            field(&a.message_id),
            field(&a.newsgroups)
        )))?;
    }
    Ok(Outcome::Success)
}

pub(super) fn date(session: &mut Session, cx: &mut Cx) -> Result<Outcome, Error> {
    cx.usage_if(!cx.plan.rest.is_empty(), "date takes URL only")?;
    let secs = session.date()?;
    let text = rfc3339(UnixTime::from_secs(secs), 0);
    if cx.json {
        write_out(
            cx.out
                .json(&serde_json::json!({"server": cx.server, "date": text})),
        )?;
    } else {
        write_out(cx.out.line(&text))?;
    }
    Ok(Outcome::Success)
}

pub(super) fn newnews(session: &mut Session, cx: &mut Cx, since: i64) -> Result<Outcome, Error> {
    cx.usage_if(
        cx.plan.rest.len() > 1,
        "newnews takes URL/WILDMAT --since TIME",
    )?;
    let wildmat = cx
        .plan
        .group
        .clone()
        .or_else(|| cx.plan.rest.first().cloned())
        .unwrap_or_else(|| "*".to_owned());
    let (json, out) = (cx.json, &mut *cx.out);
    session.newnews(&wildmat, since, |id| {
        if json {
            write_out(out.json(&serde_json::json!({"message_id": id})))
        } else {
            write_out(out.line(&field(&id)))
        }
    })?;
    Ok(Outcome::Success)
}
