#!/usr/bin/env python3
"""Generate tests/data/python/quote_cases.json: the Python parity table for `netkit urlquote`.

Every case is computed by CPython's own urllib.parse (3.11), so the Rust library is checked
against the reference implementation rather than against our reading of it. Byte strings are
stored as lowercase hex so JSON can carry input and output that is not UTF-8.

Deterministic: hand-picked cases plus a seeded random sample. Run from the repository root:

    python3 scripts/gen-quote-cases.py > tests/data/python/quote_cases.json
"""

import json
import random
import sys
import urllib.parse as up

# Hand-picked inputs: reserved and unreserved characters, unicode, controls, CR/DEL, and
# every shape of broken escape that unquote must leave alone.
TEXTS = [
    "",
    "abc",
    "a b",
    "a+b",
    "a b+c",
    "/path/to file",
    "~user/_x-y.z",
    "!*'();:@&=+$,/?#[]",
    "100% sure",
    "%",
    "%%",
    "%%41",
    "%4",
    "%4g",
    "%zz",
    "%41%42%43",
    "%e2%82%ac",
    "%E2%82%AC",
    "%e2%82",
    "%e2%82x",
    "%ff%fe",
    "%c3%28",
    "%f0%80%80",
    "%ed%a0%80",
    "%f4%90%80%80",
    "%00",
    "%0a%0D",
    "%2B+%20",
    "%+4",
    "%2",
    "a%",
    "a%2",
    "caf\u00e9",
    "\u20ac 5",
    "\U0001f600",
    "\u65e5\u672c\u8a9e",
    "tab\there",
    "cr\rlf",
    "del\x7f",
    "nul\x00",
    "\"<>`{}|\\^",
    "a=1&b=2",
    "&&&",
    "=",
    "==",
    "a==b",
    "k&k=&=v",
    "x=%zz&y=%e2%82",
    "caf%C3%A9=%E2%82%AC",
    "%e2%82\u00e9%ac",
    "\u00e9%a9",
    "%c3\u00e9",
]

SAFES = ["/", "", "/:", "=&", "+", " ", "%", "~", "abc", "/?#[]@!$&'()*+,;=", "\u00e9/"]

# Random strings drawn from an alphabet weighted towards the characters that matter.
ALPHABET = list("aZ09-._~ /?#[]@!$&'()*+,;=%\"<>\\^`{|}") + list("0123456789abcdefABCDEF%%%") + [
    "\u00e9",
    "\u20ac",
    "\U0001f600",
    "\t",
    "\x7f",
    "\r",
]


def hexs(b: bytes) -> str:
    return b.hex()


def random_texts(rng: random.Random, n: int) -> list:
    out = []
    for _ in range(n):
        length = rng.randint(0, 16)
        out.append("".join(rng.choice(ALPHABET) for _ in range(length)))
    return out


def random_bytes(rng: random.Random, n: int) -> list:
    return [bytes(rng.randrange(256) for _ in range(rng.randint(0, 12))) for _ in range(n)]


def main() -> None:
    rng = random.Random(20240601)
    texts = TEXTS + random_texts(rng, 60)
    raw = random_bytes(rng, 20) + [b"\xff", b"\x80abc", b"a\xc3", b"%\xff", b"%e2%82\xac"]
    cases = []

    for s in texts:
        for safe in (["/", "", "=&"] if s not in TEXTS else SAFES):
            cases.append({"fn": "quote", "input": hexs(s.encode()), "safe": safe,
                          "expect": up.quote(s, safe=safe)})
        for safe in ["", "/", "+"]:
            cases.append({"fn": "quote_plus", "input": hexs(s.encode()), "safe": safe,
                          "expect": up.quote_plus(s, safe=safe)})
        # unquote_to_bytes is what the CLI prints; unquote (errors='replace') is the text form.
        cases.append({"fn": "unquote", "input": hexs(s.encode()),
                      "expect_bytes": hexs(up.unquote_to_bytes(s)), "expect": up.unquote(s)})
        plus_bytes = up.unquote_to_bytes(s.replace("+", " "))
        cases.append({"fn": "unquote_plus", "input": hexs(s.encode()),
                      "expect_bytes": hexs(plus_bytes), "expect": up.unquote_plus(s)})

    for b in raw:
        cases.append({"fn": "quote", "input": hexs(b), "safe": "/", "expect": up.quote(b)})
        cases.append({"fn": "quote_plus", "input": hexs(b), "safe": "",
                      "expect": up.quote_plus(b)})
        cases.append({"fn": "unquote", "input": hexs(b),
                      "expect_bytes": hexs(up.unquote_to_bytes(b)), "expect": up.unquote(b)})

    forms = [
        [],
        [["a", "1"]],
        [["a", "1"], ["a", "2"], ["b", ""]],
        [["q", "hello world"], ["lang", "en"]],
        [["", "v"], ["k", ""]],
        [["k&y", "v=w"], ["x+y", "a/b?c#d"]],
        [["caf\u00e9", "\u20ac5"], ["\U0001f600", "~_.-"]],
        [["reserved", "!*'();:@&=+$,/?#[]"]],
        [["pct", "100%"], ["nl", "a\nb"]],
    ]
    for pairs in forms:
        for safe in ["", "/", ":/"]:
            cases.append({"fn": "urlencode", "pairs": pairs, "safe": safe,
                          "expect": up.urlencode([tuple(p) for p in pairs], safe=safe)})
    for _ in range(20):
        pairs = [[rng.choice(texts), rng.choice(texts)] for _ in range(rng.randint(1, 4))]
        cases.append({"fn": "urlencode", "pairs": pairs, "safe": "",
                      "expect": up.urlencode([tuple(p) for p in pairs])})

    queries = [s for s in TEXTS] + [
        "a=1&a=2&b=3",
        "b=1&a=2&b=3",
        "a=&b&c=3",
        "a;b=1&c=2",
        "q=hello+world&q=%2B",
        "x=a=b=c",
        "&a=1&&b=2&",
        "=1&=2",
        "k=%e2%82%ac&k=%ff",
        "name=caf\u00e9&n%C3%A9=x",
        "+=+&%20=%20",
    ] + ["&".join(rng.choice(texts) for _ in range(rng.randint(1, 4))) for _ in range(30)]
    for qs in queries:
        for keep in (False, True):
            qsl = up.parse_qsl(qs, keep_blank_values=keep)
            qsd = up.parse_qs(qs, keep_blank_values=keep)
            cases.append({"fn": "parse_qsl", "input": hexs(qs.encode()), "keep_blank": keep,
                          "expect": [list(p) for p in qsl]})
            cases.append({"fn": "parse_qs", "input": hexs(qs.encode()), "keep_blank": keep,
                          "expect": [[k, v] for k, v in qsd.items()]})

    doc = {
        "generator": "scripts/gen-quote-cases.py",
        "python": "%d.%d" % sys.version_info[:2],
        "cases": cases,
    }
    # One case a line: small diffs when Python or the generator changes.
    out = sys.stdout
    out.write('{"generator": %s, "python": %s, "cases": [\n' % (
        json.dumps(doc["generator"]), json.dumps(doc["python"])))
    out.write(",\n".join(json.dumps(c, ensure_ascii=False) for c in cases))
    out.write("\n]}\n")


if __name__ == "__main__":
    main()
