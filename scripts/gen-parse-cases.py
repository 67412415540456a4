#!/usr/bin/env python3
"""Generate tests/data/python/parse_cases.json: Python 3.11's urllib.parse answers that
netkit's URL parser is checked against (src/url/parse/python_cases.rs and
tests/integration/urlparse.rs).

Deterministic: fixed case lists, no randomness, sorted keys. Run from the repository root:
    python3 scripts/gen-parse-cases.py
"""

import json
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlparse

PARSE = [
    # the common shapes
    "http://www.example.com/",
    "https://user:pass@www.example.com:8443/a/b;p?q=1&r=2#frag",
    "HTTP://WWW.EXAMPLE.COM/Path",
    "http://example.com",
    "http://example.com?q",
    "http://example.com#f",
    "http://example.com/?",
    "http://example.com/#",
    "http://example.com:/",
    "http://example.com:0/",
    "http://example.com:0080/",
    "http://example.com:65535/",
    "ftp://ftp.example.org/pub/file.tar.gz",
    "ftp://anonymous:guest@ftp.example.org:2121/pub/;type=i",
    "file:///etc/passwd",
    "file://localhost/etc/hosts",
    "mailto:alice@example.org",
    "mailto:alice@example.org?subject=hi%20there",
    "urn:isbn:0451450523",
    "tel:+1-201-555-0123",
    "news:comp.lang.rust",
    "data:text/plain;base64,SGVsbG8=",
    # netkit's schemes (SPEC §2)
    "imap://alice@mail.example.org/INBOX",
    "imaps://alice;AUTH=PLAIN@mail.example.org:993/INBOX;UIDVALIDITY=1/;UID=20",
    "pop3://bob:secret@pop.example.org",
    "pop3s://pop.example.org:995/",
    "smtp://relay.example.org:587",
    "smtps://[2001:db8::25]:465",
    "nntp://news.example.org/comp.lang.rust/12345",
    "nntps://news.example.org:563/alt.test",
    "snews://news.example.org/alt.test",
    "gopher://gopher.floodgap.com/1/world",
    "gopher://gopher.example.org:7070/7/search%09rust",
    "gophers://gopher.example.org/0/file.txt",
    "telnet://towel.blinkenlights.nl",
    "telnet://user:pw@bbs.example.org:2323/",
    "ws://example.org/chat",
    "wss://example.org:8443/chat?room=1",
    # IPv6 and IPvFuture
    "http://[::1]/",
    "http://[::1]:8080/x",
    "http://[2001:DB8::A]:80/",
    "http://[fe80::1%25eth0]/",
    "http://[fe80::822a:a8ff:fe49:470c%tESt]:1234/keys",
    "http://[::ffff:192.0.2.1]/",
    "http://user@[::1]:21/",
    "http://[v1.fe80::a+en1]/",
    "http://[::1]:/",
    # errors Python raises
    "http://[::1/",
    "http://::1]/",
    "http://[1.2.3.4]/",
    "http://[::g]/",
    "http://[v.x]/",
    "http://example.com:99999/",
    "http://example.com:65536/",
    "http://example.com:8a/",
    "http://example.com:-80/",
    "http://example.com:1:2/",
    "http://evil\u2100.example/",
    # userinfo edge cases
    "http://@example.com/",
    "http://:@example.com/",
    "http://user:@example.com/",
    "http://:pw@example.com/",
    "http://a:b:c@example.com/",
    "http://a@b@example.com/",
    "http://a%40b:c%3Ad@example.com/",
    "http://user@/",
    "http://:80/",
    # paths, params, queries, fragments
    "http://example.com/a;b/c;d;e",
    "http://example.com/;x",
    "http://example.com/a?b?c#d#e",
    "http://example.com/a#b?c",
    "http://example.com/?a=1&&b&c=%ZZ&d=%C3%BC+x&=e&f=1=2",
    "http://example.com/?q=caf%C3%A9&x=%E2%82",
    "http://example.com/?a=1;b=2",
    "gopher://example.com/a;b",
    "//example.com/path",
    "//user@example.com:81",
    "/just/a/path?q#f",
    "relative/path;p?q",
    "?only=query",
    "#only-fragment",
    "",
    # Python's leniency: bare host:port reads as a scheme, stripping rules
    "example.com:80",
    "localhost:8080/path",
    "example.com",
    "1.2.3.4:80",
    "  http://example.com/lead-space",
    "\x01\x02http://example.com/controls",
    "ht\ttp://exa\nmple.com/p\ra",
    "http://example.com/trailing ",
    "HTTPS+X://Example.COM/",
    "a1+-.z:rest",
    "1a:rest",
    "http:opaque",
    "http:/one-slash",
    "http:///three-slashes",
    # non-ASCII and percent-encoded hosts
    "http://b\u00fccher.example/",
    "http://xn--bcher-kva.example/",
    "http://user:p\u00e4ss@b\u00fccher.example:81/\u00fc?\u00e4=\u00f6",
    "http://ex%41mple.com/",
]

RFC3986_BASE = "http://a/b/c/d;p?q"
RFC3986 = [
    # §5.4.1 normal examples
    "g:h", "g", "./g", "g/", "/g", "//g", "?y", "g?y", "#s", "g#s", "g?y#s", ";x", "g;x",
    "g;x?y#s", "", ".", "./", "..", "../", "../g", "../..", "../../", "../../g",
    # §5.4.2 abnormal examples
    "../../../g", "../../../../g", "/./g", "/../g", "g.", ".g", "g..", "..g", "./../g",
    "./g/.", "g/./h", "g/../h", "g;x=1/./y", "g;x=1/../y", "g?y/./x", "g?y/../x", "g#s/./x",
    "g#s/../x", "http:g",
]

JOIN = [(RFC3986_BASE, r) for r in RFC3986] + [
    ("http://a/b/c/d;p?q", "https:g"),
    ("http://a/b/c/d;p?q", "https://other/x"),
    ("http://a/b/c/d;p?q", "//other"),
    ("http://a/b/c/d;p?q", "//other/x?y#z"),
    ("http://a/b/c/d;p?q", "?"),
    ("http://a/b/c/d;p?q", "#"),
    ("http://a/b/c/d;p?q", "g?"),
    ("http://a/b/c/d;p?q", "../../../../../g?y#s"),
    ("http://a/b/c/d;p?q", "g//h"),
    ("http://a/b/c/d;p?q", ".//g"),
    ("http://a/b/c/", "../x"),
    ("http://a/b/c/", "."),
    ("http://a/b/c/", ""),
    ("http://a", "b"),
    ("http://a", "../b"),
    ("http://a/", "?x"),
    ("http://a/b?q=1#f", "#g"),
    ("http://a/b?q=1#f", "?r=2"),
    ("http://a/b/", "c;p/d"),
    ("http://a/b/c", "/"),
    ("https://user:pw@host:8443/a/b", "c/../d"),
    ("ftp://ftp.example.org/pub/dir/", "../other/file"),
    ("ftp://ftp.example.org/pub/dir/file", "file2"),
    ("gopher://g.example.org/1/world/", "0/readme"),
    ("nntp://news.example.org/comp.lang/rust", "python"),
    ("imap://mail.example.org/INBOX/sub", "Sent"),
    ("imap://mail.example.org/INBOX", "//other.example.org/Drafts"),
    ("file:///home/user/a.txt", "b.txt"),
    ("file:///home/user/a.txt", "../../etc/x"),
    ("ws://h/chat/room", "lobby"),
    ("mailto:alice@example.org", "bob@example.org"),
    ("telnet://host/x", "y"),
    ("news:comp.lang.rust", "comp.lang.python"),
    ("urn:isbn:1", "2"),
    ("data:text/plain,hello", "x"),
    # netkit's TLS twins and mail schemes: Python does not join these (divergence, see the test)
    ("imaps://mail.example.org/INBOX/sub", "Sent"),
    ("gophers://g.example.org/1/a/", "b"),
    ("nntps://news.example.org/comp.lang/rust", "python"),
    ("ftps://ftp.example.org/pub/a", "b"),
    ("pop3://pop.example.org/", "x"),
    # schemeless bases and references
    ("a/b/c", "d"),
    ("/a/b/c", "../d"),
    ("//h/a", "b"),
    ("", "http://x/"),
    ("http://x/", ""),
    # IPv6 and ports survive joining
    ("http://[::1]:8080/a/b", "c"),
    ("http://[::1]:8080/a/b", "//[::2]/x"),
    ("http://h:81/a", "/b?c#d"),
    # whitespace Python removes
    ("http://a/b/c", " g"),
    ("http://a/b/c", "g\th"),
    ("http://a/b/c", "\tg"),
]


def parse_case(url):
    case = {"url": url}
    try:
        p = urlparse(url)
        case.update(
            scheme=p.scheme,
            netloc=p.netloc,
            path=p.path,
            params=p.params,
            query=p.query,
            fragment=p.fragment,
            username=p.username,
            password=p.password,
            hostname=p.hostname,
            port=p.port,
            query_pairs=[list(kv) for kv in parse_qsl(p.query, keep_blank_values=True)],
            error=None,
        )
    except ValueError as e:
        case = {"url": url, "error": str(e)}
    return case


def join_case(base, ref):
    case = {"base": base, "ref": ref}
    try:
        case.update(result=urljoin(base, ref), error=None)
    except ValueError as e:
        case.update(error=str(e))
    return case


def main():
    if sys.version_info[:2] != (3, 11):
        sys.exit("gen-parse-cases.py: run with Python 3.11 (the version netkit mirrors)")
    root = Path(__file__).resolve().parent.parent
    out = root / "tests" / "data" / "python" / "parse_cases.json"
    data = {
        "python": "%d.%d" % sys.version_info[:2],
        "parse": [parse_case(u) for u in PARSE],
        "join": [join_case(b, r) for b, r in JOIN],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=True) + "\n")
    print(f"{out}: {len(data['parse'])} parse cases, {len(data['join'])} join cases")


if __name__ == "__main__":
    main()
