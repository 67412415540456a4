#!/usr/bin/env bash
# Probe benchmark (issue 18): `netkit COMMAND --check --nagios` vs the matching
# monitoring-plugins check_* (one process each, RUNS runs, hyperfine -N) against the same
# real servers, which the test harness starts (tests/integration/probe/bench_host.rs).
# Pairs do the same work: plain pairs with --tls none, TLS pairs checking the certificate
# (--cert-days 7 beside -D/-C 7,7). Reports mean wall time, netkit/plugin ratio, user+sys CPU
# per run, and peak RSS (/usr/bin/time -f %M). Target: netkit ≤ the plugin's wall time.
# Measured 2026-12-07, stop 28 (2 shared cores, 150 runs; ratio = netkit/plugin wall): smtp
# 0.75, smtp STARTTLS -D 0.96, pop 0.93, imap 0.90, imaps -D 0.91, ftp 0.90, nntp 0.99, http
# 0.79, https -C 0.91, ntp 1.04, time 1.12, gopher 0.82, telnet 0.83 (gopher and telnet against
# check_tcp doing the same work; connect-only check_tcp in the last two rows). ntp/time: the
# exchange is 0.2 ms; the rest is process start-up (a Rust "hello" starts as slowly here).
# Usage: bench/probe.sh [RUNS]   (default 200)
# Needs: hyperfine, /usr/bin/time, monitoring-plugins-basic/-standard, the harness's servers.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-200}
cargo build --release --quiet -p netkit
NK=$PWD/target/release/netkit
P=/usr/lib/nagios/plugins
WORK=$(mktemp -d /tmp/netkit-probebench.XXXXXX)
PORTS=$WORK/ports
HOST_PID=
cleanup() { rm -f "$PORTS"; [ -n "$HOST_PID" ] && wait "$HOST_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
NETKIT_BENCH_PORTS=$PORTS cargo nextest run -E 'test(=probe::bench_host::bench_probe_servers)' \
  >"$WORK/host.log" 2>&1 &
HOST_PID=$!
for _ in $(seq 1 1200); do [ -f "$PORTS" ] && break; sleep 0.25; done
[ -f "$PORTS" ] || { echo "servers did not start:"; cat "$WORK/host.log"; exit 1; }
# shellcheck disable=SC1090
. "$PORTS"
L=127.0.0.1
pairs=(
  "smtp|$NK smtp-send --check --nagios --tls none smtp://$L:$SMTP|$P/check_smtp -H $L -p $SMTP"
  "smtp STARTTLS -D|$NK smtp-send --check --nagios --cacert $MAIL_CA --cert-days 7 smtp://$L:$SMTP|$P/check_smtp -H $L -p $SMTP -S -D 7,7"
  "pop|$NK pop --check --nagios --tls none pop3://$L:$POP3|$P/check_pop -H $L -p $POP3"
  "imap|$NK imap --check --nagios --tls none imap://$L:$IMAP|$P/check_imap -H $L -p $IMAP"
  "imaps -D|$NK imap --check --nagios --cacert $MAIL_CA --cert-days 7 imaps://$L:$IMAPS|$P/check_simap -H $L -p $IMAPS -D 7,7"
  "ftp|$NK ftp --check --nagios --tls none ftp://$L:$FTP|$P/check_ftp -H $L -p $FTP"
  "nntp|$NK nntp --check --nagios --tls none nntp://$L:$NNTP|$P/check_nntp -H $L -p $NNTP"
  "http|$NK fetch --check --nagios http://$L:$HTTP/probe.txt|$P/check_http -H $L -p $HTTP -u /probe.txt"
  "https -C|$NK fetch --check --nagios --cacert $HTTP_CA --cert-days 7 https://$L:$HTTPS/probe.txt|$P/check_http -H $L -p $HTTPS -S -C 7,7"
  "ntp|$NK timeclient --check --nagios ntp://$L:$NTP|$P/check_ntp_time -H $L -p $NTP"
  "time|$NK timeclient --check --nagios --proto time $L:$TIME|$P/check_time -H $L -p $TIME"
  # check_tcp made to do the probe's work: send the selector and read the menu, or read the
  # banner through the login prompt. The connect-only rows show what check_tcp does by default
  # (it never waits for the server's program, which xinetd starts per connection).
  "gopher|$NK gopher --check --nagios gopher://$L:$GOPHER/|$P/check_tcp -H $L -p $GOPHER -E -s '\r\n' -e 'netkit test root'"
  "telnet|$NK telnet --check --nagios telnet://$L:$TELNET|$P/check_tcp -H $L -p $TELNET -e 'login:'"
  "gopher (tcp only)|$NK gopher --check --nagios gopher://$L:$GOPHER/|$P/check_tcp -H $L -p $GOPHER"
  "telnet (tcp only)|$NK telnet --check --nagios telnet://$L:$TELNET|$P/check_tcp -H $L -p $TELNET"
)
echo "== probes: hyperfine -N, $RUNS runs each, $(nproc) cores, netkit $(stat -c %s "$NK") bytes =="
printf '%-18s %10s %10s %7s %12s %12s %9s %9s\n' protocol "netkit ms" "plugin ms" ratio "nk cpu ms" "plug cpu ms" "nk KiB" "plug KiB"
for pair in "${pairs[@]}"; do
  IFS='|' read -r name ours theirs <<<"$pair"
  # bash -c parses the quotes as hyperfine -N does.
  for c in "$ours" "$theirs"; do
    bash -c "$c" >/dev/null || { echo "$name: '$c' did not pass: $(bash -c "$c")"; exit 1; }
  done
  hyperfine -N --warmup 10 --runs "$RUNS" --export-json "$WORK/h.json" "$ours" "$theirs" >/dev/null 2>&1
  rss_nk=$(bash -c "/usr/bin/time -f %M $ours 2>&1 >/dev/null" | tail -1)
  rss_pl=$(bash -c "/usr/bin/time -f %M $theirs 2>&1 >/dev/null" | tail -1)
  /usr/bin/python3 - "$WORK/h.json" "$name" "$rss_nk" "$rss_pl" <<'PY'
import json, sys
a, b = json.load(open(sys.argv[1]))["results"]
cpu = lambda x: (x["user"] + x["system"]) * 1000
print(f"{sys.argv[2]:18} {a['mean']*1000:10.2f} {b['mean']*1000:10.2f} {a['mean']/b['mean']:7.2f} "
      f"{cpu(a):12.2f} {cpu(b):12.2f} {sys.argv[3]:>9} {sys.argv[4]:>9}")
PY
done
