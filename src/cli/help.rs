//! Long help shared by `--help` and the man pages (xtask renders these as EXAMPLES), so the
//! examples a user reads are the ones the code ships with.

pub const ROOT: &str = "\
Examples:
  netkit urlquote 'a b&c'                  # a%20b%26c
  netkit urlparse --json 'imaps://alice@mail.example.org/INBOX'
  netkit hostinfo localhost
  netkit --install ~/.local/bin            # then: urlquote 'a b'
  netkit --uninstall ~/.local/bin          # removes only links to this netkit
  netkit --list
  netkit completions bash > ~/.local/share/bash-completion/completions/netkit
  netkit man fetch | man -l -

Each command is also reachable through a link named after it (netkit --install DIR).
Exit codes: 0 ok, 1 refused, 2 usage, 3 resolve, 4 connect, 5 timeout, 6 tls, 7 auth,
8 protocol, 9 local-io, 10 check-failed, 11 temporary, 12 partial, 130 interrupted.";

pub const COMPLETIONS: &str = "\
bash, zsh and fish scripts also complete the command names that netkit --install links
(urlquote, fetch, ...) as netkit NAME; elvish and PowerShell complete netkit only.

Examples:
  netkit completions bash > ~/.local/share/bash-completion/completions/netkit
  netkit completions zsh > ~/.zfunc/_netkit       # with fpath+=(~/.zfunc) in ~/.zshrc
  netkit completions fish > ~/.config/fish/completions/netkit.fish
  source <(netkit completions bash)               # this shell only";

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
Order per URL: --default-scheme, parse, --join, --set (in order), then output:
--get text, else --json, else the new URL (after --join/--set), else one
'name: value' line per component.

--get names: {url} {scheme} {user} {password} {host} {host_unicode} {port}
{default_port} {netloc} {path} {params} {query} {fragment} {query:KEY};
{{ and }} are literal braces. {port} is the explicit port, else the scheme's
default (as trurl has it); {default_port} is the default alone.

--set parts: scheme user password host port path params query fragment. Values
are kept as written; characters that would change the URL's structure (and
space, controls, non-ASCII, a stray %) are percent-encoded. An empty value
removes the part.

Absent user, password, host and port are null in JSON (Python's None); other
absent components are \"\" (as Python gives them).

Examples:
  netkit urlparse 'imap://alice@mail.example.org/INBOX'
  netkit urlparse --json 'https://bücher.example/a?x=1#top' | jq .host
  netkit urlparse --join ../d 'http://a/b/c/d;p?q'     # http://a/b/d
  netkit urlparse --get '{host}:{port}' 'nntp://news.example.org/comp.lang.rust'
  netkit urlparse --set scheme=https --set port=8443 'http://example.org/x'
  netkit urlparse --json < urls.txt        # JSON Lines; bad lines on stderr, exit 12";

pub const HOSTINFO: &str = "\
Modes:
  hostinfo NAME...            system resolver (getaddrinfo): every address, canonical name
  hostinfo ADDR...            reverse lookup (getnameinfo)
  hostinfo                    this host: name, FQDN, interfaces and their addresses
  hostinfo --service S        services database: smtp, 25, 443/tcp, domain/udp
  hostinfo --byteorder N      htons/ntohs and htonl/ntohl of N (decimal or 0x hex)
  hostinfo --dns SERVER NAME  ask one DNS server directly (UDP, TCP when truncated)

Output:
  NAME has address A / NAME has IPv6 address A / NAME is an alias for CANON
  ADDR has name NAME
  IFACE FAMILY ADDR/PREFIX FLAGS      (one line per interface address)
  NAME PORT/PROTO [aliases: A B]
  --dns: zone-file lines NAME TTL CLASS TYPE DATA (as dig's answer section);
  --short: the addresses, name, port or DATA alone, one per line.
  --json: one document per NAME (JSON Lines for several).

Exit: 0 ok; 3 name/service not found, NXDOMAIN, or no record of that type (NODATA);
1 REFUSED; 11 SERVFAIL; 4 DNS server port closed; 5 no reply within --timeout (3 UDP tries)
or resolver slower than --connect-timeout; 8 malformed DNS reply; 12 some NAMEs failed.

The static build (scripts/package static) carries no glibc NSS modules: its system lookups
read /etc/hosts and ask the DNS servers of /etc/resolv.conf only (no mDNS, LDAP, or
systemd-resolved through NSS). --dns and --service work the same in both builds.

Examples:
  netkit hostinfo                          # host name, FQDN, interfaces
  netkit hostinfo localhost ::1
  netkit hostinfo --service smtp           # 25/tcp
  netkit hostinfo --byteorder 258          # htons 513 = 0x0201
  netkit hostinfo --dns 127.0.0.1:5353 --type MX netkit.test
  netkit hostinfo --json example.org | jq -r '.addresses[]'";

pub const SMTP_SEND: &str = "\
The message is a raw RFC 5322 file (or - for stdin) sent as it is, with Date and
Message-ID added when absent; or, with --subject/--body/--body-file/--attach/--header,
one composed as MIME from the flags. --bcc recipients never appear in a header.
Attachments (and a --body-file over 1 MiB) are streamed from their files as base64 while
DATA is sent: memory stays flat whatever their size. Stdin from a pipe and other
non-regular inputs are spooled to a temporary file after the server's EHLO (a raw
message's header block, which names its sender and recipients, before connecting), up to
256 MiB (or --max-size) and its SIZE, stopping as they pass it; a message over --max-size or the
server's SIZE is refused (exit 1) before MAIL FROM. -m covers the whole run, reading the
input included.
TLS: smtps:// is implicit TLS; smtp:// upgrades with STARTTLS when offered (--tls auto),
must upgrade (--tls required, exit 6 otherwise) or never does (--tls none). Credentials
go in clear text only to a loopback host or with --tls none.
Output: one line per recipient (accepted or refused, with the server's reply), then the
queue reply; --json: server, tls, auth, message_id, size, recipients, queue_reply, timings.
Exit: 0 all accepted; 12 some refused (the others got the message); 1 all refused or the
message refused; 11 temporary (4xx); 7 authentication; 6 TLS; 5 timeout.

Examples:
  netkit smtp-send smtp://127.0.0.1:2525 --from me@example.org --to you@example.org \\
      --subject 'Build 42' --body 'All green.'
  netkit smtp-send smtps://mail.example.org -u alice --password-file ~/.pw \\
      --from alice@example.org --to bob@example.org --attach report.pdf --body 'See attached'
  netkit smtp-send mail.example.org --submission --tls required --to ops@example.org msg.eml
  netkit smtp-send smtp://mx.example.org --dry-run --from a@example.org --to b@example.org - < msg.eml";
pub const TIMESERVER: &str = "\
Examples:
  netkit timeserver                        # daytime on port 8888, TCP+UDP, IPv4+IPv6
  netkit timeserver -p 0 --once            # first line: the port picked; serve one client
  netkit timeserver --proto time -l 127.0.0.1 -p 3737 --log json
  netkit timeserver --proto ntp -p 1123 --stratum 8
  netkit timeserver --format rfc3339 --max-conns 256
  # xinetd: server = /usr/bin/netkit, server_args = timeserver --inetd --proto time
Stops on SIGINT/SIGTERM after the exchanges in flight, printing `served N clients, E errors`.
Socket activation: sockets passed as LISTEN_FDS (systemd .socket units) replace -l/-p.";

pub const TIMECLIENT: &str = "\
Examples:
  netkit timeclient                        # daytime from localhost:8888 over TCP
  netkit timeclient --proto time --udp 127.0.0.1:3737
  netkit timeclient ntp://pool.ntp.org -n 4 --json
  netkit timeclient --proto ntp --max-offset 0.5 ntp1:123 ntp2:123 || alert
  netkit timeclient daytime://time.nist.gov
Exit 10 when an offset exceeds --max-offset; with several servers, the worst code wins.";

pub const FETCH: &str = "\
Without -o or -O the body goes to stdout (binary data is refused on a terminal). Files are
written as NAME.part, fsynced and renamed when complete and checked: a file under its final
name is always whole, and -C resumes a NAME.part left by a failed or interrupted run.

HTTP errors (>= 400) fail: nothing is written under the -o name, the first 512 bytes of the
error body are shown on stderr, and the exit code says why (1; 7 for 401/407; 11 for 408,
429, 503). --no-fail writes the error body and exits 0. Redirects are followed (at most
--max-redirs); credentials from -u, the URL or netrc go only to the origin they were given
for, and https -> http is refused without --allow-downgrade. -t bounds the wait for the
response headers and any silence in the body; -m the whole run, retries included.

With --json, one object per URL on stdout: url, effective_url, status, http_version,
headers, bytes, content_type, file, sha256, redirects, timings (dns, connect, tls,
first_byte, total in seconds), retries, resumed_from. Proxies: --proxy, else http_proxy
(lower case only), https_proxy, all_proxy; no_proxy or --noproxy exempt hosts.

ftp:// and ftps:// URLs go through netkit's FTP module (as `netkit ftp get`) with -o, -O,
--output-dir, -C and --sha256; the HTTP-only flags (-X, -d, -F, -T, -H, -I, -P) are refused.
gopher:// and gophers:// URLs go through netkit's Gopher module (as `netkit gopher`): menus
rendered, text un-stuffed, binaries saved with -o, -O, --output-dir and --sha256 (no -C).

Examples:
  netkit fetch https://example.org/ > page.html
  netkit fetch -O https://example.org/files/app.tar.gz --sha256 9f86d0...
  netkit fetch -C -O --retry 5 https://example.org/big.iso    # resume what is there
  netkit fetch -I https://example.org/                      # status line and headers
  netkit fetch --json -o /dev/null https://example.org/ | jq .timings
  netkit fetch -d 'q=rust&n=1' https://example.org/search
  netkit fetch -F name=me -F file=@photo.jpg https://example.org/upload
  netkit fetch -P 4 -O --output-dir dl $(cat urls.txt)      # exit 12 if some failed";

pub const POP: &str = "\
ACTION is one of ls, get, rm, stat, fetch; options go before or after it. The user comes from
the URL (pop3://USER@host), -u or ~/.netrc. pop3:// upgrades with STLS when CAPA offers it
(--tls required insists, --tls none never asks); pop3s:// is implicit TLS on port 995. Login:
the strongest SASL mechanism offered, else APOP when the greeting has a timestamp, else
USER/PASS; --auth picks one. Credentials are not sent in clear text to a non-loopback server
unless --tls none.

ls prints NUMBER SIZE UID per message (--json: number, uid, size); stat prints COUNT OCTETS
(--json: count, octets; --check exits 1 when there is none). get N (or --uid UIDL) writes the
message as RETR gives it to stdout or -o FILE; --headers uses TOP N 0. rm deletes only the
numbers or --uid ids given.

fetch saves every message (--new: those not saved before) into --maildir DIR (tmp/ new/ cur/,
made when missing; files byte-identical to RETR) or --mbox FILE (mboxrd, LF line ends, flock
and FILE.lock). Per message: RETR, write, fsync, rename, directory fsync, record the UIDL in
the state file (DIR/.netkit-state or FILE.netkit-state, fsynced), and only then DELE with
--delete. A kill at any point loses nothing and a re-run with --new neither duplicates nor
skips; a second run on the same destination exits 11 while the first holds the state lock.
A message the server refuses (-ERR) is skipped and the run exits 12.

Examples:
  netkit pop stat --check pop3s://me@mail.example.org
  netkit pop ls --json pop3s://me@mail.example.org | jq -r '.uid'
  netkit pop fetch pop3s://me@mail.example.org --maildir ~/Mail/inbox --new --delete
  netkit pop get pop3s://me@mail.example.org 3 --headers";

pub const NNTP: &str = "\
ACTION is one of groups, group, over, hdr, article, head, body, stat, post, date, newnews,
newgroups; options go before or after it. The group is the URL's path (nntp://host/GROUP,
RFC 5538); nntps:// (snews://) is implicit TLS on port 563, nntp:// (news://) upgrades with
STARTTLS when CAPABILITIES offers it (--tls required insists, --tls none never asks). With
NNTPSERVER set (host, host:port or a URL), operands that are not URLs are read against that
server: `netkit nntp over local.test 100-`. With credentials (URL user, -u, ~/.netrc),
AUTHINFO USER/PASS is sent right after the greeting (after STARTTLS); --auth plain uses
AUTHINFO SASL PLAIN. A 480 (login needed) without credentials exits 7; no such group or
article exits 1. MODE READER is sent where the server asks for it. --check asks DATE, or
GROUP when the URL names a group (no such group: exit 1, CRITICAL with --nagios).

groups [WILDMAT] prints NAME FIRST LAST STATUS DESCRIPTION, tab-separated (LIST ACTIVE and
LIST NEWSGROUPS; --json: group, first, last, status, description). group prints NAME COUNT
FIRST LAST (--json: group, count, first, last). over [RANGE] prints NUMBER SUBJECT FROM DATE
MESSAGE-ID REFERENCES, tab-separated, one line an article (--json: one object a line with
number, subject, from, date, message_id, references, bytes, lines); without RANGE (N, N- or
N-M) the whole group is listed; OVER falls back to XOVER. A malformed overview line is
skipped with a warning and the run exits 12. over --new lists only articles after the
high-water mark of the last --new run, kept in $XDG_STATE_HOME/netkit/newsrc (default
~/.local/state/netkit/newsrc; --state FILE) as `group: 1-N` lines under [host:port]; the
first run lists everything; the mark moves only once the listing is written. hdr HEADER
[RANGE] prints NUMBER VALUE (HDR, else XHDR).

article, head, body and stat take article numbers, ranges (gaps skipped) or <message-id>s
(also nntp://host/<id>). One article goes to stdout (LF line ends) or -o FILE; several need
--output-dir DIR (files DIR/NUMBER, each written atomically) or --json (number, message_id,
article). Commands are pipelined 16 deep. stat prints NUMBER <MESSAGE-ID>.

post sends FILE (or stdin) as it is, adding Newsgroups: (the URL's group), Message-ID: and
Date: when absent; or composes from --from, --subject, --body/--body-file and --header (MIME,
as smtp-send). Line ends go out as CRLF, lines starting with '.' are dot-stuffed. It prints
`posted <id> to GROUPS` (--json: server, message_id, newsgroups, size, reply); 440/441 exit 1.
date prints the server's clock in RFC 3339 UTC. newnews [WILDMAT] --since TIME prints
message-ids; newgroups --since TIME prints new groups (TIME: YYYY-MM-DD, RFC 3339, or Unix
seconds).

Examples:
  netkit nntp groups nntps://news.example.org 'comp.lang.*'
  netkit nntp over nntp://news.example.org/comp.lang.rust 1000-
  NNTPSERVER=news.example.org netkit nntp over --new comp.lang.rust | mail -s digest me
  netkit nntp article nntp://news.example.org/comp.lang.rust 1234
  netkit nntp post nntp://me@news.example.org/local.test --from me@example.org \\
      --subject 'Hello' --body 'First post'
  netkit nntp date news.example.org";

pub const IMAP: &str = "\
ACTION is one of ls, status, search, get, export, append, flag, mv, cp, rm, idle, quote;
options go before or after it. BOX is the positional after the URL, or the URL's path
(imap://host/INBOX). Names are given and shown as UTF-8 (modified UTF-7 on the wire, or
UTF-8 when the server accepts it). imap:// upgrades with STARTTLS when offered (--tls
required insists, --tls none never asks); imaps:// is implicit TLS on port 993. Login: the
strongest SASL mechanism offered, else the LOGIN command; --auth picks one. Credentials are
not sent in clear text to a non-loopback server unless --tls none.

Reads never set \\Seen: ls, status, search, get and export use EXAMINE and BODY.PEEK.
ls [PATTERN] and status print MAILBOX, MESSAGES, UNSEEN, UIDNEXT, UIDVALIDITY tab-separated
(--json: mailbox, messages, unseen, uidnext, uidvalidity; one object a line). search BOX
[KEY…] prints matching UIDs one a line; keys pass as IMAP SEARCH words, anything else as a
string; --from, --subject, --since/--before YYYY-MM-DD and --unseen add criteria. get BOX UID
[--section HEADER|TEXT|1.2] writes the message or section as on the wire to stdout or -o FILE.

export BOX --maildir DIR | --mbox FILE [--new] saves messages in UID ranges, each fsynced and
recorded in the state file (DIR/.netkit-state or FILE.netkit-state) by UIDVALIDITY and UID: a
kill loses nothing and a re-run with --new neither duplicates nor skips. A changed
UIDVALIDITY exports everything again under the new numbering, with a warning.

append BOX FILE… [--flags FLAG] uploads (line ends made CRLF; - is stdin). flag BOX UID… +FLAG|-FLAG…
(-- before a -FLAG is accepted). cp|mv SRC UID… DEST: MOVE when offered, else COPY, then
\\Deleted and UID EXPUNGE of exactly those UIDs. rm BOX UID… needs UIDPLUS: a plain EXPUNGE
would remove other clients' \\Deleted messages too. idle BOX [--wait SECS] exits 0 when new
mail arrives, 1 when SECS pass (IDLE renewed every 29 minutes). quote COMMAND… prints the
responses as received; NO exits 1, [UNAVAILABLE] 11.

Examples:
  netkit imap ls --json imaps://me@mail.example.org | jq -r 'select(.unseen > 0) | .mailbox'
  netkit imap search imaps://me@mail.example.org INBOX --unseen --since 2026-12-01
  netkit imap export imaps://me@mail.example.org/INBOX --maildir ~/Mail/inbox --new
  netkit imap idle imaps://me@mail.example.org INBOX --wait 600 && notify-send 'new mail'
  netkit imap flag imaps://me@mail.example.org INBOX 42 43 +\\Seen -- -\\Flagged";

pub const TELNET: &str = "\
TARGET is telnet://HOST[:PORT] or HOST, with an optional PORT after it (default 23).

Scripted (CI): --send TEXT sends TEXT and CR LF; --expect REGEX waits for REGEX in the text
received since the previous match, for at most -t seconds. Steps run in command-line order
(or one a line from --script FILE: `send TEXT` or `expect REGEX`; blank and # lines ignored);
what arrives goes to stdout. A step not matched in time, or before the server closes, ends
the run with exit 10 naming the step and its REGEX. --json prints one document at the end:
steps (step, kind, text, ok, seconds), ok, received. -v shows steps and option negotiation.

Without steps, stdin that is not a terminal goes to the server (LF sent as CR LF) and the
server's data to stdout; after stdin ends, the server has -t seconds of silence to finish.
On a terminal: interactive, with the terminal in raw mode (restored on every way out,
SIGTERM included); ^] opens a prompt (quit, send brk, status; an empty line goes back).
Negotiation: the server's ECHO, SGA and BINARY are accepted; netkit offers BINARY, SGA, TTYPE
($TERM) and NAWS (the window size, updated on resize); everything else is refused, and an
option that keeps changing is answered a bounded number of times. --check only connects
(exit 0, 4 refused, 5 timed out).

Examples:
  netkit telnet 127.0.0.1 2323 --expect 'login: ' --send admin --expect '\\$ $' \\
    --send 'show version' --expect 'Version'
  netkit telnet router.example.org --script login.steps -t 5    # password kept out of ps
  netkit telnet --check router.example.org
  printf 'GET / HTTP/1.0\\n\\n' | netkit telnet example.org 80";

pub const GOPHER: &str = "\
URL is gopher://HOST[:PORT]/TYPE SELECTOR (RFC 4266; the selector percent-encoded) or
HOST[:PORT] for the root menu; port 70. gophers:// is Gopher over TLS from the first byte; it
has no registered port, so it defaults to 70 too (servers that offer TLS detect it on their
gopher port). What is done depends on the item type, the first character of the path:

Menus (1, and 7 searches: --query Q sends SELECTOR TAB Q) print one line per menu line as it
arrives: TYPE TAB TEXT TAB URL for items (the item's RFC 4266 URL, always with its port; an h
item with a URL: selector shows that URL; items of a gophers:// server on its own host and
port are gophers://), info lines (i) as their text alone. --json prints one record a line,
info lines included: type, text, selector, host, port, url (null for info lines). A line
without TABs is shown as text and a line missing its host or port takes the server's, with a
warning; Gopher+ fields and attribute blocks are ignored. A menu that ends without its final
'.' line prints what came and exits 8; an error answer (a type 3 line, or Gophernicus's
'Error: ...') exits 1.

Text (0) prints with LF line ends and the stuffing dots removed (a server that does not stuff,
as Gophernicus, is recognised by its first line starting with one dot); --raw prints any item
exactly as sent. Binaries (9, g, I, s, 5, ;, d and every other type) are refused to a
terminal: -o FILE, -O (the selector's last component, sanitised) or a pipe. Files are written
to FILE.part and renamed when the server has closed normally; a dropped connection (reset,
or a TLS close without close_notify) exits 8 and leaves no file. --sha256 HEX checks the item
(exit 10, file not kept). --json with a file prints url, type, bytes, file, sha256, seconds.
-t bounds each silence and each menu or text line, -m the whole run (exit 5).

Examples:
  netkit gopher gopher.floodgap.com
  netkit gopher gopher://gopher.floodgap.com/7/v2/vs --query 'rust' --json | jq -r .url
  netkit gopher gopher://example.org/9/pub/file.tar.gz -O
  netkit gopher gopher://example.org/0/about.txt | less";

pub const FTP: &str = "\
ACTION is one of ls, get, put, rm, mkdir, rmdir, mv, size, mtime, quote; options go before or
after it. URL paths are percent-decoded and relative to the login directory (%2F at the start
makes them absolute). No user name: anonymous login (password netkit@).

Passive mode by default: EPSV, else PASV with the address in its reply ignored (the control
connection's peer is used). --active: EPRT, else PORT, from the control connection's local
address. ftp:// upgrades with AUTH TLS when offered (--tls required insists, --tls none never
asks) and then protects data connections (PBSZ 0, PROT P) with the control session resumed;
ftps:// is implicit TLS on port 990. Credentials are not sent in clear text to a non-loopback
server unless --tls none.

get writes NAME.part, checks its size against SIZE, sets the server's MDTM time, fsyncs and
renames: a file under its final name is always whole, and -C resumes the .part with REST.
Without -o the name is the URL's last component (sanitised); -o - writes to stdout. put
uploads FILE to URL (a URL ending in / takes FILE's name; put - URL streams stdin), checks
SIZE afterwards and sets MFMT where offered; -C resumes from the remote size, --append uses
APPE.

get -r URL DIR puts the remote directory's contents into DIR (created); without DIR into
./NAME, NAME being the remote directory's name (a URL naming the login directory needs DIR:
a whole server into the current directory, with --delete, is not a default; so does a name
that is no safe local one, such as ~, ~user or ...). put -r leaves
local *.part files (unfinished downloads) out and reports each as skipped.

SIGINT or SIGTERM during a transfer closes the data connection and sends ABOR (no Telnet
IP/Synch), reads its replies for at most 2 s, then exits 130 with the .part kept for -C; a
second signal, or 3 s, ends the run whatever the server does.

ls hides names starting with '.' unless -a (-a sends LIST -a, which vsftpd needs to show them).

Output: ls prints names (-l: type, permissions, size, time, name; --json: one object per
entry with name, type, size, modified, perms, unique); size prints bytes; mtime prints RFC
3339 UTC; quote prints the reply (4xx exits 11, 5xx exits 1).

Examples:
  netkit ftp ls ftp://ftp.example.org/pub/
  netkit ftp get ftp://ftp.example.org/pub/file.tar.gz -C
  netkit ftp put report.pdf ftp://me@example.org/incoming/ --password-file pw
  netkit ftp ls --json ftps://me@example.org/ | jq -r 'select(.type==\"file\") | .name'
  netkit ftp mv ftp://me@example.org/tmp/a.txt done/a.txt
  netkit ftp quote ftp://me@example.org/ SITE CHMOD 644 a.txt";
