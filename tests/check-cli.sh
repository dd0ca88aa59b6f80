#!/bin/sh
# --version and --help work with no display and no session bus.
set -eu
bin="$AGENTFLOW_TOP_BUILDDIR/src/agentflow"
out=$(env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS "$bin" --version)
[ "$out" = "agentflow $(sed -n "s/^ *version: '\(.*\)',$/\1/p" "$AGENTFLOW_TOP_SRCDIR/meson.build")" ] || { echo "unexpected --version: $out"; exit 1; }
help=$(env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS "$bin" --help)
printf '%s\n' "$help" | grep -q -- '--version' || { echo "--help does not list --version"; exit 1; }
printf '%s\n' "$help" | grep -q 'Usage:' || { echo "--help prints no usage"; exit 1; }
echo "cli ok: $out"
