//! `urljoin(base, ref)` exactly as Python 3.11 computes it (its take on RFC 3986 §5.2), and
//! `urlunparse`/`urlunsplit`, which it ends with.
//!
//! Python's quirks kept, because `--join` promises Python's answer: a reference whose scheme
//! differs from the base's, or whose scheme is not in `uses_relative`, is returned unchanged
//! (as written, tabs included); `..` above the root is dropped; empty segments in the middle
//! of a merged path are dropped; a `?`/`#` with nothing after it is not kept by `urlunsplit`.
//!
//! One deliberate extension: the TLS twins of schemes Python joins (`ftps`, `imaps`,
//! `nntps`, `gophers`) join like their plain twin, and they and the mail schemes netkit
//! speaks (`pop3`, `pop3s`, `smtp`, `smtps`) have a netloc (`uses_netloc`), because netkit
//! commands take such URLs and relative references against them mean the same thing.

use super::split::Split;
use crate::Error;

/// `urllib.parse.uses_relative`, plus netkit's TLS twins (see the module comment).
pub const USES_RELATIVE: &[&str] = &[
    "", "ftp", "http", "gopher", "nntp", "imap", "wais", "file", "https", "shttp", "mms",
    "prospero", "rtsp", "rtsps", "rtspu", "sftp", "svn", "svn+ssh", "ws", "wss",
    // netkit:
    "ftps", "imaps", "nntps", "gophers",
];

/// `urllib.parse.uses_netloc`, plus netkit's schemes that name a server.
pub const USES_NETLOC: &[&str] = &[
    "", "ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file", "mms", "https", "shttp",
    "snews", "prospero", "rtsp", "rtsps", "rtspu", "rsync", "svn", "svn+ssh", "sftp", "nfs", "git",
    "git+ssh", "ws", "wss", // netkit:
    "ftps", "imaps", "nntps", "gophers", "pop3", "pop3s", "smtp", "smtps",
];

/// Whether `scheme` is one of the extensions above, i.e. where netkit and Python differ.
pub fn is_netkit_extension(scheme: &str) -> bool {
    let python = USES_NETLOC.len() - 8;
    USES_NETLOC[python..].contains(&scheme)
}

/// `urlunparse((scheme, netloc, path, params, query, fragment))`, Python 3.11's.
pub fn unparse(
    scheme: &str,
    netloc: &str,
    path: &str,
    params: &str,
    query: &str,
    fragment: &str,
) -> String {
    let mut out = String::with_capacity(
        scheme.len() + netloc.len() + path.len() + params.len() + query.len() + fragment.len() + 8,
    );
    if !scheme.is_empty() {
        out.push_str(scheme);
        out.push(':');
    }
    let mut url_path = String::with_capacity(path.len() + params.len() + 1);
    url_path.push_str(path);
    if !params.is_empty() {
        url_path.push(';');
        url_path.push_str(params);
    }
    let needs_slashes = !netloc.is_empty()
        || (!scheme.is_empty() && USES_NETLOC.contains(&scheme) && !url_path.starts_with("//"));
    if needs_slashes {
        out.push_str("//");
        out.push_str(netloc);
        if !url_path.is_empty() && !url_path.starts_with('/') {
            out.push('/');
        }
    }
    out.push_str(&url_path);
    if !query.is_empty() {
        out.push('?');
        out.push_str(query);
    }
    if !fragment.is_empty() {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// `urljoin(base, reference)`. Errors are those `urlsplit` raises for either text.
pub fn join(base: &str, reference: &str) -> Result<String, Error> {
    if base.is_empty() {
        return Ok(reference.to_owned());
    }
    if reference.is_empty() {
        return Ok(base.to_owned());
    }
    let b = Split::parse(base)?;
    let r = Split::parse_with_default(reference, Some(b.scheme()))?;
    let scheme = r.scheme();
    if scheme != b.scheme() || !USES_RELATIVE.contains(&scheme) {
        return Ok(reference.to_owned());
    }
    let mut netloc = r.netloc();
    if USES_NETLOC.contains(&scheme) {
        if !netloc.is_empty() {
            return Ok(unparse(
                scheme,
                netloc,
                r.path(),
                r.params(),
                r.query(),
                r.fragment(),
            ));
        }
        netloc = b.netloc();
    }
    let (path, params) = (r.path(), r.params());
    if path.is_empty() && params.is_empty() {
        let query = if r.query().is_empty() {
            b.query()
        } else {
            r.query()
        };
        return Ok(unparse(
            scheme,
            netloc,
            b.path(),
            b.params(),
            query,
            r.fragment(),
        ));
    }
    let resolved = merge(b.path(), path);
    let resolved = if resolved.is_empty() { "/" } else { &resolved };
    Ok(unparse(
        scheme,
        netloc,
        resolved,
        params,
        r.query(),
        r.fragment(),
    ))
}

/// The segment walk of Python's `urljoin`, step for step.
fn merge(base_path: &str, path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    if path.starts_with('/') {
        segments.extend(path.split('/'));
    } else {
        segments.extend(base_path.split('/'));
        // The base's last segment is a file name, not a directory, unless it is empty.
        if segments.last().is_some_and(|s| !s.is_empty()) {
            segments.pop();
        }
        segments.extend(path.split('/'));
        // `segments[1:-1] = filter(None, segments[1:-1])`
        if segments.len() > 2 {
            let last = segments.len() - 1;
            let mut i = 0;
            segments.retain(|s| {
                let keep = i == 0 || i == last || !s.is_empty();
                i += 1;
                keep
            });
        }
    }
    let mut resolved: Vec<&str> = Vec::with_capacity(segments.len());
    for seg in &segments {
        match *seg {
            ".." => {
                resolved.pop();
            }
            "." => {}
            other => resolved.push(other),
        }
    }
    if matches!(segments.last(), Some(&".") | Some(&"..")) {
        resolved.push("");
    }
    resolved.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "http://a/b/c/d;p?q";

    /// RFC 3986 §5.4.1 and §5.4.2; Python 3.11 gives the RFC's answer for every one (`http:g`
    /// is the RFC's "backward compatible" reading).
    #[test]
    fn rfc3986_normal_and_abnormal_examples() {
        let cases = [
            ("g:h", "g:h"),
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q#s"),
            ("g#s", "http://a/b/c/g#s"),
            ("g?y#s", "http://a/b/c/g?y#s"),
            (";x", "http://a/b/c/;x"),
            ("g;x", "http://a/b/c/g;x"),
            ("g;x?y#s", "http://a/b/c/g;x?y#s"),
            ("", "http://a/b/c/d;p?q"),
            (".", "http://a/b/c/"),
            ("./", "http://a/b/c/"),
            ("..", "http://a/b/"),
            ("../", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../..", "http://a/"),
            ("../../", "http://a/"),
            ("../../g", "http://a/g"),
            ("../../../g", "http://a/g"),
            ("../../../../g", "http://a/g"),
            ("/./g", "http://a/g"),
            ("/../g", "http://a/g"),
            ("g.", "http://a/b/c/g."),
            (".g", "http://a/b/c/.g"),
            ("g..", "http://a/b/c/g.."),
            ("..g", "http://a/b/c/..g"),
            ("./../g", "http://a/b/g"),
            ("./g/.", "http://a/b/c/g/"),
            ("g/./h", "http://a/b/c/g/h"),
            ("g/../h", "http://a/b/c/h"),
            ("g;x=1/./y", "http://a/b/c/g;x=1/y"),
            ("g;x=1/../y", "http://a/b/c/y"),
            ("g?y/./x", "http://a/b/c/g?y/./x"),
            ("g?y/../x", "http://a/b/c/g?y/../x"),
            ("g#s/./x", "http://a/b/c/g#s/./x"),
            ("g#s/../x", "http://a/b/c/g#s/../x"),
            ("http:g", "http://a/b/c/g"),
        ];
        for (reference, want) in cases {
            assert_eq!(join(BASE, reference).unwrap(), want, "{reference}");
        }
    }

    #[test]
    fn different_scheme_or_non_relative_scheme_returns_reference() {
        assert_eq!(join("mailto:a@b", "c").unwrap(), "c");
        assert_eq!(join("http://a/b", "https:c").unwrap(), "https:c");
        assert_eq!(join("telnet://h/x", "y").unwrap(), "y");
    }

    #[test]
    fn netkit_tls_twins_join_like_their_plain_scheme() {
        assert_eq!(
            join("imaps://h/INBOX/a", "Sent").unwrap(),
            "imaps://h/INBOX/Sent"
        );
        assert!(is_netkit_extension("imaps"));
        assert!(!is_netkit_extension("imap"));
    }

    #[test]
    fn unparse_mirrors_python() {
        assert_eq!(unparse("http", "", "", "", "", ""), "http://");
        assert_eq!(unparse("http", "h", "p", "", "", ""), "http://h/p");
        assert_eq!(unparse("mailto", "", "a@b", "", "", ""), "mailto:a@b");
        assert_eq!(unparse("", "", "p", "x", "q", "f"), "p;x?q#f");
    }
}
