#!/usr/bin/env bash
# Start-up cost (issue 11): what every script pays per call. netkit --version and a
# one-argument urlquote beside /bin/true, busybox true, and python3 -c pass, side by side in
# one hyperfine run; reports mean wall time, ratio to /bin/true, user+sys CPU, peak RSS and
# instructions (perf stat, when perf is there). Target: netkit ≤ 1.5× /bin/true.
# STATIC=1 adds a static-pie build (glibc, -C target-feature=+crt-static) beside the default
# PIE: the dynamic loader's relocations and symbol binding are most of what is left.
# Usage: bench/startup.sh [RUNS]   (default 1000)   Needs: hyperfine, busybox, /usr/bin/time (apt)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-1000}
cargo build --release --quiet -p netkit
NK=$PWD/target/release/netkit
BB=$(command -v busybox || true)
PY=${PYTHON:-/usr/bin/python3}
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT

cmds=(/bin/true)
[ -n "$BB" ] && cmds+=("$BB true")
cmds+=("$NK --version" "$NK urlquote a" "$NK urlparse --get {host} http://x/")
if [ "${STATIC:-0}" = 1 ]; then
  # --target keeps crt-static off the proc-macros, which must stay dynamic libraries.
  RUSTFLAGS="-C target-feature=+crt-static" CARGO_TARGET_DIR=$PWD/target/static \
    cargo build --release --quiet -p netkit --target x86_64-unknown-linux-gnu
  NKS=$PWD/target/static/x86_64-unknown-linux-gnu/release/netkit
  cmds+=("$NKS --version" "$NKS urlquote a")
  echo "== sizes (stripped release): dynamic $(stat -c %s "$NK") B, static $(stat -c %s "$NKS") B =="
fi
[ -x "$PY" ] && cmds+=("$PY -S -c pass")
echo "== start-up: hyperfine -N, $RUNS runs, $(nproc) cores, binary $(stat -c %s "$NK") bytes =="
hyperfine -N --warmup 50 --runs "$RUNS" --export-json "$WORK/h.json" "${cmds[@]}" >/dev/null 2>&1
$PY - "$WORK/h.json" "$PWD" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
base = r[0]["mean"]
print(f"{'command':44} {'mean ms':>8} {'±':>6} {'× true':>7} {'user+sys ms':>11}")
for x in r:
    cpu = (x["user"] + x["system"]) * 1000
    print(f"{x['command'].replace(sys.argv[2] + '/', ''):44} {x['mean']*1000:8.3f} {x['stddev']*1000:6.3f} {x['mean']/base:7.2f} {cpu:11.3f}")
PY
echo "== peak RSS (KiB, /usr/bin/time -f %M) =="
for c in "${cmds[@]}"; do
  # shellcheck disable=SC2086
  printf '%-52s %s\n' "${c/#$PWD\//}" "$(/usr/bin/time -f %M $c 2>&1 >/dev/null | tail -1)"
done
if command -v perf >/dev/null && perf stat -x, -e instructions:u true 2>&1 | grep -q '^[0-9]'; then
  echo "== instructions (user, perf stat, mean of 50) =="
  for c in "${cmds[@]}"; do
    # shellcheck disable=SC2086
    n=$(perf stat -x, -r 50 -e instructions:u $c 2>&1 >/dev/null | awk -F, '/instructions/ {print $1}')
    printf '%-52s %s\n' "${c/#$PWD\//}" "$n"
  done
fi
