#!/usr/bin/env python3
"""Deterministic bench input: N mixed lines (ASCII words, reserved characters, UTF-8 text,
URLs of netkit's schemes). Usage: gen_lines.py quote|urls N > file"""
import random
import sys

WORDS = ["alpha", "beta", "gamma", "path/to/file", "a b c", "x&y=z", "100%", "café",
         "naïve résumé", "日本語", "emoji😀", "q?r#s", "semi;colon", "plus+sign", "tilde~",
         "<tag>", "\"quoted\"", "back\\slash", "pipe|bar", "C:\\temp", "~user", "é/è"]
SCHEMES = ["http", "https", "ftp", "imaps", "pop3", "smtp", "nntp", "gopher", "telnet"]
HOSTS = ["example.org", "mail.example.com", "127.0.0.1", "[::1]", "bücher.example",
         "news.netkit.test", "localhost"]


def quote_line(rng):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6)))


def url_line(rng):
    scheme = rng.choice(SCHEMES)
    user = rng.choice(["", "alice@", "bob:secret@", "u%40x:p%3Aw@"])
    port = rng.choice(["", ":8080", ":993", ":21"])
    path = "/".join(rng.choice(["a", "b", "dir", "file.txt", "%7Euser", "INBOX"])
                    for _ in range(rng.randint(0, 4)))
    query = rng.choice(["", "?q=rust+lang&page=2", "?a=1&a=2&b", "?x=%C3%A9"])
    frag = rng.choice(["", "#top", "#sec-2"])
    return f"{scheme}://{user}{rng.choice(HOSTS)}{port}/{path}{query}{frag}"


def main():
    kind, n = sys.argv[1], int(sys.argv[2])
    rng = random.Random(1234)
    make = quote_line if kind == "quote" else url_line
    out = sys.stdout
    for _ in range(n):
        out.write(make(rng) + "\n")


if __name__ == "__main__":
    main()
