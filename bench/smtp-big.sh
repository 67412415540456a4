#!/usr/bin/env bash
# A 1 GiB attachment (issue 11 #3): netkit smtp-send --attach vs Python smtplib + email
# (EmailMessage.add_attachment, send_message) composing the same message, and curl
# --upload-file sending a prebuilt copy of it (curl does not compose MIME), side by side,
# to a sink that discards DATA (tests/data/discard_smtp.py: aiosmtpd would hold 1.4 GB in
# memory). Reports wall time, attachment MB/s, client CPU, peak RSS (/usr/bin/time) and the
# bytes the sink counted. The attachment is a sparse file: disk speed does not count.
# Usage: bench/smtp-big.sh [MiB]   (default 1024)   Needs: python3, curl, /usr/bin/time
set -euo pipefail
cd "$(dirname "$0")/.."
MIB=${1:-1024}
cargo build --release --quiet
NK=$PWD/target/release/netkit
WORK=$(mktemp -d)
SINK_PID=
cleanup() { [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/bin/python3 -u tests/data/discard_smtp.py "$PORT" > "$WORK/sink.log" 2>&1 &
SINK_PID=$!
for _ in $(seq 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 0.1
done
truncate -s "${MIB}M" "$WORK/big.bin"
URL=smtp://127.0.0.1:$PORT

send_netkit() {
  "$NK" smtp-send "$URL" --from a@netkit.test --to b@netkit.test --subject big \
    --body "see attachment" --attach "$WORK/big.bin" -q > /dev/null
}
PY_COMPOSE='
import smtplib, sys
from email.message import EmailMessage
m = EmailMessage()
m["From"], m["To"], m["Subject"] = "a@netkit.test", "b@netkit.test", "big"
m.set_content("see attachment")
with open(sys.argv[2], "rb") as f:
    m.add_attachment(f.read(), maintype="application", subtype="octet-stream", filename="big.bin")
if sys.argv[1] == "write":
    from email import policy
    open(sys.argv[3], "wb").write(m.as_bytes(policy=policy.SMTP))
else:
    s = smtplib.SMTP("127.0.0.1", int(sys.argv[1])); s.send_message(m); s.quit()
'
send_python() { /usr/bin/python3 -c "$PY_COMPOSE" "$PORT" "$WORK/big.bin"; }
send_curl() {
  curl -s --url "$URL" --mail-from a@netkit.test --mail-rcpt b@netkit.test -T "$WORK/big.eml"
}
export -f send_netkit send_python send_curl
export NK URL WORK PORT PY_COMPOSE
# curl's input: the same message, prebuilt by Python (not timed).
/usr/bin/python3 -c "$PY_COMPOSE" write "$WORK/big.bin" "$WORK/big.eml"

echo "== one ${MIB} MiB attachment (sparse file), to a discarding sink on loopback =="
printf '  %-8s %8s %10s %12s %12s %14s\n' tool "wall s" "MB/s" "client cpu s" "peak RSS" "bytes at sink"
declare -A WALL RSS
for tool in netkit python curl; do
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/t" bash -c "send_$tool" \
    || echo "  $tool failed"
  read -r wall user sys rss < "$WORK/t"
  WALL[$tool]=$wall RSS[$tool]=$rss
  got=$(tail -n 1 "$WORK/sink.log" | awk '{print $2}')
  awk -v t="$tool" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v m="$MIB" -v g="$got" \
    'BEGIN { printf "  %-8s %8.2f %10.1f %12.2f %8.1f MiB %14s\n", t, w, m*1.048576/w, u+s, r/1024, g }'
done
awk -v nw="${WALL[netkit]}" -v pw="${WALL[python]}" -v cw="${WALL[curl]}" \
    -v nr="${RSS[netkit]}" -v pr="${RSS[python]}" -v cr="${RSS[curl]}" 'BEGIN {
  printf "  time: netkit/python %.2fx  netkit/curl %.2fx   RSS: netkit/python %.3fx  netkit/curl %.2fx\n",
    nw/pw, nw/cw, nr/pr, nr/cr }'
echo "  (netkit and python compose; curl sends python's prebuilt message as it is)"
