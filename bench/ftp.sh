#!/usr/bin/env bash
# ftp benchmark (issue 13): netkit ftp beside curl ftp://, lftp, GNU wget and Python ftplib,
# side by side in one run, against a private vsftpd on loopback (anonymous, read-only root;
# explicit AUTH TLS with require_ssl_reuse=YES and a CA + leaf for 127.0.0.1 made by openssl
# here; its own passive range). Scenarios:
#   1 GiB (a sparse file: page-cache zeros, vsftpd sendfile()s it) to /dev/null and to a file,
#   plain and FTPS (the file rows are checked by size; the bytes are all zeros);
#   a mirror of 2,000 files of 16 KiB (random, in 20 directories) to a fresh directory, one
#   control connection and four (netkit -P 4 vs lftp mirror -P 4), checked byte for byte.
# The file and mirror rows are repeated on tmpfs (/dev/shm) for netkit and curl/lftp: netkit
# fsyncs every file and its directory before the rename (issue 13: never half a file), the
# others do not, and the difference between the disk and tmpfs rows is that durability.
# Dirty pages are flushed (sync) before every run so one run's writeback does not land in the
# next one's time.
# Reports wall time, throughput, user+sys CPU and peak RSS of the client (vsftpd not
# counted), each tool's ratio to curl (1 GiB) or to lftp's mirror, then the issue's targets.
# Exits 1 if any tool failed or wrote wrong bytes.
# Usage: bench/ftp.sh [RUNS]   (median of RUNS, default 3)
#        ONLY=REGEX bench/ftp.sh   only the scenarios whose name matches (ONLY=mirror, ONLY=1g-file)
# Needs: root (vsftpd's anonymous chroot), vsftpd, curl, lftp, wget, openssl, python3,
# GNU time; about three minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
cargo build --release --quiet -p netkit
NK=${CARGO_TARGET_DIR:-$PWD/target}/release/netkit
PY=${PYTHON:-/usr/bin/python3}
# Every /dev/null row depends on it: a regular file there would be written like any other.
[ -c /dev/null ] || { echo "/dev/null is not a character device; restore it (mknod -m 666 /dev/null c 1 3)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bench/ftp.sh: vsftpd's anonymous chroot needs root" >&2; exit 1; }
for t in /usr/sbin/vsftpd curl lftp wget openssl /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "bench/ftp.sh: $t missing (scripts/test installs it)" >&2; exit 1; }
done
WORK=$(mktemp -d)
chmod 755 "$WORK"
SHM=$(mktemp -d -p /dev/shm)
FTPD_PID=
cleanup() {
  if [ -n "$FTPD_PID" ]; then kill "$FTPD_PID" 2>/dev/null || true; wait "$FTPD_PID" 2>/dev/null || true; fi
  rm -rf "$WORK" "$SHM"
}
trap cleanup EXIT INT TERM

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P=$(free_port)
# 200 passive ports from a free one: 2,000 data connections in a few seconds, some in TIME_WAIT.
LO=$(( $(free_port) % 20000 + 30000 ))
HI=$((LO + 199))

# Content: the anonymous root is root-owned and not writable (vsftpd refuses otherwise).
mkdir -p "$WORK/anon/tree" "$WORK/empty" "$WORK/out" "$WORK/log"
truncate -s 1G "$WORK/anon/big"
$PY - "$WORK/anon/tree" <<'PY'
import os, sys
for d in range(20):
    os.mkdir(f"{sys.argv[1]}/d{d:02}")
    for f in range(100):
        with open(f"{sys.argv[1]}/d{d:02}/f{f:03}.bin", "wb") as fh:
            fh.write(os.urandom(16384))
PY
chmod -R a+rX,go-w "$WORK/anon"
chmod 755 "$WORK/anon" "$WORK/empty"

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
  chmod 600 leaf.key
)
CA=$WORK/ca.pem

# KEY=VALUE lines only (vsftpd takes no comments after a value); mode 600, root's.
cat > "$WORK/vsftpd.conf" <<CONF
listen=YES
listen_address=127.0.0.1
listen_port=$P
background=NO
anonymous_enable=YES
anon_root=$WORK/anon
no_anon_password=YES
local_enable=NO
write_enable=NO
secure_chroot_dir=$WORK/empty
pasv_min_port=$LO
pasv_max_port=$HI
pasv_address=127.0.0.1
connect_from_port_20=NO
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
utf8_filesystem=YES
use_localtime=NO
delay_failed_login=0
max_clients=0
max_per_ip=0
ssl_enable=YES
allow_anon_ssl=YES
force_anon_logins_ssl=NO
force_anon_data_ssl=NO
rsa_cert_file=$WORK/leaf.pem
rsa_private_key_file=$WORK/leaf.key
require_ssl_reuse=YES
ssl_ciphers=HIGH
xferlog_enable=NO
vsftpd_log_file=$WORK/log/vsftpd.log
CONF
chmod 600 "$WORK/vsftpd.conf"
setsid /usr/sbin/vsftpd "$WORK/vsftpd.conf" > "$WORK/log/stdout" 2>&1 &
FTPD_PID=$!
for _ in $(seq 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$P") 2>/dev/null && break
  kill -0 "$FTPD_PID" 2>/dev/null || { cat "$WORK/log/stdout" >&2; exit 1; }
  sleep 0.1
done

# The measuring is done in Python. Each run is /usr/bin/time -f %M TOOL…: wait4 on time gives
# the tool's user+sys CPU at µs resolution (time's own ~1 ms included), perf_counter the wall
# time, and time's %M the tool's own peak RSS (a child spawned by Python would inherit
# Python's high-water mark across exec; one forked by time only time's, the floor printed).
set +e
ONLY=${ONLY:-} NK=$NK CA=$CA URL=ftp://127.0.0.1:$P ANON=$WORK/anon OUT=$WORK/out SHM=$SHM RUNS=$RUNS PY=$PY \
  "$PY" - <<'PY'
import filecmp, os, shutil, signal, statistics, stat, sys, time
E = os.environ
NK, CA, URL, ANON, OUT, SHM, PY = (E[k] for k in ("NK", "CA", "URL", "ANON", "OUT", "SHM", "PY"))
RUNS = int(E["RUNS"])
import re
ONLY = re.compile(E.get("ONLY") or ".")
want = lambda scen: scen == "warm" or ONLY.search(scen) is not None
ERR, RSS = OUT + "/stderr", OUT + "/rss"
HOSTPORT = URL.split("//", 1)[1]
BIG = 1 << 30

# Python ftplib: retrbinary into a file; FTPS resumes the control connection's TLS session
# on the data connection (vsftpd's require_ssl_reuse; stock FTP_TLS does not, and gets 522).
PYGET = r"""import ftplib, ssl, sys
host, port = sys.argv[1].rsplit(":", 1)
tls = len(sys.argv) > 3
class Reuse(ftplib.FTP_TLS):
    def ntransfercmd(self, cmd, rest=None):
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:
            conn = self.context.wrap_socket(conn, server_hostname=self.host,
                                            session=self.sock.session)
        return conn, size
if tls:
    ftp = Reuse(context=ssl.create_default_context(cafile=sys.argv[3]))
else:
    ftp = ftplib.FTP()
ftp.connect(host, int(port))
ftp.login()
if tls:
    ftp.prot_p()
with open(sys.argv[2], "wb") as f:
    ftp.retrbinary("RETR big", f.write, blocksize=1 << 16)
ftp.quit()
"""
# Python ftplib mirror: one connection, LIST parsed for directories, RETR of every file.
PYMIRROR = r"""import ftplib, os, sys
host, port = sys.argv[1].rsplit(":", 1)
ftp = ftplib.FTP()
ftp.connect(host, int(port))
ftp.login()
def walk(remote, local):
    os.makedirs(local, exist_ok=True)
    lines = []
    ftp.retrlines("LIST " + remote, lines.append)
    for line in lines:
        parts = line.split(None, 8)
        name = parts[8]
        if line.startswith("d"):
            walk(remote + "/" + name, os.path.join(local, name))
        elif line.startswith("-"):
            with open(os.path.join(local, name), "wb") as f:
                ftp.retrbinary("RETR " + remote + "/" + name, f.write, blocksize=1 << 16)
walk("tree", sys.argv[2])
ftp.quit()
"""
LFTP_SET = "set ftp:ssl-allow no; set net:max-retries 1; set cmd:fail-exit yes; "

def big_argv(tool, tls, out):
    if tool == "netkit":
        tls_args = ["--tls", "required", "--cacert", CA] if tls else ["--tls", "none"]
        return [NK, "ftp", "get", "-q"] + tls_args + [URL + "/big", "-o", out]
    if tool == "curl":
        return ["curl", "-sSf"] + (["--ssl-reqd", "--cacert", CA] if tls else []) \
            + ["-o", out, URL + "/big"]
    if tool == "wget":
        return ["wget", "-q", "-O", out, URL + "/big"]
    if tool == "python":
        return [PY, "-c", PYGET, HOSTPORT, out] + ([CA] if tls else [])
    raise ValueError(tool)

def mirror_argv(tool, out):
    if tool == "netkit":
        return [NK, "ftp", "get", "-r", "-q", "--tls", "none", URL + "/tree", out]
    if tool == "netkit-P4":
        return [NK, "ftp", "get", "-r", "-q", "--tls", "none", "-P", "4", URL + "/tree", out]
    if tool == "lftp":
        return ["lftp", "-c", LFTP_SET + f"open {URL}; mirror tree {out}"]
    if tool == "lftp-P4":
        return ["lftp", "-c", LFTP_SET + f"open {URL}; mirror -P 4 tree {out}"]
    if tool == "wget":
        return ["wget", "-q", "-m", "--remove-listing", "-nH", "--cut-dirs=1", "-P", out, URL + "/tree/"]
    if tool == "python":
        return [PY, "-c", PYMIRROR, HOSTPORT, out]
    raise ValueError(tool)

failed = []

def spawn(cmd):
    """Runs cmd once under /usr/bin/time: (ok, wall s, user+sys s, peak RSS KiB)."""
    exe = shutil.which(cmd[0]) or cmd[0]
    full = ["/usr/bin/time", "-f", "%M", "-o", RSS, exe] + cmd[1:]
    actions = [(os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
               (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
               (os.POSIX_SPAWN_OPEN, 2, ERR, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)]
    t0 = time.perf_counter()
    pid = os.posix_spawn("/usr/bin/time", full, os.environ, file_actions=actions)
    signal.signal(signal.SIGALRM, lambda *_: os.kill(pid, signal.SIGKILL))
    signal.alarm(120)
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    signal.alarm(0)
    try:
        rss = int(open(RSS).read().split()[-1])
    except (OSError, ValueError, IndexError):
        rss = 0
    return os.waitstatus_to_exitcode(status) == 0, wall, ru.ru_utime + ru.ru_stime, rss

def note_failure(scen, tool, why):
    failed.append(f"{scen} {tool}: {why}")
    try:
        text = open(ERR).read().strip()
    except OSError:
        text = ""
    print(f"  {scen} {tool}: {why}" + (f": {text[-400:]}" if text else ""), file=sys.stderr)

def null_ok():
    return stat.S_ISCHR(os.stat("/dev/null").st_mode)

def same_tree(a, b):
    """Every file of a in b with the same bytes, and nothing else in b."""
    cmp = filecmp.dircmp(a, b)
    def ok(c):
        if c.left_only or c.right_only or c.funny_files:
            return False
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        return not mismatch and not errors and all(ok(s) for s in c.subdirs.values())
    return ok(cmp)

data = {}
def record(scen, tool, runs, status):
    wall, cpu, rss = sorted(runs)[len(runs) // 2]
    data.setdefault(scen, {})[tool] = dict(wall=wall, cpu=cpu, rss=max(r[2] for r in runs) / 1024,
                                           status=status)

def one_big(scen, tool, tls, to_file, where=OUT):
    if not want(scen):
        return
    runs, status = [], "ok"
    for _ in range(RUNS):
        out = f"{where}/{tool}.big" if to_file else "/dev/null"
        if to_file and os.path.exists(out):
            os.unlink(out)
        os.sync()
        open(ERR, "w").close()
        ok, wall, cpu, rss = spawn(big_argv(tool, tls, out))
        if not null_ok():
            print("/dev/null is no longer a character device: stopping", file=sys.stderr)
            sys.exit(1)
        if not ok:
            status = "FAILED"; note_failure(scen, tool, "exit status")
        elif to_file and os.path.getsize(out) != BIG:
            status = "WRONG"; note_failure(scen, tool, f"size {os.path.getsize(out)}")
        if to_file and os.path.exists(out):
            os.unlink(out)
        runs.append((wall, cpu, rss))
    record(scen, tool, runs, status)

def one_mirror(scen, tool, where=OUT):
    if not want(scen):
        return
    runs, status = [], "ok"
    out = f"{where}/{tool}.mirror"
    for _ in range(RUNS):
        shutil.rmtree(out, ignore_errors=True)
        os.sync()
        open(ERR, "w").close()
        ok, wall, cpu, rss = spawn(mirror_argv(tool, out))
        if not ok:
            status = "FAILED"; note_failure(scen, tool, "exit status")
        elif not same_tree(ANON + "/tree", out):
            status = "WRONG"; note_failure(scen, tool, "tree differs")
        runs.append((wall, cpu, rss))
    shutil.rmtree(out, ignore_errors=True)
    record(scen, tool, runs, status)

t_all = time.perf_counter()
# Warm the page cache (the sparse file needs none; the tree and the binaries do).
for tool in ("netkit", "lftp", "python"):
    one_mirror("warm", tool)
data.pop("warm")
BIG_TOOLS = {False: ["netkit", "curl", "wget", "python"], True: ["netkit", "curl", "python"]}
for scen, tls, to_file in [("1g-null-plain", False, False), ("1g-file-plain", False, True),
                           ("1g-null-ftps", True, False), ("1g-file-ftps", True, True)]:
    for tool in BIG_TOOLS[tls]:
        one_big(scen, tool, tls, to_file)
for tool in ["netkit", "lftp", "wget", "python"]:
    one_mirror("mirror-1", tool)
for tool in ["netkit-P4", "lftp-P4"]:
    one_mirror("mirror-4", tool)
for tool in ["netkit", "curl"]:
    one_big("1g-file-plain-tmpfs", tool, False, True, SHM)
for tool in ["netkit", "lftp"]:
    one_mirror("mirror-1-tmpfs", tool, SHM)
for tool in ["netkit-P4", "lftp-P4"]:
    one_mirror("mirror-4-tmpfs", tool, SHM)
spawn(["/bin/true"])
floor = int(open(RSS).read().split()[-1]) / 1024

print(f"== netkit ftp vs curl, wget, lftp, python3 ftplib; vsftpd 3 on loopback; "
      f"{os.cpu_count()} cores; median of {RUNS} ==")
print("   CPU = the client's user+sys (vsftpd not counted); MB/s = 10^6 bytes per wall second;")
print(f"   RSS = /usr/bin/time %M, the largest of the runs (its floor, /bin/true: {floor:.1f} MiB);")
print("   FTPS = explicit AUTH TLS, PROT P, data TLS resuming the control session (require_ssl_reuse)")
for scen in ["1g-null-plain", "1g-file-plain", "1g-null-ftps", "1g-file-ftps",
             "1g-file-plain-tmpfs"]:
    if scen not in data:
        continue
    d = data[scen]
    for r in d.values():
        r["mbs"] = BIG / r["wall"] / 1e6
    where = "/dev/null" if "null" in scen else "a file on tmpfs" if "tmpfs" in scen else "a file (ext4)"
    print(f"\n-- {scen}: 1 GiB to {where}")
    print(f"  {'tool':9} {'wall s':>7} {'MB/s':>7} {'cpu s':>6} {'RSS MiB':>7} {'×curl':>6} {'cpu×curl':>8}  status")
    for t, r in d.items():
        print(f"  {t:9} {r['wall']:7.3f} {r['mbs']:7.0f} {r['cpu']:6.3f} {r['rss']:7.1f} "
              f"{r['mbs'] / d['curl']['mbs']:6.2f} {r['cpu'] / d['curl']['cpu']:8.2f}  {r['status']}")
for scen, label, base in [("mirror-1", "one control connection", "lftp"),
                          ("mirror-4", "four control connections", "lftp-P4"),
                          ("mirror-1-tmpfs", "one connection, to tmpfs", "lftp"),
                          ("mirror-4-tmpfs", "four connections, to tmpfs", "lftp-P4")]:
    if scen not in data:
        continue
    d = data[scen]
    print(f"\n-- {scen}: 2,000 files of 16 KiB (31 MiB) in 20 directories, {label}")
    print(f"  {'tool':9} {'wall s':>7} {'files/s':>7} {'cpu s':>6} {'RSS MiB':>7} {'×' + base:>9}  status")
    for t, r in d.items():
        print(f"  {t:9} {r['wall']:7.3f} {2000 / r['wall']:7.0f} {r['cpu']:6.3f} {r['rss']:7.1f} "
              f"{d[base]['wall'] / r['wall']:9.2f}  {r['status']}")
print("   (×lftp = lftp's wall time / the tool's: above 1 is faster than lftp)")

targets = []
def check(name, ok, detail):
    targets.append((name, ok, detail))
def check_if(scens, name, ok, detail):
    if all(s in data for s in scens):
        check(name, ok(), detail())
def good(scen, *tools):
    return all(data[scen][t]["status"] == "ok" for t in tools)
nk = lambda s: data[s]["netkit"]
cu = lambda s: data[s]["curl"]
for s in ("1g-null-plain", "1g-file-plain"):
    check_if([s], f"{s} throughput ≥ curl",
             lambda: good(s, "netkit", "curl") and nk(s)["mbs"] >= cu(s)["mbs"],
             lambda: f"{nk(s)['mbs']:.0f} vs {cu(s)['mbs']:.0f} MB/s")
    check_if([s], f"{s} CPU ≤ curl",
             lambda: good(s, "netkit", "curl") and nk(s)["cpu"] <= cu(s)["cpu"],
             lambda: f"{nk(s)['cpu']:.3f} vs {cu(s)['cpu']:.3f} s")
for s in ("1g-null-ftps", "1g-file-ftps"):
    check_if([s], f"{s} throughput ≥ curl",
             lambda: good(s, "netkit", "curl") and nk(s)["mbs"] >= cu(s)["mbs"],
             lambda: f"{nk(s)['mbs']:.0f} vs {cu(s)['mbs']:.0f} MB/s")
for s, ours, theirs, label in [
        ("mirror-1", "netkit", "lftp", "mirror faster than lftp mirror"),
        ("mirror-4", "netkit-P4", "lftp-P4", "mirror -P 4 faster than lftp mirror -P 4"),
        ("mirror-1-tmpfs", "netkit", "lftp", "(tmpfs) mirror faster than lftp mirror"),
        ("mirror-4-tmpfs", "netkit-P4", "lftp-P4", "(tmpfs) mirror -P 4 faster than lftp -P 4")]:
    check_if([s], label,
             lambda: good(s, ours, theirs) and data[s][ours]["wall"] < data[s][theirs]["wall"],
             lambda: f"{data[s][ours]['wall']:.2f} vs {data[s][theirs]['wall']:.2f} s")
rss = max(r["rss"] for d in data.values() for t, r in d.items() if t.startswith("netkit"))
check("peak RSS ≤ 8 MiB (netkit rows run)", rss <= 8, f"{rss:.1f} MiB")
print("\n-- targets (issue 13)")
for name, ok, detail in targets:
    print(f"  {'met ' if ok else 'MISS'}  {name:42} {detail}")
print(f"\n(measured in {time.perf_counter() - t_all:.0f} s)")
if failed:
    print("FAILED: " + "; ".join(failed), file=sys.stderr)
    sys.exit(1)
PY
rc=$?
[ -c /dev/null ] || echo "bench/ftp.sh: /dev/null is no longer a character device" >&2
exit $rc
