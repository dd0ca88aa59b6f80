#!/bin/sh
# --version and --help work with no display, no session bus and no
# installed settings schema (an uninstalled build run by hand), and --help
# lists every command of the binary. Without a schema the app says so in a
# line and exits 1, instead of aborting in g_settings_new().
set -eu
bin="$AGENTFLOW_TOP_BUILDDIR/src/agentflow"
empty=$(mktemp -d)
trap 'rm -rf "$empty"' EXIT

# No display, no bus, and no schema anywhere: XDG_DATA_DIRS hides one
# installed on this machine.
bare() {
  env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS -u GSETTINGS_SCHEMA_DIR \
    XDG_DATA_DIRS="$empty" XDG_DATA_HOME="$empty" "$bin" "$@"
}

rc=0
out=$(bare --version 2>"$empty/err") || rc=$?
[ "$rc" -eq 0 ] || { echo "--version exited $rc (a signal is 128+N):"; cat "$empty/err"; exit 1; }
[ "$out" = "agentflow $(sed -n "s/^ *version: '\(.*\)',$/\1/p" "$AGENTFLOW_TOP_SRCDIR/meson.build")" ] || { echo "unexpected --version: $out"; exit 1; }

for option in --help -h; do
  rc=0
  help=$(bare $option 2>"$empty/err") || rc=$?
  [ "$rc" -eq 0 ] || { echo "$option exited $rc (a signal is 128+N):"; cat "$empty/err"; exit 1; }
  printf '%s\n' "$help" | grep -q 'Usage:' || { echo "$option prints no usage"; exit 1; }
  for cmd in --version --background --sandbox --list-agents --run-agent --dry-run --pause --resume \
             --export --import --headless 'agentflow connect' 'agentflow accounts' 'agentflow disconnect'; do
    printf '%s\n' "$help" | grep -q -- "$cmd" || { echo "$option does not list $cmd:"; printf '%s\n' "$help"; exit 1; }
  done
  for heading in 'Engine options' 'Application Options' 'Account commands'; do
    printf '%s\n' "$help" | grep -q "^$heading" || { echo "$option has no group \"$heading\""; exit 1; }
  done
done

rc=0
bare --help-engine >"$empty/out" 2>&1 || rc=$?
[ "$rc" -eq 0 ] && grep -q -- '--list-agents' "$empty/out" || { echo "--help-engine failed ($rc):"; cat "$empty/out"; exit 1; }

# The window needs the settings: without a schema, one clear line, exit 1.
rc=0
bare >"$empty/out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { echo "without a schema the app exited $rc, not 1:"; cat "$empty/out"; exit 1; }
[ "$(wc -l <"$empty/out")" -eq 1 ] && grep -q 'settings schema.*not installed' "$empty/out" ||
  { echo "without a schema the app did not say so in one line:"; cat "$empty/out"; exit 1; }

echo "cli ok: $out"
