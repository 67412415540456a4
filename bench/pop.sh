#!/usr/bin/env bash
# POP3 benchmark (issue 14): `netkit pop fetch --maildir` vs fetchmail (MDA writing Maildir
# with fsync) and a Python poplib loop (Maildir, fsync), side by side in one run against
# dovecot on loopback. Mailbox: COUNT messages of 20 KiB and BIG messages of 5 MiB, seeded
# straight into the account's Maildir. Reports wall time, messages/s, CPU and peak RSS, and
# checks that every stored message equals what the server holds (CRLF form).
# busybox popmaildir is not in Debian's busybox build; it is reported as not measured.
# Usage: bench/pop.sh [COUNT] [BIG]   (default 2000 20)   Needs: dovecot-pop3d, fetchmail
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-2000}
BIG=${2:-20}
cargo build --release --quiet
NK=$PWD/target/release/netkit
WORK=$(mktemp -d /tmp/netkit-popbench.XXXXXX)
chmod 755 "$WORK"
DC_PID=
cleanup() { [ -n "$DC_PID" ] && kill -- -"$DC_PID" 2>/dev/null; sleep 0.2; rm -rf "$WORK"; }
trap cleanup EXIT
USER_NAME=nkuser1
id "$USER_NAME" >/dev/null 2>&1 || useradd -M -s /bin/sh "$USER_NAME"
UID_N=$(id -u "$USER_NAME"); GID_N=$(id -g "$USER_NAME")
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$WORK/dc/run" "$WORK/dc/lib" "$WORK/dc/log" "$WORK/home/Maildir/"{cur,new,tmp}
echo "$USER_NAME:{PLAIN}bench-pass:$UID_N:$GID_N::$WORK/home::" > "$WORK/dc/users"
chgrp dovecot "$WORK/dc/users"; chmod 640 "$WORK/dc/users"
cat > "$WORK/dc/dovecot.conf" <<CONF
base_dir = $WORK/dc/run
state_dir = $WORK/dc/lib
log_path = $WORK/dc/log/dovecot.log
protocols = pop3
listen = 127.0.0.1
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = 1000
mail_location = maildir:~/Maildir
pop3_no_flag_updates = yes
ssl = no
passdb {
  driver = passwd-file
  args = $WORK/dc/users
}
userdb {
  driver = passwd-file
  args = $WORK/dc/users
}
service pop3-login {
  inet_listener pop3 {
    port = $PORT
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
CONF
/usr/bin/python3 - "$WORK/home/Maildir/cur" "$COUNT" "$BIG" <<'PY'
import sys, os
d, count, big = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
line = b"0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\n"
def msg(i, size):
    m = b"From: a%d@netkit.test\nSubject: bench %d\n\n.dot line\nFrom line\n" % (i, i)
    while len(m) < size:
        m += line
    return m
for i in range(count + big):
    size = 5 * 1024 * 1024 if i >= count else 20 * 1024
    open(os.path.join(d, "%d.M%dP1.bench:2," % (1700000000 + i, i)), "wb").write(msg(i, size))
PY
chown -R "$UID_N:$GID_N" "$WORK/home"; chmod -R go-rwx "$WORK/home/Maildir"
setsid dovecot -F -c "$WORK/dc/dovecot.conf" &
DC_PID=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
URL="pop3://$USER_NAME:bench-pass@127.0.0.1:$PORT"
TOTAL=$((COUNT + BIG))
# Warm dovecot's index once so every client sees the same server state.
"$NK" pop stat "$URL" -q > /dev/null

check() {  # every stored file must be one of the server's messages in CRLF form
  /usr/bin/python3 - "$WORK/home/Maildir/cur" "$1" <<'PY'
import sys, os, hashlib
src, dest = sys.argv[1], sys.argv[2]
want = sorted(hashlib.sha256(open(os.path.join(src, f), "rb").read().replace(b"\n", b"\r\n")).hexdigest() for f in os.listdir(src))
got = []
for sub in ("new", "cur"):
    p = os.path.join(dest, sub)
    for f in os.listdir(p):
        got.append(hashlib.sha256(open(os.path.join(p, f), "rb").read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")).hexdigest())
if sorted(got) == want:
    print("ok (byte-identical)")
elif len(got) == len(want):
    print("all %d stored, bytes differ (the tool adds headers)" % len(got))
else:
    print("MISMATCH (%d stored, %d on the server)" % (len(got), len(want)))
PY
}

fetch_netkit() { "$NK" pop fetch "$URL" --maildir "$1" -q > /dev/null; }
fetch_python() { /usr/bin/python3 - "$PORT" "$1" <<'PY'
import poplib, sys, os, time
port, d = int(sys.argv[1]), sys.argv[2]
for s in ("tmp", "new", "cur"): os.makedirs(os.path.join(d, s), exist_ok=True)
p = poplib.POP3("127.0.0.1", port); p.user("nkuser1"); p.pass_("bench-pass")
n = len(p.list()[1]); dfd = os.open(os.path.join(d, "new"), os.O_RDONLY)
for i in range(1, n + 1):
    data = b"\r\n".join(p.retr(i)[1]) + b"\r\n"
    name = "%d.M%dP%d.py" % (time.time(), i, os.getpid())
    t = os.path.join(d, "tmp", name)
    with open(t, "wb") as f:
        f.write(data); f.flush(); os.fsync(f.fileno())
    os.rename(t, os.path.join(d, "new", name)); os.fsync(dfd)
p.quit()
PY
}
fetch_fetchmail() {
  mkdir -p "$1"/{tmp,new,cur}
  cat > "$WORK/mda.sh" <<MDA
#!/bin/sh
f="$1/tmp/\$\$.\$(date +%s%N)"
cat > "\$f" && sync "\$f" && mv "\$f" "$1/new/" && sync "$1/new"
MDA
  chmod +x "$WORK/mda.sh"
  printf 'poll 127.0.0.1 service %s protocol pop3 auth password user "nkuser1" password "bench-pass" keep fetchall no rewrite sslproto "" mda "%s"\n' "$PORT" "$WORK/mda.sh" > "$WORK/fetchmailrc"
  chmod 600 "$WORK/fetchmailrc"
  HOME=$WORK fetchmail -f "$WORK/fetchmailrc" -s > "$WORK/fetchmail.log" 2>&1 || tail -3 "$WORK/fetchmail.log" >&2
}
export -f fetch_netkit fetch_python fetch_fetchmail
export NK URL PORT WORK

echo "# pop fetch of $COUNT x 20 KiB + $BIG x 5 MiB from dovecot on loopback, fsync on"
printf '%-10s %9s %9s %8s %8s %9s  %s\n' tool wall_s msg_per_s user_s sys_s rss_mib check
declare -A RATE
for tool in netkit python fetchmail; do
  dest="$WORK/out-$tool"
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" bash -c "fetch_$tool $dest"
  read -r wall user sys rss < "$WORK/time"
  rate=$(echo "$TOTAL / ($wall + 0.001)" | bc -l)
  RATE[$tool]=$rate
  printf '%-10s %9.2f %9.0f %8.2f %8.2f %9.1f  %s\n' "$tool" "$wall" "$rate" "$user" "$sys" "$(echo "$rss/1024" | bc -l)" "$(check "$dest")"
  rm -rf "$dest"
done
echo "busybox popmaildir: not measured (not in Debian's busybox build)"
printf 'netkit / fetchmail: %.2fx   netkit / python: %.2fx\n' \
  "$(echo "${RATE[netkit]} / ${RATE[fetchmail]}" | bc -l)" "$(echo "${RATE[netkit]} / ${RATE[python]}" | bc -l)"
