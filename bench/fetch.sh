#!/usr/bin/env bash
# fetch benchmark (issue 12): netkit fetch beside curl, GNU wget, busybox wget and Python
# urllib (shutil.copyfileobj), side by side in one run, against a private nginx on loopback,
# plain and TLS (a CA and a leaf for 127.0.0.1 made by openssl here). Three scenarios:
#   1 GiB (a sparse file) to /dev/null, 64 MiB (random) to a file (checked with cmp), and
#   COUNT sequential invocations fetching 1 KiB (start-up + connect + request + exit).
# Reports wall time, user+sys CPU, peak RSS (each process's own rusage, as /usr/bin/time -f
# '%U %S %M' gives it), throughput, and each tool's ratio to the best baseline and to curl;
# then the issue's targets, met or missed. Exits 1 if any tool failed or wrote wrong bytes.
# Usage: bench/fetch.sh [RUNS] [COUNT]   (median of RUNS, default 3; COUNT default 200)
# Needs: nginx, curl, wget, busybox, openssl, python3; about a minute and a half.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
COUNT=${2:-200}
cargo build --release --quiet -p netkit
NK=${CARGO_TARGET_DIR:-$PWD/target}/release/netkit
PY=${PYTHON:-/usr/bin/python3}
# Every /dev/null row depends on it: a regular file there would be written like any other.
[ -c /dev/null ] || { echo "/dev/null is not a character device; restore it (mknod -m 666 /dev/null c 1 3)" >&2; exit 1; }
WORK=$(mktemp -d)
chmod 755 "$WORK"
NGINX_PID=
cleanup() {
  if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P=$(free_port)
PS=$(free_port)
while [ "$PS" = "$P" ]; do PS=$(free_port); done

# Content: 1 GiB sparse (no disk, page-cache zeros), 64 MiB random, 1 KiB random.
mkdir -p "$WORK/www" "$WORK/temp" "$WORK/logs" "$WORK/out"
truncate -s 1G "$WORK/www/1g"
head -c $((64 << 20)) /dev/urandom > "$WORK/www/64m"
head -c 1024 /dev/urandom > "$WORK/www/1k"
chown -R www-data "$WORK/temp" 2>/dev/null || true
chmod -R a+rX "$WORK/www"

# A CA and a leaf for 127.0.0.1 (webpki does not accept a self-signed leaf as its own anchor).
(
  cd "$WORK"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=netkit-bench-ca -keyout ca.key -out ca.pem \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=127.0.0.1 \
    -keyout leaf.key -out leaf.csr 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > leaf.ext
  openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile leaf.ext -out leaf.pem 2>/dev/null
  chmod 644 leaf.key
)
CA=$WORK/ca.pem

cat > "$WORK/nginx.conf" <<CONF
daemon off;
user www-data;
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $WORK/temp/body;
  proxy_temp_path $WORK/temp/proxy;
  fastcgi_temp_path $WORK/temp/fastcgi;
  uwsgi_temp_path $WORK/temp/uwsgi;
  scgi_temp_path $WORK/temp/scgi;
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$P;
    root $WORK/www;
  }
  server {
    listen 127.0.0.1:$PS ssl;
    ssl_certificate $WORK/leaf.pem;
    ssl_certificate_key $WORK/leaf.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    root $WORK/www;
  }
}
CONF
nginx -t -q -c "$WORK/nginx.conf" -p "$WORK"
nginx -c "$WORK/nginx.conf" -p "$WORK" &
NGINX_PID=$!
for _ in $(seq 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PS") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$P") 2>/dev/null && break
  sleep 0.1
done

# The measuring is done in Python: posix_spawn + wait4 gives each process's user and sys CPU
# at µs resolution with no shell in between, and perf_counter the wall time (time's %e has
# 10 ms steps, too coarse for the 64 MiB and 1 KiB rows). Peak RSS comes from one more run
# under /usr/bin/time -f %M: a child spawned by Python inherits Python's high-water mark
# across exec, one forked by time only time's own (the floor, printed with the table).
set +e
NK=$NK CA=$CA H=http://127.0.0.1:$P S=https://127.0.0.1:$PS WWW=$WORK/www OUT=$WORK/out \
  RUNS=$RUNS COUNT=$COUNT PY=$PY "$PY" - <<'PY'
import filecmp, os, shutil, signal, statistics, sys, time
E = os.environ
NK, CA, H, S, WWW, OUT, PY = (E[k] for k in ("NK", "CA", "H", "S", "WWW", "OUT", "PY"))
RUNS, COUNT = int(E["RUNS"]), int(E["COUNT"])
ERR = OUT + "/stderr"
PYCODE = """import shutil, ssl, sys, urllib.request as u
ctx = ssl.create_default_context(cafile=sys.argv[3]) if len(sys.argv) > 3 else None
with u.urlopen(sys.argv[1], context=ctx) as r, open(sys.argv[2], "wb") as f:
    shutil.copyfileobj(r, f)"""

def argv(tool, url, out):
    tls = url.startswith("https:")
    if tool == "netkit":
        return [NK, "fetch", "-q"] + (["--cacert", CA] if tls else []) + ["-o", out, url]
    if tool == "curl":
        return ["curl", "-sSf"] + (["--cacert", CA] if tls else []) + ["-o", out, url]
    if tool == "wget":
        return ["wget", "-q"] + ([f"--ca-certificate={CA}"] if tls else []) + ["-O", out, url]
    if tool == "busybox":  # its own TLS cannot verify; without this flag it refuses https
        return ["busybox", "wget", "-q"] + (["--no-check-certificate"] if tls else []) + ["-O", out, url]
    if tool == "python":
        return [PY, "-c", PYCODE, url, out] + ([CA] if tls else [])
    raise ValueError(tool)

TOOLS = ["netkit", "curl", "wget", "busybox", "python"]
failed = []

def spawn(cmd):
    """Runs cmd once: (ok, wall s, user s, sys s, maxrss KiB)."""
    exe = shutil.which(cmd[0]) or cmd[0]
    actions = [(os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
               (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
               (os.POSIX_SPAWN_OPEN, 2, ERR, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)]
    t0 = time.perf_counter()
    pid = os.posix_spawn(exe, cmd, os.environ, file_actions=actions)
    signal.signal(signal.SIGALRM, lambda *_: os.kill(pid, signal.SIGKILL))
    signal.alarm(120)
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    signal.alarm(0)
    return os.waitstatus_to_exitcode(status) == 0, wall, ru.ru_utime, ru.ru_stime, ru.ru_maxrss

def peak_rss(cmd):
    """ru_maxrss in KiB of one run under /usr/bin/time."""
    spawn(["/usr/bin/time", "-f", "%M", "-o", OUT + "/rss"] + cmd)
    return int(open(OUT + "/rss").read().split()[-1])

def note_failure(scen, tool, why):
    failed.append(f"{scen} {tool}: {why}")
    try:
        text = open(ERR).read().strip()
    except OSError:
        text = ""
    if text:
        print(f"  {scen} {tool}: {text[-400:]}", file=sys.stderr)

data = {}
def one(scen, tool, url, out):
    """Median (by wall) of RUNS single downloads; the file is compared with the source."""
    runs, status = [], "ok"
    for _ in range(RUNS):
        if out != "/dev/null" and os.path.exists(out):
            os.unlink(out)
        open(ERR, "w").close()
        ok, wall, u, s, rss = spawn(argv(tool, url, out))
        if not ok:
            status = "FAILED"; note_failure(scen, tool, "exit status")
        elif out != "/dev/null" and not filecmp.cmp(out, WWW + "/" + url.rsplit("/", 1)[1], shallow=False):
            status = "WRONG"; note_failure(scen, tool, "bytes differ")
        runs.append((wall, u + s, rss))
    wall, cpu, _ = sorted(runs)[len(runs) // 2]
    rss = peak_rss(argv(tool, url, out))
    data.setdefault(scen, {})[tool] = dict(wall=wall, cpu=cpu, rss=rss / 1024, status=status)

def many(scen, tool, url):
    """COUNT sequential invocations: total wall and CPU / COUNT, the largest peak RSS."""
    open(ERR, "w").close()
    t0, cpu, status = time.perf_counter(), 0.0, "ok"
    for _ in range(COUNT):
        ok, _, u, s, r = spawn(argv(tool, url, "/dev/null"))
        cpu += u + s
        if not ok and status == "ok":
            status = "FAILED"; note_failure(scen, tool, "exit status")
    wall = time.perf_counter() - t0
    rss = peak_rss(argv(tool, url, "/dev/null"))
    data.setdefault(scen, {})[tool] = dict(ms=wall * 1000 / COUNT, cpu_ms=cpu * 1000 / COUNT,
                                           rss=rss / 1024, status=status)

for tool in TOOLS:  # warm the page cache with each binary and both servers
    for u in (H, S):
        spawn(argv(tool, u + "/1k", "/dev/null"))
t_all = time.perf_counter()
SIZE = {"1g": 1 << 30, "64m": 64 << 20}
for scen, url, out in [("1g-null-plain", H + "/1g", None), ("1g-null-tls", S + "/1g", None),
                       ("64m-file-plain", H + "/64m", OUT), ("64m-file-tls", S + "/64m", OUT)]:
    for tool in TOOLS:
        one(scen, tool, url, f"{out}/{tool}.64m" if out else "/dev/null")
for scen, url in [("1k-plain", H + "/1k"), ("1k-tls", S + "/1k")]:
    for tool in TOOLS:
        many(scen, tool, url)
t0 = time.perf_counter()
for _ in range(COUNT):
    spawn(["/bin/true"])
loop_ms = (time.perf_counter() - t0) * 1000 / COUNT

print(f"== netkit fetch vs curl, wget, busybox wget, python3 urllib; nginx 1 worker on loopback; "
      f"{os.cpu_count()} cores; median of {RUNS} ==")
print("   CPU = the client's user+sys (nginx not counted); MB/s = 10^6 bytes per wall second;")
print(f"   RSS = /usr/bin/time %M (its floor, /bin/true: {peak_rss(['/bin/true']) / 1024:.1f} MiB);"
      " busybox TLS does not verify the certificate")
targets = []
for scen in ["1g-null-plain", "1g-null-tls", "64m-file-plain", "64m-file-tls"]:
    d, n = data[scen], SIZE[scen.split("-")[0]]
    for r in d.values():
        r["mbs"] = n / r["wall"] / 1e6
        r["cpu_gib"] = r["cpu"] * (1 << 30) / n
    best = max((t for t in d if t != "netkit" and d[t]["status"] == "ok"), key=lambda t: d[t]["mbs"])
    where = "/dev/null" if "null" in scen else "a file"
    print(f"\n-- {scen}: {n >> 20} MiB to {where}  (best baseline: {best})")
    print(f"  {'tool':8} {'wall s':>7} {'MB/s':>7} {'cpu s':>6} {'cpu s/GiB':>9} {'RSS MiB':>7} {'×best':>6} {'×curl':>6}  status")
    for t, r in d.items():
        print(f"  {t:8} {r['wall']:7.3f} {r['mbs']:7.0f} {r['cpu']:6.3f} {r['cpu_gib']:9.3f} {r['rss']:7.1f} "
              f"{r['mbs'] / d[best]['mbs']:6.2f} {r['mbs'] / d['curl']['mbs']:6.2f}  {r['status']}")
for scen in ["1k-plain", "1k-tls"]:
    d = data[scen]
    best = min((t for t in d if t != "netkit" and d[t]["status"] == "ok"), key=lambda t: d[t]["ms"])
    print(f"\n-- {scen}: {COUNT} sequential invocations, 1 KiB to /dev/null  (best baseline: {best};"
          f" spawning /bin/true costs {loop_ms:.2f} ms)")
    print(f"  {'tool':8} {'ms/inv':>7} {'cpu ms':>7} {'RSS MiB':>7} {'×best':>6} {'×curl':>6}  status")
    for t, r in d.items():
        print(f"  {t:8} {r['ms']:7.2f} {r['cpu_ms']:7.2f} {r['rss']:7.1f} {r['ms'] / d[best]['ms']:6.2f} "
              f"{r['ms'] / d['curl']['ms']:6.2f}  {r['status']}")

nk = lambda s: data[s]["netkit"]
p, t = "1g-null-plain", "1g-null-tls"
fast = max(data[p]["curl"]["mbs"], data[p]["busybox"]["mbs"])
def check(name, ok, detail):
    targets.append((name, ok, detail))
check("plain throughput ≥ max(curl, busybox)", nk(p)["mbs"] >= fast, f"{nk(p)['mbs']:.0f} vs {fast:.0f} MB/s")
check("plain CPU per GiB ≤ curl", nk(p)["cpu_gib"] <= data[p]["curl"]["cpu_gib"],
      f"{nk(p)['cpu_gib']:.3f} vs {data[p]['curl']['cpu_gib']:.3f} s")
check("TLS throughput ≥ curl", nk(t)["mbs"] >= data[t]["curl"]["mbs"],
      f"{nk(t)['mbs']:.0f} vs {data[t]['curl']['mbs']:.0f} MB/s")
check("TLS CPU per GiB ≤ curl", nk(t)["cpu_gib"] <= data[t]["curl"]["cpu_gib"],
      f"{nk(t)['cpu_gib']:.3f} vs {data[t]['curl']['cpu_gib']:.3f} s")
rp = max(data[s]["netkit"]["rss"] for s in data if s.endswith("plain"))
rt = max(data[s]["netkit"]["rss"] for s in data if s.endswith("tls"))
check("peak RSS ≤ 6 MiB plain (all rows)", rp <= 6, f"{rp:.1f} MiB")
check("peak RSS ≤ 8 MiB TLS (all rows)", rt <= 8, f"{rt:.1f} MiB")
k, kt = data["1k-plain"], data["1k-tls"]
check("1 KiB plain ≤ 1.5× busybox", k["netkit"]["ms"] <= 1.5 * k["busybox"]["ms"],
      f"{k['netkit']['ms']:.2f} vs 1.5 × {k['busybox']['ms']:.2f} ms")
check("1 KiB TLS ≤ curl", kt["netkit"]["ms"] <= kt["curl"]["ms"],
      f"{kt['netkit']['ms']:.2f} vs {kt['curl']['ms']:.2f} ms")
print("\n-- targets (issue 12)")
for name, ok, detail in targets:
    print(f"  {'met ' if ok else 'MISS'}  {name:38} {detail}")
print(f"\n(measured in {time.perf_counter() - t_all:.0f} s)")
if failed:
    print("FAILED: " + "; ".join(failed), file=sys.stderr)
    sys.exit(1)
PY
