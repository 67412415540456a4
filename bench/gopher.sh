#!/usr/bin/env bash
# Gopher benchmark (issue 17): Gophernicus under xinetd on loopback, fetched by
# `netkit gopher`, `curl gopher://` and a Python socket client (gopherlib left Python in 3.0),
# side by side with hyperfine; then CPU and peak RSS of one run each.
#   1. a small menu, RUNS fetches each (the issue's "1,000 menu fetches": target netkit's
#      wall time <= curl's, peak RSS <= 6 MiB)
#   2. a big menu (BIG_LINES lines; netkit renders it, curl and Python copy it raw; netkit
#      --raw too)
#   3. a large binary (BLOB_MIB MiB) saved to a file
# Usage: bench/gopher.sh [RUNS] [BIG_LINES] [BLOB_MIB]  (default 1000 100000 256)
# Needs: root, xinetd, gophernicus, curl, python3, hyperfine, /usr/bin/time
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-1000}
BIG_LINES=${2:-100000}
BLOB_MIB=${3:-256}
cargo build --release --quiet
NK=$PWD/target/release/netkit
PY=/usr/bin/python3
WORK=$(mktemp -d /tmp/netkit-gopherbench.XXXXXX)
chmod 755 "$WORK"
XPID=
cleanup() { [ -n "$XPID" ] && kill "$XPID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ROOT=$WORK/root
mkdir -p "$ROOT/big"
{
  echo '!netkit gopher bench'
  echo 'A small menu, as a front page is.'
  for i in $(seq 1 20); do printf '0Document %d\t/doc%d.txt\n' "$i" "$i"; done
  printf '1Big menu\t/big\n9Blob\t/blob.bin\n'
} > "$ROOT/gophermap"
$PY - "$ROOT/big/gophermap" "$BIG_LINES" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write("0Item number %d of the big menu\t/big/item%d.txt\n" % (i, i))
PY
head -c $((BLOB_MIB << 20)) /dev/urandom > "$ROOT/blob.bin"
chmod -R a+rX "$ROOT"
cat > "$WORK/xinetd.conf" <<CONF
defaults
{
  log_type = FILE $WORK/xinetd.log
  only_from = 127.0.0.1
  instances = UNLIMITED
  per_source = UNLIMITED
  cps = 100000 1
}
service bench-gopher
{
  type = UNLISTED
  socket_type = stream
  protocol = tcp
  port = $PORT
  bind = 127.0.0.1
  wait = no
  user = _gophernicus
  server = /usr/sbin/gophernicus
  server_args = -h 127.0.0.1 -p $PORT -r $ROOT -nv -nu -ns -nf -i 100000000 -k 100000000
}
CONF
/usr/sbin/xinetd -dontfork -stayalive -f "$WORK/xinetd.conf" -pidfile "$WORK/x.pid" &
XPID=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
sleep 0.3
cat > "$WORK/client.py" <<'PY'
# A minimal RFC 1436 client: send the selector, copy the answer until the server closes.
import socket, sys
host, port, selector, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.create_connection((host, port), timeout=30)
s.sendall(selector.encode() + b"\r\n")
with open(out, "wb") as f:
    while True:
        data = s.recv(65536)
        if not data:
            break
        f.write(data)
PY
U=gopher://127.0.0.1:$PORT
# Every client must fetch correctly before it is timed.
$NK gopher "$U/1/" > "$WORK/menu.nk"
curl -s "$U/1/" -o "$WORK/menu.curl"
grep -q "^9	Blob	$U/9/blob.bin\$" "$WORK/menu.nk" || { echo "netkit menu wrong"; cat "$WORK/menu.nk"; exit 1; }
grep -q '^9Blob' "$WORK/menu.curl" || { echo "curl menu wrong"; exit 1; }
$NK gopher "$U/9/blob.bin" -o "$WORK/blob.nk"
cmp -s "$WORK/blob.nk" "$ROOT/blob.bin" || { echo "netkit binary differs"; exit 1; }
[ "$($NK gopher "$U/1/big" | wc -l)" -eq "$BIG_LINES" ] || { echo "netkit big menu short"; exit 1; }

report() { # NAME HYPERFINE_JSON CMD... : one row per command
  $PY - "$WORK" "$@" <<'PY'
import json, sys
w, title, hj = sys.argv[1], sys.argv[2], sys.argv[3]
names = sys.argv[4:]
r = {x["command"]: x for x in json.load(open(hj))["results"]}
print("## " + title)
print("%-14s %10s %9s %8s %8s %9s" % ("tool", "mean_ms", "stddev", "user_s", "sys_s", "rss_mib"))
for n in names:
    u, s, m = open("%s/t.%s" % (w, n)).read().split()
    x = r[n]
    print("%-14s %10.2f %9.2f %8s %8s %9.1f" % (n, x["mean"] * 1000, x["stddev"] * 1000, u, s, int(m) / 1024))
base = r[names[0]]["mean"]
for n in names[1:]:
    print("netkit / %s wall time: %.2fx" % (n, base / r[n]["mean"]))
PY
}
timed() { # NAME CMD : CPU and peak RSS of one run
  /usr/bin/time -f '%U %S %M' -o "$WORK/t.$1" bash -c "$2" > /dev/null
}

echo "# Gophernicus under xinetd, loopback; $(nproc) CPUs"
# 1. small menu, RUNS fetches
N1="$NK gopher $U/1/ -o /dev/null"
C1="curl -s $U/1/ -o /dev/null"
P1="$PY $WORK/client.py 127.0.0.1 $PORT '' /dev/null"
hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$WORK/h1.json" \
  -n netkit "$N1" -n curl "$C1" -n python "$P1" > /dev/null
timed netkit "$N1"; timed curl "$C1"; timed python "$P1"
report "small menu (22 lines), $RUNS fetches each (x$RUNS = total)" "$WORK/h1.json" netkit curl python
$PY - "$WORK/h1.json" "$WORK/t.netkit" "$RUNS" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
runs = int(sys.argv[3])
nk, curl = r["netkit"]["mean"], r["curl"]["mean"]
rss = int(open(sys.argv[2]).read().split()[2]) / 1024
print("%d fetches: netkit %.2f s, curl %.2f s (target netkit <= curl): %s; netkit peak RSS %.1f MiB (target <= 6): %s"
      % (runs, nk * runs, curl * runs, "met" if nk <= curl else "missed", rss, "met" if rss <= 6 else "missed"))
PY
# 2. big menu
N2="$NK gopher $U/1/big -o /dev/null"
R2="$NK gopher --raw $U/1/big -o /dev/null"
C2="curl -s $U/1/big -o /dev/null"
P2="$PY $WORK/client.py 127.0.0.1 $PORT /big /dev/null"
hyperfine -N --warmup 2 --runs 10 --export-json "$WORK/h2.json" \
  -n netkit "$N2" -n netkit-raw "$R2" -n curl "$C2" -n python "$P2" > /dev/null
timed netkit "$N2"; timed netkit-raw "$R2"; timed curl "$C2"; timed python "$P2"
report "big menu ($BIG_LINES lines; netkit renders, the others copy raw)" "$WORK/h2.json" netkit netkit-raw curl python
# 3. large binary
N3="$NK gopher $U/9/blob.bin -o $WORK/out.nk"
C3="curl -s $U/9/blob.bin -o $WORK/out.curl"
P3="$PY $WORK/client.py 127.0.0.1 $PORT /blob.bin $WORK/out.py"
hyperfine -N --warmup 1 --runs 5 --export-json "$WORK/h3.json" \
  -n netkit "$N3" -n curl "$C3" -n python "$P3" > /dev/null
timed netkit "$N3"; timed curl "$C3"; timed python "$P3"
report "binary ($BLOB_MIB MiB, saved to a file; netkit via .part + fsync + rename)" "$WORK/h3.json" netkit curl python
