#!/usr/bin/env bash
# IMAP benchmark (issue 15): `netkit imap export --maildir` vs mbsync (isync, Maildir, fsync
# on), curl (one message per invocation, as curl's imap:// works) and a Python imaplib loop
# (one UID FETCH per message, Maildir, fsync), side by side in one run against dovecot on
# loopback. Mailbox: COUNT messages of 20 KiB and BIG of 5 MiB, seeded straight into the
# account's Maildir. Reports wall time, messages/s, CPU and peak RSS, and checks that every
# stored message equals what the server holds. curl runs on the first CURL_N messages only
# (one process each) and its rate is reported from those.
# Usage: bench/imap.sh [COUNT] [BIG] [CURL_N]  (default 5000 20 300)  Needs: dovecot-imapd, isync
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-5000}
BIG=${2:-20}
CURL_N=${3:-300}
cargo build --release --quiet
NK=$PWD/target/release/netkit
WORK=$(mktemp -d /tmp/netkit-imapbench.XXXXXX)
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
protocols = imap
listen = 127.0.0.1
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = 1000
mail_location = maildir:~/Maildir
ssl = no
passdb {
  driver = passwd-file
  args = $WORK/dc/users
}
userdb {
  driver = passwd-file
  args = $WORK/dc/users
}
service imap-login {
  inet_listener imap {
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
URL="imap://$USER_NAME:bench-pass@127.0.0.1:$PORT/INBOX"
TOTAL=$((COUNT + BIG))
# Warm dovecot's index once so every client sees the same server state.
"$NK" imap status "$URL" -q > /dev/null

check() {  # every stored file must be one of the server's messages in CRLF form
  /usr/bin/python3 - "$WORK/home/Maildir/cur" "$1" "${2:-0}" <<'PY'
import sys, os, hashlib
src, dest, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
want = sorted(hashlib.sha256(open(os.path.join(src, f), "rb").read().replace(b"\n", b"\r\n")).hexdigest() for f in os.listdir(src))
got = []
for root, dirs, files in os.walk(dest):
    if os.path.basename(root) in ("new", "cur"):
        for f in files:
            got.append(hashlib.sha256(open(os.path.join(root, f), "rb").read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")).hexdigest())
if limit:
    print("ok (%d of them, each one of the server's)" % len(got) if len(got) == limit and set(got) <= set(want) else "MISMATCH")
elif sorted(got) == want:
    print("ok (all %d byte-identical)" % len(got))
elif len(got) == len(want):
    print("all %d stored, bytes differ (the tool rewrites messages)" % len(got))
else:
    print("MISMATCH (%d stored, %d on the server)" % (len(got), len(want)))
PY
}

fetch_netkit() { "$NK" imap export "$URL" --maildir "$1" -q > /dev/null; }
fetch_python() { /usr/bin/python3 - "$PORT" "$1" <<'PY'
import imaplib, sys, os, time
port, d = int(sys.argv[1]), sys.argv[2]
for s in ("tmp", "new", "cur"): os.makedirs(os.path.join(d, s), exist_ok=True)
m = imaplib.IMAP4("127.0.0.1", port); m.login("nkuser1", "bench-pass")
m.select("INBOX", readonly=True)
uids = m.uid("SEARCH", None, "ALL")[1][0].split()
dfd = os.open(os.path.join(d, "new"), os.O_RDONLY)
for u in uids:
    typ, data = m.uid("FETCH", u, "(BODY.PEEK[])")
    body = data[0][1]
    name = "%d.M%sP%d.py" % (time.time(), u.decode(), os.getpid())
    t = os.path.join(d, "tmp", name)
    with open(t, "wb") as f:
        f.write(body); f.flush(); os.fsync(f.fileno())
    os.rename(t, os.path.join(d, "new", name)); os.fsync(dfd)
m.logout()
PY
}
fetch_mbsync() {
  mkdir -p "$1"
  cat > "$WORK/mbsyncrc" <<RC
IMAPAccount bench
Host 127.0.0.1
Port $PORT
User nkuser1
Pass bench-pass
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account bench

MaildirStore local
Path $1/
Inbox $1/INBOX

Channel c
Far :remote:
Near :local:
Patterns INBOX
Create Near
Sync Pull
SyncState *
RC
  mbsync -q -c "$WORK/mbsyncrc" c
}
fetch_curl() {
  mkdir -p "$1"/{tmp,new,cur}
  for i in $(seq 1 "$CURL_N"); do
    curl -s -o "$1/tmp/$i" "imap://127.0.0.1:$PORT/INBOX;UID=$i" -u nkuser1:bench-pass && sync "$1/tmp/$i" && mv "$1/tmp/$i" "$1/new/$i"
  done
}
export -f fetch_netkit fetch_python fetch_mbsync fetch_curl
export NK URL PORT WORK CURL_N

echo "# imap export of $COUNT x 20 KiB + $BIG x 5 MiB from dovecot on loopback, fsync on"
printf '%-8s %8s %9s %9s %8s %8s %9s  %s\n' tool msgs wall_s msg_per_s user_s sys_s rss_mib check
declare -A RATE
for tool in netkit mbsync python curl; do
  dest="$WORK/out-$tool"
  n=$TOTAL; lim=0
  if [ "$tool" = curl ]; then n=$CURL_N; lim=$CURL_N; fi
  sync
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" bash -c "fetch_$tool $dest"
  read -r wall user sys rss < "$WORK/time"
  rate=$(echo "$n / ($wall + 0.001)" | bc -l)
  RATE[$tool]=$rate
  printf '%-8s %8d %9.2f %9.0f %8.2f %8.2f %9.1f  %s\n' "$tool" "$n" "$wall" "$rate" "$user" "$sys" "$(echo "$rss/1024" | bc -l)" "$(check "$dest" "$lim")"
  rm -rf "$dest"
done
printf 'netkit / mbsync: %.2fx   netkit / curl: %.1fx   netkit / python: %.2fx\n' \
  "$(echo "${RATE[netkit]} / ${RATE[mbsync]}" | bc -l)" "$(echo "${RATE[netkit]} / ${RATE[curl]}" | bc -l)" \
  "$(echo "${RATE[netkit]} / ${RATE[python]}" | bc -l)"
