
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'netkit' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'netkit'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'netkit' {
            [CompletionResult]::new('--install', '--install', [CompletionResultType]::ParameterName, 'Symlink every command name in DIR to this binary (DIR is created if missing)')
            [CompletionResult]::new('--uninstall', '--uninstall', [CompletionResultType]::ParameterName, 'Remove the links in DIR that point at this binary, and nothing else')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'Print the command names, one a line')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --install: replace files that are not links to netkit')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('timeserver', 'timeserver', [CompletionResultType]::ParameterValue, 'Serve daytime, time and SNTP')
            [CompletionResult]::new('timeclient', 'timeclient', [CompletionResultType]::ParameterValue, 'Ask a daytime, time or NTP server for the time')
            [CompletionResult]::new('fetch', 'fetch', [CompletionResultType]::ParameterValue, 'Download over HTTP and HTTPS (FTP and Gopher with their commands)')
            [CompletionResult]::new('ftp', 'ftp', [CompletionResultType]::ParameterValue, 'FTP and FTPS client: ls, get, put, rm, mkdir, rmdir, mv, size, mtime, quote')
            [CompletionResult]::new('smtp-send', 'smtp-send', [CompletionResultType]::ParameterValue, 'Send mail over SMTP: a raw message or one composed from flags')
            [CompletionResult]::new('pop', 'pop', [CompletionResultType]::ParameterValue, 'POP3 client: list, get, delete, and fetch mail into a Maildir or mbox')
            [CompletionResult]::new('imap', 'imap', [CompletionResultType]::ParameterValue, 'IMAP client: list, search, get, export, append, flag, move and idle')
            [CompletionResult]::new('nntp', 'nntp', [CompletionResultType]::ParameterValue, 'NNTP client: groups, overviews, headers, articles, posting, new news')
            [CompletionResult]::new('telnet', 'telnet', [CompletionResultType]::ParameterValue, 'Telnet client: interactive, piped, or scripted --send/--expect steps for CI')
            [CompletionResult]::new('gopher', 'gopher', [CompletionResultType]::ParameterValue, 'Gopher client: menus, text, searches and binaries over gopher:// and gophers://')
            [CompletionResult]::new('urlquote', 'urlquote', [CompletionResultType]::ParameterValue, 'Percent-encode and decode text like Python''s urllib.parse')
            [CompletionResult]::new('urlparse', 'urlparse', [CompletionResultType]::ParameterValue, 'Split, join, build and template URLs')
            [CompletionResult]::new('hostinfo', 'hostinfo', [CompletionResultType]::ParameterValue, 'Look up names, addresses, services and DNS records')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell (the linked command names included)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a man page in roff (netkit man fetch | man -l -)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netkit;timeserver' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Address to listen on (repeatable); default: every IPv4 and IPv6 address')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on (repeatable); default: every IPv4 and IPv6 address')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port of every listener; 0 picks a free one and prints it as the first line')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port of every listener; 0 picks a free one and prints it as the first line')
            [CompletionResult]::new('--proto', '--proto', [CompletionResultType]::ParameterName, 'Protocol to serve')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Daytime line format [default: ctime]')
            [CompletionResult]::new('--stratum', '--stratum', [CompletionResultType]::ParameterName, 'NTP: serve the local clock as a source of this stratum (1-15), leap 0. Without it replies say stratum 10, leap 3 (not synchronised), so clients do not take this clock as a source')
            [CompletionResult]::new('--max-conns', '--max-conns', [CompletionResultType]::ParameterName, 'Most TCP clients open at once')
            [CompletionResult]::new('--log', '--log', [CompletionResultType]::ParameterName, 'Per-client log on stdout')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'Serve TCP (default: TCP and UDP; NTP is UDP only)')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'Serve UDP (default: TCP and UDP)')
            [CompletionResult]::new('--once', '--once', [CompletionResultType]::ParameterName, 'Serve one client, then exit')
            [CompletionResult]::new('--inetd', '--inetd', [CompletionResultType]::ParameterName, 'Serve one exchange on stdin/stdout, for inetd/xinetd (logs go to stderr)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'The same as --log json (every command''s --json)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No per-client log and no summary (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No per-client log and no summary (errors still go to stderr)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Listen on IPv4 only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'Listen on IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Listen on IPv6 only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'Listen on IPv6 only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;timeclient' {
            [CompletionResult]::new('--proto', '--proto', [CompletionResultType]::ParameterName, 'Protocol to ask with (a URL''s scheme wins) [default: daytime]')
            [CompletionResult]::new('--max-offset', '--max-offset', [CompletionResultType]::ParameterName, 'Exit 10 when a server''s |offset| exceeds SECS')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print the server''s time')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'NTP: samples to take; the one with the smallest delay is reported')
            [CompletionResult]::new('--samples', '--samples', [CompletionResultType]::ParameterName, 'NTP: samples to take; the one with the smallest delay is reported')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'UDP: tries after the first when no reply comes (--timeout is shared between them)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds for resolve + connect + TLS handshake')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Longest silence, in seconds, on an established connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest silence, in seconds, on an established connection')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Hard deadline, in seconds, for the whole command')
            [CompletionResult]::new('--max-time', '--max-time', [CompletionResultType]::ParameterName, 'Hard deadline, in seconds, for the whole command')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'Daytime and time over UDP instead of TCP (NTP is always UDP)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 addresses only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 addresses only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 addresses only')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable result on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Protocol transcript on stderr (-vv adds timestamps)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Protocol transcript on stderr (-vv adds timestamps)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;fetch' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the body to FILE (via FILE.part, renamed when complete) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the body to FILE (via FILE.part, renamed when complete) instead of stdout')
            [CompletionResult]::new('--output-dir', '--output-dir', [CompletionResultType]::ParameterName, 'Directory for -O files')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Request method (default GET; POST with -d/-F; PUT with -T)')
            [CompletionResult]::new('--request', '--request', [CompletionResultType]::ParameterName, 'Request method (default GET; POST with -d/-F; PUT with -T)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra request header ''Name: value''; repeat for more')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header ''Name: value''; repeat for more')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'POST data, form-encoded; @FILE reads FILE (line ends removed), @- reads stdin; repeated values are joined with &')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'POST data, form-encoded; @FILE reads FILE (line ends removed), @- reads stdin; repeated values are joined with &')
            [CompletionResult]::new('--data-binary', '--data-binary', [CompletionResultType]::ParameterName, 'POST data sent exactly as given; @FILE and @- as for -d, bytes kept')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Multipart form field NAME=VALUE or NAME=@FILE (streamed); repeat for more')
            [CompletionResult]::new('--form', '--form', [CompletionResultType]::ParameterName, 'Multipart form field NAME=VALUE or NAME=@FILE (streamed); repeat for more')
            [CompletionResult]::new('-T', '-T ', [CompletionResultType]::ParameterName, 'Upload FILE as the request body (PUT unless -X says otherwise); - reads stdin (spooled first, up to 256 MiB, so that a retry or redirect can send it again)')
            [CompletionResult]::new('--upload-file', '--upload-file', [CompletionResultType]::ParameterName, 'Upload FILE as the request body (PUT unless -X says otherwise); - reads stdin (spooled first, up to 256 MiB, so that a retry or redirect can send it again)')
            [CompletionResult]::new('--max-redirs', '--max-redirs', [CompletionResultType]::ParameterName, 'Most redirects to follow before giving up (exit 8)')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Retry up to N times on connect errors, timeouts, drops, 408, 429 and (for GET, HEAD, PUT, DELETE) 5xx, backing off 1, 2, 4… s or as Retry-After says (a Retry-After over 2 min fails at once); a partial file is resumed with Range')
            [CompletionResult]::new('--sha256', '--sha256', [CompletionResultType]::ParameterName, 'Fail with exit 10 unless the body''s SHA-256 is HEX; the file is then not kept')
            [CompletionResult]::new('--limit-rate', '--limit-rate', [CompletionResultType]::ParameterName, 'Most bytes per second (suffixes K, M, G: 1024-based)')
            [CompletionResult]::new('--max-filesize', '--max-filesize', [CompletionResultType]::ParameterName, 'Refuse bodies larger than SIZE (exit 1), from Content-Length or as the body passes it')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Fetch N URLs at a time (needs -O or --json with files)')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'Fetch N URLs at a time (needs -O or --json with files)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'User-Agent header (default netkit/VERSION)')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User-Agent header (default netkit/VERSION)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy URL (http://HOST:PORT) instead of http_proxy/https_proxy/all_proxy; "" for none')
            [CompletionResult]::new('--noproxy', '--noproxy', [CompletionResultType]::ParameterName, 'Comma list of hosts that bypass the proxy (instead of no_proxy); * for all')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds for resolve + connect + TLS handshake')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Longest silence, in seconds, on an established connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest silence, in seconds, on an established connection')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Hard deadline, in seconds, for the whole command')
            [CompletionResult]::new('--max-time', '--max-time', [CompletionResultType]::ParameterName, 'Hard deadline, in seconds, for the whole command')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'TLS for plain schemes: auto, required or none')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trust anchor (PEM), added to the system store')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of FILE')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from FILE instead of ~/.netrc')
            [CompletionResult]::new('-O', '-O ', [CompletionResultType]::ParameterName, 'Name the file after the URL''s last path segment (one file per URL)')
            [CompletionResult]::new('--remote-name', '--remote-name', [CompletionResultType]::ParameterName, 'Name the file after the URL''s last path segment (one file per URL)')
            [CompletionResult]::new('-J', '-J ', [CompletionResultType]::ParameterName, 'With -O: take the name from Content-Disposition when the server sends one')
            [CompletionResult]::new('--remote-header-name', '--remote-header-name', [CompletionResultType]::ParameterName, 'With -O: take the name from Content-Disposition when the server sends one')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Resume from the size of FILE.part (curl''s -C - is the same)')
            [CompletionResult]::new('--continue', '--continue', [CompletionResultType]::ParameterName, 'Resume from the size of FILE.part (curl''s -C - is the same)')
            [CompletionResult]::new('--clobber', '--clobber', [CompletionResultType]::ParameterName, 'Replace an existing file whose name came from the server (-J)')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'HEAD request: print the status line and headers only')
            [CompletionResult]::new('--head', '--head', [CompletionResultType]::ParameterName, 'HEAD request: print the status line and headers only')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Print the status line and headers before the body')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Print the status line and headers before the body')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Follow redirects (the default; accepted for curl habits)')
            [CompletionResult]::new('--location', '--location', [CompletionResultType]::ParameterName, 'Follow redirects (the default; accepted for curl habits)')
            [CompletionResult]::new('--no-location', '--no-location', [CompletionResultType]::ParameterName, 'Do not follow redirects: print or save the 3xx response itself')
            [CompletionResult]::new('--allow-downgrade', '--allow-downgrade', [CompletionResultType]::ParameterName, 'Follow a redirect from https to plain http')
            [CompletionResult]::new('--compressed', '--compressed', [CompletionResultType]::ParameterName, 'Ask for gzip or brotli and decode it while streaming')
            [CompletionResult]::new('--no-fail', '--no-fail', [CompletionResultType]::ParameterName, 'Write the body of an HTTP error (≥ 400) too, and exit 0')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 addresses only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 addresses only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 addresses only')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify certificates (warns on stderr)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify certificates (warns on stderr)')
            [CompletionResult]::new('--no-netrc', '--no-netrc', [CompletionResultType]::ParameterName, 'Never read a netrc file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable result on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Protocol transcript on stderr (-vv adds timestamps)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Protocol transcript on stderr (-vv adds timestamps)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;ftp' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'get: write to FILE (via FILE.part); `-` for stdout. Default: the URL''s file name')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'get: write to FILE (via FILE.part); `-` for stdout. Default: the URL''s file name')
            [CompletionResult]::new('--sha256', '--sha256', [CompletionResultType]::ParameterName, 'get: fail with exit 10 unless the file''s SHA-256 is HEX (the file is then not kept)')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, '-r: leave out names matching GLOB (*, ?, [...]) at any depth; repeatable')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, '-r: transfer N files at a time over N connections')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, '-r: transfer N files at a time over N connections')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds for resolve + connect + TLS handshake')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Longest silence, in seconds, on an established connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest silence, in seconds, on an established connection')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Hard deadline, in seconds, for the whole command')
            [CompletionResult]::new('--max-time', '--max-time', [CompletionResultType]::ParameterName, 'Hard deadline, in seconds, for the whole command')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'TLS for plain schemes: auto, required or none')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trust anchor (PEM), added to the system store')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of FILE')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from FILE instead of ~/.netrc')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'ls: long form (type, permissions, size, time, name)')
            [CompletionResult]::new('--long', '--long', [CompletionResultType]::ParameterName, 'ls: long form (type, permissions, size, time, name)')
            [CompletionResult]::new('-O', '-O ', [CompletionResultType]::ParameterName, 'get: name the local file after the URL (the default; for curl''s muscle memory)')
            [CompletionResult]::new('--remote-name', '--remote-name', [CompletionResultType]::ParameterName, 'get: name the local file after the URL (the default; for curl''s muscle memory)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'get: resume from FILE.part (REST); put: resume the remote file from its size')
            [CompletionResult]::new('--continue', '--continue', [CompletionResultType]::ParameterName, 'get: resume from FILE.part (REST); put: resume the remote file from its size')
            [CompletionResult]::new('--append', '--append', [CompletionResultType]::ParameterName, 'put: append to the remote file (APPE)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'ls: the whole tree; get -r URL [DIR]: mirror the remote directory into DIR; put -r DIR URL: mirror DIR onto the server')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'ls: the whole tree; get -r URL [DIR]: mirror the remote directory into DIR; put -r DIR URL: mirror DIR onto the server')
            [CompletionResult]::new('--newer', '--newer', [CompletionResultType]::ParameterName, 'get -r: skip files whose size and time already match')
            [CompletionResult]::new('--delete', '--delete', [CompletionResultType]::ParameterName, 'get -r: remove local files and directories the server does not have')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'mkdir: create missing parent directories too')
            [CompletionResult]::new('--parents', '--parents', [CompletionResultType]::ParameterName, 'mkdir: create missing parent directories too')
            [CompletionResult]::new('--active', '--active', [CompletionResultType]::ParameterName, 'Active mode: the server connects back (EPRT, else PORT)')
            [CompletionResult]::new('--ascii', '--ascii', [CompletionResultType]::ParameterName, 'TYPE A (text, line ends converted by the server) instead of binary')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 addresses only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 addresses only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 addresses only')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify certificates (warns on stderr)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify certificates (warns on stderr)')
            [CompletionResult]::new('--no-netrc', '--no-netrc', [CompletionResultType]::ParameterName, 'Never read a netrc file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable result on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Protocol transcript on stderr (-vv adds timestamps)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Protocol transcript on stderr (-vv adds timestamps)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;smtp-send' {
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'Refuse to send more than BYTES (exit 1): a file over it is refused before it is read, stdin or a pipe as its spooling passes it; the server''s SIZE limit bounds the spooling too and is checked before MAIL FROM. Input that is not a regular file is spooled to a temporary file after EHLO (a raw message''s header block before connecting), at most 256 MiB in all without this flag')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Envelope sender and From: (default: the From: of a raw message)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Recipient (To: header and envelope); repeat for more. With none of --to/--cc/--bcc, a raw message''s To:, Cc: and Bcc: are the recipients (as sendmail -t), and its Bcc: is removed before sending')
            [CompletionResult]::new('--cc', '--cc', [CompletionResultType]::ParameterName, 'Recipient in Cc: and the envelope; repeat for more')
            [CompletionResult]::new('--bcc', '--bcc', [CompletionResultType]::ParameterName, 'Envelope-only recipient: never in a header; repeat for more')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Subject of a composed message')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'Body text of a composed message')
            [CompletionResult]::new('--body-file', '--body-file', [CompletionResultType]::ParameterName, 'Body text of a composed message, from FILE')
            [CompletionResult]::new('--attach', '--attach', [CompletionResultType]::ParameterName, 'Attach FILE (base64, type from its name); repeat for more')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra header ''Name: value'' for a composed message; repeat for more')
            [CompletionResult]::new('--notify', '--notify', [CompletionResultType]::ParameterName, 'DSN: NEVER, or a comma list of SUCCESS, FAILURE, DELAY (when the server offers DSN)')
            [CompletionResult]::new('--ret', '--ret', [CompletionResultType]::ParameterName, 'DSN: return FULL message or HDRS only in bounces')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'SASL mechanism: PLAIN, LOGIN, CRAM-MD5 or XOAUTH2 (default: strongest offered)')
            [CompletionResult]::new('--oauth2-token-file', '--oauth2-token-file', [CompletionResultType]::ParameterName, 'OAuth2 bearer token for XOAUTH2, first line of FILE')
            [CompletionResult]::new('--helo', '--helo', [CompletionResultType]::ParameterName, 'Name to send in EHLO (default: this host''s name)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds for resolve + connect + TLS handshake')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Longest silence, in seconds, on an established connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest silence, in seconds, on an established connection')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Hard deadline, in seconds, for the whole command')
            [CompletionResult]::new('--max-time', '--max-time', [CompletionResultType]::ParameterName, 'Hard deadline, in seconds, for the whole command')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'TLS for plain schemes: auto, required or none')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trust anchor (PEM), added to the system store')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of FILE')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from FILE instead of ~/.netrc')
            [CompletionResult]::new('--allow-empty', '--allow-empty', [CompletionResultType]::ParameterName, 'Send an empty raw message anyway (by default empty input is refused: a cron job''s empty stdin is a mistake, not a message)')
            [CompletionResult]::new('--submission', '--submission', [CompletionResultType]::ParameterName, 'Port 587 (message submission) when the URL names no port')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Go up to RCPT, then RSET and QUIT: nothing is delivered')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 addresses only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 addresses only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 addresses only')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify certificates (warns on stderr)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify certificates (warns on stderr)')
            [CompletionResult]::new('--no-netrc', '--no-netrc', [CompletionResultType]::ParameterName, 'Never read a netrc file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable result on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Protocol transcript on stderr (-vv adds timestamps)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Protocol transcript on stderr (-vv adds timestamps)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;pop' {
            [CompletionResult]::new('--uid', '--uid', [CompletionResultType]::ParameterName, 'get, rm: select by unique id (UIDL) instead of number; repeatable for rm')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'get: write to FILE (via FILE.part) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'get: write to FILE (via FILE.part) instead of stdout')
            [CompletionResult]::new('--maildir', '--maildir', [CompletionResultType]::ParameterName, 'fetch: save into the Maildir DIR (created with tmp/ new/ cur/ when missing)')
            [CompletionResult]::new('--mbox', '--mbox', [CompletionResultType]::ParameterName, 'fetch: append to the mboxrd FILE (locked with flock and FILE.lock)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'fetch: at most N messages this run')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'fetch: leave messages larger than BYTES on the server')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'Login: USER, APOP, or a SASL mechanism (PLAIN, LOGIN, CRAM-MD5, XOAUTH2); default: the strongest SASL mechanism offered, else APOP, else USER/PASS')
            [CompletionResult]::new('--oauth2-token-file', '--oauth2-token-file', [CompletionResultType]::ParameterName, 'OAuth2 bearer token for XOAUTH2, first line of FILE')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds for resolve + connect + TLS handshake')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Longest silence, in seconds, on an established connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest silence, in seconds, on an established connection')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Hard deadline, in seconds, for the whole command')
            [CompletionResult]::new('--max-time', '--max-time', [CompletionResultType]::ParameterName, 'Hard deadline, in seconds, for the whole command')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'TLS for plain schemes: auto, required or none')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trust anchor (PEM), added to the system store')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of FILE')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from FILE instead of ~/.netrc')
            [CompletionResult]::new('--headers', '--headers', [CompletionResultType]::ParameterName, 'get: headers only (TOP N 0)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'stat: exit 1 when there is no mail (as fetchmail -c)')
            [CompletionResult]::new('--new', '--new', [CompletionResultType]::ParameterName, 'fetch: only messages not saved by an earlier run (state in DIR/.netkit-state or FILE.netkit-state)')
            [CompletionResult]::new('--delete', '--delete', [CompletionResultType]::ParameterName, 'fetch: delete each message from the server once it is saved and recorded')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 addresses only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 addresses only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 addresses only')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify certificates (warns on stderr)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify certificates (warns on stderr)')
            [CompletionResult]::new('--no-netrc', '--no-netrc', [CompletionResultType]::ParameterName, 'Never read a netrc file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable result on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Protocol transcript on stderr (-vv adds timestamps)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Protocol transcript on stderr (-vv adds timestamps)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;imap' {
            [CompletionResult]::new('--section', '--section', [CompletionResultType]::ParameterName, 'get: the section to fetch (HEADER, TEXT, 1, 1.2, 1.2.MIME…); default the whole message')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'get: write to FILE (via FILE.part) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'get: write to FILE (via FILE.part) instead of stdout')
            [CompletionResult]::new('--maildir', '--maildir', [CompletionResultType]::ParameterName, 'export: into the Maildir DIR (created with tmp/ new/ cur/ when missing)')
            [CompletionResult]::new('--mbox', '--mbox', [CompletionResultType]::ParameterName, 'export: append to the mboxrd FILE')
            [CompletionResult]::new('--flags', '--flags', [CompletionResultType]::ParameterName, 'append: flags for the new messages (`\Seen`, `\Flagged`…), repeatable')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'search: FROM contains TEXT')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'search: SUBJECT contains TEXT')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'search: arrived on or after YYYY-MM-DD (INTERNALDATE)')
            [CompletionResult]::new('--before', '--before', [CompletionResultType]::ParameterName, 'search: arrived before YYYY-MM-DD')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'idle: exit 1 when SECS pass without new mail (default: wait for ever)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'Login: LOGIN-CMD (the LOGIN command) or a SASL mechanism (PLAIN, LOGIN, CRAM-MD5, XOAUTH2); default: the strongest SASL mechanism offered, else the LOGIN command')
            [CompletionResult]::new('--oauth2-token-file', '--oauth2-token-file', [CompletionResultType]::ParameterName, 'OAuth2 bearer token for XOAUTH2, first line of FILE')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds for resolve + connect + TLS handshake')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Longest silence, in seconds, on an established connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest silence, in seconds, on an established connection')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Hard deadline, in seconds, for the whole command')
            [CompletionResult]::new('--max-time', '--max-time', [CompletionResultType]::ParameterName, 'Hard deadline, in seconds, for the whole command')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'TLS for plain schemes: auto, required or none')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trust anchor (PEM), added to the system store')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of FILE')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from FILE instead of ~/.netrc')
            [CompletionResult]::new('--new', '--new', [CompletionResultType]::ParameterName, 'export: only messages not exported before (state by UIDVALIDITY and UID)')
            [CompletionResult]::new('--unseen', '--unseen', [CompletionResultType]::ParameterName, 'search: not \Seen')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 addresses only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 addresses only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 addresses only')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify certificates (warns on stderr)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify certificates (warns on stderr)')
            [CompletionResult]::new('--no-netrc', '--no-netrc', [CompletionResultType]::ParameterName, 'Never read a netrc file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable result on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Protocol transcript on stderr (-vv adds timestamps)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Protocol transcript on stderr (-vv adds timestamps)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;nntp' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'over --new: the state file [default: $XDG_STATE_HOME/netkit/newsrc]')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'newnews, newgroups: since TIME (YYYY-MM-DD, RFC 3339, or Unix seconds)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'article, head, body: write the one article to FILE (via FILE.part)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'article, head, body: write the one article to FILE (via FILE.part)')
            [CompletionResult]::new('--output-dir', '--output-dir', [CompletionResultType]::ParameterName, 'article, head, body: save each article to DIR/NUMBER')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'post: compose with this From: address')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'post: the Subject:')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'post: the body text')
            [CompletionResult]::new('--body-file', '--body-file', [CompletionResultType]::ParameterName, 'post: the body from FILE (- for stdin)')
            [CompletionResult]::new('--newsgroups', '--newsgroups', [CompletionResultType]::ParameterName, 'post: the groups to post to (comma-separated), instead of the URL''s group')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'post: an extra header ''Name: value'' (repeatable: References, Followup-To…)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'Login: user (AUTHINFO USER/PASS, the default) or plain (AUTHINFO SASL PLAIN)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds for resolve + connect + TLS handshake')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Longest silence, in seconds, on an established connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest silence, in seconds, on an established connection')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Hard deadline, in seconds, for the whole command')
            [CompletionResult]::new('--max-time', '--max-time', [CompletionResultType]::ParameterName, 'Hard deadline, in seconds, for the whole command')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'TLS for plain schemes: auto, required or none')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trust anchor (PEM), added to the system store')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name, optionally with :PASSWORD (which shows in ps: prefer --password-file)')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of FILE')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from FILE instead of ~/.netrc')
            [CompletionResult]::new('--new', '--new', [CompletionResultType]::ParameterName, 'over: only articles not listed by an earlier --new run (high-water state file)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 addresses only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 addresses only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 addresses only')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify certificates (warns on stderr)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify certificates (warns on stderr)')
            [CompletionResult]::new('--no-netrc', '--no-netrc', [CompletionResultType]::ParameterName, 'Never read a netrc file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable result on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Protocol transcript on stderr (-vv adds timestamps)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Protocol transcript on stderr (-vv adds timestamps)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;telnet' {
            [CompletionResult]::new('--send', '--send', [CompletionResultType]::ParameterName, 'Send TEXT and CR LF (a step; steps run in command-line order)')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'Wait for REGEX in what arrived since the last match (a step, within -t)')
            [CompletionResult]::new('--script', '--script', [CompletionResultType]::ParameterName, 'Steps from FILE: `expect REGEX` or `send TEXT` a line; blank and # lines ignored')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds for resolve + connect + TLS handshake')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Longest silence, in seconds, on an established connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest silence, in seconds, on an established connection')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Hard deadline, in seconds, for the whole command')
            [CompletionResult]::new('--max-time', '--max-time', [CompletionResultType]::ParameterName, 'Hard deadline, in seconds, for the whole command')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Only connect: exit 0 when the port answers (4 refused, 5 timed out)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 addresses only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 addresses only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 addresses only')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable result on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Protocol transcript on stderr (-vv adds timestamps)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Protocol transcript on stderr (-vv adds timestamps)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;gopher' {
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'Search text for a type 7 item (sent as SELECTOR TAB QUERY)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the item to FILE (via FILE.part, renamed when complete); - for stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the item to FILE (via FILE.part, renamed when complete); - for stdout')
            [CompletionResult]::new('--output-dir', '--output-dir', [CompletionResultType]::ParameterName, 'Directory for -O')
            [CompletionResult]::new('--sha256', '--sha256', [CompletionResultType]::ParameterName, 'Fail with exit 10 unless the item''s SHA-256 is HEX; the file is then not kept')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds for resolve + connect + TLS handshake')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Longest silence, in seconds, on an established connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest silence, in seconds, on an established connection')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Hard deadline, in seconds, for the whole command')
            [CompletionResult]::new('--max-time', '--max-time', [CompletionResultType]::ParameterName, 'Hard deadline, in seconds, for the whole command')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'TLS for plain schemes: auto, required or none')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trust anchor (PEM), added to the system store')
            [CompletionResult]::new('-O', '-O ', [CompletionResultType]::ParameterName, 'Save under the selector''s last component (sanitised), in --output-dir or here')
            [CompletionResult]::new('--remote-name', '--remote-name', [CompletionResultType]::ParameterName, 'Save under the selector''s last component (sanitised), in --output-dir or here')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'The answer exactly as the server sent it: no menu rendering, no un-stuffing')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 addresses only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 addresses only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 addresses only')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify certificates (warns on stderr)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify certificates (warns on stderr)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable result on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Protocol transcript on stderr (-vv adds timestamps)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Protocol transcript on stderr (-vv adds timestamps)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw progress bars')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;urlquote' {
            [CompletionResult]::new('--safe', '--safe', [CompletionResultType]::ParameterName, 'ASCII characters to leave unquoted besides A-Za-z0-9_.-~ (default ''/'', '''' with --plus and --form); non-ASCII characters here are ignored, as Python ignores them')
            [CompletionResult]::new('--component', '--component', [CompletionResultType]::ParameterName, 'Quote with the URL Standard''s percent-encode set of this component instead')
            [CompletionResult]::new('--form', '--form', [CompletionResultType]::ParameterName, 'Build a query string from KEY=VALUE pairs, in order, repeated keys kept (urlencode). Repeatable, or several values after one --form')
            [CompletionResult]::new('--parse-query', '--parse-query', [CompletionResultType]::ParameterName, 'Parse a query string into a JSON object of lists (parse_qs)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Decode (unquote) instead of quoting; with --plus, ''+'' is a space too')
            [CompletionResult]::new('--decode', '--decode', [CompletionResultType]::ParameterName, 'Decode (unquote) instead of quoting; with --plus, ''+'' is a space too')
            [CompletionResult]::new('--plus', '--plus', [CompletionResultType]::ParameterName, 'Form style: a space is ''+'' (quote_plus / unquote_plus); --safe defaults to ''''')
            [CompletionResult]::new('--pairs', '--pairs', [CompletionResultType]::ParameterName, 'With --parse-query: a JSON list of [key, value] pairs in order (parse_qsl)')
            [CompletionResult]::new('--keep-blank', '--keep-blank', [CompletionResultType]::ParameterName, 'With --parse-query: keep fields with empty values (''a='' and a bare ''a'')')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'JSON Lines: one {"input", "output"} object per TEXT or input line (text made valid UTF-8 with U+FFFD); --form prints {"output"}; --parse-query prints JSON either way')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;urlparse' {
            [CompletionResult]::new('--join', '--join', [CompletionResultType]::ParameterName, 'Resolve REF against each URL, as Python''s urljoin(URL, REF)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Change PART of each URL; repeatable; without URL arguments, build one URL')
            [CompletionResult]::new('--get', '--get', [CompletionResultType]::ParameterName, 'Print TEMPLATE for each URL instead of its components')
            [CompletionResult]::new('--default-scheme', '--default-scheme', [CompletionResultType]::ParameterName, 'Read text without a scheme (host, host:port, //host) as SCHEME://text')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'JSON output: one object per URL (JSON Lines)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;hostinfo' {
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Look up a service by name or port in the services database (default proto tcp; repeatable)')
            [CompletionResult]::new('--byteorder', '--byteorder', [CompletionResultType]::ParameterName, 'Show N in host and network byte order (16 and 32 bits)')
            [CompletionResult]::new('--dns', '--dns', [CompletionResultType]::ParameterName, 'Ask this DNS server directly: ADDR, ADDR:PORT, [V6ADDR]:PORT or a name')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Record type to ask a DNS server for (default A). Without --dns or @SERVER, the first nameserver of /etc/resolv.conf is asked, as dig does')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds for resolve + connect + TLS handshake')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Longest silence, in seconds, on an established connection')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest silence, in seconds, on an established connection')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Hard deadline, in seconds, for the whole command')
            [CompletionResult]::new('--max-time', '--max-time', [CompletionResultType]::ParameterName, 'Hard deadline, in seconds, for the whole command')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'DNS: use TCP only')
            [CompletionResult]::new('--no-edns', '--no-edns', [CompletionResultType]::ParameterName, 'DNS: send no EDNS(0) option (UDP replies then stop at 512 bytes)')
            [CompletionResult]::new('--short', '--short', [CompletionResultType]::ParameterName, 'Print only the data: addresses, names, ports, record DATA')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 addresses only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 addresses only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 addresses only')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable result on stdout')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'netkit;man' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'netkit;help' {
            [CompletionResult]::new('timeserver', 'timeserver', [CompletionResultType]::ParameterValue, 'Serve daytime, time and SNTP')
            [CompletionResult]::new('timeclient', 'timeclient', [CompletionResultType]::ParameterValue, 'Ask a daytime, time or NTP server for the time')
            [CompletionResult]::new('fetch', 'fetch', [CompletionResultType]::ParameterValue, 'Download over HTTP and HTTPS (FTP and Gopher with their commands)')
            [CompletionResult]::new('ftp', 'ftp', [CompletionResultType]::ParameterValue, 'FTP and FTPS client: ls, get, put, rm, mkdir, rmdir, mv, size, mtime, quote')
            [CompletionResult]::new('smtp-send', 'smtp-send', [CompletionResultType]::ParameterValue, 'Send mail over SMTP: a raw message or one composed from flags')
            [CompletionResult]::new('pop', 'pop', [CompletionResultType]::ParameterValue, 'POP3 client: list, get, delete, and fetch mail into a Maildir or mbox')
            [CompletionResult]::new('imap', 'imap', [CompletionResultType]::ParameterValue, 'IMAP client: list, search, get, export, append, flag, move and idle')
            [CompletionResult]::new('nntp', 'nntp', [CompletionResultType]::ParameterValue, 'NNTP client: groups, overviews, headers, articles, posting, new news')
            [CompletionResult]::new('telnet', 'telnet', [CompletionResultType]::ParameterValue, 'Telnet client: interactive, piped, or scripted --send/--expect steps for CI')
            [CompletionResult]::new('gopher', 'gopher', [CompletionResultType]::ParameterValue, 'Gopher client: menus, text, searches and binaries over gopher:// and gophers://')
            [CompletionResult]::new('urlquote', 'urlquote', [CompletionResultType]::ParameterValue, 'Percent-encode and decode text like Python''s urllib.parse')
            [CompletionResult]::new('urlparse', 'urlparse', [CompletionResultType]::ParameterValue, 'Split, join, build and template URLs')
            [CompletionResult]::new('hostinfo', 'hostinfo', [CompletionResultType]::ParameterValue, 'Look up names, addresses, services and DNS records')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell (the linked command names included)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a man page in roff (netkit man fetch | man -l -)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netkit;help;timeserver' {
            break
        }
        'netkit;help;timeclient' {
            break
        }
        'netkit;help;fetch' {
            break
        }
        'netkit;help;ftp' {
            break
        }
        'netkit;help;smtp-send' {
            break
        }
        'netkit;help;pop' {
            break
        }
        'netkit;help;imap' {
            break
        }
        'netkit;help;nntp' {
            break
        }
        'netkit;help;telnet' {
            break
        }
        'netkit;help;gopher' {
            break
        }
        'netkit;help;urlquote' {
            break
        }
        'netkit;help;urlparse' {
            break
        }
        'netkit;help;hostinfo' {
            break
        }
        'netkit;help;completions' {
            break
        }
        'netkit;help;man' {
            break
        }
        'netkit;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
