#!/usr/bin/env bash
# Telnet benchmark (issue 17): a login + three commands dialogue against inetutils telnetd
# (under xinetd, on loopback) driven by `netkit telnet --send/--expect` and by expect(1)
# driving inetutils telnet, side by side with hyperfine; then CPU and peak RSS of one run each.
# Target: netkit ≤ 0.5× expect's wall time.
# Usage: bench/telnet.sh [RUNS]  (default 20)   Needs: root, xinetd, inetutils-telnetd,
# inetutils-telnet, expect, hyperfine
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-20}
cargo build --release --quiet
NK=$PWD/target/release/netkit
WORK=$(mktemp -d /tmp/netkit-telnetbench.XXXXXX)
chmod 755 "$WORK"
XPID=
cleanup() { [ -n "$XPID" ] && kill "$XPID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$WORK/login.sh" <<'SH'
#!/bin/sh
# Builtins only (no fork per line), so the dialogue's time is the clients', not the script's.
CR=$(printf '\r')
read_value() { v=; while [ -z "$v" ]; do IFS= read -r v || exit 1; v=${v%"$CR"}; done; }
printf 'login: '; read_value; user=$v
printf 'Password: '; stty -echo 2>/dev/null; read_value; pass=$v; stty echo 2>/dev/null; echo
[ "$user" = nkuser ] && [ "$pass" = bench-pass ] || { echo "Login incorrect"; exit 1; }
echo "Welcome $user"
while printf '$ ' && IFS= read -r line; do
  line=${line%"$CR"}
  case "$line" in
    quit) echo bye; exit 0;;
    "") ;;
    *) echo "ran: $line";;
  esac
done
SH
chmod 755 "$WORK/login.sh"
cat > "$WORK/xinetd.conf" <<CONF
defaults
{
  log_type = FILE $WORK/xinetd.log
  only_from = 127.0.0.1
  instances = UNLIMITED
  per_source = UNLIMITED
  cps = 10000 1
}
service bench-telnet
{
  type = UNLISTED
  socket_type = stream
  protocol = tcp
  port = $PORT
  bind = 127.0.0.1
  wait = no
  user = root
  server = /usr/sbin/telnetd
  server_args = -h -E $WORK/login.sh
}
CONF
/usr/sbin/xinetd -dontfork -stayalive -f "$WORK/xinetd.conf" -pidfile "$WORK/x.pid" &
XPID=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
sleep 0.3
cat > "$WORK/dialogue.exp" <<EXP
set timeout 10
spawn -noecho inetutils-telnet 127.0.0.1 $PORT
expect "login: "
send "nkuser\r"
expect "Password: "
send "bench-pass\r"
expect "\\\$ "
send "uname\r"
expect "ran: uname"
send "date\r"
expect "ran: date"
send "uptime\r"
expect "ran: uptime"
send "quit\r"
expect eof
EXP
NKCMD="$NK telnet 127.0.0.1 $PORT -q --expect 'login: ' --send nkuser --expect 'Password: ' --send bench-pass --expect '\\\$ \$' --send uname --expect 'ran: uname' --send date --expect 'ran: date' --send uptime --expect 'ran: uptime' --send quit"
EXPCMD="expect -f $WORK/dialogue.exp"
# Both must complete the dialogue before they are timed.
bash -c "$NKCMD" > "$WORK/nk.out" || { echo "netkit dialogue failed"; cat "$WORK/nk.out"; exit 1; }
$EXPCMD > "$WORK/exp.out" || { echo "expect dialogue failed"; cat "$WORK/exp.out"; exit 1; }
# (inetutils telnetd may drop the last output when the login exits: quit ends both runs)
grep -q 'ran: uptime' "$WORK/nk.out" && grep -q 'ran: uptime' "$WORK/exp.out"
echo "# login + 3 commands against inetutils telnetd (xinetd, loopback), $RUNS runs each"
hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$WORK/h.json" -n netkit "$NKCMD" -n expect+telnet "$EXPCMD" > /dev/null 2>&1 || \
  hyperfine --warmup 2 --runs "$RUNS" --export-json "$WORK/h.json" -n netkit "$NKCMD" -n expect+telnet "$EXPCMD" > /dev/null
for name in netkit expect; do
  cmd=$NKCMD; [ "$name" = expect ] && cmd=$EXPCMD
  /usr/bin/time -f '%U %S %M' -o "$WORK/t.$name" bash -c "$cmd" > /dev/null
done
/usr/bin/python3 - "$WORK" <<'PY'
import json, sys
w = sys.argv[1]
r = {x["command"]: x for x in json.load(open(w + "/h.json"))["results"]}
print("%-14s %9s %9s %8s %8s %9s" % ("tool", "mean_ms", "stddev", "user_s", "sys_s", "rss_mib"))
for name, key in (("netkit", "netkit"), ("expect+telnet", "expect")):
    u, s, m = open(w + "/t." + key).read().split()
    x = r[name]
    print("%-14s %9.1f %9.1f %8s %8s %9.1f" % (name, x["mean"] * 1000, x["stddev"] * 1000, u, s, int(m) / 1024))
ratio = r["netkit"]["mean"] / r["expect+telnet"]["mean"]
print("netkit / expect wall time: %.2fx (target <= 0.5x): %s" % (ratio, "met" if ratio <= 0.5 else "missed"))
PY
