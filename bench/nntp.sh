#!/usr/bin/env bash
# NNTP benchmark (issue 16): INN 2.7 on loopback with COUNT articles in one group.
#  1. OVER of the whole group: `netkit nntp over` (one OVER 1-) vs a Python 3.11 nntplib
#     loop (OVER in ranges of 1000, as scripts page through a big group) vs `netkit nntp
#     over` run once per range of 1000.
#  2. ARTICLE of FETCH articles by number into a directory, one file each: `netkit nntp
#     article URL/G 1-FETCH --output-dir` (pipelined 16 deep) vs nntplib's article() loop.
# Reports wall time, articles/s, CPU (user+sys) and peak RSS (/usr/bin/time), and ratios.
# Other NNTP tools on Debian: slrnpull needs a whole spool setup and writes its own spool,
# sinntp is not installed by scripts/test; neither is measured.
# Usage: bench/nntp.sh [COUNT] [FETCH]   (default 10000 1000)   Needs: inn2, python3 (3.11)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-10000}
FETCH=${2:-1000}
PY=/usr/bin/python3
export PYTHONWARNINGS=ignore::DeprecationWarning
"$PY" -W ignore -c "import nntplib" 2>/dev/null || { echo "bench/nntp.sh: $PY has no nntplib (needs Python <= 3.12)" >&2; exit 1; }
cargo build --release --quiet
NK=$PWD/target/release/netkit
WORK=$(mktemp -d /tmp/netkit-nntpbench.XXXXXX)
chmod 755 "$WORK"
N=$WORK/news
INND_PID=
ctl() { env INNCONF="$N/etc/inn.conf" setpriv --reuid news --regid news --init-groups "$@"; }
cleanup() {
  if [ -n "$INND_PID" ]; then
    ctl /usr/lib/news/bin/ctlinnd -t 3 shutdown bench >/dev/null 2>&1 || kill -- -"$INND_PID" 2>/dev/null || true
    sleep 0.5
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cp -r /etc/news "$N/etc" 2>/dev/null || { mkdir -p "$N"; cp -r /etc/news "$N/etc"; }
mkdir -p "$N"/{db,run,log,http} "$N"/spool/{articles,overview,incoming/tmp,outgoing,archive}
"$PY" - "$N" "$PORT" <<'PY'
import re, sys
n, port = sys.argv[1], sys.argv[2]
keys = {"domain": "netkit.test", "pathhost": "news.netkit.test", "port": port,
        "nnrpdpostport": port, "bindaddress": "127.0.0.1", "bindaddress6": '"::1"',
        "mta": '"/bin/true %s"', "artcutoff": "0", "doinnwatch": "false", "status": "0",
        "timer": "0", "maxartsize": "0", "localmaxartsize": "0", "pathdb": n + "/db",
        "pathetc": n + "/etc", "pathrun": n + "/run", "pathlog": n + "/log",
        "pathhttp": n + "/http", "pathspool": n + "/spool",
        "patharticles": n + "/spool/articles", "pathoverview": n + "/spool/overview",
        "pathincoming": n + "/spool/incoming", "pathtmp": n + "/spool/incoming/tmp",
        "pathoutgoing": n + "/spool/outgoing", "patharchive": n + "/spool/archive"}
p = n + "/etc/inn.conf"
out = [l for l in open(p).read().splitlines()
       if not (m := re.match(r"^#?\s*([a-z0-9]+):", l)) or m.group(1) not in keys]
out += ["%s: %s" % kv for kv in keys.items()]
open(p, "w").write("\n".join(out) + "\n")
open(n + "/etc/incoming.conf", "w").write("streaming: true\nmax-connections: 8\n")
open(n + "/etc/newsfeeds", "w").write("ME:!*/!local::\n")
open(n + "/etc/storage.conf", "w").write("method tradspool {\n newsgroups: *\n class: 0\n}\n")
open(n + "/etc/readers.conf", "w").write(
    'auth "all" {\n hosts: "127.0.0.1, ::1, localhost"\n default: "<all>"\n}\n'
    'access "all" {\n users: "<all>"\n newsgroups: "*"\n access: RPAN\n}\n')
groups = ["local.bench y", "control n", "control.cancel n", "junk n"]
open(n + "/db/active", "w").write("".join("%s 0000000000 0000000001 %s\n" % tuple(g.split()) for g in groups))
open(n + "/db/active.times", "w").write("".join("%s 1700000000 bench\n" % g.split()[0] for g in groups))
open(n + "/db/newsgroups", "w").write("local.bench\tBenchmark group\n")
open(n + "/db/history", "w").write("")
PY
chown -R news:news "$N"
(cd "$N/db" && ctl /usr/lib/news/bin/makedbz -i -o)
(cd "$N" && exec setsid env INNCONF="$N/etc/inn.conf" setpriv --reuid news --regid news --init-groups \
  /usr/lib/news/bin/innd -f > "$N/log/innd.out" 2>&1) &
INND_PID=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
URL="nntp://127.0.0.1:$PORT/local.bench"

echo "# seeding $COUNT articles (~1.5 KiB each) by POST"
t0=$(date +%s.%N)
"$PY" - "$PORT" "$COUNT" <<'PY'
import nntplib, sys, io
port, count = int(sys.argv[1]), int(sys.argv[2])
s = nntplib.NNTP("127.0.0.1", port, readermode=True)
body = ("The quick brown fox jumps over the lazy dog, %d times.\r\n" * 24)
for i in range(1, count + 1):
    refs = "References: <bench%d@netkit.test>\r\n" % (i - 1) if i % 3 == 0 else ""
    art = ("From: Bench %d <bench@netkit.test>\r\nNewsgroups: local.bench\r\nSubject: benchmark article %d\r\n"
           "Message-ID: <bench%d@netkit.test>\r\n%s\r\n%s" % (i % 50, i, i, refs, body.replace("%d", str(i))))
    s.post(io.BytesIO(art.encode()))
s.quit()
PY
# Posts reach the overview through innd: wait until the group shows them all.
for _ in $(seq 100); do
  last=$("$NK" nntp group "$URL" -q | awk '{print $4}')
  [ "$last" -ge "$COUNT" ] && break; sleep 0.1
done
printf '# seeded in %.1f s; group: %s\n' "$(echo "$(date +%s.%N) - $t0" | bc -l)" "$("$NK" nntp group "$URL")"

over_netkit() { "$NK" nntp over "$URL" > "$WORK/over-netkit.txt"; }
over_netkit_ranges() {
  : > "$WORK/over-ranges.txt"
  for ((a = 1; a <= COUNT; a += 1000)); do
    "$NK" nntp over "$URL" "$a-$((a + 999))" >> "$WORK/over-ranges.txt"
  done
}
over_python() { "$PY" - "$PORT" "$COUNT" > "$WORK/over-python.txt" <<'PY'
import nntplib, sys
port, count = int(sys.argv[1]), int(sys.argv[2])
s = nntplib.NNTP("127.0.0.1", port, readermode=True)
s.group("local.bench")
out = sys.stdout
for a in range(1, count + 1, 1000):
    _, items = s.over((a, a + 999))
    for n, o in items:
        out.write("%d\t%s\t%s\t%s\t%s\t%s\n" % (n, o["subject"], o["from"], o["date"], o["message-id"], o["references"]))
s.quit()
PY
}
art_netkit() { rm -rf "$WORK/art-netkit"; "$NK" nntp article "$URL" "1-$FETCH" --output-dir "$WORK/art-netkit"; }
art_netkit_json() { "$NK" nntp article "$URL" "1-$FETCH" --json > "$WORK/art.jsonl"; }
art_python() { rm -rf "$WORK/art-python"; "$PY" - "$PORT" "$FETCH" "$WORK/art-python" <<'PY'
import nntplib, sys, os
port, fetch, d = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
os.makedirs(d, exist_ok=True)
s = nntplib.NNTP("127.0.0.1", port, readermode=True)
s.group("local.bench")
for i in range(1, fetch + 1):
    _, info = s.article(i)
    with open(os.path.join(d, str(i)), "wb") as f:
        f.write(b"\n".join(info.lines) + b"\n")
s.quit()
PY
}
export -f over_netkit over_netkit_ranges over_python art_netkit art_netkit_json art_python
export NK URL PORT WORK COUNT FETCH PY

declare -A RATE
run() {  # name items function
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" bash -c "$3"
  read -r wall user sys rss < "$WORK/time"
  local rate; rate=$(echo "$2 / ($wall + 0.0001)" | bc -l)
  RATE[$1]=$rate
  printf '%-22s %8.3f %10.0f %8.2f %8.2f %8.1f\n' "$1" "$wall" "$rate" "$user" "$sys" "$(echo "$rss/1024" | bc -l)"
}
# Warm INN's overview and the page cache once.
over_netkit
echo
echo "# OVER of $COUNT articles (each tool run once, after one warm-up OVER)"
printf '%-22s %8s %10s %8s %8s %8s\n' tool wall_s art_per_s user_s sys_s rss_mib
run "netkit over" "$COUNT" over_netkit
run "python nntplib" "$COUNT" over_python
run "netkit over per 1000" "$COUNT" over_netkit_ranges
cmp -s "$WORK/over-netkit.txt" "$WORK/over-ranges.txt" && echo "check: netkit whole == netkit per range"
if cmp -s "$WORK/over-netkit.txt" "$WORK/over-python.txt"; then echo "check: netkit == nntplib (byte-identical lines)"
else echo "check: netkit $(wc -l < "$WORK/over-netkit.txt") lines, nntplib $(wc -l < "$WORK/over-python.txt") lines"; fi
printf 'netkit / nntplib: %.1fx   netkit / netkit-per-range: %.1fx\n' \
  "$(echo "${RATE[netkit over]} / ${RATE[python nntplib]}" | bc -l)" \
  "$(echo "${RATE[netkit over]} / ${RATE[netkit over per 1000]}" | bc -l)"
echo
echo "# ARTICLE 1-$FETCH into a directory, one file each (netkit fsyncs each file and the directory; nntplib does not)"
printf '%-22s %8s %10s %8s %8s %8s\n' tool wall_s art_per_s user_s sys_s rss_mib
run "netkit article" "$FETCH" art_netkit
run "python nntplib" "$FETCH" art_python
run "netkit article --json" "$FETCH" art_netkit_json
if diff -rq "$WORK/art-netkit" "$WORK/art-python" >/dev/null; then echo "check: $FETCH files, netkit == nntplib"
else echo "check: files differ: $(diff -rq "$WORK/art-netkit" "$WORK/art-python" | head -1)"; fi
printf 'netkit / nntplib: %.1fx\n' "$(echo "${RATE[netkit article]} / ${RATE[python nntplib]}" | bc -l)"
echo "innd+nnrpd CPU is not in these figures; with 2 cores the server's own work bounds the rates."
