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
Examples:
  netkit urlquote 'a b/c'                  # a%20b/c        (quote, safe '/')
  netkit urlquote --plus 'a b/c'           # a+b%2Fc        (quote_plus)
  netkit urlquote -d 'caf%C3%A9'           # café           (unquote)
  netkit urlquote --form q='rust lang' --form page=2   # q=rust+lang&page=2
  netkit urlquote --parse-query 'a=1&a=2&b=x+y'        # {\"a\":[\"1\",\"2\"],\"b\":[\"x y\"]}
  cut -f2 urls.tsv | netkit urlquote -d    # one output line per input line";

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
