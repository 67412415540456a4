
use builtin;
use str;

set edit:completion:arg-completer[netkit] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'netkit'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'netkit'= {
            cand --install 'Symlink every command name in DIR to this binary'
            cand --list 'Print the command names, one a line'
            cand --force 'With --install: replace files that are not links to netkit'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand timeserver 'Serve daytime, time and SNTP'
            cand timeclient 'Ask a daytime, time or NTP server for the time'
            cand fetch 'Download over HTTP and HTTPS (FTP and Gopher with their commands)'
            cand ftp 'FTP and FTPS client: ls, get, put, rm, mkdir, rmdir, mv, size, mtime, quote'
            cand smtp-send 'Send mail over SMTP: a raw message or one composed from flags'
            cand pop 'POP3 client: list, fetch, delete mail (not built yet)'
            cand imap 'IMAP client: list, search, export, flag mail (not built yet)'
            cand nntp 'NNTP client: groups, overviews, articles, posting (not built yet)'
            cand telnet 'Telnet client, interactive or scripted (not built yet)'
            cand gopher 'Gopher client (not built yet)'
            cand urlquote 'Percent-encode and decode text like Python''s urllib.parse'
            cand urlparse 'Split, join, build and template URLs'
            cand hostinfo 'Look up names, addresses, services and DNS records'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netkit;timeserver'= {
            cand -l 'Address to listen on (repeatable); default: every IPv4 and IPv6 address'
            cand --listen 'Address to listen on (repeatable); default: every IPv4 and IPv6 address'
            cand -p 'Port of every listener; 0 picks a free one and prints it as the first line'
            cand --port 'Port of every listener; 0 picks a free one and prints it as the first line'
            cand --proto 'Protocol to serve'
            cand --format 'Daytime line format [default: ctime]'
            cand --stratum 'NTP: serve the local clock as a source of this stratum (1-15), leap 0. Without it replies say stratum 10, leap 3 (not synchronised), so clients do not take this clock as a source'
            cand --max-conns 'Most TCP clients open at once'
            cand --log 'Per-client log on stdout'
            cand --tcp 'Serve TCP (default: TCP and UDP; NTP is UDP only)'
            cand --udp 'Serve UDP (default: TCP and UDP)'
            cand --once 'Serve one client, then exit'
            cand --inetd 'Serve one exchange on stdin/stdout, for inetd/xinetd (logs go to stderr)'
            cand --json 'The same as --log json (every command''s --json)'
            cand -q 'No per-client log and no summary (errors still go to stderr)'
            cand --quiet 'No per-client log and no summary (errors still go to stderr)'
            cand -4 'Listen on IPv4 only'
            cand --ipv4 'Listen on IPv4 only'
            cand -6 'Listen on IPv6 only'
            cand --ipv6 'Listen on IPv6 only'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netkit;timeclient'= {
            cand --proto 'Protocol to ask with (a URL''s scheme wins) [default: daytime]'
            cand --max-offset 'Exit 10 when a server''s |offset| exceeds SECS'
            cand --format 'How to print the server''s time'
            cand -n 'NTP: samples to take; the one with the smallest delay is reported'
            cand --samples 'NTP: samples to take; the one with the smallest delay is reported'
            cand --retries 'UDP: tries after the first when no reply comes (--timeout is shared between them)'
            cand --connect-timeout 'Seconds for resolve + connect + TLS handshake'
            cand -t 'Longest silence, in seconds, on an established connection'
            cand --timeout 'Longest silence, in seconds, on an established connection'
            cand -m 'Hard deadline, in seconds, for the whole command'
            cand --max-time 'Hard deadline, in seconds, for the whole command'
            cand --udp 'Daytime and time over UDP instead of TCP (NTP is always UDP)'
            cand -4 'IPv4 addresses only'
            cand --ipv4 'IPv4 addresses only'
            cand -6 'IPv6 addresses only'
            cand --ipv6 'IPv6 addresses only'
            cand --json 'Machine-readable result on stdout'
            cand -v 'Protocol transcript on stderr (-vv adds timestamps)'
            cand --verbose 'Protocol transcript on stderr (-vv adds timestamps)'
            cand -q 'Nothing on stderr but errors'
            cand --quiet 'Nothing on stderr but errors'
            cand --no-progress 'Never draw progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netkit;fetch'= {
            cand -o 'Write the body to FILE (via FILE.part, renamed when complete) instead of stdout'
            cand --output 'Write the body to FILE (via FILE.part, renamed when complete) instead of stdout'
            cand --output-dir 'Directory for -O files'
            cand -X 'Request method (default GET; POST with -d/-F; PUT with -T)'
            cand --request 'Request method (default GET; POST with -d/-F; PUT with -T)'
            cand -H 'Extra request header ''Name: value''; repeat for more'
            cand --header 'Extra request header ''Name: value''; repeat for more'
            cand -d 'POST data, form-encoded; @FILE reads FILE (line ends removed), @- reads stdin; repeated values are joined with &'
            cand --data 'POST data, form-encoded; @FILE reads FILE (line ends removed), @- reads stdin; repeated values are joined with &'
            cand --data-binary 'POST data sent exactly as given; @FILE and @- as for -d, bytes kept'
            cand -F 'Multipart form field NAME=VALUE or NAME=@FILE (streamed); repeat for more'
            cand --form 'Multipart form field NAME=VALUE or NAME=@FILE (streamed); repeat for more'
            cand -T 'Upload FILE as the request body (PUT unless -X says otherwise)'
            cand --upload-file 'Upload FILE as the request body (PUT unless -X says otherwise)'
            cand --max-redirs 'Most redirects to follow before giving up (exit 8)'
            cand --retry 'Retry up to N times on connect errors, timeouts, drops, 408, 429 and (for GET, HEAD, PUT, DELETE) 5xx, backing off 1, 2, 4… s or as Retry-After says (a Retry-After over 2 min fails at once); a partial file is resumed with Range'
            cand --sha256 'Fail with exit 10 unless the body''s SHA-256 is HEX; the file is then not kept'
            cand --limit-rate 'Most bytes per second (suffixes K, M, G: 1024-based)'
            cand --max-filesize 'Refuse bodies larger than SIZE (exit 1), from Content-Length or as the body passes it'
            cand -P 'Fetch N URLs at a time (needs -O or --json with files)'
            cand --parallel 'Fetch N URLs at a time (needs -O or --json with files)'
            cand -A 'User-Agent header (default netkit/VERSION)'
            cand --user-agent 'User-Agent header (default netkit/VERSION)'
            cand --proxy 'Proxy URL (http://HOST:PORT) instead of http_proxy/https_proxy/all_proxy; "" for none'
            cand --noproxy 'Comma list of hosts that bypass the proxy (instead of no_proxy); * for all'
            cand --connect-timeout 'Seconds for resolve + connect + TLS handshake'
            cand -t 'Longest silence, in seconds, on an established connection'
            cand --timeout 'Longest silence, in seconds, on an established connection'
            cand -m 'Hard deadline, in seconds, for the whole command'
            cand --max-time 'Hard deadline, in seconds, for the whole command'
            cand --tls 'TLS for plain schemes: auto, required or none'
            cand --cacert 'Extra trust anchor (PEM), added to the system store'
            cand -u 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)'
            cand --user 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)'
            cand --password-file 'Read the password from the first line of FILE'
            cand --netrc-file 'Read credentials from FILE instead of ~/.netrc'
            cand -O 'Name the file after the URL''s last path segment (one file per URL)'
            cand --remote-name 'Name the file after the URL''s last path segment (one file per URL)'
            cand -J 'With -O: take the name from Content-Disposition when the server sends one'
            cand --remote-header-name 'With -O: take the name from Content-Disposition when the server sends one'
            cand -C 'Resume from the size of FILE.part (curl''s -C - is the same)'
            cand --continue 'Resume from the size of FILE.part (curl''s -C - is the same)'
            cand --clobber 'Replace an existing file whose name came from the server (-J)'
            cand -I 'HEAD request: print the status line and headers only'
            cand --head 'HEAD request: print the status line and headers only'
            cand -i 'Print the status line and headers before the body'
            cand --include 'Print the status line and headers before the body'
            cand -L 'Follow redirects (the default; accepted for curl habits)'
            cand --location 'Follow redirects (the default; accepted for curl habits)'
            cand --no-location 'Do not follow redirects: print or save the 3xx response itself'
            cand --allow-downgrade 'Follow a redirect from https to plain http'
            cand --compressed 'Ask for gzip or brotli and decode it while streaming'
            cand --no-fail 'Write the body of an HTTP error (≥ 400) too, and exit 0'
            cand -4 'IPv4 addresses only'
            cand --ipv4 'IPv4 addresses only'
            cand -6 'IPv6 addresses only'
            cand --ipv6 'IPv6 addresses only'
            cand -k 'Do not verify certificates (warns on stderr)'
            cand --insecure 'Do not verify certificates (warns on stderr)'
            cand --no-netrc 'Never read a netrc file'
            cand --json 'Machine-readable result on stdout'
            cand -v 'Protocol transcript on stderr (-vv adds timestamps)'
            cand --verbose 'Protocol transcript on stderr (-vv adds timestamps)'
            cand -q 'Nothing on stderr but errors'
            cand --quiet 'Nothing on stderr but errors'
            cand --no-progress 'Never draw progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netkit;ftp'= {
            cand -o 'get: write to FILE (via FILE.part); `-` for stdout. Default: the URL''s file name'
            cand --output 'get: write to FILE (via FILE.part); `-` for stdout. Default: the URL''s file name'
            cand --sha256 'get: fail with exit 10 unless the file''s SHA-256 is HEX (the file is then not kept)'
            cand --exclude '-r: leave out names matching GLOB (*, ?, [...]) at any depth; repeatable'
            cand -P '-r: transfer N files at a time over N connections'
            cand --parallel '-r: transfer N files at a time over N connections'
            cand --connect-timeout 'Seconds for resolve + connect + TLS handshake'
            cand -t 'Longest silence, in seconds, on an established connection'
            cand --timeout 'Longest silence, in seconds, on an established connection'
            cand -m 'Hard deadline, in seconds, for the whole command'
            cand --max-time 'Hard deadline, in seconds, for the whole command'
            cand --tls 'TLS for plain schemes: auto, required or none'
            cand --cacert 'Extra trust anchor (PEM), added to the system store'
            cand -u 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)'
            cand --user 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)'
            cand --password-file 'Read the password from the first line of FILE'
            cand --netrc-file 'Read credentials from FILE instead of ~/.netrc'
            cand -l 'ls: long form (type, permissions, size, time, name)'
            cand --long 'ls: long form (type, permissions, size, time, name)'
            cand -O 'get: name the local file after the URL (the default; for curl''s muscle memory)'
            cand --remote-name 'get: name the local file after the URL (the default; for curl''s muscle memory)'
            cand -C 'get: resume from FILE.part (REST); put: resume the remote file from its size'
            cand --continue 'get: resume from FILE.part (REST); put: resume the remote file from its size'
            cand --append 'put: append to the remote file (APPE)'
            cand -r 'ls: the whole tree; get -r URL [DIR]: mirror the remote directory into DIR; put -r DIR URL: mirror DIR onto the server'
            cand --recursive 'ls: the whole tree; get -r URL [DIR]: mirror the remote directory into DIR; put -r DIR URL: mirror DIR onto the server'
            cand --newer 'get -r: skip files whose size and time already match'
            cand --delete 'get -r: remove local files and directories the server does not have'
            cand -p 'mkdir: create missing parent directories too'
            cand --parents 'mkdir: create missing parent directories too'
            cand --active 'Active mode: the server connects back (EPRT, else PORT)'
            cand --ascii 'TYPE A (text, line ends converted by the server) instead of binary'
            cand -4 'IPv4 addresses only'
            cand --ipv4 'IPv4 addresses only'
            cand -6 'IPv6 addresses only'
            cand --ipv6 'IPv6 addresses only'
            cand -k 'Do not verify certificates (warns on stderr)'
            cand --insecure 'Do not verify certificates (warns on stderr)'
            cand --no-netrc 'Never read a netrc file'
            cand --json 'Machine-readable result on stdout'
            cand -v 'Protocol transcript on stderr (-vv adds timestamps)'
            cand --verbose 'Protocol transcript on stderr (-vv adds timestamps)'
            cand -q 'Nothing on stderr but errors'
            cand --quiet 'Nothing on stderr but errors'
            cand --no-progress 'Never draw progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netkit;smtp-send'= {
            cand --max-size 'Refuse to send more than BYTES (exit 1), checked while reading the message, stdin, --body-file and --attach, so an endless input stops as it passes it; the server''s SIZE limit applies too. A composed message''s inputs stop at 256 MiB without it'
            cand --from 'Envelope sender and From: (default: the From: of a raw message)'
            cand --to 'Recipient (To: header and envelope); repeat for more. With none of --to/--cc/--bcc, a raw message''s To:, Cc: and Bcc: are the recipients (as sendmail -t), and its Bcc: is removed before sending'
            cand --cc 'Recipient in Cc: and the envelope; repeat for more'
            cand --bcc 'Envelope-only recipient: never in a header; repeat for more'
            cand --subject 'Subject of a composed message'
            cand --body 'Body text of a composed message'
            cand --body-file 'Body text of a composed message, from FILE'
            cand --attach 'Attach FILE (base64, type from its name); repeat for more'
            cand --header 'Extra header ''Name: value'' for a composed message; repeat for more'
            cand --notify 'DSN: NEVER, or a comma list of SUCCESS, FAILURE, DELAY (when the server offers DSN)'
            cand --ret 'DSN: return FULL message or HDRS only in bounces'
            cand --auth 'SASL mechanism: PLAIN, LOGIN, CRAM-MD5 or XOAUTH2 (default: strongest offered)'
            cand --oauth2-token-file 'OAuth2 bearer token for XOAUTH2, first line of FILE'
            cand --helo 'Name to send in EHLO (default: this host''s name)'
            cand --connect-timeout 'Seconds for resolve + connect + TLS handshake'
            cand -t 'Longest silence, in seconds, on an established connection'
            cand --timeout 'Longest silence, in seconds, on an established connection'
            cand -m 'Hard deadline, in seconds, for the whole command'
            cand --max-time 'Hard deadline, in seconds, for the whole command'
            cand --tls 'TLS for plain schemes: auto, required or none'
            cand --cacert 'Extra trust anchor (PEM), added to the system store'
            cand -u 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)'
            cand --user 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)'
            cand --password-file 'Read the password from the first line of FILE'
            cand --netrc-file 'Read credentials from FILE instead of ~/.netrc'
            cand --allow-empty 'Send an empty raw message anyway (by default empty input is refused: a cron job''s empty stdin is a mistake, not a message)'
            cand --submission 'Port 587 (message submission) when the URL names no port'
            cand --dry-run 'Go up to RCPT, then RSET and QUIT: nothing is delivered'
            cand -4 'IPv4 addresses only'
            cand --ipv4 'IPv4 addresses only'
            cand -6 'IPv6 addresses only'
            cand --ipv6 'IPv6 addresses only'
            cand -k 'Do not verify certificates (warns on stderr)'
            cand --insecure 'Do not verify certificates (warns on stderr)'
            cand --no-netrc 'Never read a netrc file'
            cand --json 'Machine-readable result on stdout'
            cand -v 'Protocol transcript on stderr (-vv adds timestamps)'
            cand --verbose 'Protocol transcript on stderr (-vv adds timestamps)'
            cand -q 'Nothing on stderr but errors'
            cand --quiet 'Nothing on stderr but errors'
            cand --no-progress 'Never draw progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netkit;pop'= {
        }
        &'netkit;imap'= {
        }
        &'netkit;nntp'= {
        }
        &'netkit;telnet'= {
        }
        &'netkit;gopher'= {
        }
        &'netkit;urlquote'= {
            cand --safe 'ASCII characters to leave unquoted besides A-Za-z0-9_.-~ (default ''/'', '''' with --plus and --form); non-ASCII characters here are ignored, as Python ignores them'
            cand --component 'Quote with the URL Standard''s percent-encode set of this component instead'
            cand --form 'Build a query string from KEY=VALUE pairs, in order, repeated keys kept (urlencode). Repeatable, or several values after one --form'
            cand --parse-query 'Parse a query string into a JSON object of lists (parse_qs)'
            cand -d 'Decode (unquote) instead of quoting; with --plus, ''+'' is a space too'
            cand --decode 'Decode (unquote) instead of quoting; with --plus, ''+'' is a space too'
            cand --plus 'Form style: a space is ''+'' (quote_plus / unquote_plus); --safe defaults to '''''
            cand --pairs 'With --parse-query: a JSON list of [key, value] pairs in order (parse_qsl)'
            cand --keep-blank 'With --parse-query: keep fields with empty values (''a='' and a bare ''a'')'
            cand --json 'JSON Lines: one {"input", "output"} object per TEXT or input line (text made valid UTF-8 with U+FFFD); --form prints {"output"}; --parse-query prints JSON either way'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netkit;urlparse'= {
            cand --join 'Resolve REF against each URL, as Python''s urljoin(URL, REF)'
            cand --set 'Change PART of each URL; repeatable; without URL arguments, build one URL'
            cand --get 'Print TEMPLATE for each URL instead of its components'
            cand --default-scheme 'Read text without a scheme (host, host:port, //host) as SCHEME://text'
            cand --json 'JSON output: one object per URL (JSON Lines)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netkit;hostinfo'= {
            cand --service 'Look up a service by name or port in the services database (default proto tcp; repeatable)'
            cand --byteorder 'Show N in host and network byte order (16 and 32 bits)'
            cand --dns 'Ask this DNS server directly: ADDR, ADDR:PORT, [V6ADDR]:PORT or a name'
            cand --type 'Record type to ask a DNS server for (default A). Without --dns or @SERVER, the first nameserver of /etc/resolv.conf is asked, as dig does'
            cand --connect-timeout 'Seconds for resolve + connect + TLS handshake'
            cand -t 'Longest silence, in seconds, on an established connection'
            cand --timeout 'Longest silence, in seconds, on an established connection'
            cand -m 'Hard deadline, in seconds, for the whole command'
            cand --max-time 'Hard deadline, in seconds, for the whole command'
            cand --tcp 'DNS: use TCP only'
            cand --no-edns 'DNS: send no EDNS(0) option (UDP replies then stop at 512 bytes)'
            cand --short 'Print only the data: addresses, names, ports, record DATA'
            cand -4 'IPv4 addresses only'
            cand --ipv4 'IPv4 addresses only'
            cand -6 'IPv6 addresses only'
            cand --ipv6 'IPv6 addresses only'
            cand --json 'Machine-readable result on stdout'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netkit;help'= {
            cand timeserver 'Serve daytime, time and SNTP'
            cand timeclient 'Ask a daytime, time or NTP server for the time'
            cand fetch 'Download over HTTP and HTTPS (FTP and Gopher with their commands)'
            cand ftp 'FTP and FTPS client: ls, get, put, rm, mkdir, rmdir, mv, size, mtime, quote'
            cand smtp-send 'Send mail over SMTP: a raw message or one composed from flags'
            cand pop 'POP3 client: list, fetch, delete mail (not built yet)'
            cand imap 'IMAP client: list, search, export, flag mail (not built yet)'
            cand nntp 'NNTP client: groups, overviews, articles, posting (not built yet)'
            cand telnet 'Telnet client, interactive or scripted (not built yet)'
            cand gopher 'Gopher client (not built yet)'
            cand urlquote 'Percent-encode and decode text like Python''s urllib.parse'
            cand urlparse 'Split, join, build and template URLs'
            cand hostinfo 'Look up names, addresses, services and DNS records'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netkit;help;timeserver'= {
        }
        &'netkit;help;timeclient'= {
        }
        &'netkit;help;fetch'= {
        }
        &'netkit;help;ftp'= {
        }
        &'netkit;help;smtp-send'= {
        }
        &'netkit;help;pop'= {
        }
        &'netkit;help;imap'= {
        }
        &'netkit;help;nntp'= {
        }
        &'netkit;help;telnet'= {
        }
        &'netkit;help;gopher'= {
        }
        &'netkit;help;urlquote'= {
        }
        &'netkit;help;urlparse'= {
        }
        &'netkit;help;hostinfo'= {
        }
        &'netkit;help;help'= {
        }
    ]
    $completions[$command]
}
