#!/usr/bin/env bash
# timeserver benchmark (issue: timeserver/timeclient): netkit timeserver vs the tutorial's
# server in Python 3 (socketserver.ThreadingTCPServer / UDPServer) vs xinetd's internal
# daytime, side by side in one run, driven by bench/loadgen (64 std threads).
# Reports replies/s, p50/p99 latency, errors, server CPU µs per reply (utime+stime, children
# included, from /proc/PID/stat), peak RSS (VmHWM), backlog, and ratios.
# Usage: bench/time.sh [SECS]   (default 5)   Needs: python3, xinetd, chrony (apt)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-5}
WORKERS=${WORKERS:-64}
ulimit -n 65536 2>/dev/null || ulimit -n 4096
cargo build --release --quiet -p netkit -p loadgen
NK=$PWD/target/release/netkit
LG=$PWD/target/release/loadgen
PY=${PYTHON:-/usr/bin/python3}
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.3; rm -rf "$WORK"; }
trap cleanup EXIT
TCK=$(getconf CLK_TCK)

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do ss -H -ltun "sport = :$1" | grep -q . && return 0; sleep 0.1; done; echo "port $1 never listened" >&2; exit 1; }
cpu_ticks() { awk '{ print $14+$15+$16+$17 }' "/proc/$1/stat"; }
hwm_kib() { awk '/VmHWM/ { print $2 }' "/proc/$1/status"; }
backlog() { ss -H -ltn "sport = :$1" | awk 'NR==1 { print $3 }'; }

P_NK=$(free_port); P_PY=$(free_port); P_XI=$(free_port); P_NKU=$(free_port); P_PYU=$(free_port); P_NTP=$(free_port); P_CH=$(free_port)

"$NK" timeserver --tcp -l 127.0.0.1 -p "$P_NK" --log text > /dev/null 2>"$WORK/nk.err" & PID_NK=$!; PIDS+=($PID_NK)
$PY bench/tutorial_time_server.py tcp "$P_PY" > /dev/null 2>&1 & PID_PY=$!; PIDS+=($PID_PY)
cat > "$WORK/xinetd.conf" <<CONF
defaults
{
  log_type = FILE $WORK/xinetd.log
  only_from = 127.0.0.1
  per_source = UNLIMITED
  instances = UNLIMITED
  cps = 1000000 1
}
service daytime
{
  id = daytime-stream
  type = INTERNAL UNLISTED
  socket_type = stream
  protocol = tcp
  port = $P_XI
  bind = 127.0.0.1
  wait = no
  user = root
}
CONF
/usr/sbin/xinetd -dontfork -stayalive -f "$WORK/xinetd.conf" -pidfile "$WORK/xinetd.pid" & PID_XI=$!; PIDS+=($PID_XI)
"$NK" timeserver --udp -l 127.0.0.1 -p "$P_NKU" --log text > /dev/null 2>&1 & PID_NKU=$!; PIDS+=($PID_NKU)
$PY bench/tutorial_time_server.py udp "$P_PYU" > /dev/null 2>&1 & PID_PYU=$!; PIDS+=($PID_PYU)
"$NK" timeserver --proto ntp --stratum 8 -l 127.0.0.1 -p "$P_NTP" --log text > /dev/null 2>&1 & PID_NTP=$!; PIDS+=($PID_NTP)
printf 'port %s\nbindaddress 127.0.0.1\nallow 127.0.0.1\nlocal stratum 8\ncmdport 0\nbindcmdaddress /\npidfile %s/chronyd.pid\n' "$P_CH" "$WORK" > "$WORK/chrony.conf"
/usr/sbin/chronyd -d -x -u root -f "$WORK/chrony.conf" > "$WORK/chrony.log" 2>&1 & PID_CH=$!; PIDS+=($PID_CH)
for p in $P_NK $P_PY $P_XI $P_NKU $P_PYU $P_NTP $P_CH; do wait_port "$p"; done

# run NAME PID MODE PORT [--idle N] -> one table row; sets LAST_RPS
declare -A RPS CPU
run() {
  local name=$1 pid=$2 mode=$3 port=$4; shift 4
  local before after json
  before=$(cpu_ticks "$pid")
  json=$("$LG" "$mode" "127.0.0.1:$port" --workers "$WORKERS" --secs "$SECS" "$@")
  after=$(cpu_ticks "$pid")
  local replies rps p50 p99 errors idle
  replies=$(sed -E 's/.*"replies":([0-9]+).*/\1/' <<<"$json")
  rps=$(sed -E 's/.*"replies_per_s":([0-9]+).*/\1/' <<<"$json")
  p50=$(sed -E 's/.*"p50_ms":([0-9.]+).*/\1/' <<<"$json")
  p99=$(sed -E 's/.*"p99_ms":([0-9.]+).*/\1/' <<<"$json")
  errors=$(sed -E 's/.*"errors":([0-9]+).*/\1/' <<<"$json")
  idle=$(sed -E 's/.*"idle_open":([0-9]+).*/\1/' <<<"$json")
  local us
  us=$(awk -v t=$((after - before)) -v hz="$TCK" -v n="$replies" 'BEGIN { if (n>0) printf "%.1f", t/hz*1e6/n; else print "-" }')
  RPS[$name]=$rps; CPU[$name]=$us
  printf '%-28s %10s %8s %8s %7s %9s %6s %9s\n' "$name" "$rps" "$p50" "$p99" "$errors" "$us" "$idle" "$(hwm_kib "$pid")"
}

echo "timeserver benchmark: $WORKERS workers, ${SECS}s per run, $(nproc) cores, $(uname -r)"
echo "listen backlog (ss Send-Q): netkit $(backlog "$P_NK"), python $(backlog "$P_PY"), xinetd $(backlog "$P_XI")"
printf '%-28s %10s %8s %8s %7s %9s %6s %9s\n' server replies/s p50_ms p99_ms errors cpu_us/rep idle rss_kib
run "netkit tcp daytime" "$PID_NK" tcp "$P_NK"
run "python tcp (Threading)" "$PID_PY" tcp "$P_PY"
run "xinetd tcp daytime" "$PID_XI" tcp "$P_XI"
run "netkit tcp +1000 idle" "$PID_NK" tcp "$P_NK" --idle 1000
run "python tcp +1000 idle" "$PID_PY" tcp "$P_PY" --idle 1000
run "xinetd tcp +1000 idle" "$PID_XI" tcp "$P_XI" --idle 1000
run "netkit udp daytime" "$PID_NKU" udp "$P_NKU"
run "python udp (UDPServer)" "$PID_PYU" udp "$P_PYU"
run "netkit sntp" "$PID_NTP" ntp "$P_NTP"
run "chrony sntp" "$PID_CH" ntp "$P_CH"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b>0) printf "%.2fx", a/b; else print "-" }'; }
echo
echo "ratios (replies/s): netkit/python tcp $(ratio "${RPS[netkit tcp daytime]}" "${RPS[python tcp (Threading)]}")," \
  "netkit/xinetd tcp $(ratio "${RPS[netkit tcp daytime]}" "${RPS[xinetd tcp daytime]}")," \
  "netkit/python udp $(ratio "${RPS[netkit udp daytime]}" "${RPS[python udp (UDPServer)]}")," \
  "netkit/chrony sntp $(ratio "${RPS[netkit sntp]}" "${RPS[chrony sntp]}")"
echo "ratios (server CPU per reply, lower is better): xinetd/netkit $(ratio "${CPU[xinetd tcp daytime]}" "${CPU[netkit tcp daytime]}")," \
  "python/netkit $(ratio "${CPU[python tcp (Threading)]}" "${CPU[netkit tcp daytime]}")"
