# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_netkit_global_optspecs
    string join \n list install= uninstall= force h/help V/version
end

function __fish_netkit_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_netkit_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_netkit_using_subcommand
    set -l cmd (__fish_netkit_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c netkit -n "__fish_netkit_needs_command" -l install -d 'Symlink every command name in DIR to this binary (DIR is created if missing)' -r -f -a "(__fish_complete_directories)"
complete -c netkit -n "__fish_netkit_needs_command" -l uninstall -d 'Remove the links in DIR that point at this binary, and nothing else' -r -f -a "(__fish_complete_directories)"
complete -c netkit -n "__fish_netkit_needs_command" -l list -d 'Print the command names, one a line'
complete -c netkit -n "__fish_netkit_needs_command" -l force -d 'With --install: replace files that are not links to netkit'
complete -c netkit -n "__fish_netkit_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_needs_command" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "timeserver" -d 'Serve daytime, time and SNTP'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "timeclient" -d 'Ask a daytime, time or NTP server for the time'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "fetch" -d 'Download over HTTP and HTTPS (FTP and Gopher with their commands)'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "ftp" -d 'FTP and FTPS client: ls, get, put, rm, mkdir, rmdir, mv, size, mtime, quote'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "smtp-send" -d 'Send mail over SMTP: a raw message or one composed from flags'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "pop" -d 'POP3 client: list, get, delete, and fetch mail into a Maildir or mbox'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "imap" -d 'IMAP client: list, search, get, export, append, flag, move and idle'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "nntp" -d 'NNTP client: groups, overviews, headers, articles, posting, new news'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "telnet" -d 'Telnet client: interactive, piped, or scripted --send/--expect steps for CI'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "gopher" -d 'Gopher client: menus, text, searches and binaries over gopher:// and gophers://'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "urlquote" -d 'Percent-encode and decode text like Python\'s urllib.parse'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "urlparse" -d 'Split, join, build and template URLs'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "hostinfo" -d 'Look up names, addresses, services and DNS records'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "completions" -d 'Print the completion script for a shell (the linked command names included)'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "man" -d 'Print a man page in roff (netkit man fetch | man -l -)'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netkit -n "__fish_netkit_using_subcommand timeserver" -s l -l listen -d 'Address to listen on (repeatable); default: every IPv4 and IPv6 address' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand timeserver" -s p -l port -d 'Port of every listener; 0 picks a free one and prints it as the first line' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand timeserver" -l proto -d 'Protocol to serve' -r -f -a "daytime\t'RFC 867: one line of text'
time\t'RFC 868: 4-byte seconds since 1900'
ntp\t'RFC 4330 SNTP (UDP only)'"
complete -c netkit -n "__fish_netkit_using_subcommand timeserver" -l format -d 'Daytime line format [default: ctime]' -r -f -a "ctime\t'Tue Nov 24 18:09:22 2026 (local time, as Python\'s time.ctime())'
rfc3339\t'2026-11-24T18:09:22.123456Z (UTC)'
unix\t'1795543762 (seconds since 1970)'"
complete -c netkit -n "__fish_netkit_using_subcommand timeserver" -l stratum -d 'NTP: serve the local clock as a source of this stratum (1-15), leap 0. Without it replies say stratum 10, leap 3 (not synchronised), so clients do not take this clock as a source' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand timeserver" -l max-conns -d 'Most TCP clients open at once' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand timeserver" -l log -d 'Per-client log on stdout' -r -f -a "text\t'connection from ADDR:PORT'
json\t'JSON Lines'
off\t'No per-client lines (errors still go to stderr)'"
complete -c netkit -n "__fish_netkit_using_subcommand timeserver" -l tcp -d 'Serve TCP (default: TCP and UDP; NTP is UDP only)'
complete -c netkit -n "__fish_netkit_using_subcommand timeserver" -l udp -d 'Serve UDP (default: TCP and UDP)'
complete -c netkit -n "__fish_netkit_using_subcommand timeserver" -l once -d 'Serve one client, then exit'
complete -c netkit -n "__fish_netkit_using_subcommand timeserver" -l inetd -d 'Serve one exchange on stdin/stdout, for inetd/xinetd (logs go to stderr)'
complete -c netkit -n "__fish_netkit_using_subcommand timeserver" -l json -d 'The same as --log json (every command\'s --json)'
complete -c netkit -n "__fish_netkit_using_subcommand timeserver" -s q -l quiet -d 'No per-client log and no summary (errors still go to stderr)'
complete -c netkit -n "__fish_netkit_using_subcommand timeserver" -s 4 -l ipv4 -d 'Listen on IPv4 only'
complete -c netkit -n "__fish_netkit_using_subcommand timeserver" -s 6 -l ipv6 -d 'Listen on IPv6 only'
complete -c netkit -n "__fish_netkit_using_subcommand timeserver" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand timeserver" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -l proto -d 'Protocol to ask with (a URL\'s scheme wins) [default: daytime]' -r -f -a "daytime\t'RFC 867: one line of text'
time\t'RFC 868: 4-byte seconds since 1900'
ntp\t'RFC 4330 SNTP (UDP only)'"
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -l max-offset -d 'Exit 10 when a server\'s |offset| exceeds SECS' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -l format -d 'How to print the server\'s time' -r -f -a "ctime\t'Tue Nov 24 18:09:22 2026 (local time, as Python\'s time.ctime())'
rfc3339\t'2026-11-24T18:09:22.123456Z (UTC)'
unix\t'1795543762 (seconds since 1970)'"
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -s n -l samples -d 'NTP: samples to take; the one with the smallest delay is reported' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -l retries -d 'UDP: tries after the first when no reply comes (--timeout is shared between them)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -l connect-timeout -d 'Seconds for resolve + connect + TLS handshake' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -s t -l timeout -d 'Longest silence, in seconds, on an established connection' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -s m -l max-time -d 'Hard deadline, in seconds, for the whole command' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -l cert-days -d 'With --check: exit 10 when the server\'s certificate expires within N days' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -l expect -d 'With --check: exit 10 unless the greeting or the reply contains TEXT (repeatable: each must be found). telnet: a REGEX step, or with --check one the first bytes match' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -l warn-ms -d 'With --check: a probe slower than MS milliseconds is a warning (exit 0; 1 with --nagios)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -l crit-ms -d 'With --check: a probe slower than MS milliseconds fails (exit 10; 2 with --nagios)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -l udp -d 'Daytime and time over UDP instead of TCP (NTP is always UDP)'
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -s 4 -l ipv4 -d 'IPv4 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -s 6 -l ipv6 -d 'IPv6 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -l json -d 'Machine-readable result on stdout'
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -s v -l verbose -d 'Protocol transcript on stderr (-vv adds timestamps)'
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -s q -l quiet -d 'Nothing on stderr but errors'
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -l check -d 'Probe the service and exit: connect, greeting, TLS per --tls, login when credentials are given, the protocol\'s cheapest request, quit; one line with the timings (--json, --nagios). Each phase must end within -t (tls and connect: plus --connect-timeout). Exit 0, or the code of the first phase that failed'
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -l nagios -d 'With --check: monitoring-plugins output and exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) for Nagios, Icinga, Naemon and Sensu'
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -l no-progress -d 'Never draw progress bars'
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand timeclient" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s o -l output -d 'Write the body to FILE (via FILE.part, renamed when complete) instead of stdout' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l output-dir -d 'Directory for -O files' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s X -l request -d 'Request method (default GET; POST with -d/-F; PUT with -T)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s H -l header -d 'Extra request header \'Name: value\'; repeat for more' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s d -l data -d 'POST data, form-encoded; @FILE reads FILE (line ends removed), @- reads stdin; repeated values are joined with &' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l data-binary -d 'POST data sent exactly as given; @FILE and @- as for -d, bytes kept' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s F -l form -d 'Multipart form field NAME=VALUE or NAME=@FILE (streamed); repeat for more' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s T -l upload-file -d 'Upload FILE as the request body (PUT unless -X says otherwise); - reads stdin (spooled first, up to 256 MiB, so that a retry or redirect can send it again)' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l max-redirs -d 'Most redirects to follow before giving up (exit 8)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l retry -d 'Retry up to N times on connect errors, timeouts, drops, 408, 429 and (for GET, HEAD, PUT, DELETE) 5xx, backing off 1, 2, 4… s or as Retry-After says (a Retry-After over 2 min fails at once); a partial file is resumed with Range' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l sha256 -d 'Fail with exit 10 unless the body\'s SHA-256 is HEX; the file is then not kept' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l limit-rate -d 'Most bytes per second (suffixes K, M, G: 1024-based)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l max-filesize -d 'Refuse bodies larger than SIZE (exit 1), from Content-Length or as the body passes it' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s P -l parallel -d 'Fetch N URLs at a time (needs -O or --json with files)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s A -l user-agent -d 'User-Agent header (default netkit/VERSION)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l proxy -d 'Proxy URL (http://HOST:PORT) instead of http_proxy/https_proxy/all_proxy; "" for none' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l noproxy -d 'Comma list of hosts that bypass the proxy (instead of no_proxy); * for all' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l connect-timeout -d 'Seconds for resolve + connect + TLS handshake' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s t -l timeout -d 'Longest silence, in seconds, on an established connection' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s m -l max-time -d 'Hard deadline, in seconds, for the whole command' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l tls -d 'TLS for plain schemes: auto, required or none' -r -f -a "auto\t'Upgrade when the server offers it'
required\t'Fail (exit 6) when the server does not offer it'
none\t'Never upgrade'"
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l cacert -d 'Extra trust anchor (PEM), added to the system store' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s u -l user -d 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l password-file -d 'Read the password from the first line of FILE' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l netrc-file -d 'Read credentials from FILE instead of ~/.netrc' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l cert-days -d 'With --check: exit 10 when the server\'s certificate expires within N days' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l expect -d 'With --check: exit 10 unless the greeting or the reply contains TEXT (repeatable: each must be found). telnet: a REGEX step, or with --check one the first bytes match' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l warn-ms -d 'With --check: a probe slower than MS milliseconds is a warning (exit 0; 1 with --nagios)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l crit-ms -d 'With --check: a probe slower than MS milliseconds fails (exit 10; 2 with --nagios)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s O -l remote-name -d 'Name the file after the URL\'s last path segment (one file per URL)'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s J -l remote-header-name -d 'With -O: take the name from Content-Disposition when the server sends one'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s C -l continue -d 'Resume from the size of FILE.part (curl\'s -C - is the same)'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l clobber -d 'Replace an existing file whose name came from the server (-J)'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s I -l head -d 'HEAD request: print the status line and headers only'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s i -l include -d 'Print the status line and headers before the body'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s L -l location -d 'Follow redirects (the default; accepted for curl habits)'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l no-location -d 'Do not follow redirects: print or save the 3xx response itself'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l allow-downgrade -d 'Follow a redirect from https to plain http'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l compressed -d 'Ask for gzip or brotli and decode it while streaming'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l no-fail -d 'Write the body of an HTTP error (≥ 400) too, and exit 0'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s 4 -l ipv4 -d 'IPv4 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s 6 -l ipv6 -d 'IPv6 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s k -l insecure -d 'Do not verify certificates (warns on stderr)'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l no-netrc -d 'Never read a netrc file'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l json -d 'Machine-readable result on stdout'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s v -l verbose -d 'Protocol transcript on stderr (-vv adds timestamps)'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s q -l quiet -d 'Nothing on stderr but errors'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l no-progress -d 'Never draw progress bars'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l check -d 'Probe the service and exit: connect, greeting, TLS per --tls, login when credentials are given, the protocol\'s cheapest request, quit; one line with the timings (--json, --nagios). Each phase must end within -t (tls and connect: plus --connect-timeout). Exit 0, or the code of the first phase that failed'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -l nagios -d 'With --check: monitoring-plugins output and exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) for Nagios, Icinga, Naemon and Sensu'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand fetch" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -s o -l output -d 'get: write to FILE (via FILE.part); `-` for stdout. Default: the URL\'s file name' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -l sha256 -d 'get: fail with exit 10 unless the file\'s SHA-256 is HEX (the file is then not kept)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -l exclude -d '-r: leave out names matching GLOB (*, ?, [...]) at any depth; repeatable' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -s P -l parallel -d '-r: transfer N files at a time over N connections' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -l connect-timeout -d 'Seconds for resolve + connect + TLS handshake' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -s t -l timeout -d 'Longest silence, in seconds, on an established connection' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -s m -l max-time -d 'Hard deadline, in seconds, for the whole command' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -l tls -d 'TLS for plain schemes: auto, required or none' -r -f -a "auto\t'Upgrade when the server offers it'
required\t'Fail (exit 6) when the server does not offer it'
none\t'Never upgrade'"
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -l cacert -d 'Extra trust anchor (PEM), added to the system store' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -s u -l user -d 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -l password-file -d 'Read the password from the first line of FILE' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -l netrc-file -d 'Read credentials from FILE instead of ~/.netrc' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -l cert-days -d 'With --check: exit 10 when the server\'s certificate expires within N days' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -l expect -d 'With --check: exit 10 unless the greeting or the reply contains TEXT (repeatable: each must be found). telnet: a REGEX step, or with --check one the first bytes match' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -l warn-ms -d 'With --check: a probe slower than MS milliseconds is a warning (exit 0; 1 with --nagios)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -l crit-ms -d 'With --check: a probe slower than MS milliseconds fails (exit 10; 2 with --nagios)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -s l -l long -d 'ls: long form (type, permissions, size, time, name)'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -s a -l all -d 'ls: show names starting with \'.\' too (hidden by default, whatever the server does; LIST is sent as LIST -a)'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -s O -l remote-name -d 'get: name the local file after the URL (the default; for curl\'s muscle memory)'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -s C -l continue -d 'get: resume from FILE.part (REST); put: resume the remote file from its size'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -l append -d 'put: append to the remote file (APPE)'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -s r -l recursive -d 'ls: the whole tree; get -r URL [DIR]: mirror the remote directory into DIR (default ./NAME, the remote directory\'s name, created, as lftp\'s mirror); put -r DIR URL: mirror DIR onto the server (local *.part files are left out and reported skipped)'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -l newer -d 'get -r: skip files whose size and time already match'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -l delete -d 'get -r: remove local files and directories the server does not have'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -s p -l parents -d 'mkdir: create missing parent directories too'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -l active -d 'Active mode: the server connects back (EPRT, else PORT)'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -l ascii -d 'TYPE A (text, line ends converted by the server) instead of binary'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -s 4 -l ipv4 -d 'IPv4 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -s 6 -l ipv6 -d 'IPv6 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -s k -l insecure -d 'Do not verify certificates (warns on stderr)'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -l no-netrc -d 'Never read a netrc file'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -l json -d 'Machine-readable result on stdout'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -s v -l verbose -d 'Protocol transcript on stderr (-vv adds timestamps)'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -s q -l quiet -d 'Nothing on stderr but errors'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -l no-progress -d 'Never draw progress bars'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -l check -d 'Probe the service and exit: connect, greeting, TLS per --tls, login when credentials are given, the protocol\'s cheapest request, quit; one line with the timings (--json, --nagios). Each phase must end within -t (tls and connect: plus --connect-timeout). Exit 0, or the code of the first phase that failed'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -l nagios -d 'With --check: monitoring-plugins output and exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) for Nagios, Icinga, Naemon and Sensu'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand ftp" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l max-size -d 'Refuse to send more than BYTES (exit 1): a file over it is refused before it is read, stdin or a pipe as its spooling passes it; the server\'s SIZE limit bounds the spooling too and is checked before MAIL FROM. Input that is not a regular file is spooled to a temporary file after EHLO (a raw message\'s header block before connecting), at most 256 MiB in all without this flag' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l from -d 'Envelope sender and From: (default: the From: of a raw message)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l to -d 'Recipient (To: header and envelope); repeat for more. With none of --to/--cc/--bcc, a raw message\'s To:, Cc: and Bcc: are the recipients (as sendmail -t), and its Bcc: is removed before sending' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l cc -d 'Recipient in Cc: and the envelope; repeat for more' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l bcc -d 'Envelope-only recipient: never in a header; repeat for more' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l subject -d 'Subject of a composed message' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l body -d 'Body text of a composed message' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l body-file -d 'Body text of a composed message, from FILE' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l attach -d 'Attach FILE (base64, type from its name); repeat for more' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l header -d 'Extra header \'Name: value\' for a composed message; repeat for more' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l notify -d 'DSN: NEVER, or a comma list of SUCCESS, FAILURE, DELAY (when the server offers DSN)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l ret -d 'DSN: return FULL message or HDRS only in bounces' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l auth -d 'SASL mechanism: PLAIN, LOGIN, CRAM-MD5 or XOAUTH2 (default: strongest offered)' -r -f -a "PLAIN\t''
LOGIN\t''
CRAM-MD5\t''
XOAUTH2\t''"
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l oauth2-token-file -d 'OAuth2 bearer token for XOAUTH2, first line of FILE' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l helo -d 'Name to send in EHLO (default: this host\'s name)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l connect-timeout -d 'Seconds for resolve + connect + TLS handshake' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -s t -l timeout -d 'Longest silence, in seconds, on an established connection' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -s m -l max-time -d 'Hard deadline, in seconds, for the whole command' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l tls -d 'TLS for plain schemes: auto, required or none' -r -f -a "auto\t'Upgrade when the server offers it'
required\t'Fail (exit 6) when the server does not offer it'
none\t'Never upgrade'"
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l cacert -d 'Extra trust anchor (PEM), added to the system store' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -s u -l user -d 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l password-file -d 'Read the password from the first line of FILE' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l netrc-file -d 'Read credentials from FILE instead of ~/.netrc' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l cert-days -d 'With --check: exit 10 when the server\'s certificate expires within N days' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l expect -d 'With --check: exit 10 unless the greeting or the reply contains TEXT (repeatable: each must be found). telnet: a REGEX step, or with --check one the first bytes match' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l warn-ms -d 'With --check: a probe slower than MS milliseconds is a warning (exit 0; 1 with --nagios)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l crit-ms -d 'With --check: a probe slower than MS milliseconds fails (exit 10; 2 with --nagios)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l allow-empty -d 'Send an empty raw message anyway (by default empty input is refused: a cron job\'s empty stdin is a mistake, not a message)'
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l submission -d 'Port 587 (message submission) when the URL names no port'
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l dry-run -d 'Go up to RCPT, then RSET and QUIT: nothing is delivered'
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -s 4 -l ipv4 -d 'IPv4 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -s 6 -l ipv6 -d 'IPv6 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -s k -l insecure -d 'Do not verify certificates (warns on stderr)'
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l no-netrc -d 'Never read a netrc file'
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l json -d 'Machine-readable result on stdout'
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -s v -l verbose -d 'Protocol transcript on stderr (-vv adds timestamps)'
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -s q -l quiet -d 'Nothing on stderr but errors'
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l no-progress -d 'Never draw progress bars'
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l check -d 'Probe the service and exit: connect, greeting, TLS per --tls, login when credentials are given, the protocol\'s cheapest request, quit; one line with the timings (--json, --nagios). Each phase must end within -t (tls and connect: plus --connect-timeout). Exit 0, or the code of the first phase that failed'
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -l nagios -d 'With --check: monitoring-plugins output and exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) for Nagios, Icinga, Naemon and Sensu'
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand smtp-send" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l uid -d 'get, rm: select by unique id (UIDL) instead of number; repeatable for rm' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand pop" -s o -l output -d 'get: write to FILE (via FILE.part) instead of stdout' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l maildir -d 'fetch: save into the Maildir DIR (created with tmp/ new/ cur/ when missing)' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l mbox -d 'fetch: append to the mboxrd FILE (locked with flock and FILE.lock)' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l limit -d 'fetch: at most N messages this run' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l max-size -d 'fetch: leave messages larger than BYTES on the server' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l auth -d 'Login: USER, APOP, or a SASL mechanism (PLAIN, LOGIN, CRAM-MD5, XOAUTH2); default: the strongest SASL mechanism offered, else APOP, else USER/PASS' -r -f -a "USER\t''
APOP\t''
PLAIN\t''
LOGIN\t''
CRAM-MD5\t''
XOAUTH2\t''"
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l oauth2-token-file -d 'OAuth2 bearer token for XOAUTH2, first line of FILE' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l connect-timeout -d 'Seconds for resolve + connect + TLS handshake' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand pop" -s t -l timeout -d 'Longest silence, in seconds, on an established connection' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand pop" -s m -l max-time -d 'Hard deadline, in seconds, for the whole command' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l tls -d 'TLS for plain schemes: auto, required or none' -r -f -a "auto\t'Upgrade when the server offers it'
required\t'Fail (exit 6) when the server does not offer it'
none\t'Never upgrade'"
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l cacert -d 'Extra trust anchor (PEM), added to the system store' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand pop" -s u -l user -d 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l password-file -d 'Read the password from the first line of FILE' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l netrc-file -d 'Read credentials from FILE instead of ~/.netrc' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l cert-days -d 'With --check: exit 10 when the server\'s certificate expires within N days' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l expect -d 'With --check: exit 10 unless the greeting or the reply contains TEXT (repeatable: each must be found). telnet: a REGEX step, or with --check one the first bytes match' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l warn-ms -d 'With --check: a probe slower than MS milliseconds is a warning (exit 0; 1 with --nagios)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l crit-ms -d 'With --check: a probe slower than MS milliseconds fails (exit 10; 2 with --nagios)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l headers -d 'get: headers only (TOP N 0)'
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l new -d 'fetch: only messages not saved by an earlier run (state in DIR/.netkit-state or FILE.netkit-state)'
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l delete -d 'fetch: delete each message from the server once it is saved and recorded'
complete -c netkit -n "__fish_netkit_using_subcommand pop" -s 4 -l ipv4 -d 'IPv4 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand pop" -s 6 -l ipv6 -d 'IPv6 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand pop" -s k -l insecure -d 'Do not verify certificates (warns on stderr)'
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l no-netrc -d 'Never read a netrc file'
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l json -d 'Machine-readable result on stdout'
complete -c netkit -n "__fish_netkit_using_subcommand pop" -s v -l verbose -d 'Protocol transcript on stderr (-vv adds timestamps)'
complete -c netkit -n "__fish_netkit_using_subcommand pop" -s q -l quiet -d 'Nothing on stderr but errors'
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l no-progress -d 'Never draw progress bars'
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l check -d 'Probe the service and exit: connect, greeting, TLS per --tls, login when credentials are given, the protocol\'s cheapest request, quit; one line with the timings (--json, --nagios). Each phase must end within -t (tls and connect: plus --connect-timeout). Exit 0, or the code of the first phase that failed'
complete -c netkit -n "__fish_netkit_using_subcommand pop" -l nagios -d 'With --check: monitoring-plugins output and exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) for Nagios, Icinga, Naemon and Sensu'
complete -c netkit -n "__fish_netkit_using_subcommand pop" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand pop" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l section -d 'get: the section to fetch (HEADER, TEXT, 1, 1.2, 1.2.MIME…); default the whole message' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand imap" -s o -l output -d 'get: write to FILE (via FILE.part) instead of stdout' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l maildir -d 'export: into the Maildir DIR (created with tmp/ new/ cur/ when missing)' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l mbox -d 'export: append to the mboxrd FILE' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l flags -d 'append: flags for the new messages (`\\Seen`, `\\Flagged`…), repeatable' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l from -d 'search: FROM contains TEXT' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l subject -d 'search: SUBJECT contains TEXT' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l since -d 'search: arrived on or after YYYY-MM-DD (INTERNALDATE)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l before -d 'search: arrived before YYYY-MM-DD' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l wait -d 'idle: exit 1 when SECS pass without new mail (default: wait for ever)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l auth -d 'Login: LOGIN-CMD (the LOGIN command) or a SASL mechanism (PLAIN, LOGIN, CRAM-MD5, XOAUTH2); default: the strongest SASL mechanism offered, else the LOGIN command' -r -f -a "LOGIN-CMD\t''
PLAIN\t''
LOGIN\t''
CRAM-MD5\t''
XOAUTH2\t''"
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l oauth2-token-file -d 'OAuth2 bearer token for XOAUTH2, first line of FILE' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l connect-timeout -d 'Seconds for resolve + connect + TLS handshake' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand imap" -s t -l timeout -d 'Longest silence, in seconds, on an established connection' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand imap" -s m -l max-time -d 'Hard deadline, in seconds, for the whole command' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l tls -d 'TLS for plain schemes: auto, required or none' -r -f -a "auto\t'Upgrade when the server offers it'
required\t'Fail (exit 6) when the server does not offer it'
none\t'Never upgrade'"
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l cacert -d 'Extra trust anchor (PEM), added to the system store' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand imap" -s u -l user -d 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l password-file -d 'Read the password from the first line of FILE' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l netrc-file -d 'Read credentials from FILE instead of ~/.netrc' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l cert-days -d 'With --check: exit 10 when the server\'s certificate expires within N days' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l expect -d 'With --check: exit 10 unless the greeting or the reply contains TEXT (repeatable: each must be found). telnet: a REGEX step, or with --check one the first bytes match' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l warn-ms -d 'With --check: a probe slower than MS milliseconds is a warning (exit 0; 1 with --nagios)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l crit-ms -d 'With --check: a probe slower than MS milliseconds fails (exit 10; 2 with --nagios)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l new -d 'export: only messages not exported before (state by UIDVALIDITY and UID)'
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l unseen -d 'search: not \\Seen'
complete -c netkit -n "__fish_netkit_using_subcommand imap" -s 4 -l ipv4 -d 'IPv4 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand imap" -s 6 -l ipv6 -d 'IPv6 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand imap" -s k -l insecure -d 'Do not verify certificates (warns on stderr)'
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l no-netrc -d 'Never read a netrc file'
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l json -d 'Machine-readable result on stdout'
complete -c netkit -n "__fish_netkit_using_subcommand imap" -s v -l verbose -d 'Protocol transcript on stderr (-vv adds timestamps)'
complete -c netkit -n "__fish_netkit_using_subcommand imap" -s q -l quiet -d 'Nothing on stderr but errors'
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l no-progress -d 'Never draw progress bars'
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l check -d 'Probe the service and exit: connect, greeting, TLS per --tls, login when credentials are given, the protocol\'s cheapest request, quit; one line with the timings (--json, --nagios). Each phase must end within -t (tls and connect: plus --connect-timeout). Exit 0, or the code of the first phase that failed'
complete -c netkit -n "__fish_netkit_using_subcommand imap" -l nagios -d 'With --check: monitoring-plugins output and exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) for Nagios, Icinga, Naemon and Sensu'
complete -c netkit -n "__fish_netkit_using_subcommand imap" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand imap" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l state -d 'over --new: the state file [default: $XDG_STATE_HOME/netkit/newsrc]' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l since -d 'newnews, newgroups: since TIME (YYYY-MM-DD, RFC 3339, or Unix seconds)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -s o -l output -d 'article, head, body: write the one article to FILE (via FILE.part)' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l output-dir -d 'article, head, body: save each article to DIR/NUMBER' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l from -d 'post: compose with this From: address' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l subject -d 'post: the Subject:' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l body -d 'post: the body text' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l body-file -d 'post: the body from FILE (- for stdin)' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l newsgroups -d 'post: the groups to post to (comma-separated), instead of the URL\'s group' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l header -d 'post: an extra header \'Name: value\' (repeatable: References, Followup-To…)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l auth -d 'Login: user (AUTHINFO USER/PASS, the default) or plain (AUTHINFO SASL PLAIN)' -r -f -a "user\t'AUTHINFO USER / AUTHINFO PASS'
plain\t'AUTHINFO SASL PLAIN'"
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l connect-timeout -d 'Seconds for resolve + connect + TLS handshake' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -s t -l timeout -d 'Longest silence, in seconds, on an established connection' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -s m -l max-time -d 'Hard deadline, in seconds, for the whole command' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l tls -d 'TLS for plain schemes: auto, required or none' -r -f -a "auto\t'Upgrade when the server offers it'
required\t'Fail (exit 6) when the server does not offer it'
none\t'Never upgrade'"
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l cacert -d 'Extra trust anchor (PEM), added to the system store' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -s u -l user -d 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l password-file -d 'Read the password from the first line of FILE' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l netrc-file -d 'Read credentials from FILE instead of ~/.netrc' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l cert-days -d 'With --check: exit 10 when the server\'s certificate expires within N days' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l expect -d 'With --check: exit 10 unless the greeting or the reply contains TEXT (repeatable: each must be found). telnet: a REGEX step, or with --check one the first bytes match' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l warn-ms -d 'With --check: a probe slower than MS milliseconds is a warning (exit 0; 1 with --nagios)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l crit-ms -d 'With --check: a probe slower than MS milliseconds fails (exit 10; 2 with --nagios)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l new -d 'over: only articles not listed by an earlier --new run (high-water state file)'
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -s 4 -l ipv4 -d 'IPv4 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -s 6 -l ipv6 -d 'IPv6 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -s k -l insecure -d 'Do not verify certificates (warns on stderr)'
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l no-netrc -d 'Never read a netrc file'
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l json -d 'Machine-readable result on stdout'
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -s v -l verbose -d 'Protocol transcript on stderr (-vv adds timestamps)'
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -s q -l quiet -d 'Nothing on stderr but errors'
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l check -d 'Probe the service and exit: connect, greeting, TLS per --tls, login when credentials are given, the protocol\'s cheapest request, quit; one line with the timings (--json, --nagios). Each phase must end within -t (tls and connect: plus --connect-timeout). Exit 0, or the code of the first phase that failed'
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l nagios -d 'With --check: monitoring-plugins output and exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) for Nagios, Icinga, Naemon and Sensu'
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -l no-progress -d 'Never draw progress bars'
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand nntp" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand telnet" -l send -d 'Send TEXT and CR LF (a step; steps run in command-line order)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand telnet" -l script -d 'Steps from FILE: `expect REGEX` or `send TEXT` a line; blank and # lines ignored' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand telnet" -l connect-timeout -d 'Seconds for resolve + connect + TLS handshake' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand telnet" -s t -l timeout -d 'Longest silence, in seconds, on an established connection' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand telnet" -s m -l max-time -d 'Hard deadline, in seconds, for the whole command' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand telnet" -l cert-days -d 'With --check: exit 10 when the server\'s certificate expires within N days' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand telnet" -l expect -d 'With --check: exit 10 unless the greeting or the reply contains TEXT (repeatable: each must be found). telnet: a REGEX step, or with --check one the first bytes match' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand telnet" -l warn-ms -d 'With --check: a probe slower than MS milliseconds is a warning (exit 0; 1 with --nagios)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand telnet" -l crit-ms -d 'With --check: a probe slower than MS milliseconds fails (exit 10; 2 with --nagios)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand telnet" -s 4 -l ipv4 -d 'IPv4 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand telnet" -s 6 -l ipv6 -d 'IPv6 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand telnet" -l json -d 'Machine-readable result on stdout'
complete -c netkit -n "__fish_netkit_using_subcommand telnet" -s v -l verbose -d 'Protocol transcript on stderr (-vv adds timestamps)'
complete -c netkit -n "__fish_netkit_using_subcommand telnet" -s q -l quiet -d 'Nothing on stderr but errors'
complete -c netkit -n "__fish_netkit_using_subcommand telnet" -l check -d 'Probe the service and exit: connect, greeting, TLS per --tls, login when credentials are given, the protocol\'s cheapest request, quit; one line with the timings (--json, --nagios). Each phase must end within -t (tls and connect: plus --connect-timeout). Exit 0, or the code of the first phase that failed'
complete -c netkit -n "__fish_netkit_using_subcommand telnet" -l nagios -d 'With --check: monitoring-plugins output and exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) for Nagios, Icinga, Naemon and Sensu'
complete -c netkit -n "__fish_netkit_using_subcommand telnet" -l no-progress -d 'Never draw progress bars'
complete -c netkit -n "__fish_netkit_using_subcommand telnet" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand telnet" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -l query -d 'Search text for a type 7 item (sent as SELECTOR TAB QUERY)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -s o -l output -d 'Write the item to FILE (via FILE.part, renamed when complete); - for stdout' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -l output-dir -d 'Directory for -O' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -l sha256 -d 'Fail with exit 10 unless the item\'s SHA-256 is HEX; the file is then not kept' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -l connect-timeout -d 'Seconds for resolve + connect + TLS handshake' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -s t -l timeout -d 'Longest silence, in seconds, on an established connection' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -s m -l max-time -d 'Hard deadline, in seconds, for the whole command' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -l tls -d 'TLS for plain schemes: auto, required or none' -r -f -a "auto\t'Upgrade when the server offers it'
required\t'Fail (exit 6) when the server does not offer it'
none\t'Never upgrade'"
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -l cacert -d 'Extra trust anchor (PEM), added to the system store' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -l cert-days -d 'With --check: exit 10 when the server\'s certificate expires within N days' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -l expect -d 'With --check: exit 10 unless the greeting or the reply contains TEXT (repeatable: each must be found). telnet: a REGEX step, or with --check one the first bytes match' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -l warn-ms -d 'With --check: a probe slower than MS milliseconds is a warning (exit 0; 1 with --nagios)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -l crit-ms -d 'With --check: a probe slower than MS milliseconds fails (exit 10; 2 with --nagios)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -s O -l remote-name -d 'Save under the selector\'s last component (sanitised), in --output-dir or here'
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -l raw -d 'The answer exactly as the server sent it: no menu rendering, no un-stuffing'
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -s 4 -l ipv4 -d 'IPv4 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -s 6 -l ipv6 -d 'IPv6 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -s k -l insecure -d 'Do not verify certificates (warns on stderr)'
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -l json -d 'Machine-readable result on stdout'
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -s v -l verbose -d 'Protocol transcript on stderr (-vv adds timestamps)'
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -s q -l quiet -d 'Nothing on stderr but errors'
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -l no-progress -d 'Never draw progress bars'
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -l check -d 'Probe the service and exit: connect, greeting, TLS per --tls, login when credentials are given, the protocol\'s cheapest request, quit; one line with the timings (--json, --nagios). Each phase must end within -t (tls and connect: plus --connect-timeout). Exit 0, or the code of the first phase that failed'
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -l nagios -d 'With --check: monitoring-plugins output and exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) for Nagios, Icinga, Naemon and Sensu'
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand gopher" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand urlquote" -l safe -d 'ASCII characters to leave unquoted besides A-Za-z0-9_.-~ (default \'/\', \'\' with --plus and --form); non-ASCII characters here are ignored, as Python ignores them' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand urlquote" -l component -d 'Quote with the URL Standard\'s percent-encode set of this component instead' -r -f -a "path\t''
query\t''
fragment\t''
userinfo\t''"
complete -c netkit -n "__fish_netkit_using_subcommand urlquote" -l form -d 'Build a query string from KEY=VALUE pairs, in order, repeated keys kept (urlencode). Repeatable, or several values after one --form' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand urlquote" -l parse-query -d 'Parse a query string into a JSON object of lists (parse_qs)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand urlquote" -s d -l decode -d 'Decode (unquote) instead of quoting; with --plus, \'+\' is a space too'
complete -c netkit -n "__fish_netkit_using_subcommand urlquote" -l plus -d 'Form style: a space is \'+\' (quote_plus / unquote_plus); --safe defaults to \'\''
complete -c netkit -n "__fish_netkit_using_subcommand urlquote" -l pairs -d 'With --parse-query: a JSON list of [key, value] pairs in order (parse_qsl)'
complete -c netkit -n "__fish_netkit_using_subcommand urlquote" -l keep-blank -d 'With --parse-query: keep fields with empty values (\'a=\' and a bare \'a\')'
complete -c netkit -n "__fish_netkit_using_subcommand urlquote" -l json -d 'JSON Lines: one {"input", "output"} object per TEXT or input line (text made valid UTF-8 with U+FFFD); --form prints {"output"}; --parse-query prints JSON either way'
complete -c netkit -n "__fish_netkit_using_subcommand urlquote" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand urlquote" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand urlparse" -l join -d 'Resolve REF against each URL, as Python\'s urljoin(URL, REF)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand urlparse" -l set -d 'Change PART of each URL; repeatable; without URL arguments, build one URL' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand urlparse" -l get -d 'Print TEMPLATE for each URL instead of its components' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand urlparse" -l default-scheme -d 'Read text without a scheme (host, host:port, //host) as SCHEME://text' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand urlparse" -l json -d 'JSON output: one object per URL (JSON Lines)'
complete -c netkit -n "__fish_netkit_using_subcommand urlparse" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand urlparse" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand hostinfo" -l service -d 'Look up a service by name or port in the services database (default proto tcp; repeatable)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand hostinfo" -l byteorder -d 'Show N in host and network byte order (16 and 32 bits)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand hostinfo" -l dns -d 'Ask this DNS server directly: ADDR, ADDR:PORT, [V6ADDR]:PORT or a name' -r -f -a "(__fish_print_hostnames)"
complete -c netkit -n "__fish_netkit_using_subcommand hostinfo" -l type -d 'Record type to ask a DNS server for (default A). Without --dns or @SERVER, the first nameserver of /etc/resolv.conf is asked, as dig does' -r -f -a "A\t''
AAAA\t''
MX\t''
TXT\t''
NS\t''
SOA\t''
CNAME\t''
PTR\t''
SRV\t''
CAA\t''
NAPTR\t''
DS\t''
DNSKEY\t''
SSHFP\t''
TLSA\t''
HTTPS\t''
SVCB\t''
ANY\t''"
complete -c netkit -n "__fish_netkit_using_subcommand hostinfo" -l connect-timeout -d 'Seconds for resolve + connect + TLS handshake' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand hostinfo" -s t -l timeout -d 'Longest silence, in seconds, on an established connection' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand hostinfo" -s m -l max-time -d 'Hard deadline, in seconds, for the whole command' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand hostinfo" -l tcp -d 'DNS: use TCP only'
complete -c netkit -n "__fish_netkit_using_subcommand hostinfo" -l no-edns -d 'DNS: send no EDNS(0) option (UDP replies then stop at 512 bytes)'
complete -c netkit -n "__fish_netkit_using_subcommand hostinfo" -l short -d 'Print only the data: addresses, names, ports, record DATA'
complete -c netkit -n "__fish_netkit_using_subcommand hostinfo" -s 4 -l ipv4 -d 'IPv4 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand hostinfo" -s 6 -l ipv6 -d 'IPv6 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand hostinfo" -l json -d 'Machine-readable result on stdout'
complete -c netkit -n "__fish_netkit_using_subcommand hostinfo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand hostinfo" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand man" -s h -l help -d 'Print help'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from timeserver timeclient fetch ftp smtp-send pop imap nntp telnet gopher urlquote urlparse hostinfo completions man help" -f -a "timeserver" -d 'Serve daytime, time and SNTP'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from timeserver timeclient fetch ftp smtp-send pop imap nntp telnet gopher urlquote urlparse hostinfo completions man help" -f -a "timeclient" -d 'Ask a daytime, time or NTP server for the time'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from timeserver timeclient fetch ftp smtp-send pop imap nntp telnet gopher urlquote urlparse hostinfo completions man help" -f -a "fetch" -d 'Download over HTTP and HTTPS (FTP and Gopher with their commands)'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from timeserver timeclient fetch ftp smtp-send pop imap nntp telnet gopher urlquote urlparse hostinfo completions man help" -f -a "ftp" -d 'FTP and FTPS client: ls, get, put, rm, mkdir, rmdir, mv, size, mtime, quote'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from timeserver timeclient fetch ftp smtp-send pop imap nntp telnet gopher urlquote urlparse hostinfo completions man help" -f -a "smtp-send" -d 'Send mail over SMTP: a raw message or one composed from flags'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from timeserver timeclient fetch ftp smtp-send pop imap nntp telnet gopher urlquote urlparse hostinfo completions man help" -f -a "pop" -d 'POP3 client: list, get, delete, and fetch mail into a Maildir or mbox'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from timeserver timeclient fetch ftp smtp-send pop imap nntp telnet gopher urlquote urlparse hostinfo completions man help" -f -a "imap" -d 'IMAP client: list, search, get, export, append, flag, move and idle'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from timeserver timeclient fetch ftp smtp-send pop imap nntp telnet gopher urlquote urlparse hostinfo completions man help" -f -a "nntp" -d 'NNTP client: groups, overviews, headers, articles, posting, new news'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from timeserver timeclient fetch ftp smtp-send pop imap nntp telnet gopher urlquote urlparse hostinfo completions man help" -f -a "telnet" -d 'Telnet client: interactive, piped, or scripted --send/--expect steps for CI'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from timeserver timeclient fetch ftp smtp-send pop imap nntp telnet gopher urlquote urlparse hostinfo completions man help" -f -a "gopher" -d 'Gopher client: menus, text, searches and binaries over gopher:// and gophers://'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from timeserver timeclient fetch ftp smtp-send pop imap nntp telnet gopher urlquote urlparse hostinfo completions man help" -f -a "urlquote" -d 'Percent-encode and decode text like Python\'s urllib.parse'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from timeserver timeclient fetch ftp smtp-send pop imap nntp telnet gopher urlquote urlparse hostinfo completions man help" -f -a "urlparse" -d 'Split, join, build and template URLs'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from timeserver timeclient fetch ftp smtp-send pop imap nntp telnet gopher urlquote urlparse hostinfo completions man help" -f -a "hostinfo" -d 'Look up names, addresses, services and DNS records'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from timeserver timeclient fetch ftp smtp-send pop imap nntp telnet gopher urlquote urlparse hostinfo completions man help" -f -a "completions" -d 'Print the completion script for a shell (the linked command names included)'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from timeserver timeclient fetch ftp smtp-send pop imap nntp telnet gopher urlquote urlparse hostinfo completions man help" -f -a "man" -d 'Print a man page in roff (netkit man fetch | man -l -)'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from timeserver timeclient fetch ftp smtp-send pop imap nntp telnet gopher urlquote urlparse hostinfo completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'

# The command names that `netkit --install DIR` links complete as `netkit NAME` does.
complete -c timeserver -w 'netkit timeserver'
complete -c timeclient -w 'netkit timeclient'
complete -c fetch -w 'netkit fetch'
complete -c ftp -w 'netkit ftp'
complete -c smtp-send -w 'netkit smtp-send'
complete -c pop -w 'netkit pop'
complete -c imap -w 'netkit imap'
complete -c nntp -w 'netkit nntp'
complete -c telnet -w 'netkit telnet'
complete -c gopher -w 'netkit gopher'
complete -c urlquote -w 'netkit urlquote'
complete -c urlparse -w 'netkit urlparse'
complete -c hostinfo -w 'netkit hostinfo'
