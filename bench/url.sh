#!/usr/bin/env bash
# Foundation benchmark (issue 3): netkit urlquote/urlparse vs Python 3 urllib.parse and
# jq -R @uri, side by side in one run. Reports wall time, CPU time, peak RSS and ratios.
# Usage: bench/url.sh [LINES]   (default 1000000)   Needs: python3, jq, hyperfine, /usr/bin/time
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${1:-1000000}
RUNS=${RUNS:-3}
cargo build --release --quiet
NK=$PWD/target/release/netkit
PY=${PYTHON:-python3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

$PY bench/gen_lines.py quote "$LINES" > "$WORK/quote.txt"
$PY bench/gen_lines.py urls "$LINES" > "$WORK/urls.txt"
BYTES_Q=$(stat -c %s "$WORK/quote.txt")
BYTES_U=$(stat -c %s "$WORK/urls.txt")

cat > "$WORK/quote.py" <<'PY'
import sys
from urllib.parse import quote
w = sys.stdout.buffer.write
for line in sys.stdin.buffer:
    w(quote(line.rstrip(b"\n")).encode() + b"\n")
PY
cat > "$WORK/parse.py" <<'PY'
import json, sys
from urllib.parse import urlparse, parse_qsl
w = sys.stdout.write
for line in sys.stdin:
    u = urlparse(line.rstrip("\n"))
    w(json.dumps({"url": line.rstrip("\n"), "scheme": u.scheme, "user": u.username,
                  "password": u.password, "host": u.hostname, "port": u.port,
                  "path": u.path, "params": u.params, "query": u.query,
                  "fragment": u.fragment, "query_pairs": parse_qsl(u.query, True)}) + "\n")
PY

# measure NAME INPUT CMD… -> prints "NAME wall user+sys maxrss_kib" (median wall of RUNS)
measure() {
  local name=$1 input=$2; shift 2
  local results=()
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/t" "$@" < "$input" > /dev/null
    results+=("$(cat "$WORK/t")")
  done
  printf '%s\n' "${results[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p" |
    awk -v n="$name" '{printf "%s %s %.2f %s\n", n, $1, $2 + $3, $4}'
}

echo "== start-up (hyperfine, $(nproc) cores) =="
hyperfine -N --warmup 20 --runs 300 --export-json "$WORK/startup.json" \
  "/bin/true" "$NK urlquote 'a b'" \
  "$PY -c 'from urllib.parse import quote; print(quote(\"a b\"))'" > /dev/null
$PY - "$WORK/startup.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
base = r[0]["median"]
for x in r:
    print(f"  {x['command'][:60]:60s} median {x['median']*1e3:7.3f} ms  ({x['median']/base:5.2f}x /bin/true)")
PY
for cmd in "/bin/true" "$NK urlquote 'a b'"; do
  /usr/bin/time -f "  peak RSS %M KiB: $cmd" sh -c "exec $cmd" > /dev/null
done
/usr/bin/time -f "  peak RSS %M KiB: python3 -c quote" $PY -c 'from urllib.parse import quote; print(quote("a b"))' > /dev/null

echo "== bulk: $LINES lines (quote input $BYTES_Q bytes, urls $BYTES_U bytes), median of $RUNS =="
{
  measure netkit-urlquote "$WORK/quote.txt" "$NK" urlquote
  measure python-quote "$WORK/quote.txt" $PY "$WORK/quote.py"
  measure jq-uri "$WORK/quote.txt" jq -rR @uri
  measure netkit-urlparse-json "$WORK/urls.txt" "$NK" urlparse --json
  measure python-urlparse-json "$WORK/urls.txt" $PY "$WORK/parse.py"
} > "$WORK/bulk.txt"
$PY - "$WORK/bulk.txt" "$LINES" "$BYTES_Q" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    name, wall, cpu, rss = line.split()
    rows[name] = (float(wall), float(cpu), int(rss))
lines, qbytes = int(sys.argv[2]), int(sys.argv[3])
print(f"  {'tool':24s} {'wall s':>8s} {'cpu s':>7s} {'lines/s':>12s} {'peak RSS':>10s}")
for name, (wall, cpu, rss) in rows.items():
    print(f"  {name:24s} {wall:8.2f} {cpu:7.2f} {lines/max(wall,1e-3):12,.0f} {rss/1024:8.1f} MiB")
q, pq, jq = rows["netkit-urlquote"][0], rows["python-quote"][0], rows["jq-uri"][0]
p, pp = rows["netkit-urlparse-json"][0], rows["python-urlparse-json"][0]
print(f"  urlquote: {pq/max(q,1e-3):.1f}x python, {jq/max(q,1e-3):.1f}x jq, {qbytes/max(q,1e-3)/1e6:.0f} MB/s of input")
print(f"  urlparse --json: {pp/max(p,1e-3):.1f}x python")
PY

echo "== memory stays flat: 10x the input through urlquote =="
for _ in $(seq 10); do cat "$WORK/quote.txt"; done > "$WORK/big.txt"
measure netkit-urlquote-10x "$WORK/big.txt" "$NK" urlquote | awk '{printf "  %s: %s s, peak RSS %.1f MiB\n", $1, $2, $4/1024}'
