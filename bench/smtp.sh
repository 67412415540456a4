#!/usr/bin/env bash
# SMTP benchmark (network-layer issue): netkit smtp-send vs curl smtp://, swaks and Python
# smtplib, side by side in one run, against the byte-exact aiosmtpd sink on loopback
# (tests/data/smtpsink.py). Reports per-message wall time and CPU for many small sends,
# throughput and peak RSS for one 50 MiB message, and checks every stored byte.
# Usage: bench/smtp.sh [COUNT]   (default 200)   Needs: python3-aiosmtpd, curl, swaks
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-200}
cargo build --release --quiet
NK=$PWD/target/release/netkit
WORK=$(mktemp -d)
SINK_PID=
cleanup() { [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$WORK/sink"
cat > "$WORK/sink.json" <<JSON
{"port": $PORT, "dir": "$WORK/sink", "hostname": "127.0.0.1", "cert": null, "key": null,
 "require_starttls": false, "users": {}, "auth_required": false,
 "data_size_limit": 209715200, "refuse": {}}
JSON
/usr/bin/python3 tests/data/smtpsink.py "$WORK/sink.json" > "$WORK/sink.log" 2>&1 &
SINK_PID=$!
for _ in $(seq 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 0.1
done

# A 2 KiB message and a 50 MiB one, CRLF, lines under aiosmtpd's 1000-byte limit, some
# starting with '.' so dot-stuffing is exercised.
/usr/bin/python3 - "$WORK" <<'PY'
import sys
work = sys.argv[1]
def msg(size, path):
    head = (b"From: a@netkit.test\r\nTo: b@netkit.test\r\nSubject: bench\r\n"
            b"Date: Tue, 01 Dec 2026 09:00:00 +0000\r\nMessage-ID: <bench@netkit.test>\r\n\r\n")
    body, i = bytearray(), 0
    while len(head) + len(body) < size:
        line = (b"." if i % 7 == 0 else b"") + (b"line %08d " % i) + b"x" * 60 + b"\r\n"
        body += line
        i += 1
    open(path, "wb").write(head + bytes(body))
msg(2048, work + "/small.eml")
msg(50 * 1024 * 1024, work + "/big.eml")
PY
URL=smtp://127.0.0.1:$PORT
send_netkit() { "$NK" smtp-send "$URL" --from a@netkit.test --to b@netkit.test -q "$1" > /dev/null; }
send_curl() { curl -s --url "$URL" --mail-from a@netkit.test --mail-rcpt b@netkit.test -T "$1"; }
send_swaks() { swaks --silent 2 --server 127.0.0.1 --port "$PORT" --from a@netkit.test --to b@netkit.test --data "@$1" > /dev/null; }
send_python() { /usr/bin/python3 -c 'import smtplib,sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1])); s.sendmail("a@netkit.test", ["b@netkit.test"], open(sys.argv[2], "rb").read()); s.quit()' "$PORT" "$1"; }
export -f send_netkit send_curl send_swaks send_python
export NK URL PORT

stored() { ls "$WORK/sink" | grep -c '\.json$' || true; }
check_last() {  # the newest stored message must equal the file sent, byte for byte
  local n; n=$(stored); cmp -s "$WORK/sink/$n.eml" "$1" && echo ok || echo "ALTERED ($WORK/sink/$n.eml)"
}

echo "== $COUNT sends of a 2 KiB message, sequential processes =="
printf '  %-8s %10s %12s %12s %8s\n' tool "wall s" "ms/message" "cpu ms/msg" bytes
for tool in netkit curl swaks python; do
  before=$(stored)
  /usr/bin/time -f '%e %U %S' -o "$WORK/t" bash -c "for i in \$(seq $COUNT); do send_$tool $WORK/small.eml; done"
  read -r wall user sys < "$WORK/t"
  got=$(( $(stored) - before ))
  awk -v t="$tool" -v w="$wall" -v u="$user" -v s="$sys" -v n="$COUNT" -v got="$got" -v chk="$(check_last "$WORK/small.eml")" \
    'BEGIN { printf "  %-8s %10.2f %12.2f %12.2f %8s (%d stored)\n", t, w, w*1000/n, (u+s)*1000/n, chk, got }'
done

echo "== one 50 MiB message, median of 3 sends each =="
printf '  %-8s %8s %10s %12s %12s %8s\n' tool "wall s" "MB/s" "client cpu s" "peak RSS" bytes
for tool in netkit curl python; do
  : > "$WORK/runs"
  for _ in 1 2 3; do
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/t" bash -c "send_$tool $WORK/big.eml"
    echo "$(cat "$WORK/t") $(check_last "$WORK/big.eml")" >> "$WORK/runs"
  done
  sort -n "$WORK/runs" | sed -n 2p | awk -v t="$tool" \
    '{ printf "  %-8s %8.2f %10.1f %12.2f %9.1f MiB %8s\n", t, $1, 52.4288/$1, $2+$3, $4/1024, $5 }'
done
echo "  (sink-bound: aiosmtpd parses every line in Python; python's RSS holds the whole message)"
echo "  (swaks shows ALTERED: it sends an extra empty line before the final dot)"
