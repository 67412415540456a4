//! fetch's flags read into what `http::Settings` holds: sizes and digests as clap value
//! parsers (ftp and gopher share them), the request body from `-d`/`--data-binary`/`-F`/`-T`,
//! `-H` and `-A` checked before they reach a request, where bodies go (`-o`, `-O`, `-J`,
//! `-C`), and the credentials of `-u` and netrc.

use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;

use ureq::http::{HeaderName, HeaderValue};

use super::Args;
use crate::auth::credentials::{self, NetrcChoice, Request, Source};
use crate::auth::secret::Secret;
use crate::cli::exit;
use crate::cli::render::warn_as;
use crate::http::Destination;
use crate::http::download::NetrcLookup;
use crate::http::form::Payload;
use crate::net;
use crate::{Error, ErrorKind};

/// `1000`, `100K`, `1.5M`, `2G` (1024-based, as curl reads them).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (number, unit) = match t.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&t[..i], &t[i..]),
        None => (t, ""),
    };
    let scale: u64 = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        "T" | "TB" | "TIB" => 1 << 40,
        _ => return Err(format!("'{text}': unknown unit (use K, M, G or T)")),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a size like 500K or 2M"))?;
    let bytes = value * scale as f64;
    if !bytes.is_finite() || bytes < 1.0 || bytes > u64::MAX as f64 {
        return Err(format!("'{text}': must be at least 1 byte"));
    }
    Ok(bytes as u64)
}

/// A wanted SHA-256; a newtype because clap reads a bare `Vec<u8>` field as many values.
#[derive(Clone, Debug)]
pub struct Digest(pub Vec<u8>);

pub fn parse_sha256(text: &str) -> Result<Digest, String> {
    let t = text.trim();
    if t.len() != 64 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("expected 64 hex digits".to_owned());
    }
    (0..32)
        .map(|i| u8::from_str_radix(&t[2 * i..2 * i + 2], 16).map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()
        .map(Digest)
}

/// `-d`/`--data-binary` values: literal, `@FILE`, `@-`; `-d` drops CR and LF from files as
/// curl does. `stdin_used` makes a second `@-` a usage error.
fn data_value(value: &str, strip: bool, stdin_used: &mut bool) -> Result<Vec<u8>, Error> {
    let Some(path) = value.strip_prefix('@') else {
        return Ok(value.as_bytes().to_vec());
    };
    let mut bytes = Vec::new();
    if path == "-" {
        if std::mem::replace(stdin_used, true) {
            return Err(Error::usage("stdin (@-) can be read once"));
        }
        io::stdin().lock().read_to_end(&mut bytes).map_err(|e| {
            Error::new(
                ErrorKind::LocalIo,
                format!("reading stdin: {}", net::io_words(&e)),
            )
        })?;
    } else {
        File::open(path)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(|e| {
                Error::new(
                    ErrorKind::LocalIo,
                    format!("reading {path}: {}", net::io_words(&e)),
                )
            })?;
    }
    if strip {
        bytes.retain(|&b| b != b'\r' && b != b'\n');
    }
    Ok(bytes)
}

pub(super) fn payload(args: &Args, deadline: net::Deadline) -> Result<Option<Payload>, Error> {
    let kinds = usize::from(!args.data.is_empty() || !args.data_binary.is_empty())
        + usize::from(!args.form.is_empty())
        + usize::from(args.upload.is_some());
    if kinds > 1 {
        return Err(Error::usage(
            "-d/--data-binary, -F and -T are one body each: give one of them",
        ));
    }
    if kinds == 1 && args.head {
        return Err(Error::usage(
            "-I sends HEAD, which has no body: drop -d/-F/-T or -I",
        ));
    }
    if !args.form.is_empty() {
        return Payload::form(&args.form).map(Some);
    }
    if let Some(path) = &args.upload
        && path.as_os_str() == "-"
    {
        let bounds = crate::local::Bounds {
            max_bytes: None,
            deadline: deadline.instant(),
        };
        let (file, len) = crate::local::spool_stdin(bounds)?;
        return Ok(Some(Payload::Spooled {
            file: std::sync::Arc::new(file),
            len,
        }));
    }
    if let Some(path) = &args.upload {
        std::fs::metadata(path).map_err(|e| {
            Error::new(
                ErrorKind::LocalIo,
                format!("reading {}: {}", path.display(), net::io_words(&e)),
            )
        })?;
        return Ok(Some(Payload::Upload(path.clone())));
    }
    if args.data.is_empty() && args.data_binary.is_empty() {
        return Ok(None);
    }
    let mut stdin_used = false;
    let mut pieces = Vec::new();
    for d in &args.data {
        pieces.push(data_value(d, true, &mut stdin_used)?);
    }
    for d in &args.data_binary {
        pieces.push(data_value(d, false, &mut stdin_used)?);
    }
    Ok(Some(Payload::Data {
        bytes: pieces.join(&b'&'),
        form_encoded: true,
    }))
}

pub(super) fn headers(list: &[String]) -> Result<Vec<(String, String)>, Error> {
    list.iter()
        .map(|h| {
            let shown = exit::safe_text(h);
            let (name, value) = h
                .split_once(':')
                .ok_or_else(|| Error::usage(format!("-H '{shown}': expected 'Name: value'")))?;
            let (name, value) = (name.trim(), value.trim());
            if HeaderName::from_bytes(name.as_bytes()).is_err() {
                return Err(Error::usage(format!(
                    "-H '{shown}': '{}' is not a header name (letters, digits and -)",
                    exit::safe_text(name)
                )));
            }
            header_value(&format!("-H '{shown}'"), value)?;
            Ok((name.to_owned(), value.to_owned()))
        })
        .collect()
}

/// A value that goes into a request header as given (`-H`, `-A`): no CR, LF or other
/// control character (tab aside), which would split the request or, for `-A`, make ureq
/// panic when it builds the header.
fn header_value(what: &str, value: &str) -> Result<(), Error> {
    if HeaderValue::from_str(value).is_err() {
        return Err(Error::usage(format!(
            "{what}: a header value cannot hold CR, LF or other control characters"
        )));
    }
    Ok(())
}

/// `-A TEXT`, or netkit's own name.
pub(super) fn user_agent(args: &Args) -> Result<String, Error> {
    match &args.user_agent {
        Some(ua) => {
            header_value(&format!("-A '{}'", exit::safe_text(ua)), ua)?;
            Ok(ua.clone())
        }
        None => Ok(format!("netkit/{}", env!("CARGO_PKG_VERSION"))),
    }
}

pub(super) fn destination(args: &Args) -> Result<Destination, Error> {
    if args.output.is_some() && args.urls.len() > 1 {
        return Err(Error::usage(
            "-o names one file: with several URLs use -O (and --output-dir)",
        ));
    }
    if args.resume && args.remote_header_name {
        return Err(Error::usage(
            "-C cannot resume a -J name (it is known only from the reply): use -o FILE -C",
        ));
    }
    if let Some(path) = &args.output {
        return Ok(Destination::File {
            path: path.clone(),
            resume: args.resume,
        });
    }
    if args.remote_name || args.output_dir.is_some() {
        return Ok(Destination::Remote {
            dir: args.output_dir.clone(),
            from_header: args.remote_header_name,
            clobber: args.clobber,
            resume: args.resume,
        });
    }
    if args.resume {
        return Err(Error::usage("-C resumes a file: give -o FILE or -O"));
    }
    if args.client.output.json && !args.head {
        return Err(Error::usage(
            "--json prints the report on stdout: save the body with -o FILE or -O (-o /dev/null drops it)",
        ));
    }
    if args.parallel > 1 && args.urls.len() > 1 {
        return Err(Error::usage(
            "-P writes files: give -O (and --output-dir), bodies cannot share stdout",
        ));
    }
    Ok(Destination::Stdout)
}

/// `-O` with several URLs: two URLs whose names are the same file would write one `.part`
/// (at once under `-P`) and leave one body under the name, maybe not the one asked for
/// last; refused before anything is fetched. `-J` names are known only from the replies:
/// the `.part` lock (save::Output) catches those.
pub(super) fn check_distinct_names(args: &Args, dest: &Destination) -> Result<(), Error> {
    let Destination::Remote {
        dir,
        from_header: false,
        ..
    } = dest
    else {
        return Ok(());
    };
    let mut seen: std::collections::HashMap<PathBuf, &str> = std::collections::HashMap::new();
    for url in &args.urls {
        let Some(name) = url::Url::parse(url)
            .ok()
            .and_then(|u| crate::http::names::from_url_path(u.path()))
        else {
            continue;
        };
        let path = dir
            .as_deref()
            .map_or_else(|| PathBuf::from(&name), |d| d.join(&name));
        if let Some(before) = seen.insert(path.clone(), url) {
            return Err(Error::usage(format!(
                "{} and {} would both be saved as {}: fetch them in separate runs or with -o",
                net::target::redacted(before),
                net::target::redacted(url),
                exit::safe_text(&path.display().to_string())
            )));
        }
    }
    Ok(())
}

pub(super) fn netrc_choice(args: &Args) -> Option<Option<PathBuf>> {
    let auth = &args.client.auth;
    if auth.no_netrc {
        None
    } else {
        Some(auth.netrc_file.clone())
    }
}

/// `-u` (with `--password-file`, `NETKIT_PASSWORD` or a prompt) for the first URL's host.
pub(super) fn explicit_credentials(
    args: &Args,
    host: &str,
) -> Result<Option<(String, Secret)>, Error> {
    let auth = &args.client.auth;
    if auth.user.is_none() {
        return Ok(None);
    }
    let req = Request {
        host,
        url_user: None,
        url_password: None,
        user_option: auth.user.as_deref(),
        password_file: auth.password_file.as_deref(),
        env_password: std::env::var("NETKIT_PASSWORD").ok(),
        netrc: NetrcChoice::Off,
        allow_prompt: true,
    };
    let found = credentials::find(&req)?;
    if let Some(c) = &found
        && c.source == Source::CommandLine
        && !args.client.output.quiet
    {
        warn_as(
            "fetch",
            args.client.output.json,
            "warning: a password given with -u shows in ps; prefer --password-file or NETKIT_PASSWORD",
        );
    }
    Ok(found.map(|c| (c.user, c.password)))
}

pub(super) fn netrc_lookup(choice: Option<Option<PathBuf>>) -> NetrcLookup {
    Box::new(move |host: &str| {
        let file = choice.as_ref()?;
        let netrc = match file {
            Some(p) => NetrcChoice::File(p),
            None => NetrcChoice::Default,
        };
        let req = Request {
            host,
            url_user: None,
            url_password: None,
            user_option: None,
            password_file: None,
            env_password: None,
            netrc,
            allow_prompt: false,
        };
        credentials::find(&req)
            .ok()
            .flatten()
            .map(|c| (c.user, c.password))
    })
}
