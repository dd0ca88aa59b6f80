#!/bin/sh
# Core, sandbox and the app layer never include GTK or libadwaita: they run without a display.
set -eu
cd "$AGENTFLOW_TOP_SRCDIR"
if grep -rnE '#\s*include\s*[<"](gtk/|gdk/|adwaita\.h|libportal-gtk4)' src/core src/sandbox src/app; then
  echo "core must not include GTK headers" >&2
  exit 1
fi
if grep -nE 'gtk_dep|adw_dep|portal_dep' src/core/*/meson.build src/sandbox/meson.build src/app/meson.build; then
  echo "core libraries must not depend on GTK" >&2
  exit 1
fi
echo "core, sandbox and app are free of GTK"
