//! Long help shared by `--help` and the man pages (xtask renders these as EXAMPLES), so the
//! examples a user reads are the ones the code ships with.

pub const ROOT: &str = "\
Examples:
  netkit urlquote 'a b&c'                  # a%20b%26c
  netkit urlparse --json 'imaps://alice@mail.example.org/INBOX'
  netkit hostinfo localhost
  netkit --install ~/.local/bin            # then: urlquote 'a b'
  netkit --list

Each command is also reachable through a link named after it (netkit --install DIR).
Commands marked (not built yet) answer with exit 2 until their issue lands.
Exit codes: 0 ok, 1 refused, 2 usage, 3 resolve, 4 connect, 5 timeout, 6 tls, 7 auth,
8 protocol, 9 local-io, 10 check-failed, 11 temporary, 12 partial, 130 interrupted.";

pub const URLQUOTE: &str = "\
Without TEXT, stdin is read line by line (LF ends a line; a CR before it is data) and each
line gives one output line. Decoding writes the decoded bytes as they are, UTF-8 or not.
Python equivalents: default quote(s, safe='/'); --plus quote_plus(s, safe='');
-d unquote_to_bytes(s); -d --plus unquote_plus; --form urlencode(pairs);
--parse-query parse_qs(qs); --pairs parse_qsl(qs); --keep-blank keep_blank_values=True.

Examples:
  netkit urlquote 'a b/c'                         # a%20b/c
  netkit urlquote --plus 'a b&c'                  # a+b%26c
  netkit urlquote -d 'caf%C3%A9'                  # café
  netkit urlquote --form q='x y' --form n=1       # q=x+y&n=1
  netkit urlquote --parse-query 'a=1&a=2&b=3'     # {\"a\":[\"1\",\"2\"],\"b\":[\"3\"]}
  cut -f2 urls.tsv | netkit urlquote -d           # one output line per input line";

pub const URLPARSE: &str = "\
Examples:
  netkit urlparse 'imap://alice@mail.example.org/INBOX'
  netkit urlparse --json 'https://bücher.example/a?x=1#top' | jq .host
  netkit urlparse --join ../d 'http://a/b/c/d;p?q'     # http://a/b/d
  netkit urlparse --get '{host}:{port}' 'nntp://news.example.org/comp.lang.rust'
  netkit urlparse --set scheme=https --set port=8443 'http://example.org/x'
  netkit urlparse --json < urls.txt        # JSON Lines; bad lines on stderr, exit 12";

pub const HOSTINFO: &str = "\
Examples:
  netkit hostinfo                          # host name, FQDN, interfaces
  netkit hostinfo localhost ::1
  netkit hostinfo --service smtp           # 25/tcp
  netkit hostinfo --byteorder 258          # htons 513 = 0x0201
  netkit hostinfo --dns 127.0.0.1:5353 --type MX netkit.test
  netkit hostinfo --json example.org | jq -r '.addresses[]'";
