#!/bin/sh
# A read-only data folder and a full disk (a small tmpfs, filled before the
# engine opens its database and while a run records its activity): the
# engine commands say what is wrong and exit non-zero, never crash, never
# report success for a run whose record was lost, and never write over a
# database they could not open. Needs root for the mounts, which live in a
# private mount namespace (unshare -m) and vanish with it.
set -u
bin="${AGENTFLOW_TOP_BUILDDIR:?}/src/agentflow"

if [ "${1:-}" != "--inside" ]; then
  if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
    echo "SKIP: needs root and a private mount namespace"
    exit 77
  fi
  exec unshare -m sh "$0" --inside
fi

mount --make-rprivate / 2>/dev/null
tmp=$(mktemp -d /tmp/agentflow-disk.XXXXXX)
trap 'umount "$tmp/fs" 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/fs"
mount -t tmpfs -o size=4m,mode=0700 tmpfs "$tmp/fs" || { echo "SKIP: cannot mount a tmpfs"; exit 77; }
export AGENTFLOW_DATA_DIR="$tmp/fs/data"
export GSETTINGS_BACKEND=memory
db="$AGENTFLOW_DATA_DIR/sandbox/agentflow.db"
failed=0

fail () {
  echo "FAIL: $*"
  failed=1
}

# run NAME ARGS…: the command's status in $rc, its output in $tmp/NAME.out/.err
run () {
  name=$1
  shift
  env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS "$bin" --sandbox "$@" \
    >"$tmp/$name.out" 2>"$tmp/$name.err"
  rc=$?
  if [ $rc -ge 128 ]; then
    fail "$name: killed by signal $((rc - 128))"
    sed 's/^/  /' "$tmp/$name.err"
  fi
  if grep -q -e CRITICAL -e 'ERROR:' -e AddressSanitizer "$tmp/$name.err"; then
    fail "$name: critical warning"
    sed 's/^/  /' "$tmp/$name.err"
  fi
}

expect_error () {
  name=$1
  pattern=$2
  if [ $rc -eq 0 ]; then
    fail "$name: exit status 0"
  elif ! grep -q "$pattern" "$tmp/$name.err"; then
    fail "$name: no message “$pattern”:"
    sed 's/^/  /' "$tmp/$name.err"
  fi
}

checksum () {
  sha256sum "$db" | cut -d' ' -f1
}

# sql QUERY: the first column of the first row
sql () {
  /usr/bin/python3 - "$db" "$1" <<'EOF'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
print(con.execute(sys.argv[2]).fetchone()[0])
EOF
}

integrity () {
  sql "PRAGMA integrity_check"
}

# fill KIB: leaves KIB free on the tmpfs
fill () {
  rm -f "$tmp/fs/filler"
  avail=$(df -k --output=avail "$tmp/fs" | tail -1)
  if [ "$1" -eq 0 ]; then
    dd if=/dev/zero of="$tmp/fs/filler" bs=4k 2>/dev/null
  else
    dd if=/dev/zero of="$tmp/fs/filler" bs=1k count=$((avail - $1)) 2>/dev/null
  fi
}

run create --list-agents
[ $rc -eq 0 ] || fail "create: exit status $rc"
agent=$(awk 'NR == 1 { print $1 }' "$tmp/create.out")
[ -n "$agent" ] || { fail "create: no agent listed"; exit 1; }
before=$(checksum)

# 1. A read-only data folder: the database cannot be opened for writing.
mount -o remount,ro "$tmp/fs"
run ro-list --list-agents
expect_error ro-list "read-only"
run ro-run --run-agent "$agent"
expect_error ro-run "read-only"
mount -o remount,rw "$tmp/fs"
[ "$(checksum)" = "$before" ] || fail "read-only: the database changed"

# 2. A full disk before the database opens.
fill 0
run full-list --list-agents
expect_error full-list "disk is full"
run full-run --run-agent "$agent"
expect_error full-run "disk is full"
rm -f "$tmp/fs/filler"
[ "$(checksum)" = "$before" ] || fail "full disk at open: the database changed"

# 3. The disk fills up while a run records its activity: a few sizes, so
#    that it runs out at different steps of the run.
for free in 48 64 80 96 128 192; do
  fill $free
  run "full-$free" --run-agent "$agent"
  echo "run with ${free} KiB free: exit status $rc"
  if [ $rc -eq 0 ]; then
    # Success is only allowed when everything was recorded.
    if grep -q "Could not" "$tmp/full-$free.err"; then
      fail "full-$free: exit status 0 though something was not recorded:"
      sed 's/^/  /' "$tmp/full-$free.err"
    fi
  else
    expect_error "full-$free" "disk is full"
  fi
  rm -f "$tmp/fs/filler"
  [ "$(integrity)" = "ok" ] || fail "full-$free: integrity_check failed"
done

# 4. With space again, everything works and nothing was lost on the way.
run after --list-agents
[ $rc -eq 0 ] || fail "after: exit status $rc"
grep -q "$agent" "$tmp/after.out" || fail "after: the agent is gone"
run after-run --run-agent "$agent"
[ $rc -eq 0 ] || { fail "after-run: exit status $rc"; sed 's/^/  /' "$tmp/after-run.err"; }
# A run the full disk cut short reads as interrupted, never as running.
left=$(sql "SELECT count(*) FROM runs WHERE outcome = 'running'")
[ "$left" = 0 ] || fail "after-run: $left runs still recorded as running, though no process runs them"
echo "runs: $(sql "SELECT group_concat(outcome || ' ' || n, ', ') FROM (SELECT outcome, count(*) AS n FROM runs GROUP BY 1)")"

[ $failed -eq 0 ] && echo "disk faults ok: read-only folder, full disk at open and during a run"
exit $failed
